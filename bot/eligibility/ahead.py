"""How far ahead something planned is: "tomorrow", "next month", "in 3 months",
"in January" (said of a plan), "다음 달", "3개월 뒤", a calendar date to come.
The words are data (lexicon <lang>.yml, `ahead`); the counting is here."""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Optional, Tuple

from bot.eligibility.lexicon import EN, KO, Language
from bot.eligibility.text import MONTHS, FutureDate, Span, clean, find_dates, time_ago, words_to_digits

_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_UNIT_SLACK = {"day": 0, "week": 0, "month": 15, "year": 182}
_MONTH_EN = re.compile(r"\b(?:in|on|this|by|early|mid|late)\s+(" + "|".join(sorted(MONTHS, key=len, reverse=True))
                       + r")\.?(?![a-z])")
_MONTH_KO = re.compile(r"(?<!\d)(\d{1,2})\s*월(?!\s*\d)")


def _days(today: date, lo: date, hi: date) -> Tuple[float, float]:
    return float((lo - today).days), float((hi - today).days)


def _fixed(low: str, today: date, lang: Language) -> Optional[Span]:
    a = lang.ahead
    next_monday = today + timedelta(days=7 - today.weekday())
    first_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    last_next = first_next.replace(day=calendar.monthrange(first_next.year, first_next.month)[1])
    spans = ((a.day_after_tomorrow, (2.0, 2.0)), (a.tomorrow, (1.0, 1.0)),
             (a.next_week, _days(today, next_monday, next_monday + timedelta(days=6))),
             (a.next_month, _days(today, first_next, last_next)),
             (a.next_year, _days(today, date(today.year + 1, 1, 1), date(today.year + 1, 12, 31))))
    for phrases, (lo, hi) in spans:
        words = phrases.first(low)
        if words:
            return lo, hi, words
    return None


def _counted(low: str, lang: Language) -> Optional[Span]:
    planned = bool(EN.ahead.planned.first(low) or KO.ahead.planned.first(low))
    for rx in lang.ahead.counted + (lang.ahead.counted_window if planned else ()):
        m = re.search(rx, low)
        if m:
            unit = lang.ahead.units[m["unit"]]
            days, slack = float(m["n"]) * _UNIT_DAYS[unit], _UNIT_SLACK[unit]
            return max(days - slack, 0.0), days + slack, m.group(0).strip()
    return None


def _month(low: str, today: date) -> Optional[Span]:
    """A month named with words of a plan: the coming one (this month when it is now)."""
    if not (EN.ahead.planned.first(low) or KO.ahead.planned.first(low)):
        return None
    en, ko = _MONTH_EN.search(low), _MONTH_KO.search(low)
    m = en or ko
    if m is None:
        return None
    month = MONTHS[en[1]] if en else int(m[1])
    if not 1 <= month <= 12:
        return None
    year = today.year if month >= today.month else today.year + 1
    first = max(date(year, month, 1), today)
    last = date(year, month, calendar.monthrange(year, month)[1])
    return float((first - today).days), float((last - today).days), m.group(0).strip()


def time_ahead(text: str, today: date) -> Optional[Span]:
    """How far ahead: (fewest days, most days, the words), or None when no time to come is said."""
    low = words_to_digits(clean(text).lower())
    for lang in (EN, KO):
        span = _fixed(low, today, lang) or _counted(low, lang)
        if span:
            return span
    for lo, hi, words in find_dates(clean(text), today):
        if hi > today:
            first = max(lo, today)
            return float((first - today).days), float((hi - today).days), words
    return _month(low, today)


def time_past(text: str, today: date) -> Optional[Span]:
    """time_ago, and FutureDate when the time said is one to come ("in 3 months", "다음 달에 수술 예정",
    "I'm having it in January"), not a past one read from the same words."""
    ahead = time_ahead(text, today)
    ago = time_ago(text, today)
    if ahead and (ago is None or ago[2] in ahead[2] or ahead[2] in ago[2]):
        raise FutureDate(ahead[2])
    return ago
