"""The name a study team should ask for: a name as typed, in any script,
with "my name is" / "제 이름은 ... 이에요" taken off; never a sentence. Found
talking to the live bot: "사람이랑 직접 얘기하고 싶어요" (I want to talk to a
person) was stored as the name. Korean names are one or two short words, read
by their length and not by morphemes (kiwi splits 김은지 into a verb)."""
import pytest

from bot.conversation.contact import clean_name


@pytest.mark.parametrize("typed, name", [
    ("김은지", "김은지"), ("김민지예요", "김민지"), ("제 이름은 박서준입니다", "박서준"), ("이수진이요", "이수진"),
    ("남궁민수", "남궁민수"), ("최 유나", "최 유나"), ("이루다", "이루다"), ("Kim Minji", "Kim Minji"),
    ("my name is Park Mina", "Park Mina"), ("O'Brien", "O'Brien"), ("Maria José", "Maria José"),
])
def test_a_name_is_kept_as_typed(typed, name):
    assert clean_name(typed) == name


@pytest.mark.parametrize("typed", [
    "사람이랑 직접 얘기하고 싶어요", "그냥 전화 주세요", "I want to talk to someone", "can you call me tomorrow",
    "010-1234-5678", "<b>Kim</b>", "who are you?", "",
])
def test_a_sentence_or_a_number_is_not_a_name(typed):
    assert clean_name(typed) is None
