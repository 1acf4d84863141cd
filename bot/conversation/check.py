"""A rule-out is confirmed unless it was said plainly: an answer that would
rule the person out, read from a story, a hedge, words about someone else or
several numbers, is said back once ("Just to check: ...") with yes / no /
not sure, and recorded only on a yes."""
from __future__ import annotations

from bot.conversation import questions, steps
from bot.conversation.core import Turn
from bot.conversation.state import Checking, Step
from bot.eligibility.mentions import find_question
from bot.eligibility.plain import said_plainly
from bot.eligibility.reading import Reading
from bot.eligibility.session import Session, read, reading_words

UNSURE = "unsure"


def _would_rule_out(t: Turn, qid: str, reading: Reading) -> bool:
    if qid not in t.trial.questions:
        return False
    if t.several:
        return t.screening().would_rule_out(qid, reading)
    # its own criterion, or one computed from it (the last course of several, a limit by sex)
    return t.session().would_fail(qid, reading)


def needed(t: Turn, qid: str, text: str, reading: Reading) -> bool:
    """True when this reading would rule the person out and was not said plainly."""
    if not _would_rule_out(t, qid, reading):
        return False
    named = find_question(t.trial, text, t.trial.asked_ids)
    if named not in (None, qid):  # "no HIV" at the relapse question: a no about another question's topic
        return True
    return not said_plainly(text, reading, questions.patient_relation(t))


def hold(t: Turn, qid: str, text: str, reading: Reading) -> None:
    t.state.checking = Checking(qid, text, reading)
    ask(t)


def accept(t: Turn, qid: str, text: str, reading: Reading) -> None:
    """Records an answer and goes on, or first checks one that would rule the person out; the answers to
    other questions said beside it are kept too (take_also)."""
    if needed(t, qid, text, reading):
        take_also(t)
        hold(t, qid, text, reading)
        return
    questions.record(t, qid, text, reading)
    if not take_also(t):
        questions.next_question(t)


def take_also(t: Turn) -> bool:
    """Keeps the answers to other questions said in this message and says them back; one that would rule
    the person out (or change an answer to a rule-out) is held and said back first, as it was not the
    answer to the question asked. True when one is held (its check is the reply)."""
    tx = t.texts()
    held = None
    for also in t.also:
        if _would_rule_out(t, also.qid, also.reading):
            held = held or also
            continue
        before = also.qid in t.state.readings
        questions.record(t, also.qid, also.text, also.reading)
        t.say("changed" if before else "noted", label=tx.q(also.qid, "label"),
              reading=reading_words(t.session(), also.qid, t.lang))
    t.also = ()
    if held is not None:
        hold(t, held.qid, held.text, held.reading)
    return held is not None


def ask(t: Turn) -> None:
    held = t.state.checking
    if held is None:
        steps.reask_open(t)
        return
    t.state.requested_slot = Step.CHECK.value
    with_it = Session(t.trial, {**t.state.readings, held.qid: held.reading}, t.today)
    tx = t.texts()
    titles = tx.buttons("check_buttons")
    t.say("check_answer", buttons=[(titles[k], f"/{Step.CHECK.value}:{k}") for k in titles],
          label=tx.q(held.qid, "label"), reading=reading_words(with_it, held.qid, t.lang))


def on_message(t: Turn) -> bool:
    held = t.state.checking
    if held is None:
        return False
    answer = t.clicked(Step.CHECK) or t.agrees(Step.CHECK)
    if answer == "yes":
        t.state.checking = None
        questions.record(t, held.qid, held.text, held.reading)
        questions.next_question(t)
        return True
    if answer == "no":
        t.state.checking = None
        t.say("check_no")
        questions.ask(t, held.qid)
        return True
    said = None if t.payload or not t.text else read(t.trial, held.qid, t.text, t.today)
    typed_unsure = isinstance(said, Reading) and said.value in ("unsure", "unknown")
    if answer == UNSURE or typed_unsure:
        t.state.checking = None
        unsure = said if typed_unsure else read(t.trial, held.qid, "not sure", t.today)
        if isinstance(unsure, Reading):
            questions.record(t, held.qid, t.text or "not sure", unsure)
            questions.next_question(t)
        else:
            questions.ask(t, held.qid)
        return True
    if isinstance(said, Reading):  # another answer to the question itself ("no wait, she never took it")
        t.state.checking = None
        accept(t, held.qid, t.text, said)
        return True
    return False
