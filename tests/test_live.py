"""Every behaviour through the live servers (scripts/run.sh, REST channel,
the real tracker store on SQLite), as people use it: the personas agree with
the evaluator, messages that answer nothing are never recorded, and each
interruption works. CI runs deterministic samples of the personas and of the
off-topic table; `make personas` and `make offtopic` run them all."""
import os
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.eligibility.model import load_trial
from tests.fuzz import offtopic_messages
from tests.livechat import LiveChat, evaluator_for
from tests.servers import running_bot

pytestmark = pytest.mark.rasa
ROOT = Path(__file__).resolve().parents[1]
PERSONA_SAMPLE = int(os.environ.get("TRIALBOT_PERSONA_SAMPLE", "36"))  # 0: all
OFFTOPIC_ALL = os.environ.get("TRIALBOT_OFFTOPIC_ALL") == "1"


def personas():
    found = []
    for path in sorted((ROOT / "tests" / "personas").glob("*.yml")):
        for p in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if not p.get("pending_reader_fix"):
                found.append(p)
    if PERSONA_SAMPLE and len(found) > PERSONA_SAMPLE:
        step = len(found) / PERSONA_SAMPLE
        found = [found[int(i * step)] for i in range(PERSONA_SAMPLE)]
    return found


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    with running_bot(tmp, f"sqlite:///{tmp / 'trialbot.db'}") as b:
        yield b


@pytest.mark.parametrize("persona", personas(), ids=lambda p: p["id"])
def test_a_persona_gets_the_same_result_live_as_from_the_evaluator(bot, persona):
    chat = LiveChat(bot)
    slots = chat.run_persona(persona)
    session = evaluator_for(slots, date.today())
    assert slots["screening_outcome"] == persona["expect"]["outcome"], chat.text()
    assert session.outcome.value == slots["screening_outcome"]
    _, stored, _, _ = _rows(bot, chat.sender)
    assert {k: j.verdict.value for k, j in session.verdicts.items()} == {k: v for k, v in stored.items() if v}
    for qid, verdict in (persona["expect"].get("verdicts") or {}).items():
        assert stored.get(qid) == verdict, (qid, chat.text())
    if persona.get("language") == "ko":
        # In a Korean conversation every bot message is in Korean (drug names and the study number aside).
        for text in chat.all_bot_messages[1:]:
            assert re.search(r"[\uac00-\ud7a3]", text), text


def _rows(bot, sender):
    from tests.test_server import rows_for
    return rows_for(bot.store, sender)


FOR_MOTHER = {"respondent": "I'm asking for my mother", "post_mpn_aml": "yes, her PV turned into AML",
              "age": "she is 67", "prior_ruxolitinib": "no, never", "recent_chemo": "no", "other_trial": "no",
              "ecog": "she looks after herself but can't work", "fit_for_induction": "no",
              "other_malignancy": "no", "cardiac_function": "no", "hepatic_renal_function": "no",
              "serious_conditions": "no", "childbearing_potential": "she is past menopause",
              "creatinine": "1.1 mg/dL", "liver_enzymes": "normal"}
FOR_FATHER = dict(FOR_MOTHER, respondent="I'm his daughter", male_barrier_contraception="yes",
                  age="he is 70")


def _walk():
    """(question id, the answers that lead to it) for every question."""
    trial, seen, out = load_trial(), set(), []
    for answers in (FOR_MOTHER, FOR_FATHER, dict(FOR_MOTHER, childbearing_potential="yes",
                                                  pregnancy_breastfeeding="no", childbearing_contraception="yes",
                                                  age="she is 40")):
        from bot.eligibility.session import Session, read
        readings = {}
        while True:
            qid = Session(trial, readings, date.today()).next_question()
            if qid is None:
                break
            if qid not in seen:
                seen.add(qid)
                out.append((qid, dict(answers)))
            readings[qid] = read(trial, qid, answers[qid], date.today())
    return out


def _offtopic_cases():
    messages, walk = offtopic_messages(), _walk()
    if OFFTOPIC_ALL:
        return [(q, a, m) for q, a in walk for m in messages]
    return [(walk[i % len(walk)][0], walk[i % len(walk)][1], m) for i, m in enumerate(messages)]


def test_messages_that_answer_nothing_are_never_recorded_never_urgent_always_the_question_again(bot):
    chats = {}
    failures = []
    for qid, answers, message in _offtopic_cases():
        chat = chats.get(qid)
        if chat is None:
            chat = chats[qid] = LiveChat(bot).start()
            for _ in range(30):
                slot = chat.slot
                if slot == qid:
                    break
                chat.say(answers[slot])
            chat.question = chat.messages[-1]["text"]
            chat.answers = dict(chat.slots["answers"])
        chat.say(message)
        slots = chat.slots
        said = chat.text()
        if slots["requested_slot"] != qid or slots["answers"] != chat.answers:
            failures.append((qid, message, "recorded or moved on", said[:200]))
            chats.pop(qid)
        elif "119" in said:
            failures.append((qid, message, "urgent advice", said[:200]))
        elif chat.messages[-1].get("text") != chat.question:
            failures.append((qid, message, "not the question again", said[:200]))
    assert not failures, failures[:8]


def test_a_caregiver_is_asked_about_the_patient_and_a_needs_review_names_the_earliest_date(bot):
    chat = LiveChat(bot).start()
    chat.say("I'm her son")
    assert "your mother" in chat.text()
    answers = dict(FOR_MOTHER, recent_chemo="she took hydrea 5 days ago")
    for _ in range(30):
        if chat.slot == "summary":
            break
        chat.say(answers[chat.slot])
    chat.click("Yes")
    assert chat.slots["screening_outcome"] == "needs_review"
    assert "possibly eligible" in chat.text() and "earliest start" in chat.text()


def test_emergency_advice_once_then_the_question_again(bot):
    chat = LiveChat(bot).start()
    chat.say("for myself")
    chat.say("I'm running a temperature of 38.6")
    assert "119" in chat.text() and chat.slot == "post_mpn_aml"
    assert chat.messages[-1]["text"].startswith("Has a doctor diagnosed you")
    chat.say("still feverish, 38.6 again")
    assert "119" not in chat.text()
    chat.say("the fever I had on Monday is gone")
    assert "119" not in chat.text()


def test_why_and_what_does_it_mean_then_the_question(bot):
    chat = LiveChat(bot).start()
    chat.say("for myself")
    chat.say("why do you ask?")
    assert "earlier MPN" in chat.text() and chat.slot == "post_mpn_aml"
    chat.say("what is polycythemia vera?")
    assert "red blood cells" in chat.text() and chat.slot == "post_mpn_aml"


def test_go_back_stop_continue_start_over(bot):
    chat = LiveChat(bot).start()
    for qid in ("respondent", "post_mpn_aml", "age"):
        chat.say(FOR_MOTHER[qid])
    chat.say("go back")
    assert chat.slot == "age"
    chat.say("67")
    chat.say("stop")
    assert chat.slots["stage"] == "stopped"
    chat.say("continue")
    assert chat.slot == "prior_ruxolitinib"
    chat.say("start over")
    assert chat.slot == "confirm"
    chat.click("Yes, erase")
    assert chat.slot == "respondent" and chat.slots["answers"] == {}


def test_declined_consent_stores_nothing(bot):
    chat = LiveChat(bot)
    chat.say("hello")
    chat.click("No, thanks")
    assert chat.slots["stage"] == "declined"
    assert _rows(bot, chat.sender)[0] == []


def test_a_korean_conversation_is_korean(bot):
    chat = LiveChat(bot)
    chat.say("안녕하세요")
    chat.say("네, 시작할게요")
    assert chat.slot == "respondent"
    chat.say("엄마 대신 물어보는 거예요")
    assert "어머니" in chat.text()
    for text in chat.all_bot_messages:
        assert re.search(r"[\uac00-\ud7a3]", text), text
    assert chat.slots["language"] == "ko"
