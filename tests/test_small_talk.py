"""Found talking to the live bot: at the summary, "그리고 하이드리아는 오늘 아침에도 먹었어요" (and I took Hydrea this
morning too) got "다시 오셨네요, 반가워요!" (welcome back): the classifier called it a greeting with high
confidence. Small talk from the classifier is a few words; a longer message tells something."""
from bot.conversation.phrases import meaning


def test_a_long_message_the_classifier_calls_a_greeting_is_not_small_talk():
    assert meaning("그리고 하이드리아는 오늘 아침에도 먹었어요", "greet", 0.97) is None
    assert meaning("and she took her hydrea this morning too", "greet", 0.97) is None


def test_a_short_greeting_from_the_classifier_is_still_one():
    found = meaning("yo there", "greet", 0.9)
    assert found is not None and found.intent == "greet"


def test_greeting_words_are_read_whatever_the_classifier_says():
    found = meaning("반가워요", None, 0.0)
    assert found is not None and found.intent == "greet"


def test_needing_a_minute_is_a_pause_not_a_miss():
    """Found talking to the live bot: "sorry I need a minute, the nurse is here" got "I couldn't read that"."""
    found = meaning("sorry I need a minute, the nurse is here")
    assert found is not None and found.intent == "hold"
