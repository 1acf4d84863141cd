"""Readers of a number the person states: the patient's age (a number, a
birth year or date) and the ECOG level (a number, or a usual day).

The age patterns stay in code: they are grammar around a number (what comes
before and after it), with the age units 세 and 살 as part of that grammar."""
from __future__ import annotations

import re
from datetime import date

from bot.eligibility.answers import Context, polarity, unreadable
from bot.eligibility.lexicon import EN, KO, either
from bot.eligibility.reading import NoAnswer, Reading, Result
from bot.eligibility.text import find_dates, words_to_digits

def read_age(text: str, ctx: Context) -> Result:
    text, bad = unreadable(text)
    if bad:
        return bad
    low = words_to_digits(text.lower())
    today = ctx.today
    if polarity(text).value == "unsure" and not re.search(r"\d", low):
        return Reading("unsure", polarity(text).evidence, text)
    for lo, hi, words in find_dates(text, today):
        if lo > today:
            return NoAnswer("a birth date in the future", "impossible")
        oldest, youngest = _years_between(lo, today), _years_between(hi, today)
        if youngest < 1 or oldest > 120:
            return NoAnswer("not a real age", "impossible")
        return Reading("value", words, text, number=float(youngest), number_max=float(oldest))
    if re.search(r"(?<![\d.])-\s*\d", low):
        return NoAnswer("a negative age", "impossible")
    candidates = []
    for m in re.finditer(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])", low):
        before, after = low[:m.start()], low[m.end():]
        if re.match(r"\s*(?:months?|weeks?|days?|개월|달|주|일(?!\s*세)|kg|cm|°|도|degrees?|%|mg|kilo|pounds?|lbs?|am|pm|시)", after):
            continue
        tied = (re.match(r"\s*(?:years?|yrs?|y/?o|세|살)", after)
                or re.match(r"\s+(?:next|in \w+ (?:days?|weeks?|months?)|tomorrow|soon|this (?:week|month|year))\b", after)
                or re.search(r"(?:i'?m|i am|she'?s|she is|he'?s|he is|they'?re|age[d]?|turn(?:ed|ing|s)?|is|was|be|만|나이(?:는|가)?)\s*(?:about|around|almost|nearly|just|only)?\s*$", before)
                or re.search(r"(?:^|\s)(?:almost|nearly|about|around|turning|turns|soon to be|about to turn)\s*$", before)
                or not re.sub(r"\d+(?:\.\d+)?|years?|yrs?|old|about|around|age|세|살|만|이세요|세요|이에요|예요|입니다|이요|요|[\s.,!~]", "", low))
        if tied:
            subject = re.search(r"(she|he|they|i)(?:'s|'m| is| am| are|'re)?\s*(?:about|around|almost|nearly)?\s*$", before)
            candidates.append((m, subject.group(1) if subject else ""))
    if not candidates:
        return NoAnswer("no age, birth year or birth date", "")
    # "I'm 40, she's 17": the patient's age, not the carer's.
    m = next((c for c, who in candidates if who in ("she", "he", "they")), candidates[0][0])
    age = float(m[1])
    turning = re.search(r"(?:will be|'ll be|turns?|turning|be|almost|nearly|soon to be|about to turn)\s+" + re.escape(m[1]) + r"\b"
                        r"|\b" + re.escape(m[1]) + r"\s+(?:next\b|tomorrow\b|soon\b|in\s+(?:\d+|a|an|one|two|three|four|a few|few)\s+(?:days?|weeks?|months?)\b)"
                        r"|" + re.escape(m[1]) + r"\s*(?:살|세)(?:이|가)?\s*(?:돼요|됩니다|되어요|될|돼)", low) \
        or re.search(r"(?:다음|내년|곧|이번)\s*\S*\s*" + re.escape(m[1]) + r"\s*(?:살|세)", low)
    if turning and not re.search(r"\b(?:was|turned)\b", low[:turning.start() + 1] + turning.group(0)):
        age -= 1  # "I'll be 18 next month", "almost 18": 17 today
    if age != int(age) or not 1 <= age <= 120:
        return NoAnswer("not a real age", "impossible")
    return Reading("value", turning.group(0) if turning else m.group(0), text, number=float(int(age)))


def _years_between(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))



# ------------------------------------------------------------------ ECOG from a usual day

_ECOG_STATED = (
    re.compile(r"\b(?:" + either(EN.ecog.names) + r")\s*(?:is|of|=|:)?\s*(-?\d+)\b"),
    re.compile(r"(?:" + either(KO.ecog.names) + r")\s*(?:는|은|이|가)?\s*(-?\d+)"),
    re.compile(r"^\s*(-?\d+)\s*(?:단계|점|번|등급)?\s*(?:이에요|예요|입니다|요)?\s*[.!]?\s*$"),
)


def read_ecog(text: str, ctx: Context) -> Result:
    text, bad = unreadable(text)
    if bad:
        return bad
    low = text.lower()
    m = next((found for found in (rx.search(low) for rx in _ECOG_STATED) if found), None)
    if m:
        level = int(m[1])
        if not 0 <= level <= 4:
            return NoAnswer("an ECOG level outside 0-4", "impossible")
        return Reading("value", m.group(0).strip(), text, number=float(level))
    for language in (EN, KO):
        for level, phrases in language.ecog.levels.items():
            evidence = phrases.first(low)
            if evidence:
                return Reading("value", evidence, text, number=float(level))
    pol = polarity(text)
    if pol.value == "unsure":
        return Reading("unsure", pol.evidence, text)
    return NoAnswer("no description of a usual day")
