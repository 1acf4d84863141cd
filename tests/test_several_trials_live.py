"""The site as shipped, live: the Rasa and action servers and the web server
started by the project's own script, screening for NCT03558607 and
NCT05210907 in one conversation. A Korean daughter, an English mother and a
young man unsure of his diagnosis get a result per study, share with the
teams they choose (one reference per handoff), and the staff pages filter
the handoffs by study. Every persona of tests/personas/site that the chat
can finish gives the same per-study results live as from the evaluator."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import requests
import yaml

from bot.cli import evaluation_of_trials
from bot.eligibility.portfolio import site_portfolio
from tests.livechat import LiveChat
from tests.servers import database_url, running_bot
from tests.test_security import PASSWORD, _staff_users, staff_login
from tests.test_several_trials import ALL, AML, FATHER_KO, SON

pytestmark = pytest.mark.rasa
PERSONAS = Path(__file__).parent / "personas" / "site"
# Unsure which leukaemia it is: possibly eligible for both studies, so every question of both is asked.
UNSURE = {"respondent": "it's for me", "post_mpn_aml": "not sure, they just said leukemia",
          "all_relapsed_refractory": "not sure", "age": "I'm 20", "prior_ruxolitinib": "no", "recent_chemo": "no",
          "other_trial": "no", "ecog": "0", "fit_for_induction": "no", "other_malignancy": "no",
          "cardiac_function": "no", "hepatic_renal_function": "no", "serious_conditions": "no", "sex": "male",
          "male_barrier_contraception": "yes", "creatinine": "not sure", "liver_enzymes": "normal",
          "second_relapse": "not sure", "relapse_after_transplant": "no", "refractory": "not sure",
          "transplant_not_possible": "not sure", "hiv": "no", "cd19_documented": "not sure", "transplant_timing": "no",
          "hepatitis_bc": "no", "active_infection": "no"}
REFERENCE = re.compile(r"SNU-[0-9A-Z]{6}")


def _site_as_shipped(env):
    env.pop("TRIALBOT_TRIAL", None)
    _staff_users(env)


@pytest.fixture(scope="module")
def site(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("several")
    with running_bot(tmp, database_url(request.param, tmp), web=True, before_start=_site_as_shipped) as bot:
        yield bot


def pytest_generate_tests(metafunc):
    if "site" in metafunc.fixturenames:
        from tests.conftest import _backends
        metafunc.parametrize("site", list(_backends()), indirect=True, scope="module")


def share(chat: LiveChat, answers: list, contact: tuple, language_button: str, yes: str = "Yes, share",
          no: str = "No, thanks") -> list:
    """Answers each study team's offer in turn, then the contact questions; the references shown."""
    for answer in answers:
        assert chat.slot == "share_consent", chat.text()
        chat.click(yes if answer else no)
    for said in contact:
        chat.say(said)
    chat.click(language_button)
    return REFERENCE.findall(chat.text())


def screenings_of(site, sender: str) -> dict:
    from bot.records.tables import Screening

    with site.store.session() as s:
        rows = s.query(Screening).filter(Screening.sender_id == sender).all()
        return {r.trial_id: (r.outcome, r.handoff.reference if r.handoff else None) for r in rows}


def test_a_korean_daughter_for_her_father_shares_with_the_one_study_he_may_fit(site):
    chat = LiveChat(site)
    slots = chat.run_persona({"id": "ko-father", "language": "ko", "answers": FATHER_KO})
    assert slots["screening_outcomes"] == {AML: "likely_eligible", ALL: "likely_ineligible"}
    assert slots["screening_outcome"] == "likely_eligible"
    refs = share(chat, [True], ("김지은", "010-1234-5678", "평일 오전"), "한국어", yes="네, 공유할게요")
    assert chat.text().split("\n")[:2] == ["감사합니다. 연구팀마다 연락드릴 거예요. 접수 번호는 다음과 같아요:",
                                           f"- NCT03558607 연구: 접수 번호 {refs[0]}"]
    assert screenings_of(site, chat.sender) == {AML: ("likely_eligible", refs[0]), ALL: ("likely_ineligible", None)}
    site.ko_reference = refs[0]


def test_an_english_mother_for_her_son_shares_with_the_car_t_team(site):
    chat = LiveChat(site)
    slots = chat.run_persona({"id": "en-son", "language": "en", "answers": SON})
    assert slots["screening_outcomes"] == {AML: "likely_ineligible", ALL: "likely_eligible"}
    refs = share(chat, [True], ("Park Mina", "mina.park@example.com", "after 6pm"), "English")
    assert len(refs) == 1
    assert screenings_of(site, chat.sender) == {AML: ("likely_ineligible", None), ALL: ("likely_eligible", refs[0])}
    site.en_reference = refs[0]


def test_one_consent_and_one_reference_per_study_team(site):
    chat = LiveChat(site)
    slots = chat.run_persona({"id": "unsure", "language": "en", "answers": UNSURE})
    assert slots["screening_outcomes"] == {AML: "needs_review", ALL: "needs_review"}
    assert "team of study NCT03558607" in chat.text()  # the site's order when both are as promising
    refs = share(chat, [True, True], ("Lee Jun", "010-9876-5432", "any time"), "English")
    assert len(set(refs)) == 2
    assert screenings_of(site, chat.sender) == {AML: ("needs_review", refs[0]), ALL: ("needs_review", refs[1])}
    site.both = refs


def test_the_staff_queue_filters_handoffs_by_study(site):
    session = requests.Session()
    assert staff_login(site, "alice", PASSWORD, session).status_code == 302
    aml = session.get(site.web + "/staff", params={"trial": AML}, timeout=30).text
    car_t = session.get(site.web + "/staff", params={"trial": ALL}, timeout=30).text
    assert set(REFERENCE.findall(aml)) == {site.ko_reference, site.both[0]}
    assert set(REFERENCE.findall(car_t)) == {site.en_reference, site.both[1]}


@pytest.mark.parametrize("persona_id", ["en-site-4", "en-site-6", "ko-site-2", "ko-site-7"])
def test_a_persona_gets_the_same_result_per_study_live_as_from_the_evaluator(site, persona_id):
    personas = {p["id"]: p for f in ("en", "ko") for p in yaml.safe_load((PERSONAS / f"personas.{f}.yml").read_text())}
    persona = personas[persona_id]
    slots = LiveChat(site).run_persona(persona)
    expected = evaluation_of_trials(_shipped(), {k: str(v) for k, v in slots["answers"].items()}, date.today(),
                                    persona["language"])
    assert slots["screening_outcomes"] == expected["screening_outcomes"] == persona["expect"]


def _shipped():
    import os

    saved = os.environ.pop("TRIALBOT_TRIAL", None)
    try:
        return site_portfolio()
    finally:
        if saved is not None:
            os.environ["TRIALBOT_TRIAL"] = saved


def test_the_patient_page_names_the_hospital_and_each_study(site):
    page = requests.get(site.web + "/", timeout=30).text
    assert "<h1>Clinical trial pre-screening at Seoul National University Hospital</h1>" in page
    assert ("ruxolitinib with chemotherapy for AML that developed from an MPN (NCT03558607) · CD19 CAR-T cells made "
            "at the hospital, for children and young people whose ALL has come back or not responded to treatment "
            "(NCT05210907)") in page


def test_delete_my_data_erases_the_screening_of_every_study(site):
    chat = LiveChat(site)
    chat.start()
    for said in ("for my son", "he's 17", "yes, it relapsed"):
        chat.say(said)
    assert set(screenings_of(site, chat.sender)) == {AML, ALL}
    chat.say("delete my data")
    chat.click("Yes, erase")
    assert screenings_of(site, chat.sender) == {}
