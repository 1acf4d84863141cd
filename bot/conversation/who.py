"""A correction of who the patient is ("no wait, she is my mother", "it's
for my dad", "I'm her son", "환자는 제 어머니예요"): it changes the profile and
the wording of the questions, and is never an answer to a criterion."""
from __future__ import annotations

import re
from typing import Optional, Tuple

from bot.eligibility.relations import read_relation
from bot.eligibility.text import clean

_ABOUT_WHO = [
    r"\b(?:she|he|it|they)(?:'s| is| are)\s+my\s+\w+", r"\b(?:it'?s|this is|i'?m|i am)\s+(?:asking|answering|checking|here|writing)?\s*(?:for|about)\s+my\s+\w+",
    r"\bi'?m\s+(?:her|his|their|the patient's)\s+\w+", r"\bi am\s+(?:her|his|their|the patient's)\s+\w+", r"\bthe patient is my\s+\w+",
    r"\bmy\s+\w+\s+is the patient\b", r"\b(?:it'?s|it is|this is)\s+(?:for\s+)?(?:me|myself)\b", r"\bi'?m the patient\b",
    r"\b(?:actually|sorry|wait),?\s+(?:it'?s\s+)?(?:for\s+)?my\s+\w+\b",
    r"환자(?:는|가)\s*(?:제\s*)?\S+", r"(?:제|저희)\s*\S+(?:예요|이에요|입니다|이요)", r"\S+\s*대신", r"저는\s*(?:환자\s*)?\S+(?:이에요|예요|입니다)",
    r"제가\s*환자", r"본인이에요", r"저\s*말고", r"\S+\s?(?:말고|(?:이|가)\s?아니라)\s?\S+(?:예요|이에요|입니다|이요|요)",
]


def correction(text: str) -> Optional[Tuple[str, Optional[str], str]]:
    """(relation, the patient's sex, the words) when the message says who the
    patient is; None otherwise. Only short messages about that."""
    t = clean(text).lower()
    if len(t.split()) > 12 or not any(re.search(p, t) for p in _ABOUT_WHO):
        return None
    return read_relation(t)
