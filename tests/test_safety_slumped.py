"""Found talking to the live bot (3 December 2026): a daughter typed, at the medicine question, that her
mother had broken into a cold sweat, grabbed the wall and slumped down, eyes gone unfocused ("주저앉으셨어요
눈이 풀리셨어요"), and got "I couldn't read that as an answer". Slumping down with a sign of fainting beside it
(a cold sweat, dizziness, pallor, eyes gone unfocused or closing) is a faint; 주저앉다 alone is also sitting
down to cry, or a wish to give up, and is not."""
import pytest

from bot.safety.detector import scan
from bot.safety.lexicon import Sign
from tests.test_safety import korean

FAINT_KO = ("말씀하신 증상(실신이나 쓰러짐)은 응급 상황일 수 있어요. 지금 바로 119에 전화하시거나 가까운 "
            "응급실로 가세요. 이 대화를 기다리지 마세요.")


@pytest.mark.parametrize("message", [
    "아버지가 방금 어지럽다 하시더니 그대로 주저앉으셨어요",
    "할머니가 식은땀을 흘리시면서 부엌 바닥에 주저앉으셨어요",
    "엄마가 주저앉으시더니 눈이 자꾸 감기세요",
])
def test_slumping_down_with_a_sign_of_fainting_gets_the_advice(message):
    chat = korean()
    chat.say(message)
    assert chat.last.messages[0].text == FAINT_KO


@pytest.mark.parametrize("message", [
    "결과 듣고 너무 속상해서 그냥 주저앉고 싶었어요",
    "아빠는 소식 듣고 그 자리에 주저앉아서 한참 우셨어요",
    "주말에 땀 흘리며 등산하시다가 잠깐 주저앉아 쉬셨대요",
])
def test_slumping_down_alone_is_no_sign(message):
    assert Sign.FAINTING not in scan(message).live and Sign.FAINTING not in scan(message).unclear
