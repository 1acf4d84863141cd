"""The site as shipped screens for two real trials at once (config/site.yml):
NCT03558607 (AML after an MPN, adults) and NCT05210907 (CAR-T for relapsed
or refractory ALL, under 26). Expected results come from the two listings:
a 17-year-old with relapsed ALL fits the second and not the first (no AML
after an MPN; under 18); a 67-year-old with AML after PV fits the first and
not the second (over 25). In process here; live in test_several_trials_live.py."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot import config
from bot.config import Site, SiteTrial, TrialStatus
from bot.conversation.turn import Conversation
from bot.eligibility.model import TrialFileError, load_trial
from bot.eligibility.portfolio import Listed, of_trials, single, site_portfolio
from tests.conversation_helpers import Chat
from tests.fixtures.made_up_trials import made_up_people, made_up_site, questions_asked, ratio_to_longest_alone

TODAY = date(2026, 12, 2)
AML, ALL = "NCT03558607", "NCT05210907"

# A mother for her son, 17, whose ALL came back twice: the CAR-T study's person.
SON = {"respondent": "I'm asking for my son", "post_mpn_aml": "no, he has ALL, not AML",
       "all_relapsed_refractory": "yes, it relapsed in the spring", "age": "he's 17",
       "second_relapse": "yes, it came back twice", "hiv": "no", "cd19_documented": "yes, CD19 positive",
       "ecog": "he is fully active",
       "hepatitis_bc": "no", "active_infection": "no"}
# A daughter for her father, 67, whose PV became AML: the ruxolitinib study's person.
FATHER_KO = {"respondent": "아버지 대신 여쭤봐요", "post_mpn_aml": "진성적혈구증가증이 급성골수성백혈병으로 진행했어요",
             "age": "67세세요", "prior_ruxolitinib": "아니요, 드신 적 없어요", "recent_chemo": "아니요",
             "other_trial": "아니요", "ecog": "혼자 씻고 드시는데 일은 못 하세요", "fit_for_induction": "아니요",
             "other_malignancy": "없어요", "cardiac_function": "없어요", "hepatic_renal_function": "없어요",
             "serious_conditions": "없어요", "male_barrier_contraception": "네, 그렇게 하실 거예요",
             "creatinine": "1.0 mg/dL", "liver_enzymes": "정상이래요"}


@pytest.fixture
def site(monkeypatch):
    """The site as shipped: the trials config/site.yml lists."""
    monkeypatch.delenv("TRIALBOT_TRIAL", raising=False)
    return site_portfolio()


def run(chat: Chat, answers: dict, limit: int = 40) -> list:
    """Answers each open question from `answers`; returns the ids asked, in order."""
    asked = []
    for _ in range(limit):
        if chat.slot == "summary":
            return asked
        assert chat.slot in answers, (chat.slot, chat.text())
        asked.append(chat.slot)
        chat.say(answers[chat.slot])
        assert chat.slot != asked[-1], (answers[asked[-1]], chat.text())
    raise AssertionError("no summary")


def son_until(site, slot: str) -> Chat:
    """The mother of SON, answering each question until `slot` is open."""
    chat = Chat(TODAY, site)
    chat.say("hi")
    chat.say("yes")
    while chat.slot != slot:
        chat.say(SON[chat.slot])
    return chat


def test_the_site_lists_its_trials_in_order_with_their_status(site):
    assert [(x.trial.id, x.status) for x in site.listed] == [(AML, TrialStatus.UNKNOWN), (ALL, TrialStatus.RECRUITING)]
    assert [t.id for t in site.screened] == [AML, ALL] and not site.single


def test_the_welcome_names_each_study_in_plain_words(site):
    chat = Chat(TODAY, site)
    chat.say("hello")
    assert chat.last.messages[0].text.split("\n")[1:] == [
        "The studies I can check:",
        "- ruxolitinib with chemotherapy for AML that developed from an MPN (NCT03558607): the listing gives "
        "31 August 2024 as its end date, so recruitment may have closed; the team will confirm",
        "- CD19 CAR-T cells made at the hospital, for children and young people whose ALL has come back or not "
        "responded to treatment (NCT05210907)"]


def test_a_closed_study_is_named_and_never_screened(monkeypatch):
    closed = of_trials((Listed(load_trial(AML), TrialStatus.UNKNOWN), Listed(load_trial(ALL), TrialStatus.CLOSED)))
    chat = Chat(TODAY, closed)
    chat.say("안녕하세요")
    assert chat.last.messages[0].text.split("\n")[-2:] == [
        "모집이 끝나서 확인하지 않는 연구예요:",
        "- 재발했거나 치료에 반응하지 않는 급성림프모구백혈병(ALL) 소아·청소년에게 병원에서 만든 CD19 CAR-T 세포를 쓰는 연구 "
        "(연구 번호 NCT05210907)"]
    chat.say("네")
    asked = run(chat, SON)
    assert "all_relapsed_refractory" not in asked and asked[:2] == ["respondent", "post_mpn_aml"]


def test_a_son_with_relapsed_all_fits_the_car_t_study_and_not_the_other(site):
    chat = Chat(TODAY, site)
    chat.say("hi")
    chat.say("yes")
    asked = run(chat, SON)
    # Age first: both studies ask it and it can rule out either; 17 ends the first study's questions.
    assert asked[:3] == ["respondent", "age", "all_relapsed_refractory"] and "post_mpn_aml" not in asked
    # Asked once each, though both studies ask them: age, and the usual day (ECOG / Karnofsky).
    assert asked.count("age") == 1 and asked.count("ecog") == 1
    alone = run(Chat(TODAY, single(load_trial(ALL))).start(), {**SON, "performance_status": SON["ecog"]})
    assert len(asked) <= 1.3 * len(alone), (asked, alone)
    chat.click("Yes")
    assert chat.state["screening_outcomes"] == {AML: "likely_ineligible", ALL: "likely_eligible"}
    assert chat.state["screening_outcome"] == "likely_ineligible"  # the first listed study's
    texts = [m.text for m in chat.last.messages]
    assert texts[:4] == [
        "Here is the result for each study, most promising first.",
        "1. CD19 CAR-T cells made at the hospital, for children and young people whose ALL has come back or not "
        "responded to treatment (NCT05210907)\nBased on these answers, your son is likely eligible for this study. "
        "The study team makes the final decision after a full screening.",
        "2. ruxolitinib with chemotherapy for AML that developed from an MPN (NCT03558607): the listing gives "
        "31 August 2024 as its end date, so recruitment may have closed; the team will confirm\n"
        "Based on these answers, your son is likely not eligible for this study, because:\n"
        "- Age: Age 17: the study is only for people 18 or older.",
        "If an answer was a mistake, say 'change my answer'."]
    # One consent per study team: only the study he may fit is offered.
    assert "team of study NCT05210907" in texts[4] and chat.slot == "share_consent"
    assert {e.trial for e in chat.effects("finish")} == {AML, ALL}


def test_each_answer_is_recorded_for_every_study_that_asks_it_under_its_own_id(site):
    chat = son_until(site, "ecog")
    chat.say(SON["ecog"])
    recorded = {(e.trial, e.qid, e.verdict) for e in chat.effects("record")}
    assert recorded == {(AML, "ecog", "pass"), (ALL, "performance_status", "pass")}


def test_a_korean_daughter_for_her_father_with_aml_after_pv(site):
    chat = Chat(TODAY, site)
    chat.say("안녕하세요")
    chat.say("네")
    asked = run(chat, FATHER_KO)
    assert "all_relapsed_refractory" not in asked  # 67 is over the CAR-T study's limit: nothing more is asked for it
    chat.click("네")
    assert chat.state["screening_outcomes"] == {AML: "likely_eligible", ALL: "likely_ineligible"}
    texts = [m.text for m in chat.last.messages]
    assert texts[2] == (
        "2. 재발했거나 치료에 반응하지 않는 급성림프모구백혈병(ALL) 소아·청소년에게 병원에서 만든 CD19 CAR-T 세포를 쓰는 연구 "
        "(연구 번호 NCT05210907)\n이 답으로 보면 아버지께서는 이 연구에 참여하시기 어려울 것 같아요. 이유는 다음과 같아요:\n"
        "- 나이: 나이 67세: 이 연구는 26세 미만만 참여할 수 있어요.")
    assert texts[1].startswith("1. 골수증식종양(MPN)에서 진행한 급성골수성백혈병(AML)에 룩솔리티닙과 항암치료를 함께 쓰는 연구 "
                               "(연구 번호 NCT03558607): 공고에 적힌 종료일이 2024년 8월 31일이라")
    chat.click("네")  # share with the ruxolitinib study's team
    for said in ("김지은", "010-1234-5678", "평일 오전"):
        chat.say(said)
    chat.click("한국어")
    handoffs = chat.effects("handoff")
    assert [(h.trial, h.handoff) for h in handoffs] == [(AML, "screening")]
    assert "NCT03558607 연구" in handoffs[0].consent_text
    assert chat.text().split("\n")[:2] == ["감사합니다. 연구팀마다 연락드릴 거예요. 접수 번호는 다음과 같아요:",
                                           "- NCT03558607 연구: 접수 번호 {reference@NCT03558607}"]


def test_a_concept_read_differently_by_two_trials_is_refused():
    first, second = load_trial(AML), load_trial(ALL)
    changed = replace(second.question("age"), reader="yes_no")
    broken = replace(second, questions={**second.questions, "age": changed})
    with pytest.raises(TrialFileError, match="concept 'age' is read differently"):
        of_trials((Listed(first, TrialStatus.RECRUITING), Listed(broken, TrialStatus.RECRUITING)))


def test_the_site_file_takes_trials_with_a_status_and_refuses_a_wrong_one(tmp_path):
    path = tmp_path / "site.yml"
    path.write_text("trials:\n  - {id: NCT03558607, status: recruiting}\n  - {id: NCT05210907, status: closed}\n")
    assert config.site(path).trials == (SiteTrial(AML, TrialStatus.RECRUITING), SiteTrial(ALL, TrialStatus.CLOSED))
    path.write_text("trials:\n  - {id: NCT03558607, status: open}\n")
    with pytest.raises(ValueError, match="status must be one of recruiting, not_yet_recruiting, closed, unknown"):
        config.site(path)


def test_ten_made_up_trials_ask_the_typical_person_at_most_twice_the_longest_alone():
    """The goal (README, Several trials) is at most 2 times the questions of
    the longest trial alone. Met by the median person; not by a person who
    fits every made-up trial of their disease (2.1: README)."""
    site = made_up_site(10)
    ratios = sorted(ratio_to_longest_alone(site, p) for p in made_up_people(60, site))
    assert ratios[len(ratios) // 2] <= 2.0 and ratios[-1] <= 2.2, ratios
    assert all(questions_asked(site, p) <= 40 for p in made_up_people(10, site))


def test_a_conversation_object_takes_a_trial_or_the_site(site):
    assert Conversation(load_trial(AML), Site("t", "", "", "", "", 90), TODAY).setting.portfolio.single
    assert not Conversation(site, config.site(), TODAY).setting.portfolio.single


def test_a_no_about_another_questions_topic_answers_nothing_here(site):
    """Typed at the relapse question, "no hiv" answers the HIV question: neither a rule-out (found live, where it
    ruled a man out of the CAR-T study) nor, at the transplant question, "no hepatitis" a no."""
    chat = son_until(site, "all_relapsed_refractory")
    chat.say("no hiv")
    assert chat.slot == "all_relapsed_refractory" and "all_relapsed_refractory" not in chat.state["answers"]
    once = dict(SON, second_relapse="no, only once")
    while chat.slot != "relapse_after_transplant":
        chat.say(once[chat.slot])
    chat.say("no hepatitis")
    assert chat.slot == "relapse_after_transplant" and "relapse_after_transplant" not in chat.state["answers"]
    chat.say("no")
    assert chat.state["readings"]["relapse_after_transplant"]["value"] == "no"


def test_a_call_back_goes_to_the_team_of_the_study_the_person_may_still_fit(site):
    """A mother asks for a person once her son's age (17) has ruled out the adults' study: the CAR-T team calls."""
    chat = son_until(site, "all_relapsed_refractory")
    chat.say("can I talk to a real person?")
    chat.click("Yes")
    chat.click("Yes")
    for said in ("Park Mina", "010-2345-6789", "after 6pm"):
        chat.say(said)
    chat.click("English")
    assert [(h.handoff, h.trial) for h in chat.effects("handoff")] == [("callback", ALL)]
