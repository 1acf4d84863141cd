"""The interruption guard: an answer is never lost to a misread request,
and an emergency is never downgraded when its words are there."""
import pytest

from bot.intents import checked_intent
from bot.safety import emergency_signs


@pytest.mark.parametrize("intent, text", [
    ("delete_data", "I can do everything I used to do"),
    ("emergency", "she has high blood pressure, that's all"),
    ("stop", "old enough"),
    ("stop", "she stopped Hydrea 3 weeks ago"),
    ("start_over", "her chemo was restarted"),  # "restarted" is not "restart"
    ("out_of_scope", "she had chemotherapy in hospital"),
    ("human_handoff", "my husband"),
    ("go_back", "she went to hospital"),
])
def test_answers_misread_as_interruptions_stay_answers(intent, text):
    assert checked_intent(intent, text, confidence=0.6) == "inform"


@pytest.mark.parametrize("intent, text", [
    ("stop", "I need to stop now"), ("delete_data", "please erase my information"),
    ("emergency", "my dad can't catch his breath right now"), ("emergency", "she collapsed"),
    ("out_of_scope", "will the study pay for travel?"), ("start_over", "let's start from the very beginning"),
    ("human_handoff", "can I talk to a real human"), ("correct_answer", "change my age to 61"),
    ("ask_why", "why would you need that?"), ("explain_term", "what's ECOG again?"),
    ("go_back", "go back"), ("greet", "hi"), ("affirm", "yes"), ("correct_answer", '/correct_answer{"criterion": "age"}'),
])
def test_real_interruptions_stand(intent, text):
    assert checked_intent(intent, text, confidence=0.6) == intent


@pytest.mark.parametrize("intent, text", [
    ("inform", "my mother has a high fever"), ("inform", "she collapsed"), ("affirm", "she's short of breath right now"),
    ("deny", "I don't want to live anymore"), ("inform", "yes, and she has chest pain right now"),
])
def test_emergency_signs_always_mean_emergency(intent, text):
    assert checked_intent(intent, text, confidence=1.0) == "emergency"


@pytest.mark.parametrize("text", ["no fever", "she has no chest pain", "no bleeding or anything"])
def test_denied_signs_stay_answers(text):
    assert checked_intent("deny", text) == "deny"


def test_a_confident_emergency_is_never_downgraded():
    assert checked_intent("emergency", "something is very wrong with her", confidence=0.95) == "emergency"


@pytest.mark.parametrize("text, signs", [
    ("my mother has a high fever", ["fever"]), ("no fever", []), ("she is not bleeding", []),
    ("I have chest pain and can't breathe", ["chest pain", "trouble breathing"]),
    ("I want to kill myself", ["thoughts of self-harm"]), ("she fainted this morning", ["fainting"]),
    ("heart failure", []), ("no chest pain, no problems", []), ("he is confused and not making sense", ["confusion"]),
    ("the bleeding won't stop", ["bleeding that will not stop"]),
])
def test_emergency_signs(text, signs):
    assert emergency_signs(text) == signs
