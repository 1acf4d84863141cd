"""Found talking to the live bot: after "You mentioned your son. Are you answering these questions for your
son?", a mother typed "he is 19" and was told "I couldn't read that", then stayed at the who-is-answering
question through every answer about "his ALL". A pronoun that fits who was heard answers yes."""
from datetime import date

import pytest

from bot.eligibility.portfolio import site_portfolio
from tests.conversation_helpers import Chat


@pytest.fixture(autouse=True)
def _site(monkeypatch):
    monkeypatch.delenv("TRIALBOT_TRIAL", raising=False)


def chat_for_son() -> Chat:
    chat = Chat(date(2026, 12, 2), site_portfolio())
    chat.say("hi im asking for my son")
    chat.say("yes ok")
    assert chat.last.messages[-1].text == "You mentioned your son. Are you answering these questions for your son?"
    return chat


def test_he_is_19_answers_for_the_son_and_gives_his_age():
    chat = chat_for_son()
    chat.say("he is 19")
    readings = chat.state["readings"]
    assert readings["respondent"]["extra"] == {"relation": "son", "sex": "male"}
    assert readings["age"]["number"] == 19.0
    assert chat.last.messages[0].text == 'Noted too: Age: "19 years (19)".'


def test_words_about_his_illness_answer_for_the_son():
    chat = chat_for_son()
    chat.say("his ALL came back in august, second time")
    assert chat.state["readings"]["respondent"]["extra"]["relation"] == "son"
    assert chat.text() == "How old is your son? (Age, birth year or birth date is fine.)"


def test_a_pronoun_that_does_not_fit_is_not_a_yes():
    chat = chat_for_son()
    chat.say("she is 45")
    assert "respondent" not in chat.state["readings"]
