"""A denial reaches along a list of signs, and no further: "no chest pain or shortness of breath" denies both
(round 11 gave breathing advice); "no fever, coughing up blood" and "no fever and vomiting blood" tell a sign
after a denied one (found reviewing the list rule: a comma or "and" had carried the "no" over the bleeding)."""
import pytest

from bot.safety.detector import scan
from bot.safety.lexicon import Sign


@pytest.mark.parametrize("text", ["I don't have any chest pain or shortness of breath",
                                  "no chest pain or shortness of breath, just tired",
                                  "가슴 통증이나 숨찬 건 없어요"])
def test_a_denied_list_is_no_sign(text):
    found = scan(text)
    assert not found.live and not found.unclear


@pytest.mark.parametrize("text", ["no fever, coughing up blood", "no fever and vomiting blood",
                                  "I have no fever and I'm vomiting blood", "열은 없고, 피를 토했어요 방금"])
def test_a_sign_after_a_denied_one_is_live(text):
    assert scan(text).live == (Sign.BLEEDING,)


def test_a_sign_after_and_is_asked_about_rather_than_denied():
    found = scan("no fever and chills")
    assert found.unclear == (Sign.FEVER,) and not found.live
