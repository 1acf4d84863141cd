"""A result in one word ("negative", "음성") is the open question's only when no other test is named: "his
MRD was negative" at the CD19 question is another test's result and never rules the child out."""
from datetime import date

import pytest

from bot.eligibility.model import load_trial
from bot.eligibility.reading import Reading
from bot.eligibility.session import judge, read

TODAY = date(2026, 12, 3)
TRIAL = load_trial("NCT05210907")


def verdict(text: str) -> str:
    result = read(TRIAL, "cd19_documented", text, TODAY)
    return judge(TRIAL.question("cd19_documented"), result).verdict.value if isinstance(result, Reading) else "none"


@pytest.mark.parametrize("text", ["the PCR came back negative last week", "미세잔존질환(MRD)은 음성이었어요",
                                  "her covid test was negative"])
def test_another_tests_negative_is_never_a_cd19_negative(text):
    assert verdict(text) != "fail"


@pytest.mark.parametrize("text", ["negative", "음성이래요", "CD19 negative, and the MRD is positive"])
def test_a_negative_said_of_the_question_still_counts(text):
    assert verdict(text) == "fail"
