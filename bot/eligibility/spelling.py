"""Korean as people type it, in standard spelling before any reader sees it:
casual and regional spellings and predicates typed onto the word before them
("업어요", "괜찮아여", "안 묵었심더", "다른암은없어요"), from the lexicon's
`spelling` table. Readers then need only the standard forms."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import List, Tuple

from bot.eligibility.lexicon import KO
from bot.eligibility.text import is_korean


@lru_cache(maxsize=1)
def _rules() -> List[Tuple["re.Pattern[str]", str]]:
    return [(re.compile(k), v) for k, v in KO.spelling.items()]


def standard(text: str) -> str:
    """`text` in standard Korean spelling (unchanged when it has no Hangul)."""
    if not is_korean(text):
        return text
    for rx, to in _rules():
        text = rx.sub(to, text)
    return text
