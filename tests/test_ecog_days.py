"""A usual day in a person's own words, read as an ECOG grade.

Each expectation comes from the ECOG definitions (screening-rules.md), not
from the program: 0 fully active as before; 1 restricted in strenuous
activity, can do light work (office work, light housework, school); 2 up and
about more than half the day, looks after themselves, no work; 3 limited
self-care, in bed or a chair more than half the day; 4 totally confined.
Where a day fits two neighbouring grades the row gives both and the reading
must be one of them. Where it lies between 2 and 3 the reading must not be
a 3 (a 3 rules the person out of NCT03558607): "unsure" or a 2.
"""
from datetime import date

import pytest

from bot.eligibility.model import Verdict, load_trial
from bot.eligibility.reading import NoAnswer, Reading
from bot.eligibility.session import judge, read

TODAY = date(2026, 11, 25)
TRIAL = load_trial()

# (what the person typed, lowest grade, highest grade) from the definitions above
DAYS = [
    # English, patients and relatives
    ("my son goes to nursery every morning and runs around the playground", 0, 0),
    ("I still work, but I've had to give up my tennis", 1, 1),
    ("she does the housework and cooks, she just can't go jogging anymore", 1, 1),
    ("I'm the same as before, I cycle to work every day", 0, 0),
    ("Honestly he's fine, plays football with his mates every weekend", 0, 0),
    ("She's at university full time and goes to the gym", 0, 0),
    ("my dad walks to the shops but gets tired easily and has to rest in the afternoon", 1, 2),
    ("he hasn't been at school since the diagnosis, he plays video games at home and naps in the afternoon", 1, 2),
    ("my daughter misses a lot of school because she's so tired, but she plays with her brother at home", 1, 2),
    ("I can't do my job anymore, but I walk the dog and cook for myself", 1, 2),
    ("Mum is up and about most of the day and dresses herself, but she has stopped working", 2, 2),
    ("I manage my daily routine fine, I just can't do any hard exercise now", 1, 1),
    ("he needs help getting washed and spends most of the day in his chair", 3, 3),
    ("she's too weak to look after herself and stays in bed all day", 4, 4),
    ("he's in bed or in his chair all day, we do everything for him", 4, 4),
    # Korean
    ("아들은 유치원 잘 다니고 태권도도 해요", 0, 0),
    ("회사는 다니는데 등산은 못 가요", 1, 1),
    ("엄마는 집안일은 하시는데 쉽게 지치세요", 1, 1),
    ("아프기 전이랑 똑같이 출근하고 운동도 해요", 0, 0),
    ("학교 다니면서 축구부 활동도 해요", 0, 0),
    ("예전처럼 농사일 다 하세요", 0, 0),
    ("요즘 학교는 안 가고 집에서 책 보고 놀아요", 1, 2),
    ("딸은 어린이집은 쉬고 있지만 집에서 잘 뛰어놀아요", 1, 2),
    ("많이 피곤해하긴 하는데 혼자 버스 타고 다니세요", 1, 2),
    ("체력이 떨어져서 힘든 운동은 못 하지만 일상생활은 다 해요", 1, 1),
    ("아버지는 혼자 씻고 식사하시는데 일은 못 나가세요", 2, 2),
    ("회사는 휴직했고 집에서 산책 정도만 해요", 2, 2),
    ("하루 대부분 침대에 누워 계시고 씻는 것도 도와드려야 해요", 3, 3),
    ("혼자서는 아무것도 못 하시고 하루 종일 누워만 계세요", 4, 4),
    ("휠체어에 하루 종일 앉아 계시고 옷 입는 것도 제가 다 해 드려요", 4, 4),
]

# Between 2 and 3 by the definitions: never read as a 3.
BETWEEN_2_AND_3 = [
    "He lies down a lot, but he can still wash and dress himself",
    "he spends a lot of time in bed, though he gets up to eat and wash",
    "she's often on the sofa, she can go to the toilet by herself",
    "누워 있는 시간이 좀 늘었는데 밥은 혼자 챙겨 드세요",
    "침대에 있는 시간이 많은데 화장실은 혼자 가세요",
    "소파에 누워 계실 때가 많아요",
]


@pytest.mark.parametrize("text, lowest, highest", DAYS, ids=[d[0][:40] for d in DAYS])
def test_a_usual_day_is_read_at_its_grade(text, lowest, highest):
    r = read(TRIAL, "ecog", text, TODAY)
    assert isinstance(r, Reading) and r.value == "value", f"{text!r} must be read as a grade, got {r}"
    assert lowest <= r.number <= highest, f"{text!r}: ECOG {lowest}-{highest}, read {r.number} ({r.evidence})"
    expected = Verdict.PASS if highest <= 2 else Verdict.FAIL
    assert judge(TRIAL.question("ecog"), r).verdict == expected


@pytest.mark.parametrize("text", BETWEEN_2_AND_3)
def test_a_day_between_2_and_3_never_rules_out(text):
    r = read(TRIAL, "ecog", text, TODAY)
    assert isinstance(r, (Reading, NoAnswer)), r
    if isinstance(r, Reading):
        assert r.value == "unsure" or r.number == 2, f"{text!r} read as {r.number} ({r.evidence})"
        assert judge(TRIAL.question("ecog"), r).verdict != Verdict.FAIL


@pytest.mark.parametrize("text, level", [
    ("ECOG 1", 1), ("performance status of 3", 3), ("활동도 2", 2), ("2", 2),
    ("in bed most of the day", 3), ("fully active, no restrictions", 0), ("하루 종일 누워 계세요", 4),
])
def test_stated_levels_and_level_phrases_still_read(text, level):
    r = read(TRIAL, "ecog", text, TODAY)
    assert isinstance(r, Reading) and r.number == level, r


@pytest.mark.parametrize("text", ["she takes her tablets every morning", "잘 모르겠어요", "what does ECOG mean?"])
def test_words_that_tell_no_day_are_not_a_grade(text):
    r = read(TRIAL, "ecog", text, TODAY)
    assert isinstance(r, NoAnswer) or r.value == "unsure", r


# A level phrase that is denied tells no level: "not bedridden" is no ECOG 4.
DENIED_PHRASES = [
    "she's not bedridden, she walks around the house",
    "he isn't in bed most of the day, he's up and about",
    "하루 종일 누워 있지는 않아요",
    "대부분 누워 계시진 않고 잘 돌아다니세요",
]


@pytest.mark.parametrize("text", DENIED_PHRASES)
def test_a_denied_level_phrase_never_rules_out(text):
    r = read(TRIAL, "ecog", text, TODAY)
    assert isinstance(r, NoAnswer) or judge(TRIAL.question("ecog"), r).verdict != Verdict.FAIL, r
