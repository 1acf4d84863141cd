"""The conversation engine, turn by turn, as a person would notice it. The
same behaviours run through the live servers in tests/test_live.py."""
import pytest

from tests.conversation_helpers import FOR_MOTHER as MOTHER, FOR_MOTHER_KO, Chat


def answer_until(chat: Chat, answers: dict, stop_at: str = None, limit: int = 40) -> None:
    for _ in range(limit):
        if chat.slot == stop_at or chat.slot not in answers:
            return
        chat.say(answers[chat.slot])


def test_welcome_offers_consent_and_the_other_language_before_any_health_question():
    chat = Chat()
    chat.say("hello")
    assert chat.slot == "consent"
    assert "not a doctor" in chat.text()
    assert "한국어" in chat.buttons()
    assert "recruitment may have closed" in chat.text()  # the listing's end date is past
    assert not chat.effects("consent") and not chat.effects("record")


def test_a_first_message_in_hangul_starts_in_korean():
    chat = Chat()
    chat.say("안녕하세요")
    assert chat.state["language"] == "ko"
    assert "English" in chat.buttons()


def test_declining_consent_stores_nothing_and_start_brings_it_back():
    chat = Chat()
    chat.say("hi")
    chat.say("no thanks")
    assert chat.state["stage"] == "declined" and not chat.effects("consent")
    chat.say("start")
    assert chat.slot == "consent"


@pytest.mark.parametrize("message", ["my cat is orange", "she has diabetes", "my son is getting married", "ok",
                                     "🙂", "asdfgh", "<b>hi</b>", "Je ne sais pas quoi dire"])
def test_a_message_that_answers_nothing_records_nothing_and_asks_again(message):
    chat = Chat().start()
    answer_until(chat, MOTHER, stop_at="other_trial")
    assert chat.slot == "other_trial"
    question = chat.last.messages[-1].text
    chat.say(message)
    assert not chat.effects("record"), message
    assert chat.slot == "other_trial"
    assert chat.last.messages[-1].text == question  # the question again, as asked
    assert not chat.effects("flag") or all(e.data["kind"] != "emergency" for e in chat.effects("flag"))


def test_hint_first_then_buttons_with_not_sure():
    chat = Chat().start()
    chat.say("for myself")
    chat.say("my cat is orange")
    assert "For example" in chat.text()
    chat.say("the weather is nice")
    assert "Not sure" in chat.buttons()
    chat.say("hmm")
    assert chat.slot == "post_mpn_aml"


def test_a_question_back_gets_its_answer_and_the_question_again_never_a_verdict():
    chat = Chat().start()
    answer_until(chat, MOTHER, stop_at="prior_ruxolitinib")
    chat.say("is jakafi dangerous?")
    assert not chat.effects("record")
    assert "side effects" in chat.text()
    assert chat.slot == "prior_ruxolitinib"
    chat.say("what does MPN mean?")
    assert "myeloproliferative" in chat.text() and chat.slot == "prior_ruxolitinib"
    chat.say("why do you ask?")
    assert "have not had it before" in chat.text()


def test_relations_are_read_from_both_sides():
    chat = Chat().start()
    chat.say("I'm her son")
    assert "your mother" in chat.text()
    reading = chat.state["readings"]["respondent"]
    assert reading["extra"] == {"relation": "mother", "sex": "female"}
    chat2 = Chat().start()
    chat2.say("I'm the patient's wife")
    assert "your husband" in chat2.text()


def test_who_a_first_message_names_is_offered_back_after_consent_never_taken_before():
    chat = Chat()
    chat.say("my mom has AML after PV, can she join?")
    assert chat.slot == "consent" and not chat.state["readings"]
    chat.say("yes")
    assert chat.slot == "respondent" and "You mentioned your mother" in chat.text()
    assert not chat.state["readings"]
    chat.click("Yes")
    assert chat.slot == "post_mpn_aml" and "your mother" in chat.text()
    assert chat.state["readings"]["respondent"]["extra"] == {"relation": "mother", "sex": "female"}
    assert chat.state["answers"]["respondent"] == "my mom has AML after PV, can she join?"


def test_korean_first_message_about_a_father_is_confirmed_in_korean():
    chat = Chat()
    chat.say("아버지 때문에 문의드려요")
    chat.say("네")
    assert "아버지 대신 답하시는 건가요" in chat.text()
    chat.say("네 맞아요")
    assert chat.slot == "post_mpn_aml" and "아버지께서" in chat.text()
    assert chat.state["readings"]["respondent"]["extra"] == {"relation": "father", "sex": "male"}


@pytest.mark.parametrize("reply", ["yes it's for him", "yes, for him", "네 아버지 대신이에요"])
def test_a_yes_that_says_only_for_him_keeps_the_relation_heard(reply):
    chat = Chat()
    chat.say("hi, my dad was told his myelofibrosis turned into leukemia, could this be for him?")
    chat.say("yes ok")
    chat.say(reply)
    assert chat.slot == "post_mpn_aml" and chat.state["readings"]["respondent"]["extra"]["relation"] == "father"
    assert "your father" in chat.text() or "아버지께서" in chat.text()


@pytest.mark.parametrize("reply, relation", [("no, it's for my father actually", "father"),
                                             ("no, I'm the patient", None)])
def test_words_that_say_who_win_over_what_was_heard(reply, relation):
    chat = Chat()
    chat.say("hi, my husband was told his MF turned into AML")
    chat.say("ok")
    chat.say(reply)
    reading = chat.state["readings"]["respondent"]
    assert reading["value"] == ("proxy" if relation else "self")
    assert (reading.get("extra") or {}).get("relation") == relation
    assert chat.state["answers"]["respondent"] == reply


def test_no_to_what_was_heard_asks_the_usual_question_and_a_miss_drops_it():
    chat = Chat()
    chat.say("my mother has AML")
    chat.say("yes")
    chat.say("no")
    assert chat.slot == "respondent" and "yourself, or for someone else" in chat.text()
    assert not chat.state["readings"] and not chat.state["heard"]
    chat2 = Chat()
    chat2.say("my mother has AML")
    chat2.say("yes")
    chat2.say("what does that mean?")
    assert "You mentioned your mother" in chat2.text() and not chat2.state["readings"]
    chat2.say("my cat is orange")
    assert "yourself, or for someone else" in chat2.text() and not chat2.state["readings"]
    chat2.say("yes")  # a yes to the usual question is not a yes to what was heard before
    assert not chat2.state["readings"]


@pytest.mark.parametrize("stop, first, second, joined, extra", [
    ("recent_chemo", "she took Hydrea", "5 days ago", "she took Hydrea 5 days ago", {"drug": "Hydrea"}),
    ("recent_chemo", "하이드리아 드셨어요", "사흘 전까지요", "하이드리아 드셨어요 사흘 전까지요", {"drug": "하이드리아"}),
    ("other_malignancy", "yes", "breast cancer in 2015", "yes breast cancer in 2015", None),
    ("creatinine", "88", "umol/L", "88 umol/L", {"unit": "mg/dL"}),
])
def test_part_of_an_answer_is_kept_and_read_with_the_next_message(stop, first, second, joined, extra):
    chat = Chat().start()
    answer_until(chat, MOTHER, stop_at=stop)
    chat.say(first)
    assert chat.slot == stop and stop not in chat.state["readings"]
    assert "Thank you, that is part of the answer." in chat.text() or "감사해요. 하나만 더" in chat.text()
    chat.say(second)
    assert chat.slot != stop
    assert chat.state["answers"][stop] == joined
    assert chat.state["readings"][stop].get("extra") == extra


def test_a_button_that_is_part_of_an_answer_asks_for_the_rest():
    chat = Chat().start()
    answer_until(chat, MOTHER, stop_at="other_malignancy")
    chat.click("Yes")
    assert "part of the answer" in chat.text() and chat.slot == "other_malignancy"
    assert not chat.state["misses"] and "other_malignancy" not in chat.state["readings"]
    chat.say("breast cancer, in 2015")
    assert chat.slot == "cardiac_function"
    assert chat.state["answers"]["other_malignancy"] == "yes breast cancer, in 2015"


def test_the_latest_words_win_over_an_earlier_part():
    chat = Chat().start()
    answer_until(chat, MOTHER, stop_at="recent_chemo")
    chat.say("she took Hydrea")
    chat.say("what is chemotherapy?")  # a question back between the two parts keeps the first
    assert "Chemotherapy is" in chat.text() and chat.slot == "recent_chemo"
    chat.say("no actually nothing in the last month")
    assert chat.state["readings"]["recent_chemo"]["value"] == "none"
    assert chat.state["answers"]["recent_chemo"] == "no actually nothing in the last month"


@pytest.mark.parametrize("question, expected", [
    ("how long does the study last?", "31 August 2024"), ("is the study still recruiting?", "31 August 2024"),
    ("how long will this take?", "about 5 minutes"), ("how many more questions?", "At most"),
    ("연구 기간이 얼마나 돼요?", "2024년 8월 31일"), ("질문 몇 개 남았어요?", "5분 정도"),
])
def test_questions_about_the_study_and_the_chat_get_what_the_listing_says_then_the_question(question, expected):
    chat = Chat().start()
    chat.say("for my mother")
    chat.say(question)
    assert expected in chat.text() and chat.slot == "post_mpn_aml"
    assert "post_mpn_aml" not in chat.state["readings"] and not chat.state["misses"]
    assert "safety, side effects" not in chat.text() and "안전성" not in chat.text()


def test_a_correction_of_who_is_answering_rewords_and_is_never_an_answer():
    chat = Chat().start()
    chat.say("for myself")
    assert chat.slot == "post_mpn_aml" and "diagnosed you" in chat.text()
    chat.say("no wait, she is my mother")
    assert chat.slot == "post_mpn_aml"
    assert "post_mpn_aml" not in chat.state["readings"]
    assert "your mother" in chat.text()


def test_a_correction_of_who_at_the_summary_rewords_it():
    chat = Chat().start()
    answer_until(chat, MOTHER)
    assert chat.slot == "summary"
    chat.say("sorry actually it's my father not my mother")
    reading = chat.state["readings"]["respondent"]
    assert reading["extra"]["relation"] == "father"
    assert chat.slot == "male_barrier_contraception"  # what now applies to him is asked
    assert "your father" in chat.text()


def test_emergency_advice_once_per_sign_and_the_conversation_goes_on():
    chat = Chat().start()
    chat.say("for myself")
    chat.say("I'm running a temperature of 38.6")
    assert "119" in chat.text() and chat.slot == "post_mpn_aml"
    chat.say("I still have a fever")  # still going on: short advice again, 119 first
    assert chat.last.messages[0].text == ("Please call 119 now, or go to the nearest emergency room. "
                                          "Don't wait for this chat.")
    chat.say("blood keeps coming from my gums")
    assert chat.last.messages[0].text.startswith("What you describe (bleeding that won't stop) can be an emergency.")


def test_a_question_about_an_emergency_gets_the_advice_not_a_glossary():
    chat = Chat().start()
    chat.say("for my husband")
    chat.say("he has a fever of 39 since this morning, is that bad?")
    assert "119" in chat.text() and "I can explain these words" not in chat.text()
    assert chat.slot == "post_mpn_aml" and not chat.state["misses"]


def test_an_answer_that_is_also_an_emergency_is_recorded_with_the_advice():
    chat = Chat().start()
    answer_until(chat, MOTHER, stop_at="serious_conditions")
    chat.say("yes, she has pneumonia and can't breathe")
    assert "119" in chat.text()
    assert chat.state["readings"]["serious_conditions"]["value"] == "yes"


def test_past_and_denied_signs_are_not_emergencies():
    chat = Chat().start()
    chat.say("for myself")
    for message in ["the fever I had on Monday is gone", "no fever, no bleeding", "what if she gets a fever?"]:
        chat.say(message)
        assert "119" not in chat.text(), message


def test_self_harm_gets_the_crisis_lines():
    chat = Chat().start()
    chat.say("I want to die")
    assert "suicide prevention line 109, emergency 119" in chat.text()


@pytest.mark.parametrize("command", ["delete my data", "forget all my answers", "start over", "/restart"])
def test_destroying_asks_first_and_no_keeps_everything(command):
    chat = Chat().start()
    answer_until(chat, MOTHER, stop_at="prior_ruxolitinib")
    answered = dict(chat.state["readings"])
    chat.say(command)
    assert chat.slot == "confirm" and not chat.effects("delete") and not chat.effects("abandon")
    chat.click("No")
    assert chat.state["readings"] == answered
    assert chat.slot == "prior_ruxolitinib"


def test_confirmed_delete_erases_and_a_new_message_starts_fresh():
    chat = Chat().start()
    answer_until(chat, MOTHER, stop_at="age")
    chat.say("delete my data")
    chat.click("Yes")
    assert chat.effects("delete") and chat.state["data_deleted"]
    chat.say("hello")
    assert chat.slot == "consent" and not chat.state["readings"]


def test_confirmed_start_over_erases_answers_and_asks_the_first_question():
    chat = Chat().start()
    answer_until(chat, MOTHER, stop_at="age")
    chat.say("start over")
    chat.say("yes")
    assert chat.effects("abandon") and chat.slot == "respondent" and not chat.state["readings"]


def test_typed_payloads_are_text_and_offered_buttons_act():
    chat = Chat()
    chat.say("hi")
    chat.say("/consent:yes")  # offered: acts
    assert chat.slot == "respondent"
    chat.say("/prior_ruxolitinib:yes")  # not offered now: text, not an answer
    assert chat.slot == "respondent" and not chat.effects("record")


def test_remove_my_last_answer_goes_back_without_deleting_anything():
    chat = Chat().start()
    answer_until(chat, MOTHER, stop_at="prior_ruxolitinib")
    chat.say("please remove my last answer")
    assert chat.slot == "age" and not chat.effects("delete")
    assert "post_mpn_aml" in chat.state["readings"]


def test_change_my_age_to_64():
    chat = Chat().start()
    answer_until(chat, MOTHER, stop_at="recent_chemo")
    chat.say("change my age to 64")
    assert chat.state["readings"]["age"]["number"] == 64
    assert chat.slot == "recent_chemo"


def test_stop_keeps_answers_and_continue_picks_up():
    chat = Chat().start()
    answer_until(chat, MOTHER, stop_at="age")
    chat.say("stop")
    assert chat.state["stage"] == "stopped" and chat.effects("stop")
    chat.say("continue")
    assert chat.slot == "age"


def test_summary_shows_what_was_understood_beside_the_words():
    chat = Chat().start()
    answer_until(chat, MOTHER)
    assert chat.slot == "summary"
    summary = chat.last.messages[0].text
    assert "67 years" in summary and "never took ruxolitinib" in summary and "no doctor said so" in summary
    assert 'you wrote: "she is 67"' in summary


def test_likely_eligible_then_handoff_with_consent_and_contact_details():
    chat = Chat().start()
    answer_until(chat, MOTHER)
    chat.say("yes")
    assert chat.state["screening_outcome"] == "likely_eligible"
    assert chat.slot == "handoff_consent" and "What happens next" not in chat.text()
    chat.say("yes")
    chat.say("Kim Minji")
    chat.say("010-1234-5678")
    chat.say("weekday mornings")
    chat.click("English")
    handoff = chat.effects("handoff")[0]
    assert handoff.data["contact"]["phone"] == "+821012345678"
    assert "{reference}" in chat.text() and "What happens next" in chat.text()


def test_a_fail_stops_the_questions_and_says_why():
    chat = Chat().start()
    chat.say("for myself")
    chat.say("yes, AML after myelofibrosis")
    chat.say("I'm 45")
    chat.say("yes, I took Jakafi for two years")
    assert chat.slot == "summary"
    chat.say("yes")
    assert chat.state["screening_outcome"] == "likely_ineligible"
    assert "ruxolitinib" in chat.text().lower() and "change my answer" in chat.text()


def test_talk_to_a_person_offers_a_callback_and_returns_to_the_question():
    chat = Chat().start()
    answer_until(chat, MOTHER, stop_at="age")
    chat.say("I want to talk to a person")
    assert chat.slot == "callback"
    chat.say("yes please")
    assert chat.slot == "callback_consent"
    chat.say("yes")
    chat.say("Lee Jiho")
    chat.say("jiho@example.com")
    chat.say("any time")
    chat.say("Korean")
    assert chat.effects("handoff")[0].data["kind"] == "callback"
    assert chat.slot == "age"


def test_a_hangul_message_switches_to_korean_with_a_button_back():
    chat = Chat().start()
    chat.say("저는 딸이에요")
    assert chat.state["language"] == "ko"
    assert "English" in chat.buttons()
    assert chat.state["readings"]["respondent"]["value"] == "proxy"


# ---------------------------------------------------------------- a rule-out is confirmed unless said plainly

FOR_SELF = dict(MOTHER, respondent="it's for me", sex="male", age="60")


def _at(question: str, answers: dict = FOR_SELF) -> Chat:
    chat = Chat().start()
    answer_until(chat, answers, stop_at=question)
    assert chat.slot == question, chat.text()
    return chat


STORY = "back when i had the myelofibrosis they put me on jakafi for a while and then it turned into aml"


@pytest.mark.parametrize("message, said_back", [
    ("my sister takes jakafi for her myelofibrosis",
     "Thank you. That sounds like it is about someone else; this question is about you."),
    ("언니가 자카비를 먹고 있어요", "말씀 고마워요. 다른 분 이야기인 것 같아요. 이 질문은 본인에 대한 거예요."),
])
def test_words_about_someone_else_answer_nothing_and_the_reply_says_so(message, said_back):
    chat = _at("prior_ruxolitinib")
    chat.say(message)
    assert chat.slot == "prior_ruxolitinib" and not chat.effects("record")
    assert said_back in chat.text().split("\n")


@pytest.mark.parametrize("qid, message, verdict", [
    ("creatinine", "I don't know", "deferred"),  # what the writer knows, not whom the words are about
    ("prior_ruxolitinib", "I really can't remember", "unknown"),
    ("other_trial", "제가 알기로는 없어요", "pass"),
    ("hepatic_renal_function", "B형 간염 보균자예요", "unknown"),  # 형 after a letter is a type, not a brother
])
def test_what_the_writer_knows_is_an_answer_about_the_patient(qid, message, verdict):
    chat = _at(qid, dict(MOTHER))
    chat.say(message)
    assert [e.data["verdict"] for e in chat.effects("record")] == [verdict]


@pytest.mark.parametrize("message, opening", [
    ("what does this study actually do?", "This study looks at whether ruxolitinib"),
    ("이 연구는 뭐 하는 거예요?", "이 연구는 룩솔리티닙이라는 약을"),
])
def test_a_question_about_the_study_gets_what_the_study_is_never_a_word_list(message, opening):
    chat = _at("other_trial", dict(MOTHER))
    chat.say(message)
    assert any(line.startswith(opening) for line in chat.text().split("\n")), chat.text()
    assert "I can explain these words" not in chat.text() and chat.slot == "other_trial"


def test_a_question_it_cannot_place_gets_what_the_assistant_is_not_a_word_list():
    chat = _at("age", dict(MOTHER))
    chat.say("아 근데 이거 사람이 답하는 거예요?")
    assert ("저는 자동 안내 도우미라서 모든 질문을 이해하지는 못해요. 질문에 나오는 말은 설명해 드릴 수 있어요"
            "(예: \"ECOG가 뭐예요?\"). 그 밖의 궁금한 점은 연구팀이 도와드릴 거예요.") in chat.text().split("\n")
    assert chat.slot == "age"


def test_only_the_patients_words_answer():
    chat = _at("prior_ruxolitinib")
    chat.say("my friend from the support group takes Jakafi but I never have")
    assert [e.data["verdict"] for e in chat.effects("record")] == ["pass"]
    chat = _at("other_trial", dict(MOTHER))
    chat.say("I'm in a diabetes trial myself, but she isn't in any")
    assert [e.data["verdict"] for e in chat.effects("record")] == ["pass"]


@pytest.mark.parametrize("qid, message, verdict", [
    ("age", "69 - no sorry, 70", "pass"),  # the words after the correction answer
    ("other_trial", "안 해요. 아 아니다, 다른 임상시험에 참여하고 있어요", "fail"),
    ("other_trial", "no. wait, hmm, let me ask her", None),  # the earlier "no" no longer answers
])
def test_the_words_after_a_self_correction_answer_or_nothing_does(qid, message, verdict):
    chat = _at(qid, dict(MOTHER))
    chat.say(message)
    if chat.slot == "check_answer":  # a rule-out from two sentences is said back first
        chat.click("네, 맞아요")
    assert [e.data["verdict"] for e in chat.effects("record")] == ([verdict] if verdict else [])
    assert verdict or chat.slot == qid


def test_a_rule_out_read_from_a_story_is_checked_first_and_no_asks_again():
    chat = _at("prior_ruxolitinib")
    chat.say(STORY)
    assert "prior_ruxolitinib" not in chat.state["readings"] and not chat.effects("record")
    assert chat.slot == "check_answer"
    assert chat.buttons()[-3:] == ["Yes, that's right", "No, that's not it", "Not sure"]
    chat.click("No, that's not it")
    assert chat.slot == "prior_ruxolitinib" and "prior_ruxolitinib" not in chat.state["readings"]


def test_a_checked_rule_out_is_recorded_on_yes_and_unknown_on_not_sure():
    chat = _at("prior_ruxolitinib")
    chat.say(STORY)
    assert chat.text() == ("Just to check, so that nothing is ruled out by mistake: Ruxolitinib before: "
                           "took ruxolitinib (jakafi). Is that right?")
    chat.click("Yes, that's right")
    assert chat.state["readings"]["prior_ruxolitinib"]["value"] == "yes"
    assert [e.data["verdict"] for e in chat.effects("record")] == ["fail"]
    chat = _at("prior_ruxolitinib")
    chat.say(STORY)
    chat.say("not sure")
    assert [e.data["verdict"] for e in chat.effects("record")] == ["unknown"]


def test_a_plain_rule_out_is_recorded_at_once():
    chat = _at("prior_ruxolitinib")
    chat.say("yes")
    assert [e.data["verdict"] for e in chat.effects("record")] == ["fail"] and chat.slot != "check_answer"


def test_a_change_said_in_passing_at_the_summary_is_made_and_shown_again():
    chat = Chat().start()
    answer_until(chat, MOTHER)
    chat.say("actually she's 64 not 67")
    assert chat.slot == "summary"
    assert chat.last.messages[0].text == 'Done: Age is now "64 years (64)".'
    assert '- Age: 64 years (64) (you wrote: "actually she\'s 64 not 67")' in chat.text()
    chat.say("yes")
    assert chat.state["screening_outcome"] == "likely_eligible"


def test_a_rule_out_said_in_passing_at_the_summary_is_checked_first():
    chat = Chat().start()
    answer_until(chat, MOTHER)
    chat.say("oh and her creatinine came back 3.1 last time")
    assert chat.slot == "check_answer" and chat.state["readings"]["creatinine"]["number"] == 1.1
    assert chat.text() == ("Just to check, so that nothing is ruled out by mistake: Creatinine: 3.1. "
                           "Is that right?")
    chat.click("No")
    assert chat.slot == "creatinine"


def test_a_bare_yes_or_an_unnamed_sentence_at_the_summary_changes_nothing():
    chat = Chat().start()
    answer_until(chat, MOTHER)
    before = dict(chat.state["readings"])
    chat.say("she has been through a lot this year")
    assert chat.state["readings"] == before and chat.slot == "summary"


def test_korean_changes_at_the_summary():
    chat = Chat()
    chat.say("안녕하세요")
    chat.say("네 동의해요")
    answer_until(chat, FOR_MOTHER_KO)
    chat.say("아 잠깐만요 엄마 나이 64세예요")
    assert chat.last.messages[0].text == '바꿨어요. 나이: 이제 "64세(64)"'
    chat.say("사실 자카비 드신 적 있어요")
    assert chat.state["readings"]["prior_ruxolitinib"]["value"] == "yes" and chat.slot == "summary"


def test_are_you_a_person_gets_the_truth_and_how_to_reach_one_not_a_call_back_offer():
    chat = Chat().start()
    chat.say("for myself")
    chat.say("are you a real person?")
    assert chat.last.messages[0].text == (
        "I'm an automated pre-screening assistant for a study at Seoul National University Hospital, not a person "
        "and not a doctor. To talk to a person from the study team, say 'call me back'.")
    assert chat.slot == "post_mpn_aml"
    chat.say("I want to talk to a real person")
    assert chat.slot == "callback"


def test_words_without_a_number_at_a_lab_question_get_its_hint_not_which_unit():
    chat = Chat().start()
    answer_until(chat, MOTHER, stop_at="creatinine")
    assert chat.slot == "creatinine"
    chat.say("yes please")
    assert "Which unit" not in chat.text() and chat.slot == "creatinine"
