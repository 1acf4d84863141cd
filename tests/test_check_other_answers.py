"""Found in the live chat: at a rule-out check ("Just to check: ... Is that right?") a message about another
question was read as the check's yes or no ("my brother took jakafi, I never did" said "no" to the age, and
the age was dropped), and "AML after ET" got the check again and was not kept. At a check, words that name
another question answer that question; only a yes or no about the check itself answers the check. And a
message that wholly answers another question, at any question, is kept."""
from datetime import date

import pytest

from bot.eligibility.portfolio import site_portfolio
from tests.conversation_helpers import Chat

RUX_CHECK = ("Just to check, so that nothing is ruled out by mistake: Ruxolitinib before: took ruxolitinib "
             "(Jakafi). Is that right?")
RUX_CHECK_KO = ("잘못 이해해서 참여가 어렵다고 판단하는 일이 없도록 한 번 확인할게요: 예전에 룩솔리티닙 복용: "
                "룩솔리티닙 복용함(자카비). 맞나요?")


@pytest.fixture(autouse=True)
def _site(monkeypatch):
    monkeypatch.delenv("TRIALBOT_TRIAL", raising=False)


def at_rux_check() -> Chat:
    """A daughter for her father, 71, who says beside the age that he took Jakafi: a rule-out said about
    another question is checked first."""
    chat = Chat(date(2026, 12, 2), site_portfolio()).start()
    chat.say("it's for my father")
    chat.say("he is 71. And he took Jakafi for two years")
    assert chat.text() == RUX_CHECK
    return chat


def test_a_diagnosis_said_at_the_check_is_kept_and_the_check_stays():
    chat = at_rux_check()
    chat.say("he had AML after ET, his brother too")
    assert chat.state["readings"]["post_mpn_aml"]["value"] == "confirmed"
    assert "prior_ruxolitinib" not in chat.state["readings"]
    assert chat.text() == 'Noted too: Diagnosis: AML after an MPN: "AML after an MPN (AML + ET)".\n' + RUX_CHECK


def test_never_about_another_medicine_is_not_a_no_to_the_check():
    chat = at_rux_check()
    chat.say("my brother took chemo last month, dad never did")
    readings = chat.state["readings"]
    assert readings["recent_chemo"]["value"] == "none"
    assert readings["age"]["number"] == 71.0
    assert "prior_ruxolitinib" not in readings  # still held, asked again
    assert chat.text() == 'Noted too: Cancer medicine in the last 2 weeks: "none in the last 2 weeks".\n' + RUX_CHECK
    chat.click("Yes, that's right")
    assert chat.state["readings"]["prior_ruxolitinib"]["value"] == "yes"


def test_a_yes_to_the_check_with_another_answer_after_it():
    chat = at_rux_check()
    chat.say("yes, and he never had HIV")
    readings = chat.state["readings"]
    assert readings["prior_ruxolitinib"]["value"] == "yes"
    assert readings["hiv"]["value"] == "no"
    assert chat.last.messages[0].text == 'Noted too: HIV: "no HIV".'


def test_a_plain_no_still_asks_the_question_again():
    chat = at_rux_check()
    chat.say("no")
    assert "prior_ruxolitinib" not in chat.state["readings"]
    assert chat.text() == ("Thank you for checking. Let me ask it again.\nHas your father ever taken ruxolitinib "
                           "(also sold as Jakafi or Jakavi)? Many people with an MPN have.")


def test_korean_the_patients_own_words_answer_the_check():
    chat = Chat(date(2026, 12, 2), site_portfolio()).start("안녕하세요", "네")
    chat.say("아버지 대신 답해요")
    chat.say("일흔하나세요. 그리고 자카비를 2년 드셨어요")
    assert chat.text() == RUX_CHECK_KO
    chat.say("형님이 자카비 드셨고 아버지는 안 드셨어요")
    assert chat.state["readings"]["prior_ruxolitinib"]["value"] == "no"
    assert chat.slot == "post_mpn_aml"


def test_a_message_that_wholly_answers_another_question_is_kept():
    chat = Chat(date(2026, 12, 2), site_portfolio()).start()
    chat.say("it's for me")
    assert chat.slot == "age"
    chat.say("my brother took jakafi, I never did")
    assert chat.state["readings"]["prior_ruxolitinib"]["value"] == "no"
    assert chat.slot == "age"
    assert chat.last.messages[0].text == 'Noted too: Ruxolitinib before: "never took ruxolitinib".'


def test_a_question_back_that_names_another_topic_is_not_an_answer():
    chat = Chat(date(2026, 12, 2), site_portfolio()).start()
    chat.say("it's for me")
    chat.say("does it matter if I took jakafi before?")
    assert "prior_ruxolitinib" not in chat.state["readings"]
    assert chat.slot == "age"


def test_a_question_back_at_the_check_keeps_the_check_and_records_nothing():
    chat = at_rux_check()
    chat.say("does it matter if he had AML after ET?")
    assert "post_mpn_aml" not in chat.state["readings"]
    assert "prior_ruxolitinib" not in chat.state["readings"]
    assert chat.text() == "I ask this to compare the answers with the study's requirements.\n" + RUX_CHECK


def test_a_correction_of_an_earlier_answer_at_another_question_changes_that_answer():
    """Found talking to the live bot: "wait, actually I'm not sure, he had a yellow pill for years that might
    have been jakafi", typed at the next question, was read as that question's "not sure"."""
    chat = Chat(date(2026, 12, 2), site_portfolio()).start()
    chat.say("for my dad")
    chat.say("he is 79")
    assert chat.slot == "post_mpn_aml"
    chat.say("his brother took jakafi, dad never did")
    assert chat.state["readings"]["prior_ruxolitinib"]["value"] == "no"
    chat.say("wait, actually I'm not sure, he had a yellow pill for years that might have been jakafi")
    readings = chat.state["readings"]
    assert readings["prior_ruxolitinib"]["value"] == "unsure"
    assert "post_mpn_aml" not in readings
    assert chat.text() == ('Done: Ruxolitinib before is now "not sure".\n'
                           "Has a doctor diagnosed your father with AML (acute myeloid leukemia) that developed after "
                           "an earlier MPN, such as polycythemia vera, essential thrombocythemia or myelofibrosis?")


def test_words_that_are_not_a_plain_no_beside_another_answer_do_not_answer_the_check():
    """Found talking to the live bot: "he's never had it, and he's not in any other trials either" at the age
    check took back the age ("Thank you for checking. Let me ask it again.")."""
    chat = Chat(date(2026, 12, 3), site_portfolio()).start("hello, my father's myelofibrosis has become AML")
    chat.say("I'm his son")
    chat.say("yes, the marrow biopsy confirmed it. he's 74 btw")
    assert chat.slot == "check_answer" and "Age: 74 years" in chat.text()
    chat.say("he's never been on it, and he isn't enrolled in another trial either")
    readings = chat.state["readings"]
    assert readings["other_trial"]["value"] == "no"
    assert "age" not in readings  # the check stands, asked again
    assert chat.text().startswith('Noted too: Another clinical study now: "not in another study now".\nJust to check')
    assert "Age: 74 years" in chat.text()


def test_the_patients_age_said_at_a_check_is_kept_and_the_check_stays():
    """Found from a fresh clone's live chat: "he's 71" at the diagnosis check was read as nothing (one study:
    the age rules nobody out, so it is kept; with a study for the young it would be asked in its turn)."""
    chat = Chat(date(2026, 12, 3)).start()
    chat.say("for my father")
    chat.say("he had MDS first, and then it became AML")
    assert chat.slot == "check_answer"
    check = chat.text()
    chat.say("he's 71")
    assert chat.state["readings"]["age"]["number"] == 71.0
    assert "post_mpn_aml" not in chat.state["readings"]
    assert chat.text() == 'Noted too: Age: "71 years (71)".\n' + check
