"""A question back is never an answer, however it is typed: found live, "whats an MPN" at the diagnosis
question was read as "an MPN but no AML" and ruled the person out of both studies."""
import pytest

from tests.conversation_helpers import Chat

from tests.test_safety import english, korean


MPN = ("An MPN (myeloproliferative neoplasm) is a long-lasting blood condition in which the bone marrow makes too "
       "many blood cells. The main kinds are polycythemia vera (PV), essential thrombocythemia (ET) and "
       "myelofibrosis (MF).")


def at_diagnosis() -> Chat:
    chat = english()
    assert chat.slot == "post_mpn_aml"
    return chat


@pytest.mark.parametrize("message", ["whats an MPN", "wats MPN", "what's an MPN", "what is an MPN"])
def test_a_term_question_typed_any_way_gets_the_explanation_and_nothing_is_recorded(message):
    chat = at_diagnosis()
    chat.say(message)
    assert chat.last.messages[0].text == MPN
    assert "post_mpn_aml" not in chat.state["readings"]
    assert chat.slot == "post_mpn_aml"


def test_a_rule_out_in_question_form_is_checked_first():
    from bot.eligibility.plain import said_plainly
    from bot.eligibility.reading import Reading
    assert not said_plainly("whats the point of the mpn question", Reading("precursor_only", "mpn"), None)
    assert said_plainly("only MF, no AML", Reading("precursor_only", "only MF"), None)


def test_a_will_and_saved_pills_get_the_crisis_lines():
    chat = english()
    chat.say("honestly i dont see why im bothering. i sorted out my will last week and ive got enough of my "
             "sleeping pills saved up")
    assert chat.state["advised"] == ["self_harm"]
    assert chat.buttons() == ["Go on with the questions"]


def test_a_korean_term_question_is_not_an_answer():
    chat = korean()
    chat.say("골수증식종양이 뭐예요")
    assert "post_mpn_aml" not in chat.state["readings"]
