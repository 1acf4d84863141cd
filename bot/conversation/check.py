"""A rule-out is confirmed unless it was said plainly: an answer that would
rule the person out, read from a story, a hedge, words about someone else or
several numbers, is said back once ("Just to check: ...") with yes / no /
not sure, and recorded only on a yes."""
from __future__ import annotations

from typing import List, Optional, Tuple

from bot.conversation import questions, steps
from bot.conversation.core import Turn
from bot.conversation.state import Checking, Step
from bot.eligibility import several
from bot.eligibility.answers import polarity
from bot.eligibility.experiencer import about_patient, clauses
from bot.eligibility.mentions import find_question
from bot.eligibility.plain import said_plainly
from bot.eligibility.reading import Reading
from bot.eligibility.session import Session, read, reading_words
from bot.eligibility.text import is_question

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
        t.kept_else = True
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
    text = _set_apart(t, held)
    own = _patients_answer(t, held, text)
    if own is not None:  # "his brother had it, dad never did": the patient's answer, said again
        t.state.checking = None
        accept(t, held.qid, *own)
        return True
    answer = t.clicked(Step.CHECK) or (t.agrees(Step.CHECK, text) if text else None)
    if answer in ("yes", "no"):
        t.state.checking = None
        if answer == "yes":
            questions.record(t, held.qid, held.text, held.reading)
        else:
            t.say("check_no")
        _go_on(t, held.qid if answer == "no" else None)
        return True
    said = None if t.payload or not text else read(t.trial, held.qid, text, t.today)
    typed_unsure = isinstance(said, Reading) and said.value in ("unsure", "unknown")
    if answer == UNSURE or typed_unsure:
        t.state.checking = None
        unsure = said if typed_unsure else read(t.trial, held.qid, "not sure", t.today)
        if isinstance(unsure, Reading):
            questions.record(t, held.qid, text or "not sure", unsure)
        _go_on(t, None if isinstance(unsure, Reading) else held.qid)
        return True
    if isinstance(said, Reading):  # another answer to the question itself ("no wait, she never took it")
        t.state.checking = None
        accept(t, held.qid, text, said)
        return True
    if t.also:  # only answers to other questions: kept, and this check is asked again (a rule-out among
        # them is not held over it: its question is asked in its turn)
        t.also = tuple(a for a in t.also if not _would_rule_out(t, a.qid, a.reading))
        take_also(t)
        ask(t)
        return True
    return False


def _patients_answer(t: Turn, held: Checking, text: str) -> Optional[Tuple[str, Reading]]:
    """The checked question's answer in the words about the patient, when some words were about someone
    else (never a bare yes or no to the check: that is read as one)."""
    if t.payload or not text:
        return None
    focus = about_patient(text, questions.patient_relation(t))
    said = read(t.trial, held.qid, focus.text, t.today) if focus.set_aside and focus.text else None
    return (focus.text, said) if isinstance(said, Reading) else None


def _go_on(t: Turn, again: Optional[str]) -> None:
    """After the check: the other answers said with it are kept (a rule-out among them is checked next),
    then the checked question is asked again (`again`) or the next one."""
    if take_also(t):
        return
    if again:
        questions.ask(t, again)
    else:
        questions.next_question(t)


def _set_apart(t: Turn, held: Checking) -> str:
    """The words that answer the check. Words that name another question answer that one and are kept
    in t.also, never read as a yes or no to the check ("my brother takes it, I never have" at "Age
    66?" says the patient never took the medicine; it does not take back the age)."""
    if t.payload or not t.text or is_question(t.text):  # a question back is answered, never read as an answer
        return t.text
    others = questions.other_questions(t, held.qid)
    found = several.split(t.trial, held.qid, t.text, t.state.readings, t.today, others)
    if found.also:  # the rest answers the check only when it is a plain yes or no, or the question's own answer
        t.also = found.also
        plain = len(found.rest.split()) <= questions.BARE_WORDS and polarity(found.rest).value in ("yes", "no")
        own = isinstance(read(t.trial, held.qid, found.rest, t.today), Reading) if found.rest else False
        if plain or own:
            return found.rest
        t.also += _age(t, found.rest, others)  # "올해 예순아홉이시고 <another answer>"
        return ""  # "he's never had it, and <another answer>": not a no to the age
    if t.agrees(Step.CHECK, t.text) is None and _age(t, t.text, others):
        t.also = _age(t, t.text, others)  # "he's 71" at the diagnosis check: the age, and the check again
        return ""
    if find_question(t.trial, t.text, others) is None:
        return t.text
    first, rest = _first_clause(t.text)  # "yes, and she never had that": the check's yes, then another answer
    if rest and find_question(t.trial, first, others) is None and t.agrees(Step.CHECK, first):
        text, kept = first, rest
    else:
        text, kept = "", t.text
    words = about_patient(kept, questions.patient_relation(t)).text
    also = several.wholly(t.trial, kept, t.state.readings, t.today, others, words) if words else None
    t.also = (also,) if also else ()
    return text


def _age(t: Turn, words: str, others: List[str]) -> Tuple[several.Also, ...]:
    """The patient's age said in `words`, when it is not known yet."""
    age = several.age_part(t.trial, words, t.state.readings, t.today, others) if words else None
    return (age,) if age else ()


def _first_clause(text: str) -> Tuple[str, str]:
    parts = clauses(text)
    return parts[0], "".join(parts[1:])
