"""Karnofsky and Lansky scores people are told, read by the generic `ecog` reader
and judged by each trial's own rule (issue #20). Expected values come from the
listings and ../shared/spec/screening-rules.md:

- NCT03558607, "ECOG performance status 2 or better": a Karnofsky or Lansky
  score is converted to ECOG with the two tables in use (ECOG-ACRIN after Oken
  1982: 90-100 is 0, 70-80 is 1, 50-60 is 2, 30-40 is 3, 10-20 is 4; the other:
  100 is 0, 80-90 is 1, 60-70 is 2, 40-50 is 3, 20-30 is 4). 60 or more is ECOG 2
  or better on both (pass), 40 or less ECOG 3 or worse on both (fail), 50 is ECOG
  2 on one and 3 on the other (unknown).
- NCT05210907, "Karnofsky (age >= 16) or Lansky (age < 16) >= 50": the scale by
  the age answer; 50 or more pass, under 50 fail; a score on the other scale for
  the age is the team's to rescore (unknown). An ECOG grade or a usual day is
  converted with the same tables: ECOG 0-2 is 50 or more (pass), ECOG 3 is 30-50
  (unknown), ECOG 4 is 10-30 (fail)."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Dict, Optional

import pytest

from bot.eligibility.model import TrialFileError, load_folder
from bot.eligibility.portfolio import site_portfolio
from bot.eligibility.reading import NoAnswer, Reading
from bot.eligibility.session import Session, judge, read, reason
from bot.safety import scan
from tests.conversation_helpers import Chat

ROOT = Path(__file__).resolve().parents[1]
AML = load_folder(ROOT / "trials" / "nct03558607")
CAR_T = load_folder(ROOT / "trials" / "nct05210907")
TODAY = date(2026, 12, 3)


def _reading(text: str) -> Dict[str, Any]:
    """What the ecog reader keeps of a message: its reading, number and named values."""
    r = read(AML, "ecog", text, TODAY)
    assert isinstance(r, Reading), f"{text!r} not read: {r}"
    return {"reads": r.value, "number": r.number, "number_max": r.number_max, **r.extra}


@pytest.mark.parametrize("text, expected", [
    ("Karnofsky 70", {"reads": "karnofsky", "number": None, "number_max": None, "values": {"karnofsky": 70}}),
    ("The doctor wrote KPS 60 in her notes.", {"reads": "karnofsky", "number": None, "number_max": None,
                                               "values": {"karnofsky": 60}}),
    ("his Lansky score of 40", {"reads": "lansky", "number": None, "number_max": None, "values": {"lansky": 40}}),
    ("카르노프스키 60점이래요", {"reads": "karnofsky", "number": None, "number_max": None, "values": {"karnofsky": 60}}),
    ("란스키 점수가 50이래요", {"reads": "lansky", "number": None, "number_max": None, "values": {"lansky": 50}}),
    ("ECOG 1", {"reads": "value", "number": 1, "number_max": None, "values": {"ecog": 1}}),
    ("PS 2라고 들었어요", {"reads": "value", "number": 2, "number_max": None, "values": {"ecog": 2}}),
    ("전신수행상태 1이래요", {"reads": "value", "number": 1, "number_max": None, "values": {"ecog": 1}}),
    # a name one letter off is the name
    ("karnofksy 70", {"reads": "karnofsky", "number": None, "number_max": None, "values": {"karnofsky": 70}}),
    ("카르노스프키 70이요", {"reads": "karnofsky", "number": None, "number_max": None, "values": {"karnofsky": 70}}),
    # either of two: a range
    ("ECOG 2 or 3, the doctor wasn't sure", {"reads": "value", "number": 2, "number_max": 3,
                                            "values": {"ecog": 2}, "values_max": {"ecog": 3}}),
    ("around 60 on the Karnofsky, could be 50", {"reads": "karnofsky", "number": None, "number_max": None,
                                                 "values": {"karnofsky": 50}, "values_max": {"karnofsky": 60}}),
    # the current one of two
    ("His Lansky was 40 two months ago, it's 70 now.", {"reads": "lansky", "number": None, "number_max": None,
                                                        "values": {"lansky": 70}}),
    ("재발 전에는 카르노프스키 90이었는데 지금은 50이래요", {"reads": "karnofsky", "number": None, "number_max": None,
                                               "values": {"karnofsky": 50}}),
    # other numbers of the message are never the score: an age, days, a share of something else
    ("He's 9, he's been in hospital for 14 days, and the doctor said his Lansky is 60.",
     {"reads": "lansky", "number": None, "number_max": None, "values": {"lansky": 60}}),
    ("우리 아들 7살인데 입원한 지 10일째고 란스키 60점이래요",
     {"reads": "lansky", "number": None, "number_max": None, "values": {"lansky": 60}}),
    ("I'm 52, ECOG 1, and my blasts were 35% on the last marrow.",
     {"reads": "value", "number": 1, "number_max": None, "values": {"ecog": 1}}),
])
def test_a_score_is_read_with_its_scale(text, expected):
    assert _reading(text) == expected


@pytest.mark.parametrize("text", ["I'm 50.", "What does ECOG mean?", "ECOG가 뭐예요?", "Karnofsky 150", "ECOG 7",
                                  "lansky", "우리 딸 7살이에요."])
def test_no_score_without_a_scale_and_a_possible_number(text):
    assert isinstance(read(AML, "ecog", text, TODAY), NoAnswer)


@pytest.mark.parametrize("text", ["He's 50 days post transplant and goes to school 3 days a week.",
                                  "She's up maybe 70% of the day but she isn't going to school."])
def test_a_usual_day_with_numbers_is_still_a_usual_day(text):
    assert _reading(text)["reads"] == "value" and "karnofsky" not in _reading(text)["values"]


def _verdict(trial, qid: str, text: str, age: Optional[str]) -> str:
    facts = {"age": read(trial, "age", age, TODAY)} if age else {}
    reading = read(trial, qid, text, TODAY)
    assert isinstance(reading, Reading), reading
    return judge(trial.question(qid), reading, facts).verdict.value


@pytest.mark.parametrize("text, age, aml, car_t", [
    ("Karnofsky 70", "I'm 45", "pass", "pass"),
    ("KPS 60", "she is 63", "pass", "pass"),
    ("Karnofsky 50", "I'm 24", "unknown", "pass"),
    ("Karnofsky 40 at my last clinic visit", "I'm 22", "fail", "fail"),
    ("Lansky score 50", "He is 8", "unknown", "pass"),
    ("Her Lansky is 30 right now.", "She is 5", "fail", "fail"),
    # the other scale for the age: NCT05210907's team rescores; NCT03558607 converts any score
    ("The doctor said his Lansky score is 60.", "He is 20", "pass", "unknown"),
    ("Karnofsky 60, the oncologist told us.", "She is 10", "pass", "unknown"),
    ("His Lansky score was 60 at the last check.", "He is 16", "pass", "unknown"),  # 16 is Karnofsky's
    ("lansky 40 apparently", "I'm 22", "fail", "unknown"),
    ("란스키 40점이래요", "8살이에요", "fail", "fail"),
    ("카르노프스키 60점이래요", "9살이에요", "pass", "unknown"),
    ("around 60 on the Karnofsky, could be 50", "I'm 21", "unknown", "pass"),
    ("KPS 50-60", "I'm 30", "unknown", "pass"),
    # ECOG numbers and usual days, converted for NCT05210907
    ("ECOG 1", "I'm 55", "pass", "pass"),
    ("My haematologist said my ECOG is 3.", "I'm 61", "fail", "unknown"),
    ("Her performance status is ECOG 4.", "She is 59", "fail", "fail"),
    ("ECOG 2나 3 정도라고 하셨던 것 같아요", "61세예요", "unknown", "unknown"),
    ("In bed or a chair more than half the day", "She is 13", "fail", "unknown"),
    ("하루 종일 누워 지내요", "45세예요", "fail", "fail"),
])
def test_each_trial_judges_the_score_with_its_own_rule(text, age, aml, car_t):
    assert (_verdict(AML, "ecog", text, age), _verdict(CAR_T, "performance_status", text, age)) == (aml, car_t)


def test_a_score_before_the_age_is_known_depends_on_it():
    assert _verdict(CAR_T, "performance_status", "Lansky 70", None) == "unknown"


@pytest.mark.parametrize("trial, qid, answers, language, sentence", [
    (CAR_T, "performance_status", {"age": "He is 10", "performance_status": "Karnofsky 60"}, "en",
     "A Karnofsky score of 60 (Karnofsky 60); under 16 the study uses the Lansky scale, so the study team will "
     "score it."),
    (CAR_T, "performance_status", {"age": "열일곱 살이에요", "performance_status": "란스키 점수가 40이래요"}, "ko",
     "란스키 점수가 40점(란스키 점수가 40)이에요. 16세 이상은 카르노프스키 점수로 보기 때문에 연구팀이 점수를 매길 거예요."),
    (CAR_T, "performance_status", {"age": "8살이에요", "performance_status": "란스키 30점이래요"}, "ko",
     "란스키 점수가 30점(란스키 30)이에요. 이 연구에 필요한 50점보다 낮아요."),
    (CAR_T, "performance_status", {"age": "I'm 61", "performance_status": "ECOG 3"}, "en",
     "A usual day at ECOG 3 (ECOG 3), in bed or a chair much of the day; the study team will score Karnofsky or "
     "Lansky (50 or more is needed)."),
    (AML, "ecog", {"age": "63", "ecog": "The oncologist wrote KPS 50"}, "en",
     "A Karnofsky score of 50 (KPS 50) is ECOG 2 on one usual conversion and ECOG 3 on another; the study team will "
     "assess it."),
    (AML, "ecog", {"age": "63세", "ecog": "카르노프스키 40점이에요"}, "ko",
     "카르노프스키 점수 40점(카르노프스키 40)은 흔히 쓰는 환산표로 ECOG 3단계 이하예요. 이 연구는 2단계 이상, 즉 낮의 절반 넘게 "
     "일어나서 지내는 분이 대상이에요."),
])
def test_the_reasons_are_whole_sentences(trial, qid, answers, language, sentence):
    assert reason(Session.from_texts(trial, answers, TODAY), qid, language) == sentence


def test_a_score_with_points_is_no_temperature():
    # "40점이래요": 점 is the score's points and 이 the copula, not 40.2 degrees; a fever said so still is one
    assert scan("란스키 40점이래요").live == ()
    assert [s.value for s in scan("열이 38점5도예요").live] == ["fever"]


# ---------------------------------------------------------------- the rule format stays strict


def _broken(tmp_path: Path, old: str, new: str) -> str:
    source = ROOT / "trials" / "nct05210907"
    folder = tmp_path / "trial"
    folder.mkdir()
    for f in source.iterdir():
        text = f.read_text(encoding="utf-8")
        (folder / f.name).write_text(text.replace(old, new) if f.name == "trial.yml" else text, encoding="utf-8")
    assert old in (source / "trial.yml").read_text(encoding="utf-8")
    with pytest.raises(TrialFileError) as caught:
        load_folder(folder)
    return str(caught.value)


@pytest.mark.parametrize("old, new, message", [
    ("{value: lansky, applies_when:", "{value: lansky, aplies_when:",
     "question 'performance_status': unknown key 'aplies_when' in rule.one_of[2]"),
    ("          convert: {\"0\": [90, 100]", "          convrt: {\"0\": [90, 100]",
     "question 'performance_status': unknown key 'convrt' in rule.one_of[0]"),
    ("{value: karnofsky, applies_when", "{value: karnofski, applies_when",
     "question 'performance_status': field 'rule' names the value 'karnofski', which its reader does not read "
     "(it reads: ecog, karnofsky, lansky)"),
    ("\"3\": [30, 50]", "\"3\": [50, 30]",
     "question 'performance_status': field 'rule.one_of[0].convert.3' must be a value or range to a number"),
    ("applies_when: {age: [\"0-15\"]}", "applies_when: {age: \"0-15\"}",
     "question 'performance_status': field 'rule.one_of[2].applies_when' must map question ids to lists"),
    ("applies_when: {age: [\"0-15\"]}", "applies_when: {years: [\"0-15\"]}",
     "question 'performance_status': field 'rule' names 'years', which is not a question"),
    ("      negative:\n", "      negatve:\n", "question 'cd19_documented': unknown key 'negatve' in cues"),
])
def test_a_malformed_rule_names_file_question_and_key(tmp_path, old, new, message):
    error = _broken(tmp_path, old, new)
    assert "trial.yml" in error and message in error, error


# ---------------------------------------------------------------- the site as shipped, in the chat


SON_KO = {"respondent": "아들 대신 물어봐요", "age": "8살이에요", "all_relapsed_refractory": "네, 작년에 재발했어요",
          "second_relapse": "네, 두 번 재발했어요", "hiv": "아니요", "cd19_documented": "네, CD19 양성이래요",
          "ecog": "란스키 점수가 40이래요"}
DAUGHTER_EN = {"respondent": "for my daughter", "age": "she is 10", "all_relapsed_refractory": "yes, it relapsed",
               "second_relapse": "yes, twice", "hiv": "no", "cd19_documented": "yes, CD19 positive",
               "ecog": "Karnofsky 60, the oncologist told us", "hepatitis_bc": "no", "active_infection": "no",
               "childbearing_potential": "no, her periods haven't started"}


def _site_result(monkeypatch, answers: Dict[str, str], hello: str, yes: str) -> Chat:
    monkeypatch.delenv("TRIALBOT_TRIAL", raising=False)
    chat = Chat(TODAY, site_portfolio())
    chat.say(hello)
    chat.say(yes)
    for _ in range(20):
        if chat.slot == "summary":
            chat.say(yes)
            return chat
        chat.say(answers[chat.slot])
    raise AssertionError(f"no summary: at {chat.slot}")


def test_a_korean_mother_says_her_sons_lansky_score_and_hears_each_studys_reason(monkeypatch):
    chat = _site_result(monkeypatch, SON_KO, "안녕하세요", "네")
    said = chat.text().splitlines()
    assert "- 평소 하루 생활(ECOG): 란스키 점수 40점(란스키 점수가 40)은 흔히 쓰는 환산표로 ECOG 3단계 이하예요. 이 연구는 2단계 " \
           "이상, 즉 낮의 절반 넘게 일어나서 지내는 분이 대상이에요." in said
    assert "- 평소 하루 생활(활동도): 란스키 점수가 40점(란스키 점수가 40)이에요. 이 연구에 필요한 50점보다 낮아요." in said
    assert chat.state["screening_outcomes"] == {"NCT03558607": "likely_ineligible", "NCT05210907": "likely_ineligible"}


def test_an_english_father_gives_a_karnofsky_score_for_a_child_and_the_team_rescores_it(monkeypatch):
    chat = _site_result(monkeypatch, DAUGHTER_EN, "hello", "yes")
    assert "- A usual day (performance status): A Karnofsky score of 60 (Karnofsky 60); under 16 the study uses the " \
           "Lansky scale, so the study team will score it." in chat.text().splitlines()
    assert chat.state["screening_outcomes"]["NCT05210907"] == "needs_review"
