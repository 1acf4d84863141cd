"""A usual day read compositionally, for the ECOG question: what the person
does (works, goes to school, plays, looks after themselves) and what holds
them back (needs rest, tires easily, not at school now), each a sign with the
ECOG grades it fits, from the lexicon (ecog.day). A denied activity is a
limit ("not at school right now", "학교는 쉬고 있는데"). English is matched
on words, Korean on morphemes (bot.safety.tokens), so endings do not matter.

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
from bot.safety.tokens import korean

Grades = Tuple[int, int]  # lowest and highest ECOG grade a description fits


@dataclass(frozen=True)
class Sign:
    name: str
    evidence: str
    grades: Grades


@dataclass(frozen=True)
class _Patterns:
    signs: Dict[str, Tuple["re.Pattern[str]", Grades, Grades]]  # name -> pattern, grades, grades when denied
    denial: "re.Pattern[str]"


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
    denial = re.compile(before + "(?:" + ("|".join(day.denial) or "(?!)") + ")" + after)
    return _Patterns(signs, denial)


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


def _typed(text: str, clause: Clause, start: int, end: int) -> str:
    """The words of `text` that a match from `start` to `end` in the clause stands for."""
    joined, spans = clause
    if len(spans) == 1:  # English: the clause is the text
        return text[spans[0][1] + start:spans[0][1] + end]
    inside = [s for s in spans if start <= s[0] < end]
    return text[inside[0][1]:inside[-1][2]] if inside else joined[start:end]


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
        if code == "en":
            gap = words[previous_end:start]
            denied = bool(p.denial.search(gap)) or (previous_denied and gap.strip(" ,") in ("", "or", "nor", "and"))
        else:
            until = found[i + 1][1] if i + 1 < len(found) else len(words)
            denied = bool(p.denial.search(words[end:until]))
        _, grades, when_denied = p.signs[name]
        out.append(Sign(name, _typed(text, clause, start, end), when_denied if denied else grades))
        previous_end, previous_denied = end, denied
    return out


def signs(text: str) -> List[Sign]:
    """Every sign of a usual day in `text`, with the grades it fits."""
    code, parts = _clauses(text)
    p = _patterns(code)
    return [s for clause in parts for s in _in_clause(text, clause, p, code)]


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
