"""Found talking to the live bot: "こんにちは" got "I couldn't find any words in that message." Letters of
another script are words in a language the chat does not speak: the reply says which languages it speaks, in
the conversation's language, and the question is asked again; nothing is recorded."""
from datetime import date

import pytest

from bot.eligibility.portfolio import site_portfolio
from tests.conversation_helpers import Chat


@pytest.mark.parametrize("message", ["こんにちは、元気です", "Здравствуйте", "مرحبا"])
def test_another_script_gets_which_languages_the_chat_speaks(message):
    chat = Chat(date(2026, 12, 3), site_portfolio()).start()
    chat.say("for myself")
    chat.say(message)
    assert chat.last.messages[0].text == \
        "I can only chat in English or Korean. Please write in one of them, or use the buttons."
    assert set(chat.state["readings"]) == {"respondent"}


def test_in_korean_too():
    chat = Chat(date(2026, 12, 3), site_portfolio()).start("안녕하세요", "네")
    chat.say("본인이에요")
    chat.say("你好")
    assert chat.last.messages[0].text == \
        "한국어나 영어로만 이야기할 수 있어요. 둘 중 편한 말로 써 주시거나 아래 버튼을 눌러 주세요."


def test_digits_and_emoji_alone_are_still_no_words():
    chat = Chat(date(2026, 12, 3), site_portfolio()).start()
    chat.say("for myself")
    chat.say("🙂🙂")
    assert chat.last.messages[0].text == "I couldn't find any words in that message."
