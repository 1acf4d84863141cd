"""Understanding round 7 (share b), each in new words: a list numbered inline is cut at each item; 안 is
a negation only as a word of its own (동안 is not), and "할게요" is a commitment; a correction right after
the open question's own answer goes back to it, not to an earlier answer, and "typo" or "come to think of it"
mark one; a relative clause that goes on about someone else's words is set aside with them, and so is what a
clinician says of themself; parents-in-law and sisters-in-law are relations of their own."""

import pytest

from tests.conversation_helpers import Chat, FOR_MOTHER, FOR_MOTHER_KO, ROUND_DAY, at, value

FOR_ME = {**FOR_MOTHER, "respondent": "for myself", "post_mpn_aml": "yes, my PV turned into AML", "age": "44",
          "ecog": "I look after myself but can't work", "sex": "female", "childbearing_potential": "yes",
          "pregnancy_breastfeeding": "no"}
FOR_ME_KO = {**FOR_MOTHER_KO, "respondent": "제가 환자예요", "age": "44세", "sex": "여자", "childbearing_potential": "네",
             "pregnancy_breastfeeding": "아니요", "ecog": "혼자 다 하지만 일은 못 해요"}
FOR_WIFE_KO = {**FOR_MOTHER_KO, "respondent": "아내 대신 답해요", "age": "41세", "childbearing_potential": "네",
               "ecog": "혼자 다 하지만 일은 못 해요"}


@pytest.fixture(autouse=True)
def _one_trial(monkeypatch):
    monkeypatch.setenv("TRIALBOT_TRIAL", "NCT03558607")


def test_dongan_is_not_a_refusal_and_halgeyo_is_a_yes():
    chat = at("pregnancy_breastfeeding", FOR_ME_KO, "안녕하세요", "네")
    chat.say("둘 다 아니에요. 그리고 치료받는 동안 피임도 꼭 할게요.")
    assert value(chat, "pregnancy_breastfeeding") == "no"
    assert value(chat, "childbearing_contraception") == "yes"
    assert chat.state.get("checking") is None  # no rule-out to confirm


def test_an_inline_numbered_list_answers_each_question():
    chat = at("cardiac_function", FOR_ME)
    chat.say("1) my heart checks out fine 2) liver and kidneys are normal too")
    assert value(chat, "cardiac_function") == "no"
    assert value(chat, "hepatic_renal_function") == "no"
    assert chat.slot == "serious_conditions"


def test_a_typo_marks_a_correction():
    chat = at("age", FOR_ME)
    chat.say("54, typo, 45")
    assert chat.state["readings"]["age"]["number"] == 45


def test_a_correction_after_the_open_answer_goes_back_to_it():
    chat = at("childbearing_potential", FOR_ME_KO, "안녕하세요", "네")
    chat.say("네. 아니 정정할게요, 재작년에 자궁을 떼어내는 수술을 했어요.")
    assert value(chat, "childbearing_potential") == "no"
    assert chat.state["answers"]["recent_chemo"] == FOR_ME_KO["recent_chemo"]  # the earlier answer is untouched


def test_a_relative_clause_about_someone_elses_illness_is_set_aside():
    chat = at("serious_conditions", FOR_ME)
    chat.say("My brother has bipolar disorder, which is hard on all of us, but I have nothing of the sort")
    assert value(chat, "serious_conditions") == "no"


def test_what_a_clinician_says_of_themself_is_not_the_patients():
    chat = at("fit_for_induction", FOR_ME_KO, "안녕하세요", "네")
    chat.say("주치의 본인이 요즘 몸이 약해졌다고 웃으시던데, 저한테 체력이 약하다는 말씀은 없으셨어요.")
    assert value(chat, "fit_for_induction") == "no"


def test_a_sister_in_law_is_not_the_wife():
    chat = at("pregnancy_breastfeeding", FOR_WIFE_KO, "안녕하세요", "네")
    chat.say("처제가 지금 임신 중인데, 아내는 아니에요.")
    assert value(chat, "pregnancy_breastfeeding") == "no"


@pytest.mark.parametrize("first, consent, message, relation, shown", [
    ("hi", "yes", "I'm asking for my father-in-law", "father_in_law", "your father-in-law"),
    ("안녕하세요", "네", "저는 사위예요. 장인어른이 진료받고 계셔서 대신 알아봐요", "father_in_law", "시아버님"),
    ("안녕하세요", "네", "시어머님 일로 며느리가 대신 문의드려요", "mother_in_law", "시어머님"),
])
def test_a_parent_in_law_is_named_as_one(first, consent, message, relation, shown):
    chat = Chat(ROUND_DAY).start(first, consent)
    chat.say(message)
    reading = chat.state["readings"]["respondent"]
    assert (reading["value"], reading["extra"].get("relation")) == ("proxy", relation)
    if relation == "mother_in_law":
        assert shown in chat.text()
