"""Words as people type them, in standard spelling before any reader sees
them: Korean casual and regional spellings and predicates typed onto the word
before them ("업어요", "괜찮아여", "안 묵었심더", "다른암은없어요"); English chat
spellings and common misspellings ("nevr", "enuf", "alt n ast"). From each
lexicon's `spelling` table. Readers then need only the standard forms."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import List, Tuple

from bot.eligibility.lexicon import EN, KO
from bot.eligibility.text import is_korean


@lru_cache(maxsize=1)
def _rules() -> List[Tuple["re.Pattern[str]", str]]:
    return [(re.compile(k), v) for k, v in KO.spelling.items()]


@lru_cache(maxsize=1)
def _english() -> List[Tuple["re.Pattern[str]", str]]:
    return [(re.compile(k, re.IGNORECASE), v) for k, v in EN.spelling.items()]


def standard(text: str) -> str:
    """`text` in standard spelling: English words always, Korean when it has Hangul."""
    for rx, to in _english():
        text = rx.sub(to, text)
    if not is_korean(text):
        return text
    for rx, to in _rules():
        text = rx.sub(to, text)
    return text
