"""A correction of who the patient is ("no wait, she is my mother", "it's
for my dad", "I'm her son", "환자는 제 어머니예요"): it changes the profile and
the wording of the questions, and is never an answer to a criterion. The
phrases are data (lexicon/<lang>.yml, respondent.corrections)."""
from __future__ import annotations

import re
from typing import Optional, Tuple

from bot.eligibility.lexicon import LANGUAGES
from bot.eligibility.relations import mentions, read_relation
from bot.eligibility.text import clean

_ABOUT_WHO = tuple(re.compile(p) for lang in LANGUAGES.values() for p in lang.respondent.corrections)


def correction(text: str) -> Optional[Tuple[str, Optional[str], str]]:
    """(relation, the patient's sex, the words) when the message says who the
    patient is; None otherwise. Only short messages about that."""
    t = clean(text).lower()
    if len(t.split()) > 12 or not any(_names_who(m.group(0)) for p in _ABOUT_WHO for m in p.finditer(t)):
        return None
    return read_relation(t)


def _names_who(words: str) -> bool:
    """The words a correction pattern found name a person ("엄마 말고 아빠예요"), not a disease ("백혈병 말고
    없으세요") or a medicine."""
    return bool(mentions(words) or _PERSON.search(words))


_PERSON = re.compile(r"\b(?:i|me|my|myself|patient|someone|somebody)\b|환자|본인"
                     r"|(?<![가-힣])(?:저|제|나|내|제가|내가|저희)(?![가-힣])")  # "저는 아직이에요" names no one
