"""NCT05210907's "Documentation of CD19 tumor expression in bone marrow or
peripheral blood by flow cytometry", expressed exactly: a test that showed
CD19 passes; a test that showed the cells without it (CD19-negative, or CD19
lost after a treatment) is a documented absence and fails; not sure is a lab
result the person does not know (deferred); a plain "no" or "not tested" may
be either, so the team checks (unknown). Expected verdicts and sentences come
from trials/nct05210907/listing.txt and ../shared/spec/screening-rules.md."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.eligibility.model import load_folder
from bot.eligibility.portfolio import single
from bot.eligibility.session import Session, judge, read
from tests.conversation_helpers import Chat
from tests.test_part_questions import EN_SON, KO_DAUGHTER

ROOT = Path(__file__).resolve().parents[1]
CAR_T = load_folder(ROOT / "trials" / "nct05210907")
TODAY = date(2026, 12, 3)


@pytest.mark.parametrize("message, reads, verdict", [
    ("Yes, the flow showed CD19", "yes", "pass"),
    ("yes, CD19+ on the marrow", "yes", "pass"),
    ("No, the doctor said it was CD19-negative", "negative", "fail"),
    ("It was positive at diagnosis but the relapse lost CD19", "negative", "fail"),
    ("I think it was CD19 negative", "negative", "unknown"),  # a hedge never rules out
    ("No", "no", "unknown"),
    ("They never tested for that", "no", "unknown"),
    ("not sure", "unsure", "deferred"),
    # the question offers "CD19-negative": a bare "negative" is that answer
    ("nope, negative", "negative", "fail"),
    ("The marrow results aren't back yet", "unsure", "deferred"),  # a result that exists, not known yet
    ("CD19 was dim, only partly positive", "no", "unknown"),  # for the team to judge
    ("It was positive on the spinal fluid test", "no", "unknown"),  # the listing asks marrow or blood
    ("네, 유세포검사에서 CD19 양성 나왔어요", "yes", "pass"),
    ("CD19 음성이었어요", "negative", "fail"),
    ("재발하면서 CD19가 없어졌대요", "negative", "fail"),
    ("아니요", "no", "unknown"),
    ("CD19 검사는 아직 안 했어요", "no", "unknown"),
    ("모르겠어요", "unsure", "deferred"),
    ("음성이래", "negative", "fail"),
    ("검사는 했는데 결과를 못 들었어요", "unsure", "deferred"),
    ("뇌척수액 검사에서 양성이었어요", "no", "unknown"),
])
def test_each_answer_is_read_and_judged_by_the_listing(message, reads, verdict):
    q = CAR_T.question("cd19_documented")
    reading = read(CAR_T, q.id, message, TODAY)
    assert (reading.value, judge(q, reading).verdict.value) == (reads, verdict)


def _at_cd19(chat: Chat, answers: dict) -> Chat:
    for _ in range(15):
        if chat.slot == "cd19_documented":
            return chat
        chat.say(answers[chat.slot])
    raise AssertionError(f"never asked: at {chat.slot}")


def test_a_korean_mother_hears_the_question_and_a_cd19_negative_result_rules_her_daughter_out():
    chat = _at_cd19(Chat(TODAY, single(CAR_T)).start("안녕하세요", "네"),
                    dict(KO_DAUGHTER, second_relapse="네, 두 번 재발했어요"))
    assert chat.text() == ("골수나 혈액 검사(유세포분석)에서 따님의 백혈병 세포에 CD19가 있다(CD19 양성)고 나왔나요, "
                           "아니면 CD19 음성이라고 나왔나요?")
    assert chat.buttons() == ["네, CD19 양성이에요", "아니요, CD19 음성이거나 없어졌어요", "검사를 안 했거나 결과가 없어요",
                              "잘 모르겠어요"]
    chat.say("아니요, CD19 음성이래요")
    assert "- 백혈병 세포의 CD19: CD19 없음(CD19 음성) (입력하신 말: \"아니요, CD19 음성이래요\")" in chat.text()
    chat.say("네")
    assert chat.state["screening_outcome"] == "likely_ineligible"
    assert chat.text().splitlines()[:2] == [
        "이 답으로 보면 따님께서는 이 연구에 참여하시기 어려울 것 같아요. 이유는 다음과 같아요:",
        "- 백혈병 세포의 CD19: 검사에서 백혈병 세포에 CD19가 없다고 나왔어요(CD19 음성). 이 연구의 CAR-T 세포는 "
        "CD19로 백혈병 세포를 찾기 때문에 CD19 양성이어야 해요."]


def test_an_english_father_who_clicks_not_tested_is_possibly_eligible_and_told_what_the_team_checks():
    answers = dict(EN_SON, second_relapse="yes, twice")
    chat = _at_cd19(Chat(TODAY, single(CAR_T)).start("hello", "yes"), answers)
    assert chat.text() == ("Has a bone-marrow or blood test (flow cytometry) shown that your son's leukaemia cells "
                           "carry CD19 (CD19-positive), or that they are CD19-negative?")
    assert chat.buttons() == ["Yes, CD19-positive", "No, CD19-negative or lost", "Not tested, or no result",
                              "Not sure"]
    chat.click("Not tested")
    for _ in range(10):
        if chat.slot == "summary":
            break
        chat.say(answers[chat.slot])
    chat.say("yes")
    assert chat.state["screening_outcome"] == "needs_review"
    assert chat.text().splitlines()[:2] == [
        "Based on these answers, your son is possibly eligible. The study team would need to check:",
        "- CD19 on the leukaemia cells: No test showing the leukaemia cells CD19-positive in the bone marrow or blood "
        "was mentioned (Not tested, or no result); the study team will check the test results."]


def test_not_sure_is_a_result_the_team_looks_up_and_leaves_him_likely_eligible():
    answers = dict(EN_SON, second_relapse="yes, twice", cd19_documented="not sure")
    session = Session.from_texts(CAR_T, answers, TODAY)
    assert session.verdict("cd19_documented").verdict.value == "deferred"
    assert session.outcome.value == "likely_eligible"
