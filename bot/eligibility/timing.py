"""Which clause answers a question about now (a lab's latest value, a usual
day lately): "it went up to 2.8 while he was dehydrated, but it's 1.2 now"
is read as "but it's 1.2 now". Clauses that tell an earlier episode
("during the infection", "탈수 왔을 때") are set aside when others remain;
the cues are data (lexicon/<lang>.yml, experiencer.earlier_episode). Never
used for questions about ever ("has she ever taken ...")."""
from __future__ import annotations

import re

from bot.eligibility.experiencer import clauses
from bot.eligibility.lexicon import EN, KO

_EARLIER = re.compile("|".join(p for lang in (EN, KO) for p in lang.experiencer.earlier_episode) or "(?!)", re.I)


def current(text: str) -> str:
    """The clauses that are not about an earlier episode, or the whole text."""
    parts = clauses(text)
    kept = [c for c in parts if not _EARLIER.search(c)]
    if not kept or len(kept) == len(parts):
        return text
    return "".join(kept).strip(" ,")
