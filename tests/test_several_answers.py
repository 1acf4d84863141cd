"""What people say beside the answer (issue #19): several answers in one
message, a change to an earlier answer said in passing, whom a clause is
about, and everyday words. Turn by turn, as a person would notice it; the
expected values come from the rules (trial.yml), not from the program."""
import pytest

from tests.conversation_helpers import FOR_MOTHER, FOR_MOTHER_KO, Chat

FOR_SELF = dict(FOR_MOTHER, respondent="it's for me", sex="male", age="60")
FOR_SELF_KO = dict(FOR_MOTHER_KO, respondent="제가 환자예요", sex="남자", age="60세")


def _at(question: str, answers: dict = FOR_SELF) -> Chat:
    chat = Chat().start()
    for _ in range(40):
        if chat.slot == question or chat.slot not in answers:
            break
        chat.say(answers[chat.slot])
    assert chat.slot == question, chat.text()
    return chat


def _value(chat: Chat, qid: str) -> str:
    return chat.state["readings"][qid]["value"]


@pytest.mark.parametrize("answers, message, open_value, other, other_value, said", [
    (FOR_SELF, "No. And I need to fix something: I'm not 60, I'm 59.", "no", "age", "value",
     'Done: Age is now "59'),
    (FOR_SELF_KO, "없어요. 그리고 아까 나이 60이라고 한 거 59예요.", "no", "age", "value", '바꿨어요. 나이: 이제 "59'),
])
def test_a_change_to_an_earlier_answer_beside_the_answer_is_made_and_said_back(answers, message, open_value, other,
                                                                              other_value, said):
    chat = _at("cardiac_function", answers)
    chat.say(message)
    assert _value(chat, "cardiac_function") == open_value
    assert _value(chat, other) == other_value and chat.state["readings"][other]["number"] == 59
    assert said in chat.text()
    assert chat.slot == "hepatic_renal_function"


@pytest.mark.parametrize("answers, message", [
    (FOR_SELF, "No heart problems. And sorry, earlier I said I'm not in any study, but I joined a vitamin D trial "
               "in May and I'm still in it."),
    (FOR_SELF_KO, "아니요. 아 그리고 아까 다른 임상 안 한다고 했는데 사실 다른 병원 임상에 아직 참여 중이에요."),
])
def test_a_late_disclosure_that_rules_out_is_checked_first_and_the_answer_to_the_question_is_kept(answers, message):
    chat = _at("cardiac_function", answers)
    chat.say(message)
    assert _value(chat, "cardiac_function") == "no"
    assert _value(chat, "other_trial") == "no", "a rule-out said in passing is not recorded before a yes"
    assert chat.state["checking"]["qid"] == "other_trial"
    chat.click("Yes" if answers is FOR_SELF else "네")
    assert _value(chat, "other_trial") == "yes"


def test_a_question_not_asked_yet_answered_beside_the_open_one_is_not_asked_again():
    chat = _at("age")
    chat.say("I'm 59. And no, I've never taken Jakafi.")
    assert chat.state["readings"]["age"]["number"] == 59
    assert _value(chat, "prior_ruxolitinib") == "no"
    assert "Noted too" in chat.text()
    assert chat.slot == "recent_chemo"


def test_a_part_that_only_sounds_like_another_question_stays_with_the_open_one():
    # "before the leukemia" is a time, not a change to the diagnosis answer
    chat = _at("prior_ruxolitinib")
    chat.say("No. I took hydroxyurea for years before the leukemia.")
    assert _value(chat, "prior_ruxolitinib") == "no"
    assert _value(chat, "post_mpn_aml") == "confirmed"


@pytest.mark.parametrize("qid, message, value", [
    ("hepatic_renal_function", "His brother is on dialysis three times a week. Dad's kidneys and liver are fine.", "no"),
    ("cardiac_function", "He visits my mother, who has heart failure. His own heart is fine.", "no"),
    ("cardiac_function", "큰아버지가 심부전이신데 아버지는 심장 쪽은 괜찮으세요.", "no"),
    ("age", "저는 마흔여덟이고 아버지는 일흔여섯이세요.", "value"),
])
def test_words_about_someone_else_in_the_same_message_do_not_answer_for_the_patient(qid, message, value):
    answers = dict(FOR_MOTHER, respondent="I'm asking for my father", childbearing_potential="no")
    chat = _at(qid, answers)
    chat.say(message)
    assert _value(chat, qid) == value
    if qid == "age":
        assert chat.state["readings"]["age"]["number"] == 76


def test_someone_named_as_the_object_is_not_whom_the_words_are_about():
    answers = dict(FOR_MOTHER, respondent="I'm asking for my father", childbearing_potential="no")
    chat = _at("ecog", answers)
    chat.say("Still walks the dog every day and does his own shopping.")
    assert chat.state["readings"]["ecog"]["number"] <= 1


@pytest.mark.parametrize("message, relation", [
    ("My niece set this up on my phone, but I'm the one who is ill.", "self"),
    ("딸이 이 사이트 찾아 줬는데 환자는 저예요.", "self"),
    ("For myself. No wait, sorry, I'm filling this in for my wife, she's the patient.", "wife"),
])
def test_who_the_patient_is_when_a_helper_or_the_word_patient_is_named(message, relation):
    chat = Chat().start()
    chat.say(message)
    reading = chat.state["readings"]["respondent"]
    assert (reading["value"] if relation == "self" else reading["extra"]["relation"]) == relation


@pytest.mark.parametrize("message, sex", [
    ("I'm a mum of three and a grandma of two.", "female"),
    ("im a dude lol", "male"),
    ("애 셋 키운 엄마예요.", "female"),
])
def test_sex_from_what_the_person_says_they_are(message, sex):
    chat = _at("sex", dict(FOR_SELF, sex=None))
    chat.say(message)
    assert _value(chat, "sex") == sex


FOR_GRANDMOTHER_KO = dict(FOR_MOTHER_KO, respondent="할머니 대신 답해요")


@pytest.mark.parametrize("answers, qid, message, value, number", [
    (FOR_SELF, "age", "I'd rather not give my exact birthday, but I'm well over 70.", "value", 70),
    (FOR_GRANDMOTHER_KO, "age", "할머니 작년에 팔순 잔치 하셨어요.", "value", 80),
    (FOR_SELF, "fit_for_induction", "no nobody said that", "no", None),
    (FOR_SELF, "prior_ruxolitinib", "nope nevr had jakavi", "no", None),
    (FOR_SELF_KO, "recent_chemo", "아니요, 2주 안에는 없어요.", "none", None),
])
def test_everyday_wording_is_read(answers, qid, message, value, number):
    chat = _at(qid, answers)
    chat.say(message)
    assert _value(chat, qid) == value
    if number is not None:
        assert chat.state["readings"][qid]["number"] == number


def test_a_named_leukaemia_without_the_word_leukaemia_is_that_disease():
    chat = _at("post_mpn_aml")
    chat.say("acute lymphoblastic, relapsed")
    assert _value(chat, "post_mpn_aml") == "different"


@pytest.mark.parametrize("question", ["is this study paid?", "will I get compensation for travel?",
                                      "이 연구 사례비 있어요?"])
def test_questions_about_pay_are_for_the_study_team(question):
    chat = _at("age")
    chat.say(question)
    assert "study team" in chat.text() or "연구팀" in chat.text()
    assert chat.slot == "age" and "age" not in chat.state["readings"]


@pytest.mark.parametrize("message, age", [
    ("I'm 45, doing this for my dad who is 79.", 79),
    ("저는 쉰 살 먹은 아들이고요, 아버지가 올해 일흔여덟이세요.", 78),
])
def test_the_patients_age_said_with_who_they_are_is_kept_and_the_writers_is_not(message, age):
    chat = Chat().start()
    chat.say(message)
    assert chat.state["readings"]["respondent"]["extra"]["relation"] == "father"
    assert chat.state["readings"]["age"]["number"] == age


def test_except_the_leukaemia_is_not_a_change_of_who_the_patient_is():
    answers = dict(FOR_MOTHER_KO, respondent="아버지 대신 답해요", childbearing_potential="아니요")
    chat = _at("serious_conditions", answers)
    chat.say("어머니가 치매 약 드시고 저도 우울증 약 먹지만, 아버지는 백혈병 말고 없으세요.")
    assert chat.state["readings"]["respondent"]["extra"]["relation"] == "father"
    assert _value(chat, "serious_conditions") == "no"
