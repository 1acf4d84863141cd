"""A usual day read compositionally, for the ECOG question: what the person
does (works, goes to school, plays, looks after themselves) and what holds
them back (needs rest, tires easily, not at school now), each a sign with the
ECOG grades it fits, from the lexicon (ecog.day). A denied activity is a
limit ("not at school right now", "학교는 쉬고 있는데"). English is matched
on words, Korean on morphemes (bot.tokens), so endings do not matter.

The grades all signs share are the reading. Limits (signs that rule out 0)
are taken first: "like before, just tires easily" reads 1, not 0. Activities
then narrow what the limits left, when they fit."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional, Sequence, Tuple

from bot.eligibility.experiencer import clauses
from bot.eligibility.lexicon import EN, KO, Language
from bot.eligibility.text import is_korean
from bot.tokens import korean

Grades = Tuple[int, int]  # lowest and highest ECOG grade a description fits


@dataclass(frozen=True)
class Sign:
    name: str
    evidence: str
    grades: Grades
    start: int  # where the evidence is in the text
    denied: bool = False


@dataclass(frozen=True)
class _Patterns:
    signs: Dict[str, Tuple["re.Pattern[str]", Grades, Grades]]  # name -> pattern, grades, grades when denied
    negation: "re.Pattern[str]"  # denies any sign or level phrase
    denial: "re.Pattern[str]"  # denies an activity: the negation words and the stopping ones


def _grades(text: str) -> Grades:
    low, _, high = str(text).partition("-")
    return int(low), int(high or low)


@lru_cache(maxsize=2)
def _patterns(code: str) -> _Patterns:
    lang: Language = EN if code == "en" else KO
    # English: whole words; Korean: whole "lemma/T" tokens of the morpheme stream.
    before, after = (r"(?<![\w'])", r"(?![\w'])") if code == "en" else (r"(?<!\S)", r"(?!\S)")
    day = lang.ecog.day
    signs = {name: (re.compile(before + "(?:" + "|".join(s.words) + ")" + after),
                    _grades(s.grades), _grades(s.denied or s.grades))
             for name, s in day.signs.items() if s.words}
    negation, denial = (re.compile(before + "(?:" + ("|".join(words) or "(?!)") + ")" + after)
                        for words in (day.negation, day.negation + day.denial))
    return _Patterns(signs, negation, denial)


Clause = Tuple[str, List[Tuple[int, int, int]]]  # the text matched, and per token: where it starts there, its span


def _clauses(text: str) -> Tuple[str, List[Clause]]:
    """The language and the clauses to read: English text clauses, Korean
    clauses as morpheme tokens joined by spaces, with each token's span in
    `text` so that the evidence is the words as typed."""
    if not is_korean(text):
        out, at = [], 0
        for c in clauses(text):
            out.append((c.lower().replace("\u2019", "'"), [(0, at, at + len(c))]))
            at += len(c)
        return "en", out
    parts: Dict[int, Clause] = {}
    for t in korean(text).tokens:
        joined, spans = parts.setdefault(t.clause, ("", []))
        spans.append((len(joined), t.start, t.end))
        parts[t.clause] = (joined + t.text + " ", spans)
    return "ko", list(parts.values())


def _typed(clause: Clause, start: int, end: int) -> Tuple[int, int]:
    """Where in the text the words are that a match from `start` to `end` in the clause stands for."""
    _, spans = clause
    if len(spans) == 1:  # English: the clause is the text
        return spans[0][1] + start, spans[0][1] + end
    inside = [s for s in spans if start <= s[0] < end] or spans[:1]
    return inside[0][1], inside[-1][2]


def _in_clause(text: str, clause: Clause, p: _Patterns, code: str) -> List[Sign]:
    """The signs of one clause, in order. An English sign is denied by a
    denial word between it and the sign before it ("not at school"), or when
    it continues a denied one ("can't run or play football"); a Korean sign
    by a denial morpheme after it, up to the end of the next sign
    ("학교는 쉬고": 쉬 is a sign and the denial)."""
    words = clause[0]
    found = sorted((m.start(), m.end(), name) for name, (rx, _, _) in p.signs.items() for m in rx.finditer(words))
    out: List[Sign] = []
    previous_end, previous_denied = 0, False
    for i, (start, end, name) in enumerate(found):
        _, grades, when_denied = p.signs[name]
        rx = p.denial if grades[0] == 0 else p.negation  # "누워 쉬어요" does not deny lying down
        if code == "en":
            gap = words[previous_end:start]
            denied = bool(rx.search(gap)) or (previous_denied and gap.strip(" ,") in ("", "or", "nor", "and"))
        else:
            until = found[i + 1][1] if i + 1 < len(found) else len(words)
            denied = bool(rx.search(words[end:until]))
        at, to = _typed(clause, start, end)
        out.append(Sign(name, text[at:to], when_denied if denied else grades, at, denied))
        previous_end, previous_denied = end, denied
    return out


def signs(text: str) -> List[Sign]:
    """Every sign of a usual day in `text`, with the grades it fits."""
    code, parts = _clauses(text)
    p = _patterns(code)
    return [s for clause in parts for s in _in_clause(text, clause, p, code)]


def denied(text: str, start: int, end: int, found: Sequence[Sign]) -> bool:
    """Whether the words of `text` from `start` to `end` (a level phrase) are
    denied: in English by a denial word before them in their clause ("she's
    not bedridden"), in Korean by a denial morpheme after them, up to the end
    of the next sign ("하루 종일 누워 있지는 않아요"). A denial inside the
    phrase is its own ("can't work")."""
    code, parts = _clauses(text)
    p = _patterns(code)
    for words, spans in parts:
        if not spans[0][1] <= start < max(spans[0][1] + len(words), spans[-1][2]):
            continue
        if code == "en":
            since = max([s.start + len(s.evidence) for s in found if spans[0][1] <= s.start < start],
                        default=spans[0][1])
            return bool(p.negation.search(text[since:start].lower()))
        after = [s.start + len(s.evidence) for s in found if s.start >= end]
        until = min(after, default=len(text))
        tail = " ".join(t for t, (_, t_start, _) in zip(words.split(" "), spans) if end <= t_start < until)
        return bool(p.negation.search(tail))
    return False


def _meet(a: Grades, b: Grades) -> Optional[Grades]:
    low, high = max(a[0], b[0]), min(a[1], b[1])
    return (low, high) if low <= high else None


def combined(found: Sequence[Grades], stated: Optional[Grades] = None) -> Optional[Grades]:
    """The grades the signs share. A level phrase of the lexicon that rules out
    0 (`stated`, "in bed most of the day") is taken first and signs that do not
    fit it are set aside; then the limits, where two that disagree make a
    reading that spans both (never the worse one alone); then activities that
    fit what is left ("plays football" after "not at school right now" does not)."""
    reading = stated if stated and stated[0] > 0 else None
    for g in (g for g in found if g[0] > 0):
        met = _meet(reading, g) if reading else g
        if met is None and reading is not stated:
            met = (min(reading[0], g[0]), max(reading[1], g[1])) if reading else g
        reading = met or reading
    for g in [g for g in found if g[0] == 0] + ([stated] if stated and stated[0] == 0 else []):
        reading = g if reading is None else _meet(reading, g) or reading
    return reading
