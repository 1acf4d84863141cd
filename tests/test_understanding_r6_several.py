"""Several answers from understanding round 6 (first sight: several EN 14/18, KO 5/19), each in new words:
a later part is offered to every question still to come (the sex too) and kept for the one that finds
the most in it beyond a bare yes or no; a later part that names another question is that question's
when the open question reads only its bare yes or no; Korean parts are cut at -고 and read as the
sentence they end. Never a pronoun as a sex, words about someone else or a correction; a rule-out said
this way is confirmed first."""

import pytest

from tests.conversation_helpers import FOR_MOTHER, FOR_MOTHER_KO, at, value

FOR_ME = {**FOR_MOTHER, "respondent": "for myself", "post_mpn_aml": "yes, my PV turned into AML", "age": "58",
          "ecog": "I look after myself but can't work", "childbearing_potential": "yes",
          "pregnancy_breastfeeding": "no"}
FOR_ME_KO = {**FOR_MOTHER_KO, "respondent": "제가 환자예요", "age": "58세", "sex": "여자", "childbearing_potential": "네",
             "ecog": "혼자 다 하지만 일은 못 해요"}


@pytest.fixture(autouse=True)
def _one_trial(monkeypatch):
    monkeypatch.setenv("TRIALBOT_TRIAL", "NCT03558607")


def test_a_later_part_that_names_no_question_answers_the_one_that_reads_it():
    chat = at("other_trial", FOR_ME)
    chat.say("None at the moment. I still work part time at the library")
    assert value(chat, "other_trial") == "no"
    assert value(chat, "ecog") == "value"
    assert "Noted too" in chat.text()
    assert chat.slot == "fit_for_induction"


def test_the_sex_said_after_another_answer_is_kept():
    chat = at("serious_conditions", FOR_ME)
    chat.say("Nothing like that. And I'm a woman, by the way")
    assert value(chat, "serious_conditions") == "no"
    assert value(chat, "sex") == "female"
    assert chat.slot == "childbearing_potential"


def test_a_pronoun_in_a_later_part_says_no_sex():
    chat = at("serious_conditions", {**FOR_MOTHER, "respondent": "for my partner", "age": "61"})
    chat.say("No. He gets the odd cold, that's all")
    assert value(chat, "serious_conditions") == "no"
    assert "sex" not in chat.state["readings"]
    assert chat.slot == "sex"  # asked, not guessed from "he"


def test_a_later_part_adding_with_either_answers_the_question_that_reads_it():
    chat = at("hepatic_renal_function", FOR_MOTHER)
    chat.say("No, and she has nothing else serious going on either")
    assert value(chat, "hepatic_renal_function") == "no"
    assert value(chat, "serious_conditions") == "no"
    assert chat.slot not in ("hepatic_renal_function", "serious_conditions")


def test_a_rule_out_said_in_a_later_part_is_checked_first():
    chat = at("other_trial", FOR_ME)
    chat.say("No, none. These days I'm lying down most of the day")
    assert value(chat, "other_trial") == "no"
    assert "ecog" not in chat.state["readings"]
    assert "Just to check" in chat.text()


def test_a_korean_part_after_go_with_a_two_word_topic():
    chat = at("recent_chemo", FOR_MOTHER_KO, "안녕하세요", "네")
    chat.say("석 달 전에 그만 드셨고 다른 연구는 참여 안 하세요")
    assert value(chat, "recent_chemo") == "value"
    assert value(chat, "other_trial") == "no"


def test_a_korean_predicate_joined_by_go_answers_the_next_question():
    chat = at("sex", FOR_ME_KO, "안녕하세요", "네")
    chat.say("여자고 자궁 적출 수술 받았어요")
    assert value(chat, "sex") == "female"
    assert value(chat, "childbearing_potential") == "no"
    assert "함께 적어 둘게요" in chat.text()


def test_a_korean_bare_no_beside_another_topic_is_that_topics():
    chat = at("childbearing_potential", FOR_ME_KO, "안녕하세요", "네")
    chat.say("네, 가능은 해요. 그런데 지금 수유하는 건 아니에요")
    assert value(chat, "childbearing_potential") == "yes"
    assert value(chat, "pregnancy_breastfeeding") == "no"


def test_korean_words_ending_in_a_connective_are_read_as_a_sentence():
    chat = at("age", FOR_MOTHER_KO, "안녕하세요", "네")
    chat.say("여든이시고요, 다른 임상은 안 하세요")
    assert chat.state["readings"]["age"]["number"] == 80.0
    assert value(chat, "other_trial") == "no"


def test_a_korean_part_with_do_that_names_no_question():
    chat = at("other_trial", FOR_ME_KO, "안녕하세요", "네")
    chat.say("안 해요. 아직 가게도 제가 보고 있어요")
    assert value(chat, "other_trial") == "no"
    assert value(chat, "ecog") == "value"
