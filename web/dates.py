"""The earliest date a screening reason names, read back from its text (the
staff page shows from when a temporary exclusion may be fine). Kept in this
one place: it is to be replaced by a date stored with the answer."""
from __future__ import annotations

import re
from datetime import date
from typing import Callable, List, Optional, Pattern, Tuple

_MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"], 1)}
_DATE_PATTERNS: List[Tuple[Pattern[str], Callable[[re.Match[str]], date]]] = [
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), lambda m: date(int(m[1]), int(m[2]), int(m[3]))),
    (re.compile(r"\b(\d{1,2}) (January|February|March|April|May|June|July|August|September|October|November|"
                r"December) (\d{4})\b", re.IGNORECASE), lambda m: date(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))),
    (re.compile(r"(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일"), lambda m: date(int(m[1]), int(m[2]), int(m[3]))),
]


def earliest_date(reason: Optional[str]) -> Optional[date]:
    """The earliest date a reason names (e.g. 'the earliest start would be
    9 December 2026'), or None."""
    found = []
    for pattern, make in _DATE_PATTERNS:
        for m in pattern.finditer(reason or ""):
            try:
                found.append(make(m))
            except ValueError:
                pass
    return min(found) if found else None
