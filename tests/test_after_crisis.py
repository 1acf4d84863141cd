"""After the crisis reply (self-harm said), the next message that answers
nothing gets the crisis lines again, kindly, with the way on; a yes or a no
alone ("yes, right now, I'm exhausted") is about the crisis, never an answer
to the open question; words that answer it still do. Found talking to the
live bot, where "yes, right now" got "You can use the buttons below". The
replies are checked whole, in both languages, with the site's crisis lines
(config/site.yml: 109 and 119)."""
from tests.conversation_helpers import Chat

STILL_EN = ("I'm still here with you. If you are thinking of ending your life, or are not safe right now, please "
            "call suicide prevention line 109, emergency 119 now, or tell someone near you. When you want to go on, "
            "press the button below or answer the question.")
STILL_KO = ("저는 여기 있어요. 스스로 목숨을 끊을 생각이 드시거나 지금 안전하지 않으시면 지금 바로 전화해 주세요: "
            "자살예방 상담전화 109, 응급 119. 곁에 있는 사람에게도 알려 주세요. 이어서 하고 싶으실 때 아래 버튼을 누르시거나 "
            "질문에 답해 주세요.")


def _after_crisis(first: str, consent: str, respondent: str, crisis: str) -> Chat:
    chat = Chat()
    chat.say(first)
    chat.say(consent)
    chat.say(respondent)
    assert chat.slot == "post_mpn_aml"
    chat.say(crisis)
    assert "self_harm" in chat.state["advised"]
    return chat


def test_a_yes_right_after_the_crisis_lines_is_about_the_crisis_in_english():
    chat = _after_crisis("hi", "yes", "for myself", "some days I just want to go to sleep and never wake up")
    chat.say("yes, right now, I am exhausted")
    assert chat.text() == STILL_EN and chat.buttons() == ["Go on with the questions"]
    assert "post_mpn_aml" not in chat.state["answers"]


def test_words_of_no_answer_after_the_crisis_lines_get_them_again_in_korean():
    chat = _after_crisis("안녕하세요", "네", "제가 환자예요", "요즘 그냥 다 끝내고 싶어요")
    chat.say("그냥 피곤해서요")
    assert chat.text() == STILL_KO and chat.buttons() == ["질문 이어서 하기"]
    chat.say("네 맞아요")
    assert chat.text() == STILL_KO and "post_mpn_aml" not in chat.state["answers"]


def test_an_answer_in_words_after_the_crisis_lines_is_still_read():
    chat = _after_crisis("hi", "yes", "for myself", "honestly I don't want to be here anymore")
    chat.say("Yes, AML after PV")
    assert chat.state["readings"]["post_mpn_aml"]["value"] == "confirmed" and chat.slot == "age"


def test_the_button_goes_on_with_the_question():
    chat = _after_crisis("hi", "yes", "for myself", "some days I just want to go to sleep and never wake up")
    chat.say("no")
    chat.click("Go on with the questions")
    assert chat.slot == "post_mpn_aml" and chat.text().endswith(
        "Has a doctor diagnosed you with AML (acute myeloid leukemia) that developed after an earlier MPN, such as "
        "polycythemia vera, essential thrombocythemia or myelofibrosis?")
