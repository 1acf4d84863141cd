"""Two reading mechanisms found missing by the site personas (tests/personas/site):
a part of a month ("mid September", "10월 초") is a time, and a question that
lists numbered options is answered by naming one ("number 2", "2번이요"),
while "2 times" or "1번 재발했어요" (a count) is not a pick. Expected spans
are counted on the calendar from 2 December 2026."""
from datetime import date

import pytest

from bot.eligibility.model import load_trial
from bot.eligibility.readers import READERS, Context
from bot.eligibility.reading import NoAnswer, Reading
from bot.eligibility.session import read
from bot.eligibility.text import time_ago

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize("text, first, last", [
    ("my last dose was in mid September", date(2026, 9, 11), date(2026, 9, 20)),
    ("stopped it in early November", date(2026, 11, 1), date(2026, 11, 10)),
    ("late October", date(2026, 10, 21), date(2026, 10, 31)),
    ("at the end of August", date(2026, 8, 21), date(2026, 8, 31)),
    ("in the middle of February", date(2026, 2, 11), date(2026, 2, 20)),
    ("mid December", date(2025, 12, 11), date(2025, 12, 20)),  # said on 2 December: last year's
    ("9월 중순에 마지막으로 드셨어요", date(2026, 9, 11), date(2026, 9, 20)),
    ("10월 초에 끊었어요", date(2026, 10, 1), date(2026, 10, 10)),
    ("11월 말쯤 맞으셨어요", date(2026, 11, 21), date(2026, 11, 30)),
    ("2월 하순이었어요", date(2026, 2, 21), date(2026, 2, 28)),
    ("in September", date(2026, 9, 1), date(2026, 9, 30)),
])
def test_a_part_of_a_month_is_a_time(text, first, last):
    fewest, most, _ = time_ago(text, TODAY)
    assert (fewest, most) == ((TODAY - last).days, (TODAY - first).days)


@pytest.mark.parametrize("text", ["I may be late", "3월 말씀드렸듯이", "the end of the treatment"])
def test_words_that_only_look_like_a_part_of_a_month_are_not_a_time(text):
    assert time_ago(text, TODAY) is None


def test_a_last_dose_in_mid_september_is_more_than_two_weeks_ago():
    trial = load_trial("NCT03558607")
    reading = read(trial, "recent_chemo", "no. I was on hydroxyurea but my last dose was in mid September", TODAY)
    assert isinstance(reading, Reading) and reading.when == "2026-09-20" and reading.number == 73


def numbered(text: str):
    """The yes/no reader of a question listing four numbered options (`params: {options: 4}`), as NCT05210907
    once asked its four disease courses in one question (they are part questions now)."""
    trial = load_trial("NCT05210907")
    cues = trial.question("refractory").cues  # "never went into remission" is a yes, as it was in the old question
    return READERS["yes_no"](text, Context(today=TODAY, vocab=trial.vocab, params={"options": 4}, cues=cues))


@pytest.mark.parametrize("text", ["number 2, it relapsed in his marrow after the transplant", "option 4",
                                  "3 - it never went into remission", "1.", "2번이요. 이식받고 재발했어요", "4번이에요",
                                  "3번째예요", "(2)"])
def test_naming_one_of_the_numbered_courses_is_a_yes(text):
    reading = numbered(text)
    assert isinstance(reading, Reading) and reading.value == "yes", reading


@pytest.mark.parametrize("text", ["5", "it came back 2 times", "1번 재발했어요", "6번이요", "2 or 3 times maybe"])
def test_a_count_or_a_number_beyond_the_options_is_not_a_pick(text):
    reading = numbered(text)
    assert not (isinstance(reading, Reading) and reading.value == "yes"), reading


def test_a_question_without_numbered_options_never_reads_a_number_as_yes():
    reading = read(load_trial("NCT05210907"), "hiv", "2", TODAY)
    assert isinstance(reading, NoAnswer)
