"""Found in the live talk of 3 December 2026, each in new words: a wish to close one's eyes for good is a
death wish, and its "그만" is never the stop command; a person who says they will call the crisis line
after the crisis reply is told that is right, never offered a call-back from the study team."""
from datetime import date

import pytest

from bot import config
from bot.conversation.turn import Conversation
from bot.eligibility.model import load_trial

CRISIS_KO = ("많이 힘드시죠. 혼자 견디지 않으셔도 돼요. 지금 바로 전화해 주세요: 자살예방 상담전화 109, 응급 119. "
             "또는 가까운 응급실로 가 주세요. 할 수 있으면 곁에 있는 사람에게도 알려 주세요.")
HELP = {"en": "Good, that is the right thing to do. This chat will wait; we can go on whenever you're ready.",
        "ko": "잘하셨어요. 이 대화는 기다릴게요. 준비되시면 언제든 이어서 해요."}


@pytest.fixture
def chat(monkeypatch):
    monkeypatch.setenv("TRIALBOT_TRIAL", "NCT03558607")
    conv = Conversation(load_trial("NCT03558607"), config.site(), date(2026, 12, 3))

    def say(*messages: str):
        state: dict = {}
        for m in messages:
            reply = conv.turn(state, m)
            state = reply.state
        return [m.text for m in reply.messages], state
    return say


@pytest.mark.parametrize("words", ["아버지가 이제 그만 눈 감고 싶다고 하세요", "저 그냥 편히 눈 감고 싶어요"])
def test_closing_ones_eyes_for_good_is_a_crisis_not_a_stop(chat, words):
    said, state = chat("안녕하세요", "네", "아버지 대신 답해요", words)
    assert said[0] == CRISIS_KO
    assert state["stage"] != "stopped"


@pytest.mark.parametrize("lang, lead, words", [
    ("ko", ["안녕하세요", "네", "엄마 대신 답해요", "엄마가 차라리 죽는 게 낫겠다고 하세요"], "지금 옆에 있어요, 109에 전화해 볼게요"),
    ("en", ["hi", "yes", "for my brother", "my brother told me tonight he wants to die"], "I'm with him, ringing 109 now"),
])
def test_calling_the_crisis_line_is_acknowledged(chat, lang, lead, words):
    said, state = chat(*lead, words)
    assert said == [HELP[lang]]
