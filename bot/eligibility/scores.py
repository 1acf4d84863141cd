"""A score said on a named performance scale: "Karnofsky 70", "KPS 60",
"Lansky score of 40", "ECOG 1", "PS 2", "카르노프스키 60점", "란스키 점수가 50이래요",
"전신수행상태 1". Which scale, and the score; or the two scores it is said to
be either of ("ECOG 2 or 3", "60 on the Karnofsky, could be 50"); or, of an
earlier and a later score, the current one ("was 40 two months ago, it's 70
now"). A number is a score only right after the scale's name (the lexicon's
linking words between) or right before "on the <name>", and never when a unit
follows it: an age, a number of days, a share of something else or another
number of the message is not a score. The scales, their names and ranges and
every word around a score are lexicon data (ecog.* in lexicon/<lang>.yml)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import FrozenSet, List, Optional, Tuple, Union

from bot.eligibility.lexicon import EN, KO, Words
from bot.eligibility.reading import NoAnswer

OWN = "ecog"  # the ecog reader's own grade: its score is the reading's number
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_NUMBER = r"(-?\d{1,3}(?:\.\d+)?)(?![\d])"  # a minus sign kept: "ECOG -1" is impossible
_WORD = re.compile(r"[a-z]+|[가-힣]+")
_PARTICLE = re.compile(r"(?<=[가-힣])(?:이|가|은|는|도|의)$")
_GAP = 30  # at most this many characters between "now" and the current score


@dataclass(frozen=True)
class Score:
    scale: str
    low: float
    high: float  # the same as low unless it is said to be either of two
    evidence: str  # as typed, from the name to the last score


@dataclass(frozen=True)
class _Mention:
    scale: str
    start: int
    end: int


def _alternatives(en: Words, ko: Words) -> str:
    """English words whole, Korean ones anywhere (they take particles), as one alternation."""
    parts = ([r"(?<![a-z])(?:" + "|".join(en) + r")(?![a-z])"] if en else []) + \
        (["(?:" + "|".join(ko) + ")"] if ko else [])
    return "|".join(parts) or "(?!)"


@dataclass(frozen=True)
class _Grammar:
    after: "re.Pattern[str]"  # the name, then linking words, then the score
    before: "re.Pattern[str]"  # a score, then "on the", then the name
    either: "re.Pattern[str]"  # after a score: "or 3", ", could be 50"
    current: "re.Pattern[str]"  # a later score said to be the current one ("70 now")
    now: "re.Pattern[str]"  # "now", "지금은" before a later score
    later: "re.Pattern[str]"  # after "now": the later score, a few words on
    other: "re.Pattern[str]"  # a unit after a number: not a score


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    en, ko = EN.ecog, KO.ecog
    link = r"(?:[\s,:=]|" + _alternatives(en.linking, ko.linking) + r")*"
    return _Grammar(
        after=re.compile(link + _NUMBER),
        before=re.compile(_NUMBER + r"\s*(?:%|점)?\s*(?:" + _alternatives(en.before_name, ko.before_name) + r")\s*$"),
        either=re.compile(r"\s*,?\s*(?:" + _alternatives(en.either, ko.either) + r")" + link + _NUMBER),
        current=re.compile(_NUMBER + r"\s*(?:%|점)?\s*(?:" + _alternatives(en.current, ko.current) + r")"),
        now=re.compile("|".join(rx.pattern for lang in (en, ko) for rx in lang.now.compiled) or "(?!)"),
        later=re.compile(r"[^\d]{0," + str(_GAP) + r"}?" + _NUMBER),
        other=re.compile(r"\s*(?:" + _alternatives(en.other_units, ko.other_units) + r")"))


def scale_ids() -> FrozenSet[str]:
    """Every scale the lexicons name: the values the ecog reader may read."""
    return frozenset(EN.ecog.scales) | frozenset(KO.ecog.scales)


def _range(scale: str) -> Tuple[float, float]:
    found = EN.ecog.scales.get(scale) or KO.ecog.scales[scale]
    return found.lowest, found.highest


def _one_off(a: str, b: str) -> bool:
    """One letter typed wrong, left out or added, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and (a[diff[0]], a[diff[1]]) == (b[diff[1]], b[diff[0]])
        return len(diff) == 1 or swapped
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


@lru_cache(maxsize=1)
def _names() -> Tuple[Tuple[str, "re.Pattern[str]", bool], ...]:
    """(scale, its names, English?): English names whole words, a number may follow unspaced ("ecog1")."""
    out = []
    for lang in (EN, KO):
        for scale, s in lang.ecog.scales.items():
            if s.names.patterns:
                body = "|".join(s.names.patterns)
                rx = r"(?<![\w'])(?:" + body + r")(?![a-z'])" if lang is EN else "(?:" + body + ")"
                out.append((scale, re.compile(rx), lang is EN))
    return tuple(out)


def _mentions(low: str) -> List[_Mention]:
    """The scales named, by their names and by a word one letter off one (longest first where they overlap)."""
    blanked = _HANGUL.sub(" ", low)  # English names are whole words; Hangul around them counts as a space
    found = [_Mention(scale, m.start(), m.end())
             for scale, rx, english in _names() for m in rx.finditer(blanked if english else low)]
    spelt = {**EN.ecog.spelt, **KO.ecog.spelt}
    for w in _WORD.finditer(low):
        word = _PARTICLE.sub("", w.group(0))
        found += [_Mention(scale, w.start(), w.start() + len(word)) for name, scale in spelt.items()
                  if len(name) >= 4 and _one_off(word, name)]
    out: List[_Mention] = []
    for m in sorted(found, key=lambda m: (m.start, m.start - m.end)):
        if not out or m.start >= out[-1].end:
            out.append(m)
    return out


def _number_at(low: str, m: "re.Match[str]") -> Optional[Tuple[float, int]]:
    """The number a match ends with and where it ends, unless a unit follows it ("50 days")."""
    if _grammar().other.match(low, m.end()):
        return None
    return float(m.group(1)), m.end()


def _first(low: str, m: _Mention) -> Optional[Tuple[float, int, int]]:
    """The score said with the name, where its words start and end: right after the name, or right
    before "on the <name>"."""
    g = _grammar()
    after = g.after.match(low, m.end)
    if after:
        number = _number_at(low, after)
        return (number[0], m.start, number[1]) if number else None
    before = g.before.search(low, 0, m.start)
    return (float(before.group(1)), before.start(1), m.end) if before else None


def _current(low: str, start: int, stop: int) -> Optional[Tuple[float, int]]:
    """A later score said to be the current one: after "now" / "지금은", or with "now" after it."""
    g = _grammar()
    now = g.now.search(low, start, stop)
    if now:
        later = g.later.match(low, now.end(), stop)
        if later:
            return _number_at(low, later)
    told = g.current.search(low, start, stop)
    return _number_at(low, told) if told else None


def _score(text: str, low: str, m: _Mention, stop: int) -> Union[Score, NoAnswer, None]:
    """The score said with one mention (None: none), read up to the next mention (`stop`)."""
    first = _first(low, m)
    if first is None:
        return None
    lowest, highest = _range(m.scale)
    if not lowest <= first[0] <= highest:
        return NoAnswer(f"a {m.scale} score outside {lowest:g}-{highest:g}", "impossible")
    score, end = (first[0], first[0]), first[2]
    either = _grammar().either.match(low, end, stop)
    other = _number_at(low, either) if either else None
    if other and lowest <= other[0] <= highest:
        score, end = (min(first[0], other[0]), max(first[0], other[0])), other[1]
    now = _current(low, end, stop)
    if now and lowest <= now[0] <= highest:
        score, end = (now[0], now[0]), now[1]
    words = text if len(text) == len(low) else low
    return Score(m.scale, score[0], score[1], words[first[1]:end].strip(" ,"))


def said(text: str) -> Union[List[Score], NoAnswer]:
    """Every scale's score the message says (the first per scale); NoAnswer when the only scores it says
    are impossible ("ECOG 7", "Karnofsky 150")."""
    low = text.lower()
    mentions = _mentions(low)
    found: List[Score] = []
    impossible: Optional[NoAnswer] = None
    for i, m in enumerate(mentions):
        stop = mentions[i + 1].start if i + 1 < len(mentions) else len(low)
        score = _score(text, low, m, stop)
        if isinstance(score, NoAnswer):
            impossible = impossible or score
        elif score and all(s.scale != score.scale for s in found):
            found.append(score)
    return found if found or impossible is None else impossible
