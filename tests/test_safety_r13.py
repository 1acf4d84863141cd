"""Safety round 13's mechanisms, each with new wordings (never the batch's sentences), asserting what a person
sees: the advice for the sign, the question, or nothing. Blood in urine told by the act, a dressing soaked, a
flow "not easing off", blood streaming from a nose past a command, heat felt inside, a place or an activity
inside a sign's own words, a blank stare, not enough oxygen, chest pain that travels, a room starting to tilt, a
wound still oozing later in the sentence, a denial taken back, ConText's pseudo-cues; an effort that explains
slight breathlessness; dizziness alone and a slight fever asked; Korean glide typos, 경상도 endings, 극단적 as
morphemes, self-harm said as "should disappear", "forever asleep", "less hardship without me", "no will to
live"; a resultative past, a question about how readily a sign comes or about people, the chest ache of sorrow,
"숨이 가빠 죽겠어", 자주 as how it often is, a bare "코에서 피", 정신이 가물가물, 모르다 as a negation of its own; a
number said of the body; and neither a word of the signs nor a real word read as a typo of another."""
import pytest

from bot.safety.detector import scan
from bot.safety.lexicon import Sign
from tests.test_safety import CRISIS_EN, CRISIS_KO, english, korean


def advice_en(*signs: str) -> str:
    return (f"What you describe ({', '.join(signs)}) can be an emergency. Please call 119 now (in Korea), or go to "
            "the nearest emergency room. Don't wait for this chat.")


def advice_ko(*signs: str) -> str:
    return (f"말씀하신 증상({', '.join(signs)})은 응급 상황일 수 있어요. 지금 바로 119에 전화하시거나 가까운 응급실로 "
            "가세요. 이 대화를 기다리지 마세요.")


def nothing(chat) -> bool:
    return not chat.state.get("advised") and not (chat.state.get("safety") or {}).get("asking")


def said_en(message: str) -> str:
    chat = english()
    chat.say(message)
    return chat.last.messages[0].text


def said_ko(message: str) -> str:
    chat = korean()
    chat.say(message)
    return chat.last.messages[0].text


# Surface forms of a concept.

@pytest.mark.parametrize("message", ["he's urinating pink with little clots in it", "weeing bright red since tea"])
def test_blood_in_urine_told_by_the_act_gets_the_bleeding_advice(message):
    assert said_en(message) == advice_en("bleeding that won't stop")


def test_a_dressing_soaked_gets_the_bleeding_advice():
    assert said_en("the dressing on his port is drenched") == advice_en("bleeding that won't stop")


def test_a_flow_not_easing_off_is_going_on():
    assert said_en("a nosebleed, and it is not easing off") == advice_en("bleeding that won't stop")


def test_blood_streaming_from_a_nose_outranks_a_command():
    chat = english()
    chat.say("enough questions, blood is streaming out of her nose")
    assert chat.last.messages[0].text == advice_en("bleeding that won't stop")
    assert chat.state["stage"] == "screening"


def test_heat_felt_inside_is_a_fever():
    assert said_en("she says she's roasting on the inside") == advice_en("a fever")


def test_not_enough_oxygen_is_trouble_breathing():
    assert said_en("it feels like I can't get enough oxygen") == advice_en("trouble breathing")


def test_chest_pain_that_travels_is_advised_not_asked():
    message = "squeezing pain behind the breastbone, running down into my left arm"
    assert said_en(message) == advice_en("chest pain")


def test_a_blank_stare_with_a_time_is_confusion():
    assert said_en("he's been gazing vacantly at the wall since lunch") == advice_en("confusion or a seizure")


def test_a_wound_named_first_and_still_oozing_later_in_the_sentence():
    message = "he scratched his arm on the door an hour ago and it is still oozing, platelets 12"
    assert said_en(message) == advice_en("bleeding that won't stop")


def test_a_room_starting_to_tilt_beside_a_bleed_gets_both():
    assert said_en("my nose is pouring blood and the room started to tilt") == advice_en(
        "bleeding that won't stop", "fainting or collapse")


def test_an_idiom_of_excitement_is_no_fever():
    chat = english()
    chat.say("the crowd was at fever pitch at the concert")
    assert nothing(chat), chat.text()


def test_a_number_said_of_the_body_is_a_temperature_and_a_bill_is_no_warm_room():
    assert said_en("the heating bill is a worry, and my body is at 102 tonight") == advice_en("a fever")
    chat = english()
    chat.say("his body weighs 102 kg")
    assert nothing(chat), chat.text()


# Context: what is inside a sign's own words, an activity stopped, a denial taken back, pseudo-cues.

def test_a_place_inside_a_signs_own_words_frames_no_other_sign():
    assert said_en("temperature 39.1 and she doesn't recognise the house") == advice_en(
        "a fever", "confusion or a seizure")


def test_an_activity_stopped_is_not_the_sign_over():
    chat = english()
    chat.say("dad keeps telling us he wants to die, he's stopped eating")
    assert chat.last.messages[0].text == CRISIS_EN


def test_a_denial_taken_back_is_the_sign():
    chat = english()
    chat.say("kms haha no but for real")
    assert chat.last.messages[0].text == CRISIS_EN


def test_a_procedures_past_is_not_the_signs():
    message = "the spot where they did the lumbar puncture is dripping through the gauze"
    assert said_en(message) == advice_en("bleeding that won't stop")


def test_no_matter_is_no_denial():
    assert said_en("there isn't enough air no matter how slowly I breathe") == advice_en("trouble breathing")


# An effort that explains slight breathlessness; an effort that does not.

@pytest.mark.parametrize("message", ["give me a minute, slightly winded from jogging up the hill",
                                     "운동하고 와서 숨이 조금 차요"])
def test_slight_breathlessness_explained_by_an_effort_gets_nothing(message):
    chat = english() if message.isascii() else korean()
    chat.say(message)
    assert nothing(chat), chat.text()


def test_an_effort_not_made_explains_nothing():
    assert said_ko("운동은 못 하고 숨이 좀 차요") == advice_ko("숨쉬기 어려움")


def test_slight_breathlessness_walking_to_the_toilet_is_asked():
    chat = english()
    chat.say("I get a bit breathless walking to the toilet")
    assert chat.last.messages[0].text == "You mentioned trouble breathing. Is this happening now?"


# Not said at full strength: asked, and a number decides a fever.

@pytest.mark.parametrize("message, question", [
    ("I'm feeling woozy", "You mentioned fainting or collapse. Is this happening now?"),
    ("I think I have a bit of a fever", "You mentioned a fever. Is this happening now?"),
    ("머리가 어질어질해요", "말씀하신 증상(실신이나 쓰러짐)이 지금 있는 건가요?"),
    ("미열 기운이 있어요", "말씀하신 증상(열)이 지금 있는 건가요?"),
])
def test_dizziness_alone_or_a_slight_fever_is_asked(message, question):
    assert (said_en(message) if message.isascii() else said_ko(message)) == question


@pytest.mark.parametrize("message", ["she came off hydroxyurea because of the dizziness",
                                     "현기증이 나서 그 약은 끊으셨어요"])
def test_dizziness_told_as_why_a_drug_was_stopped_is_history(message):
    chat = english() if message.isascii() else korean()
    chat.say(message)
    assert nothing(chat), chat.text()


def test_dizziness_beside_a_live_bleed_is_the_same_episode():
    assert said_en("her gums are pouring blood and she feels giddy") == advice_en(
        "bleeding that won't stop", "fainting or collapse")


def test_a_slight_fever_with_a_normal_number_is_nothing():
    assert not scan("slight temperature, 37.6 on the thermometer").any
    assert not scan("미열 37.4도 정도예요").any


# Korean: typos, dialect, morphemes.

@pytest.mark.parametrize("message", ["코피가안그처요", "피가 자꾸 안멈처요"])
def test_a_dropped_glide_in_a_verb_is_read_back(message):
    assert said_ko(message) == advice_ko("멈추지 않는 출혈")


def test_a_glide_is_put_back_only_where_the_analyser_found_no_verb():
    from bot.safety.glides import restore
    glides = {"ㅓ": "ㅝㅕ", "ㅏ": "ㅘㅑ"}
    assert restore("엄마요 저요 1차요 다 해요", glides) == "엄마요 저요 1차요 다 해요"
    assert restore("절 못알아바요", glides) == "절 못알아봐요"


def test_gyeongsang_endings_are_read_as_standard():
    assert said_ko("아부지 말씀이 자꾸 꼬입니더") == advice_ko("의식 혼란이나 경련")


@pytest.mark.parametrize("message", ["할배가 갑자기 제 이름을 모르십니다", "할머니가 오늘이 며칠인지 모르세요"])
def test_not_knowing_a_name_or_the_day_said_with_moreuda_is_confusion(message):
    assert said_ko(message) == advice_ko("의식 혼란이나 경련")


def test_the_writer_not_knowing_the_day_is_no_sign():
    chat = korean()
    chat.say("오늘 무슨 요일인지 몰라서요 예약이 언제죠")
    assert nothing(chat), chat.text()


@pytest.mark.parametrize("message", ["극단적 선택까지 생각하고 있어요", "저 같은 사람은 없어져야 해요", "영영 쉬고 싶어요",
                                     "살 의욕이 없어요", "나만 없으면 식구들이 덜 고생하겠지"])
def test_korean_self_harm_said_without_naming_it_gets_the_crisis_reply(message):
    assert said_ko(message) == CRISIS_KO


def test_a_black_stool_told_across_a_clause():
    assert said_ko("방금 변을 봤는데 타르처럼 까매요") == advice_ko("멈추지 않는 출혈")


def test_a_past_that_says_how_it_is_now_is_live():
    assert said_ko("코피가 안 멎어 옷소매가 빨갛게 물들었어요") == advice_ko("멈추지 않는 출혈")


@pytest.mark.parametrize("message", ["혈소판 낮을 때 코피가 잘 나요?", "열 오르는 사람도 많아요?",
                                     "그 소식 들으니까 가슴이 아파요"])
def test_a_question_about_a_sign_or_the_ache_of_sorrow_gets_nothing(message):
    chat = korean()
    chat.say(message)
    assert nothing(chat), chat.text()


def test_a_chest_that_aches_without_sorrow_is_still_chest_pain():
    assert said_ko("가슴이 쥐어짜듯 아파요") == advice_ko("가슴 통증")


def test_an_intensifier_makes_breathlessness_stronger():
    assert said_ko("숨이 가빠 죽겠어요") == advice_ko("숨쉬기 어려움")


@pytest.mark.parametrize("message, sign", [("엄마가 자주 쓰러지세요", "실신이나 쓰러짐"), ("코에서 피", "멈추지 않는 출혈")])
def test_how_it_often_is_or_a_bare_fragment_is_asked(message, sign):
    assert said_ko(message) == f"말씀하신 증상({sign})이 지금 있는 건가요?"


def test_a_mind_going_dim_is_near_fainting():
    assert said_ko("갑자기 정신이 가물가물해요") == advice_ko("실신이나 쓰러짐")


# Typos: a word of the signs, or a real word, is never read as another.

def test_a_word_of_the_signs_is_never_read_as_a_typo():
    assert said_en("she's choking right now") == advice_en("trouble breathing")  # not "cooking"
    assert scan("she's choking right now").live == (Sign.BREATHING,)


def test_a_real_word_is_never_read_as_a_word_of_the_signs():
    chat = english()
    chat.say("my grandson didn't recognise the horse at the farm")  # not "the house"
    assert nothing(chat), chat.text()
