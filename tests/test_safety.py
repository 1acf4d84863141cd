"""The safety scan and its replies, as a person meets them: every safety reply
whole, in both languages; a sign outranks commands and answers; a sign named
without time gets one question; escalation; the crisis reply waits for the
person; the vignette batches written by people who never read the scan."""
from pathlib import Path

import pytest

from bot import config
from scripts.safety_score import in_process, load, score
from tests.conversation_helpers import Chat
from tests.livechat import PROGRAM_TEXT

BATCHES = sorted((Path(__file__).parent / "safety").glob("*.jsonl"))

# Written from the issue and config/site.yml (109 and 119, named in words), not from the program.
CRISIS_EN = ("I'm really sorry you're going through this. You don't have to face it alone: please call "
             "suicide prevention line 109, emergency 119 now, or go to the nearest emergency room. "
             "If you can, tell someone near you.")
CRISIS_KO = ("많이 힘드시죠. 혼자 견디지 않으셔도 돼요. 지금 바로 전화해 주세요: 자살예방 상담전화 109, 응급 119. "
             "또는 가까운 응급실로 가 주세요. 할 수 있으면 곁에 있는 사람에게도 알려 주세요.")
FEVER_EN = ("What you describe (a fever) can be an emergency. Please call 119 now (in Korea), or go to the "
            "nearest emergency room. Don't wait for this chat.")
BLEEDING_KO = "말씀하신 증상(멈추지 않는 출혈)은 응급 상황일 수 있어요. 지금 바로 119에 전화하시거나 가까운 응급실로 가세요. 이 대화를 기다리지 마세요."
AGAIN_EN = "Please call 119 now, or go to the nearest emergency room. Don't wait for this chat."
AGAIN_KO = "지금 바로 119에 전화하시거나 가까운 응급실로 가세요. 이 대화를 기다리지 마세요."


def english() -> Chat:
    chat = Chat().start()
    chat.say("for myself")
    return chat


def korean() -> Chat:
    chat = Chat().start("안녕하세요", "네")
    chat.say("제가 환자예요")
    return chat


def no_program_text(chat: Chat) -> None:
    for reply in chat.replies:
        for m in reply.messages:
            assert not PROGRAM_TEXT.search(m.text), m.text


def test_the_crisis_reply_is_whole_words_in_english_and_no_question_follows():
    chat = english()
    chat.say("sometimes I think about ending it")
    assert [m.text for m in chat.last.messages] == [
        CRISIS_EN, "Take all the time you need. When you want to go on with the questions, press the button below."]
    assert chat.buttons() == ["Go on with the questions"]
    assert chat.slot == "post_mpn_aml" and "post_mpn_aml" not in chat.state["answers"]
    assert [e.data for e in chat.last.effects if e.kind == "flag"] == [{"kind": "emergency", "signs": ["self_harm"]}]
    chat.click("Go on")
    assert chat.text().startswith("Has a doctor diagnosed you")
    no_program_text(chat)


def test_the_crisis_reply_is_whole_words_in_korean():
    chat = korean()
    chat.say("요즘은 그냥 그만 살고 싶어요")
    assert [m.text for m in chat.last.messages] == [
        CRISIS_KO, "천천히 하셔도 괜찮아요. 질문을 이어서 하고 싶으실 때 아래 버튼을 눌러 주세요."]
    assert chat.buttons() == ["질문 이어서 하기"]
    assert chat.state["stage"] != "stopped"  # "그만" was not the stop command
    no_program_text(chat)


def test_emergency_advice_is_whole_then_the_short_advice_when_it_goes_on_english():
    chat = english()
    chat.say("the thermometer just read 101.8")
    assert chat.last.messages[0].text == FEVER_EN
    chat.say("it's getting worse")
    assert chat.last.messages[0].text == AGAIN_EN
    assert chat.last.messages[1].text == "When you're ready, we can go on."


def test_a_sign_outranks_a_command_word_and_an_answer_korean():
    chat = korean()
    answered = dict(chat.state["answers"])
    chat.say("코피가 멈추지 않아요")
    assert chat.last.messages[0].text == BLEEDING_KO
    assert chat.state["answers"] == answered and chat.state["stage"] == "screening"
    chat.say("아직도 피가 안 멈춰요 더 심해졌어요")
    assert chat.last.messages[0].text == AGAIN_KO


def test_stop_inside_a_sign_is_not_the_stop_command():
    chat = english()
    chat.say("I can't stop throwing up blood")
    assert chat.last.messages[0].text.startswith("What you describe (bleeding that won't stop) can be an emergency.")
    assert chat.state["stage"] == "screening" and chat.slot == "post_mpn_aml"


def test_an_answer_said_apart_from_the_sign_is_recorded_with_the_advice():
    chat = english()
    chat.say("yes, PV that turned into AML")
    assert chat.slot == "age"
    chat.say("52, and my chest really hurts")
    assert chat.last.messages[0].text.startswith("What you describe (chest pain) can be an emergency.")
    assert chat.state["readings"]["age"]["number"] == 52 and chat.state["answers"]["age"] == "52"


def test_a_sign_without_time_gets_one_question_and_yes_gives_the_advice():
    chat = english()
    chat.say("chest pain")
    assert chat.text() == "You mentioned chest pain. Is this happening now?"
    assert chat.buttons() == ["Yes, it's happening now", "No, not now"]
    chat.click("Yes")
    assert chat.last.messages[0].text.startswith("What you describe (chest pain) can be an emergency.")


def test_a_sign_without_time_answered_no_goes_back_to_the_question_korean():
    chat = korean()
    chat.say("피가 났어요")
    assert chat.text() == "말씀하신 증상(멈추지 않는 출혈)이 지금 있는 건가요?"
    chat.say("아니요")
    assert chat.last.messages[0].text == ("알려 주셔서 고마워요. 다시 그러거나 심해지면 119에 전화하시거나 "
                                          "가까운 응급실로 가세요.")
    assert chat.slot == "post_mpn_aml" and not chat.state["answers"].get("post_mpn_aml")


@pytest.mark.parametrize("message", ["it's 38 degrees outside today", "밖이 38도라서 너무 더워요",
                                     "지난달에 열이 39도까지 났었는데 지금은 괜찮아요", "I'm dying to know if I qualify",
                                     "숨 돌리고 할게요", "is a fever dangerous during chemo?"])
def test_not_a_sign(message):
    chat = english()
    chat.say(message)
    assert not chat.state["advised"] and not chat.state.get("safety"), chat.text()


def test_an_emergency_before_consent_gets_the_advice_then_the_welcome():
    chat = Chat()
    chat.say("엄마가 갑자기 저를 못 알아보세요")
    assert chat.last.messages[0].text.startswith("말씀하신 증상(의식 혼란이나 경련)은 응급 상황일 수 있어요.")
    assert chat.state["stage"] == "consent"


def test_the_site_configuration_is_typed(tmp_path):
    good = tmp_path / "site.yml"
    good.write_text("crisis_lines:\n  - {number: '109', name: 'suicide prevention line', name_ko: '자살예방 상담전화'}\n")
    assert config.site(good).crisis_lines[0].name_in("ko") == "자살예방 상담전화"
    for bad in ("crisis_lines:\n  - {number: '109', nmae: 'x'}\n", "crisis_lines:\n  - '109'\n",
                "crisis_lines:\n  - {number: '109'}\n"):
        path = tmp_path / "bad.yml"
        path.write_text(bad)
        with pytest.raises(ValueError):
            config.site(path)


def test_the_vignette_batches_in_process():
    """Every batch, typed at the respondent question. The floors are the scores
    measured after the last round (README); the issue's goals (100% / 97%) are
    not met yet, so a regression fails here and an improvement raises them."""
    result = score(load(BATCHES), in_process(), ["respondent"])
    rows = result["rows"]
    assert sum(n for _, n in rows.values()) > 1500
    floors = {"en/sign/all": 0.986, "ko/sign/all": 0.988, "en/negative/all": 0.982, "ko/negative/all": 0.992}
    for key, floor in floors.items():
        ok, n = rows[key]
        assert ok / n >= floor, (key, ok, n, [m["text"] for m in result["misses"]][:20])


def test_feeling_ill_without_a_sign_is_never_couldnt_read_that():
    chat = english()
    chat.say("my stomach is cramping and I feel sick")
    assert chat.last.messages[0].text == (
        "I'm sorry you're not feeling well. If it gets worse, or you are worried, please call 119 or go to the "
        "nearest emergency room. When you're ready, we can go on.")
    assert not chat.state["misses"]


def test_it_has_eased_after_the_advice_korean():
    chat = korean()
    chat.say("엄마가 방금 쓰러지셨어요")
    assert chat.last.messages[0].text.startswith("말씀하신 증상(실신이나 쓰러짐)은 응급 상황일 수 있어요.")
    chat.say("지금은 눈 뜨시고 괜찮아지셨어요")
    assert chat.last.messages[0].text == "조금 나아지셨다니 다행이에요. 다시 그러거나 심해지면 바로 119에 전화해 주세요."
    assert chat.slot == "post_mpn_aml" and not chat.state["misses"]


def _at_summary(chat: Chat) -> Chat:
    from tests.conversation_helpers import FOR_MOTHER
    from tests.test_conversation import answer_until
    answer_until(chat, FOR_MOTHER)
    assert chat.slot == "summary"
    return chat


def test_a_sign_at_the_summary_gets_the_advice_and_the_summary_question_again():
    chat = _at_summary(Chat().start())
    chat.say("hold on, she just collapsed in the kitchen")
    assert chat.last.messages[0].text.startswith("What you describe (fainting or collapse) can be an emergency.")
    assert chat.slot == "summary" and chat.state["screening_outcome"] is None


def test_a_sign_beside_contact_details_keeps_the_details():
    chat = _at_summary(Chat().start())
    chat.click("Yes")  # the result
    chat.click("Yes")  # share with the study team
    assert chat.slot == "contact_name"
    chat.say("Kim Sunhee")
    chat.say("010-3456-7890, and she's throwing up blood again")
    assert chat.last.messages[0].text.startswith("What you describe (bleeding that won't stop) can be an emergency.")
    assert chat.state["contact"]["phone"] and chat.slot == "contact_time"


def test_a_sign_while_stopped_gets_the_advice_and_stays_stopped():
    chat = english()
    chat.say("stop")
    assert chat.state["stage"] == "stopped"
    chat.say("숨을 못 쉬겠어요")
    assert chat.last.messages[0].text.startswith("말씀하신 증상(숨쉬기 어려움)은 응급 상황일 수 있어요.")
    assert chat.state["stage"] == "stopped"


def test_despair_gets_the_direct_question_and_yes_gives_the_crisis_lines():
    chat = english()
    chat.say("honestly I feel completely hopeless")
    assert chat.text() == ("Thank you for telling me. May I ask you directly: are there thoughts of suicide, or of "
                           "hurting yourself, right now?")
    assert chat.buttons() == ["Yes, there are", "No"]
    chat.click("Yes")
    assert chat.last.messages[0].text == CRISIS_EN


def test_despair_answered_no_korean():
    chat = korean()
    chat.say("가끔 나쁜 생각이 들 때가 있어요")
    assert chat.text() == "말씀해 주셔서 고마워요. 조심스럽게 여쭤볼게요. 지금 자살이나 자해에 대한 생각이 드시나요?"
    chat.say("아니요")
    assert chat.last.messages[0].text == ("답해 주셔서 고마워요. 그런 생각이 들면 언제든 자살예방 상담전화 109에 "
                                          "전화하실 수 있어요. 밤낮없이 받아요.")
    assert chat.slot == "post_mpn_aml"


def test_no_off_topic_message_is_a_sign_or_feeling_ill():
    """The off-topic tables (small talk, weather, the forms): never advice, a question or 'sorry you're unwell'."""
    from bot.safety import scan
    from tests.fuzz import offtopic_messages
    messages = offtopic_messages()
    assert len(messages) > 400
    flagged = [m for m in messages if (lambda f: f.any or f.unwell)(scan(m))]
    assert flagged == []


def test_the_page_says_how_to_get_emergency_help_when_the_assistant_cannot_be_reached():
    from web import i18n
    texts = {lang: i18n.STRINGS[lang] for lang in ("en", "ko")}
    assert texts["en"]["unreachable"] == ("We couldn't reach the assistant. Your message is kept below; please try "
                                          "again. If this is an emergency, call 119 now.")
    assert texts["ko"]["unreachable"] == ("도우미와 연결하지 못했어요. 입력하신 메시지는 아래에 그대로 있으니 다시 "
                                          "시도해 주세요. 응급 상황이면 지금 바로 119에 전화하세요.")
    assert texts["en"]["retry_first"].endswith(" If this is an emergency, call 119 now.")
    assert texts["ko"]["retry_first"].endswith(" 응급 상황이면 지금 바로 119에 전화하세요.")


def test_advice_at_the_check_says_we_can_go_on_then_the_check_again_korean():
    from tests.conversation_helpers import FOR_MOTHER_KO
    chat = Chat().start("안녕하세요", "네")
    for _ in range(40):
        if chat.slot not in FOR_MOTHER_KO:
            break
        chat.say(FOR_MOTHER_KO[chat.slot])
    chat.say("아 그리고 저번 외래 때 들었는데 크레아티닌이 3.1이었대요, 엄마가 그러시더라고요")
    assert chat.slot == "check_answer"  # a story, not a plain answer: said back first
    chat.say("엄마가 지금 코피가 안 멈춰요")
    assert [m.text for m in chat.last.messages][:2] == [BLEEDING_KO, "괜찮아지시면 이어서 할게요."]
    assert chat.last.messages[2].text.startswith("잘못 이해해서 참여가 어렵다고 판단하는 일이 없도록 한 번 확인할게요")


def test_a_sign_told_beside_one_happening_now_is_the_same_episode_korean():
    chat = korean()
    chat.say("할머니 열 38.9고 화장실 가시다가 쓰러지셨어요")
    assert chat.last.messages[0].text == (
        "말씀하신 증상(열, 실신이나 쓰러짐)은 응급 상황일 수 있어요. 지금 바로 119에 전화하시거나 가까운 응급실로 가세요. "
        "이 대화를 기다리지 마세요.")


def test_a_resolution_denied_is_the_sign_going_on_english():
    chat = english()
    chat.say("this heaviness in my chest won't go away, been an hour")
    assert chat.last.messages[0].text == (
        "What you describe (chest pain) can be an emergency. Please call 119 now (in Korea), or go to the nearest "
        "emergency room. Don't wait for this chat.")


def test_self_harm_at_some_time_gets_the_direct_question_korean():
    chat = korean()
    chat.say("자해한 적 있어요")
    assert chat.state["safety"]["asking"] == ["self_harm"]
    assert chat.text() == "말씀해 주셔서 고마워요. 조심스럽게 여쭤볼게요. 지금 자살이나 자해에 대한 생각이 드시나요?"
    assert chat.buttons() == ["네, 그런 생각이 들어요", "아니요"]


def test_a_wish_not_to_wake_up_gets_the_crisis_lines_only_english():
    chat = english()
    chat.say("some days I just want to go to sleep and not wake up")
    assert [m.text for m in chat.last.messages] == [
        CRISIS_EN, "Take all the time you need. When you want to go on with the questions, press the button below."]
    assert chat.state["advised"] == ["self_harm"]  # no fainting advice: the words are the wish's


def test_warning_signs_that_combine_get_the_crisis_lines_korean():
    chat = korean()
    chat.say("다들 고마웠어. 이게 마지막 메시지야")
    assert [m.text for m in chat.last.messages] == [
        CRISIS_KO, "천천히 하셔도 괜찮아요. 질문을 이어서 하고 싶으실 때 아래 버튼을 눌러 주세요."]


def test_one_warning_cue_alone_is_ordinary_talk():
    chat = english()
    chat.say("Thank you, that was my last question")
    assert "advised" not in chat.state or chat.state["advised"] == []
    chat = korean()
    chat.say("통장 정리는 아들이 해 줘요")
    assert "advised" not in chat.state or chat.state["advised"] == []


def test_a_negation_belongs_to_its_own_predicate_korean():
    chat = korean()
    chat.say("남편이 가슴이 아프다고 숨을 못 쉬어요")
    assert chat.last.messages[0].text == (
        "말씀하신 증상(가슴 통증, 숨쉬기 어려움)은 응급 상황일 수 있어요. 지금 바로 119에 전화하시거나 가까운 응급실로 가세요. "
        "이 대화를 기다리지 마세요.")


def test_a_list_typed_line_by_line_keeps_its_lines_korean():
    chat = korean()
    chat.say("아버지 상태\n1. 열 38.8도 (30분 전)\n2. 식사 못 하심\n3. 계속 주무심")
    assert chat.last.messages[0].text.startswith("말씀하신 증상(열)은 응급 상황일 수 있어요.")


def test_not_breathless_is_not_a_sign_korean():
    chat = korean()
    chat.say("숨이 차지는 않아요")
    assert "advised" not in chat.state or chat.state["advised"] == []
    assert not (chat.state.get("safety") or {}).get("asking")


def test_a_death_told_and_a_forgotten_drug_name_are_not_signs_korean():
    for message in ("작은아버지가 심장마비로 돌아가셨는데 아버지는 심장 쪽 문제 없으세요", "약 이름이 기억이 안 나요"):
        chat = korean()
        chat.say(message)
        assert "advised" not in chat.state or chat.state["advised"] == [], message


def test_how_it_usually_is_on_exertion_gets_the_question_not_the_advice():
    chat = english()
    chat.say("She gets breathless on the stairs, her ankles swell")
    assert chat.state["safety"]["asking"] == ["breathing"]
    assert "advised" not in chat.state or chat.state["advised"] == []
    chat = english()
    chat.say("I climbed the stairs and now I can't breathe")
    assert chat.state["advised"] == ["breathing"]


def test_an_arm_gone_numb_is_a_state_not_a_sign_that_has_gone():
    chat = english()
    chat.say("my chest feels like a fist is squeezing it and my left arm has gone numb, it started just now")
    assert chat.state["advised"] == ["chest_pain", "confusion"]
