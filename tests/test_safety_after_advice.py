"""What follows the advice, in both languages, whole: help on its way is acknowledged and no question follows;
"ok" that opens a message is not "better"; the person said to be better gets the glad reply and the question."""
from datetime import date

import pytest

from bot import config
from bot.conversation.turn import Conversation
from bot.eligibility.model import load_trial

HELP = {"en": "Good, that is the right thing to do. This chat will wait; we can go on whenever you're ready.",
        "ko": "잘하셨어요. 이 대화는 기다릴게요. 준비되시면 언제든 이어서 해요."}
BETTER = {"en": "I'm glad it has eased. If it comes back or gets worse, please call 119 straight away.",
          "ko": "조금 나아지셨다니 다행이에요. 다시 그러거나 심해지면 바로 119에 전화해 주세요."}
LEAD = {"en": ["hi", "yes", "for my husband", "he's been bleeding from the gums for an hour and it won't stop"],
        "ko": ["안녕하세요", "네", "남편 대신 답해요", "남편이 잇몸에서 한 시간째 피가 안 멈춰요"]}


@pytest.fixture
def after_advice(monkeypatch):
    monkeypatch.setenv("TRIALBOT_TRIAL", "NCT03558607")
    conv = Conversation(load_trial("NCT03558607"), config.site(), date(2026, 12, 3))

    def say(lang: str, text: str):
        state: dict = {}
        for m in LEAD[lang]:
            state = conv.turn(state, m).state
        reply = conv.turn(state, text)
        return [m.text for m in reply.messages], reply.state
    return say


@pytest.mark.parametrize("lang, text", [("en", "okay, the paramedics are on the way"),
                                        ("en", "we're driving him to the emergency room now"),
                                        ("ko", "방금 119에 전화했어요"), ("ko", "지금 병원으로 출발해요")])
def test_help_on_its_way_is_acknowledged_and_nothing_is_asked(after_advice, lang, text):
    said, state = after_advice(lang, text)
    assert said == [HELP[lang]]


@pytest.mark.parametrize("lang, text", [("en", "it stopped, he's okay now"), ("ko", "이제 피 멈췄어요 괜찮아요")])
def test_better_gets_the_glad_reply_then_the_question(after_advice, lang, text):
    said, state = after_advice(lang, text)
    assert said[0] == BETTER[lang]
    assert state["requested_slot"]


def test_ok_that_opens_a_message_is_not_better(after_advice):
    said, _ = after_advice("en", "ok, I'm pressing on it with a cloth like you said")
    assert BETTER["en"] not in said
