"""Whether an answer that would rule a person out was said plainly: a short,
direct answer about the patient. Anything else (a story, a hedge, words
about someone else, several numbers) is checked with the person first: a
wrong "no" costs a sick person the study."""
from __future__ import annotations

import re
from typing import Optional

from bot.eligibility.answers import polarity
from bot.eligibility.experiencer import clauses
from bot.eligibility.reading import Reading
from bot.eligibility.relations import read_relation
from bot.eligibility.text import clean, is_question

MAX_PLAIN_WORDS = 8  # "she took it for two years" is plain; a story is not
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def said_plainly(text: str, reading: Reading, patient_relation: Optional[str]) -> bool:
    """True when `text` plainly gives `reading` about the patient (who is the
    writer when `patient_relation` is None)."""
    t = clean(text)
    if reading.hedged or len(t.split()) > MAX_PLAIN_WORDS or is_question(t):
        return False  # "whats an MPN": a question back is never a plain answer
    if len(_NUMBER.findall(t)) > 1:  # "I'm 40, she's 17": which one answers?
        return False
    # "fine in the morning, but in bed after lunch"; "ya no prob im on the pill" (a yes and a no)
    if len(clauses(t, commas=False)) > 1 or polarity(t).conflict:
        return False
    named = read_relation(t)
    if named is None or named[0] == "patient":
        return True
    if named[0] == "self":  # "I took it" is plain only when the writer is the patient
        return patient_relation is None
    return named[0] == patient_relation
