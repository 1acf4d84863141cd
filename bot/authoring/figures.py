"""The figures in one criterion: ages, an ECOG bound, lab limits (with their
unit, or as a multiple of the upper limit of normal) and look-back windows.
Pure text work on the registry's English; every word comes from the
drafter's lexicon."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from bot.authoring.lexicon import Lab, lexicon, words_rx

_NUM = r"\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?"
_OPS = {"≤": "<=", "<=": "<=", "=<": "<=", "<": "<", "≥": ">=", ">=": ">=", "=>": ">=", ">": ">"}
_OP_RX = r"(≤|<=|=<|≥|>=|=>|<|>)"
_BEFORE = [(r"(?:at\s+least|minimum\s+of|no\s+less\s+than|not\s+less\s+than|greater\s+than\s+or\s+equal\s+to)", ">="),
           (r"(?:at\s+most|no\s+more\s+than|not\s+more\s+than|maximum\s+of|less\s+than\s+or\s+equal\s+to|"
            r"equal\s+to\s+or\s+less\s+than)", "<="),
           (r"(?:less\s+than|below|under|lower\s+than)", "<"), (r"(?:greater\s+than|more\s+than|above|over|"
                                                                r"exceeding|higher\s+than)", ">")]
_AFTER = [(r"or\s+(?:less|lower|below|under|fewer|better)", "<="), (r"or\s+(?:more|greater|higher|above|over)", ">=")]
UNIT_RX = (r"x\s*10\^?3\s*/\s*[µμu]l|k\s*/\s*[µμu]l|[µμu]?mol\s*/\s*l|m?g\s*/\s*d?l|gm\s*/\s*dl|%|"
           r"/\s*[µμu]l|/\s*mm3|per\s*cu\s*mm|per\s*mm3|x\s*10\^?9\s*/\s*l|i?u\s*/\s*l|ml\s*/\s*min(?:\s*/\s*1\.73\s*m2)?|kg\s*/\s*m2")


@dataclass(frozen=True)
class Limit:
    lab: Lab
    op: str  # as the criterion states it: "<", "<=", ">", ">="
    value: float
    unit: str  # as written ("" when none)
    uln: bool = False
    uln_names: Tuple[str, ...] = ()  # ALT, AST, ... named with a ULN multiple


@dataclass(frozen=True)
class Window:
    days: float
    start: int
    end: int
    recent_passes: Optional[bool]  # True: must be recent ("not more than 12 months since"); None: by section


def number(text: str, count: bool = False) -> float:
    """'2,5' -> 2.5; '3,000' -> 3000; '100.000' -> 100000 for a count, else 100.0."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", text) or (count and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text)):
        return float(re.sub(r"[.,]", "", text))
    return float(text.replace(",", "."))


def _count(word: str) -> Optional[float]:
    if word.isdigit():
        return float(word)
    return lexicon().number_words.get(word)


def ages(low: str) -> Tuple[Optional[float], Optional[float]]:
    """(minimum, maximum) age in years when the criterion is about age."""
    if not re.search(r"\bage[ds]?\b|\bof age\b|year-old|years old", low):
        return None, None
    m = re.search(r"(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})\s*(?:years|yrs)", low)
    if m:
        return float(m[1]), float(m[2])
    m = re.search(r"(\d{1,3})\s*(?:years)?\s*(?:of age\s*)?(?:or|and)\s*(?:older|over|above)", low)
    if m:
        return float(m[1]), None
    m = re.search(r"\bage[ds]?\s*(?:of\s*)?" + _OP_RX + r"\s*(\d{1,3})", low)
    if m:
        op, n = _OPS[m[1]], float(m[2])
        return (n + (op == ">"), None) if op in (">", ">=") else (None, n - (op == "<"))
    return None, None


def ecog_max(low: str) -> Optional[int]:
    m = re.search(r"\becog\b|performance status", low)
    if not m or "karnofsky" in low[:m.start()]:
        return None
    rest = low[m.end():m.end() + 80]
    for rx, pick in ((r"([0-4])\s*(?:-|–|to)\s*([0-4])", 2), (r"(≤|<=|<)\s*([0-4])", 0), (r"([0-4])\s*or\s*([0-4])", 2),
                     (r"([0-4])\s*(?:or\s*(?:less|better|lower|below))", 1), (r"\b([0-4])\b", 1)):
        found = re.search(rx, rest)
        if found:
            if pick == 0:
                return int(found[2]) - (found[1] == "<")
            return int(found[pick])
    return None


def _alias_rx(lab: Lab) -> re.Pattern:
    return words_rx(lab.words)


def _comparison(segment: str) -> List[Tuple[str, str, int]]:
    """(op, number, where the number ends) for each stated comparison in a segment, in order."""
    found: List[Tuple[int, str, str, int]] = []
    for m in re.finditer(_OP_RX + r"\s*(" + _NUM + r")", segment):
        found.append((m.start(), _OPS[m[1]], m[2], m.end()))
    for rx, op in _BEFORE:
        for m in re.finditer(rx + r"\s*(" + _NUM + r")", segment):
            found.append((m.start(), op, m[1], m.end()))
    trailer = r"((?:\s*(?:" + UNIT_RX + r"|x|×|times|the|" + _uln_words() + r"))*)\s*"
    for m in re.finditer(r"(" + _NUM + r")" + trailer, segment):
        for rx, op in _AFTER:
            after = re.match(rx, segment[m.end():])
            if after:
                found.append((m.start(), op, m[1], m.end(1)))
    found.sort()
    out, taken = [], -1
    for start, op, num, end in found:
        if start > taken:
            out.append((op, num, end))
            taken = end
    return out


def _uln_words() -> str:
    return "|".join(re.escape(w) for w in sorted(lexicon().uln, key=len, reverse=True))


def lab_limits(low: str) -> List[Limit]:
    """Every lab the criterion puts a figure on, each with its first stated
    comparison (two comparisons in opposite directions: both, a range)."""
    labs = lexicon().labs
    hits = sorted((m.start(), m.end(), lab) for lab in labs.values() for m in _alias_rx(lab).finditer(low))
    out: List[Limit] = []
    seen: set = set()
    for i, (start, end, lab) in enumerate(hits):
        if lab.id in seen:
            continue
        stop = next((s for s, _e, other in hits[i + 1:]
                     if other.id != lab.id and not (lab.uln_words and other.uln_words)), len(low))
        segment = low[end:min(stop, end + 70)].split(";")[0]
        before = low[max(0, start - 25):start]
        pairs = _comparison(segment) or [(op, n, start) for op, n, _ in _comparison(before)[-1:]
                                         if re.search(r"\d\s*$", before)]
        if not pairs:
            continue
        seen.add(lab.id)
        for op, num, stop_at in _with_range(pairs):
            tail = segment[stop_at:stop_at + 40] if stop_at != start else ""
            limit = _limit(lab, op, num, tail, low[start:end + len(segment)], labs)
            out.append(limit)
            seen.update(other.id for other in labs.values() if other.uln_name in limit.uln_names)
    return out


def _with_range(pairs: List[Tuple[str, str, int]]) -> List[Tuple[str, str, int]]:
    if len(pairs) > 1 and pairs[0][0][0] != pairs[1][0][0]:
        return pairs[:2]
    return pairs[:1]


def _limit(lab: Lab, op: str, num: str, tail: str, span: str, labs) -> Limit:
    value = number(num, lab.count)
    unit = re.match(r"\s*(" + UNIT_RX + r")", tail)
    uln = re.match(r"\s*(?:x|×|times)?\s*(?:the\s*)?(?:" + _uln_words() + r")", tail)
    if uln or re.match(r"\s*(?:x|×)\s*$", tail):
        names = tuple(sorted({other.uln_name for other in labs.values() if other.uln_name
                              and words_rx(other.uln_words or other.words).search(span)} | {lab.uln_name or lab.id}))
        return Limit(lab, op, value, "", True, names)
    return Limit(lab, op, value, unit[1] if unit else "")


def _days(count: Optional[str], unit: str) -> Optional[float]:
    n = _count(count) if count else 1.0
    if n is None:
        return None
    if unit.startswith("month") and n % 12 == 0:  # "twelve months" is a year
        return n / 12 * lexicon().time_units["year"]
    return round(n * lexicon().time_units[unit], 2)


def windows(low: str) -> List[Window]:
    """Look-back windows from now: "within (the last) 4 weeks", "3 months
    before the first dose", "not more than 12 months since", "for more
    than 5 years". A window measured from another event ("within 6 months
    of receiving X", "48 hours after onset") is not one."""
    units = "|".join(sorted(lexicon().time_units, key=len, reverse=True))
    count = r"(\d+|" + "|".join(lexicon().number_words) + r")"
    anchor = words_rx(lexicon().window_anchor_now)
    out: List[Window] = []
    within = r"within\s+(?:the\s+)?(?:last|past|previous|preceding)?\s*" + count + r"?\s*(" + units + r")\b"
    for m in re.finditer(within, low):
        after = low[m.end():m.end() + 40].lstrip(" ,(")
        measured_from = re.match(r"(?:\d+\s*\w+\)\s*)?(of|after|from|following)\b", after)
        if measured_from and not anchor.match(after[measured_from.start(1):]):
            continue
        out.append(_window(m, None))
    patterns = ((count + r"\s+(" + units + r")\s+(?:prior\s+to|before|preceding)\b", None),
                (r"no(?:t)?\s+more\s+than\s+" + count + r"\s+(" + units + r")\s+(?:have\s+|has\s+)?(?:elapsed|passed)",
                 True),
                (r"for\s+(?:greater|more|longer)\s+than\s+" + count + r"\s+(" + units + r")", False))
    for rx, recent in patterns:
        for m in re.finditer(rx, low):
            if not any(w.start <= m.start() < w.end or m.start() <= w.start < m.end() for w in out):
                out.append(_window(m, recent))
    return sorted((w for w in out if w.days), key=lambda w: w.start)


def _window(m: re.Match, recent: Optional[bool]) -> Window:
    return Window(_days(m[1], m[2]) or 0.0, m.start(), m.end(), recent)
