"""A change said in passing at the summary: "actually she's 64 not 67",
"wait, she did take that medicine once". The message is offered to the reader of
every answered question; a reading that differs from the stored one is a
change when it names its question (a label, an alias, a medicine) or carries
a number only that question reads. It is then made like "change my age to
64": a change that would rule the person out is said back first (check.py)."""
from __future__ import annotations

from typing import List, Tuple

from bot.conversation import commands, questions
from bot.conversation.core import Turn
from bot.eligibility.mentions import find_question
from bot.eligibility.reading import Reading
from bot.eligibility.session import read

Heard = Tuple[str, Reading]


def _differs(old: Reading, new: Reading) -> bool:
    return (old.value, old.number) != (new.value, new.number)


def _named(t: Turn, qid: str, reading: Reading) -> bool:
    return find_question(t.trial, t.text, [qid]) == qid or find_question(t.trial, reading.evidence, [qid]) == qid


def heard(t: Turn) -> List[Heard]:
    """The answered questions this message changes: those it names, else
    the one question whose reader took a number from it."""
    found: List[Heard] = []
    for qid in t.session().answered():
        if qid == questions.RESPONDENT:
            continue  # who the patient is has its own correction (who.correction)
        new, old = read(t.trial, qid, t.text, t.today), t.state.readings.get(qid)
        if isinstance(new, Reading) and old is not None and _differs(old, new):
            found.append((qid, new))
    named = [h for h in found if _named(t, *h)]
    if named:
        return named
    numbered = [h for h in found if h[1].number is not None]
    return numbered if len(numbered) == 1 else []


def take(t: Turn) -> bool:
    """Makes the one change the message says; True when it did."""
    changes = heard(t)
    if len(changes) != 1:
        return False
    commands.change(t, changes[0][0], t.text)
    return True
