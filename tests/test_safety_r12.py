"""Safety round 12's mechanisms, each with new wordings (never the batch's sentences): numbers said in words,
a saturation and the number after it, two letters swapped, whom "she" refers to, a Korean condition, bleeding
told across clauses or by ellipsis, a Korean 하다 verb split by the analyser, warning signs that combine, a lack
of reason to live said with its negation, an intensifier that makes a pain stronger, "there are times when",
and what is over, a risk or a condition's name rather than an event."""
import pytest

from bot.safety.detector import scan
from bot.safety.lexicon import Sign
from bot.safety.measures import saturations, spelled_numbers
from tests.test_safety import CRISIS_EN, CRISIS_KO, english, korean

FEVER_KO = "말씀하신 증상(열)은 응급 상황일 수 있어요. 지금 바로 119에 전화하시거나 가까운 응급실로 가세요. 이 대화를 기다리지 마세요."
TAKE_TIME_EN = "Take all the time you need. When you want to go on with the questions, press the button below."


def nothing(chat) -> bool:
    return not chat.state.get("advised") and not (chat.state.get("safety") or {}).get("asking")


# Numbers in words: read like digits, with their unit or a temperature word.

def test_a_temperature_in_english_words_is_a_fever():
    chat = english()
    chat.say("the thermometer says a hundred and two point five")
    assert chat.last.messages[0].text.startswith("What you describe (a fever) can be an emergency.")


@pytest.mark.parametrize("message", ["아빠 열이 삼십팔 점 구 도예요", "체온 39도 2부 나와요"])
def test_a_temperature_in_korean_words_or_with_bu_is_a_fever(message):
    chat = korean()
    chat.say(message)
    assert chat.last.messages[0].text == FEVER_KO


def test_a_number_in_words_that_counts_something_else_is_no_temperature():
    assert spelled_numbers("she is sixty two") == [("62", 7, 16)]
    assert scan("열이 37도 5부예요").live == () and scan("열이 37도 5부예요").unclear == ()
    assert not scan("temp check took forty minutes, all normal").live


# A saturation is the first number after its label, or one a trend word leads on to.

@pytest.mark.parametrize("text", ["sats 99 on room air, pulse 72", "산소포화도 98, 맥박 64", "SpO2 97, BP 110/68"])
def test_the_number_after_a_normal_saturation_belongs_to_another_measure(text):
    chat = english() if text.isascii() else korean()
    chat.say(text)
    assert nothing(chat), chat.text()


def test_a_saturation_falling_is_read_to_its_last_number():
    assert [s.percent for s in saturations("O2 sat was 95, now it's 87", frozenset({"o2", "sat"}),
                                           frozenset({"now", "it", "s"}))] == [95.0, 87.0]
    assert scan("산소포화도 95였는데 지금 88이에요").live == (Sign.BREATHING,)


# Typos: a four-letter word with two letters swapped; real words stay.

def test_two_swapped_letters_in_a_short_word_are_read_as_the_sign():
    chat = english()
    chat.say("my chest is in so much pian right now")
    assert chat.last.messages[0].text.startswith("What you describe (chest pain) can be an emergency.")
    assert scan("my chest hrut so bad now").live == (Sign.CHEST_PAIN,)


@pytest.mark.parametrize("text", ["sorry, the bloody form again", "I haev a question about the trial"])
def test_a_real_word_or_an_unrelated_typo_is_not_rewritten_into_a_sign(text):
    found = scan(text)
    assert not found.live and not found.unclear


# Whose sign: "she" never means the writer.

@pytest.mark.parametrize("text", ["a guy at the clinic told me he fainted twice this week",
                                  "my neighbour said she was coughing up blood last night"])
def test_a_pronoun_after_my_still_means_the_other_person(text):
    chat = english()
    chat.say(text)
    assert nothing(chat), chat.text()


def test_a_pronoun_for_the_patient_keeps_the_sign_ours():
    assert scan("my mom said she is coughing up blood right now").live == (Sign.BLEEDING,)


# A Korean condition keeps its own "more" and time.

def test_more_before_a_condition_is_the_conditions_not_the_signs():
    chat = korean()
    chat.say("수치가 더 낮아지면 숨이 찰 수도 있나요?")
    assert nothing(chat), chat.text()
    assert scan("지금 걸으면 숨이 차요").live == (Sign.BREATHING,)


# Bleeding across clauses or by ellipsis; fainting that is about to happen.

def test_what_came_up_described_in_its_own_clause_is_bleeding():
    chat = english()
    chat.say("coughed just now and it was pure blood")
    assert chat.last.messages[0].text.startswith("What you describe (bleeding that won't stop) can be an emergency.")
    assert not scan("I threw up but it wasn't blood").live


def test_gums_still_going_and_about_to_go_down_are_both_advised():
    chat = english()
    chat.say("his gums are still going after twenty minutes and he says he feels woozy, like he's gonna go down")
    assert set(chat.state["advised"]) == {"bleeding", "fainting"}


def test_blood_at_the_toothbrush_is_asked_about_or_advised():
    found = scan("there was blood on my toothbrush")
    assert Sign.BLEEDING in found.live + found.unclear


@pytest.mark.parametrize("text", ["잇몸 bleeding 계속 안 멈춤", "생리 양이 너무 많아요 지금", "생리대를 한 시간마다 바꿔야 해요"])
def test_korean_bleeding_in_english_words_or_by_heavy_flow(text):
    assert scan(text).live == (Sign.BLEEDING,)


# Self-harm: farewells and decisions that combine, acts, a lack of reason to live.

def test_a_goodbye_to_everyone_and_words_to_pass_on_get_the_crisis_lines():
    chat = english()
    chat.say("bye all of you. please tell my brother that I love him")
    assert [m.text for m in chat.last.messages] == [CRISIS_EN, TAKE_TIME_EN]


def test_a_letter_for_each_and_not_needing_the_study_get_the_crisis_lines():
    found = scan("I've written a letter for each of my grandkids.\nThanks for everything, I won't be needing the study")
    assert found.live == (Sign.SELF_HARM,)


@pytest.mark.parametrize("text", ["goodbye everyone, see you at the clinic on monday",
                                  "please tell my mom I love her, I'm stuck at work late",
                                  "모두 안녕, 좋은 주말 보내요", "시험 서류 다 찾아놨어요", "치료 방법을 찾아봤어요"])
def test_one_warning_cue_alone_is_still_ordinary_talk(text):
    found = scan(text)
    assert not found.live and not found.unclear


def test_a_korean_farewell_split_by_the_analyser_gets_the_crisis_lines():
    chat = korean()
    chat.say("여태 감사했어요. 남편한테 미안하다고 꼭 전해 주세요")
    assert chat.last.messages[0].text == CRISIS_KO


@pytest.mark.parametrize("text", ["끝내려고요. 방법은 이미 알아뒀어요", "도저히 못 견디겠어. 옥상에 올라와 있어",
                                  "수면제를 한꺼번에 다 삼켰어", "진통제 한 통을 털어넣었어요", "계속 살아갈 이유를 모르겠어요"])
def test_korean_decisions_means_and_acts_are_self_harm(text):
    assert scan(text).live == (Sign.SELF_HARM,)


def test_a_finished_course_of_medicine_is_no_overdose():
    assert not scan("약 다 먹었어요").live


def test_a_lack_of_reason_to_live_said_with_its_negation_gets_the_crisis_lines():
    chat = english()
    chat.say("61\nhonestly I can't find a reason to go on")
    assert chat.last.messages[0].text == CRISIS_EN


# An intensifier makes a pain stronger; "there are times" is asked about.

def test_an_intensifier_after_a_pain_does_not_hide_it_korean():
    chat = korean()
    chat.say("가슴이 쑤셔 죽겠어요")
    assert chat.last.messages[0].text.startswith("말씀하신 증상(가슴 통증)은 응급 상황일 수 있어요.")
    for text in ("배고파 죽겠어요", "숨 막혀 죽겠어 ㅋㅋ"):
        assert not scan(text).live and not scan(text).unclear, text


def test_there_are_times_when_is_asked_about_korean():
    chat = korean()
    chat.say("가슴이 답답할 때가 있어요")
    assert chat.text() == "말씀하신 증상(가슴 통증)이 지금 있는 건가요?"
    assert chat.state["safety"]["asking"] == ["chest_pain"] and not chat.state.get("advised")


def test_slurred_speech_said_as_the_way_of_talking_korean():
    found = scan("아버지 목소리가 어눌해지셨어요")
    assert Sign.CONFUSION in found.live + found.unclear


# What is over, a risk and a condition's name are not events.

@pytest.mark.parametrize("text", ["Passed out once at the dentist in 2021, never again",
                                  "Does he have a bleeding tendency? No.",
                                  "The nurse said my bleeding risk goes up after the procedure",
                                  "cut my finger chopping onions, it has stopped bleeding now"])
def test_over_a_risk_or_a_condition_is_no_sign(text):
    chat = english()
    chat.say(text)
    assert nothing(chat), chat.text()


@pytest.mark.parametrize("text, sign", [("it stopped bleeding for a bit but now it's pouring again", Sign.BLEEDING),
                                        ("he stopped breathing for a few seconds", Sign.BREATHING)])
def test_stopped_that_came_back_or_stopped_breathing_is_live(text, sign):
    assert sign in scan(text).live
