"""Part questions (kind: part) in the conversation: a criterion that combines
them (any_of / all_of) stops asking its parts once the parts answered decide it,
and a fail computed from them ends the trial's asking like any fail. Whole
conversations, in process, in both languages, through NCT05210907's four
disease courses (trials/nct05210907/listing.txt, inclusion 1 a-d: any one of
them; course b is a relapse after a donor transplant and 6 months from it) and
the made-up demo-0002 (tests/fixtures/trials/demo-0002: BMI or waist).
Expected verdicts come from the listings, not from the program."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Dict, List

import pytest

from bot.eligibility.model import load_folder
from bot.eligibility.portfolio import single, site_portfolio
from bot.eligibility.session import Session
from tests.conversation_helpers import Chat

ROOT = Path(__file__).resolve().parents[1]
CAR_T = load_folder(ROOT / "trials" / "nct05210907")
DEMO = load_folder(ROOT / "tests" / "fixtures" / "trials" / "demo-0002")
TODAY = date(2026, 12, 2)
COURSES = ("second_relapse", "relapse_after_transplant", "transplant_timing", "refractory", "transplant_not_possible")

# A parent for a son (English) and for a daughter (Korean); each answer meets the listing. The answers to the
# four courses differ per test.
EN_SON = {"respondent": "I'm asking for my son", "all_relapsed_refractory": "Yes, his ALL relapsed in March",
          "age": "He is 9", "hiv": "No", "cd19_documented": "Yes, CD19 positive",
          "performance_status": "He's up most of the day but needs to rest", "hepatitis_bc": "No",
          "active_infection": "No"}
KO_DAUGHTER = {"respondent": "딸 대신 물어보는 거예요", "all_relapsed_refractory": "네, 작년에 재발했어요", "age": "14살이에요",
               "hiv": "아니요", "cd19_documented": "네, CD19 양성이래요",
               "performance_status": "혼자 씻고 먹는 건 하는데 학교는 못 가요", "hepatitis_bc": "아니요",
               "active_infection": "아니요, 감염은 없어요", "childbearing_potential": "아니요, 아직 생리를 안 해요"}
NONE_EN = {"second_relapse": "No, only once", "relapse_after_transplant": "No, he hasn't had a transplant",
           "refractory": "No, he went into remission after the first round", "transplant_not_possible": "No"}
NONE_KO = {"second_relapse": "아니요, 한 번 재발했어요", "relapse_after_transplant": "아니요, 이식은 안 받았어요",
           "refractory": "아니요, 항암 뒤에 관해가 됐어요", "transplant_not_possible": "아니요"}


def converse(chat: Chat, answers: Dict[str, str], first: str, yes: str) -> List[str]:
    """The whole conversation to the summary; the questions asked, in order."""
    chat.say(first)
    chat.say(yes)
    asked: List[str] = []
    for _ in range(30):
        if chat.slot == "summary":
            chat.say(yes)
            return asked
        assert chat.slot in answers, (chat.slot, chat.text())
        asked.append(chat.slot)
        chat.say(answers[chat.slot])
        assert chat.slot != asked[-1], (answers[asked[-1]], chat.text())
    raise AssertionError("no summary")


def car_t() -> Chat:
    return Chat(TODAY, single(CAR_T))


@pytest.mark.parametrize("answers, first, yes", [
    (dict(EN_SON, second_relapse="Yes, this is the second time it came back"), "hello", "yes"),
    (dict(KO_DAUGHTER, second_relapse="네, 두 번 재발했어요"), "안녕하세요", "네"),
])
def test_a_second_relapse_passes_and_the_other_courses_are_not_asked(answers, first, yes):
    chat = car_t()
    asked = converse(chat, answers, first, yes)
    assert asked[:5] == ["respondent", "all_relapsed_refractory", "age", "second_relapse", "hiv"]
    assert not set(COURSES[1:]) & set(asked)
    assert chat.state["screening_outcome"] == "likely_eligible"


def test_no_relapse_after_a_transplant_skips_its_date_and_no_remission_skips_the_last_course():
    """Korean: course b fails on its first half, so the transplant's date is never asked; course c passes."""
    chat = car_t()
    answers = dict(KO_DAUGHTER, second_relapse="아니요, 한 번 재발했어요", relapse_after_transplant="아니요, 이식은 안 받았어요",
                   refractory="네, 항암을 두 번 했는데도 관해가 안 됐어요")
    asked = converse(chat, answers, "안녕하세요", "네")
    assert asked[3:7] == ["second_relapse", "relapse_after_transplant", "refractory", "hiv"]
    assert "transplant_timing" not in asked and "transplant_not_possible" not in asked
    assert chat.state["screening_outcome"] == "likely_eligible"
    assert "따님께서 표준 항암치료를 2번 받으시고도" in "\n".join(m.text for r in chat.replies for m in r.messages)


def test_a_relapse_after_a_transplant_long_ago_passes_after_its_date():
    chat = car_t()
    answers = dict(EN_SON, second_relapse="No, only once", relapse_after_transplant="Yes, it came back after his transplant",
                   transplant_timing="8 months ago")
    asked = converse(chat, answers, "hello", "yes")
    assert asked[3:7] == ["second_relapse", "relapse_after_transplant", "transplant_timing", "hiv"]
    assert chat.state["screening_outcome"] == "likely_eligible"


def test_a_transplant_too_recent_leaves_the_other_courses_to_ask():
    """Course b is unknown (the 6 months may be up by the infusion): c and d are asked, and c passes."""
    chat = car_t()
    answers = dict(EN_SON, second_relapse="No, only once", relapse_after_transplant="Yes, it came back after his transplant",
                   transplant_timing="2 months ago", refractory="Yes, it never went into remission after two rounds")
    asked = converse(chat, answers, "hello", "yes")
    assert asked[3:8] == ["second_relapse", "relapse_after_transplant", "transplant_timing", "refractory", "hiv"]
    assert chat.state["screening_outcome"] == "likely_eligible"


@pytest.mark.parametrize("answers, first, yes, sentence", [
    (dict(EN_SON, **NONE_EN), "hello", "yes",
     "None of the four courses the study takes fits (two or more relapses, a relapse after a donor transplant, "
     "no remission after chemotherapy, or a donor transplant not possible)."),
    (dict(KO_DAUGHTER, **NONE_KO), "안녕하세요", "네",
     "이 연구가 받는 네 가지 경과(두 번 이상 재발, 공여자 이식 뒤 재발, 항암치료 뒤 관해 없음, 공여자 이식 불가) 중 해당하는 것이 "
     "없어요."),
])
def test_no_course_fitting_is_a_computed_fail_that_ends_the_asking(answers, first, yes, sentence):
    chat = car_t()
    asked = converse(chat, answers, first, yes)
    assert asked == ["respondent", "all_relapsed_refractory", "age", "second_relapse", "relapse_after_transplant",
                     "refractory", "transplant_not_possible"]  # nothing after the last course's "no"
    assert chat.state["screening_outcome"] == "likely_ineligible"
    assert sentence in "\n".join(m.text for r in chat.replies for m in r.messages)


@pytest.mark.parametrize("answers, first, yes, hedge", [
    (dict(EN_SON, **NONE_EN), "hello", "yes", "I don't think so"),
    (dict(KO_DAUGHTER, **NONE_KO), "안녕하세요", "네", "아닌 것 같아요"),
])
def test_a_hedged_no_to_the_last_course_rules_nobody_out(answers, first, yes, hedge):
    chat = car_t()
    asked = converse(chat, dict(answers, transplant_not_possible=hedge), first, yes)
    assert "hiv" in asked  # the asking goes on
    assert chat.state["screening_outcome"] == "needs_review"


def test_a_computed_fail_from_a_story_is_checked_first():
    """"No, ... his brother is a match" at the last course fails the criterion it completes: said back first."""
    chat = car_t()
    answers = dict(EN_SON, **NONE_EN)
    chat.say("hello")
    chat.say("yes")
    while chat.slot != "transplant_not_possible":
        chat.say(answers[chat.slot])
    chat.say("no, his brother turned out to be a match, so they are planning the transplant")
    assert chat.slot == "check_answer", chat.text()
    chat.click("yes")
    assert chat.slot == "summary"  # nothing more is asked
    chat.say("yes")
    assert chat.state["screening_outcome"] == "likely_ineligible"


def test_the_site_of_both_trials_skips_the_decided_courses_too(monkeypatch):
    monkeypatch.delenv("TRIALBOT_TRIAL", raising=False)
    chat = Chat(TODAY, site_portfolio())
    answers = dict(EN_SON, post_mpn_aml="no, he has ALL, not AML", ecog=EN_SON["performance_status"],
                   second_relapse="yes, it came back twice")
    asked = converse(chat, answers, "hello", "yes")
    assert "second_relapse" in asked and not set(COURSES[1:]) & set(asked)
    assert chat.state["screening_outcomes"] == {"NCT03558607": "likely_ineligible", "NCT05210907": "likely_eligible"}


@pytest.mark.parametrize("answers, waist_asked", [
    ({"sex": "male", "bmi": "168 cm, 72 kg"}, False),  # BMI 25.5 is in 25-35: the waist is not needed
    ({"sex": "female", "bmi": "키 160에 몸무게 56킬로예요"}, True),  # BMI 21.9 is below: the waist may still pass
])
def test_a_part_is_pending_only_while_its_criterion_is_open(answers, waist_asked):
    readings = Session.from_texts(DEMO, answers, date(2026, 3, 10)).readings
    assert ("waist" in Session(DEMO, readings, date(2026, 3, 10)).pending()) is waist_asked


def test_a_part_question_no_criterion_reads_is_refused(tmp_path):
    """A part question judged by no rule would be asked and never count: the loader names it."""
    from bot.eligibility.model import TrialFileError

    folder = tmp_path / "demo"
    folder.mkdir()
    for f in DEMO.folder.iterdir():
        text = f.read_text(encoding="utf-8")
        if f.name == "trial.yml":
            text = text.replace("        - question: waist\n", "        - question: bmi\n")
        (folder / f.name).write_text(text, encoding="utf-8")
    with pytest.raises(TrialFileError, match="question 'waist': field 'kind' is part, but no criterion's rule reads"):
        load_folder(folder)
