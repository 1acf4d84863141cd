"""Another trial is another folder: a made-up trial (tests/fixtures/trials/
demo-0001: anemia of kidney disease, other medicines, a lab in g/dL, an age
cap, a 6-month look-back) runs through the evaluator, the conversation and the
live servers with no code of its own."""
from datetime import date
from pathlib import Path

import pytest

from bot import config
from bot.conversation.turn import Conversation
from bot.eligibility.model import load_folder
from bot.eligibility.session import Session

FOLDER = Path(__file__).parent / "fixtures" / "trials" / "demo-0001"
TODAY = date(2026, 11, 25)
ANSWERS = {"respondent": "for my father", "ckd_anemia": "yes, renal anemia", "age": "he is 70",
           "prior_roxadustat": "no never", "hemoglobin": "9.1 g/dL", "recent_cancer": "no"}


@pytest.fixture(scope="module")
def demo():
    return load_folder(FOLDER)


@pytest.mark.parametrize("changes, outcome, criterion, verdict", [
    ({}, "likely_eligible", "age", "pass"),
    ({"age": "he is 80"}, "likely_ineligible", "age", "fail"),  # the age cap
    ({"hemoglobin": "105 g/L"}, "likely_ineligible", "hemoglobin", "fail"),  # the other unit
    ({"recent_cancer": "colon cancer 3 months ago"}, "likely_ineligible", "recent_cancer", "fail"),
    ({"recent_cancer": "colon cancer 2 years ago"}, "likely_eligible", "recent_cancer", "pass"),
    ({"prior_roxadustat": "yes, evrenzo last year"}, "likely_ineligible", "prior_roxadustat", "fail"),
])
def test_the_evaluator_reads_another_trial(demo, changes, outcome, criterion, verdict):
    session = Session.from_texts(demo, dict(ANSWERS, **changes), TODAY)
    assert session.outcome.value == outcome
    assert session.verdict(criterion).verdict.value == verdict


def test_the_conversation_asks_another_trial(demo):
    conv, state = Conversation(demo, config.site(), TODAY), {}
    for text in ("hi", "yes"):
        state = conv.turn(state, text).state
    for _ in range(12):
        slot = state["requested_slot"]
        if slot == "summary":
            break
        reply = conv.turn(state, ANSWERS[slot])
        state = reply.state
    assert state["requested_slot"] == "summary"
    assert "sex" not in state["answers"]  # "my father" said it
    reply = conv.turn(state, "yes")
    assert reply.state["screening_outcome"] == "likely_eligible"


@pytest.mark.parametrize("language, hello, stored", [
    ("en", "hi", "Your answers are stored encrypted at Seoul National University Hospital, used only for this"),
    ("ko", "안녕하세요", "답하신 내용은 서울대학교병원에 암호화해서 보관하고, 이 사전 확인에만 써요."),
])
def test_a_trial_sponsored_elsewhere_still_names_the_sites_hospital(demo, language, hello, stored):
    """The trial's sponsor is listing text; where answers are kept is the site's (config/site.yml)."""
    assert demo.texts["en"]["sponsor"] == "Test Hospital"
    said = " ".join(m.text for m in Conversation(demo, config.site(), TODAY).turn({}, hello).messages)
    said = " ".join(said.split())
    assert stored in said
    assert "Test Hospital" not in said
    welcome = {"en": "Hello! I'm the pre-screening assistant for the Seoul National University Hospital study DEMO-0001",
               "ko": "안녕하세요! 저는 서울대학교병원 임상시험 DEMO-0001"}[language]
    assert welcome in said


@pytest.mark.rasa
def test_the_live_servers_screen_for_another_trial(tmp_path):
    from tests.livechat import LiveChat
    from tests.servers import running_bot

    def use_demo(env):
        env.update(TRIALBOT_TRIAL="DEMO-0001", TRIALBOT_TRIALS_DIR=str(FOLDER.parent))

    with running_bot(tmp_path, f"sqlite:///{tmp_path / 'demo.db'}", before_start=use_demo) as bot:
        chat = LiveChat(bot)
        slots = chat.run_persona({"id": "demo", "answers": dict(ANSWERS, age="he is 80")})
        assert slots["screening_outcome"] == "likely_ineligible"
        assert "18 to 75" in chat.text()
        # The model was trained with no trial in mind: what was typed is kept per id in `answers`.
        assert slots["answers"] == {"respondent": "for my father", "ckd_anemia": "yes, renal anemia", "age": "he is 80"}
        assert not {"respondent", "ckd_anemia", "age", "hemoglobin"} & set(slots)
