"""Who the patient is, read from both sides: "my mother", "I'm asking for my
dad", "I'm her son" (the patient is his mother), "I'm the patient's wife"
(the patient is her husband), "제 남편이요", "저는 딸이에요"."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bot import yaml_files
from bot.eligibility.lexicon import EN, KO
from bot.eligibility.text import clean

_PATH = Path(__file__).with_name("relations.yml")


@lru_cache(maxsize=1)
def _file() -> dict:
    return yaml_files.read(_PATH)


@lru_cache(maxsize=1)
def table() -> Dict[str, dict]:
    return {k: v for k, v in _file().items() if k not in ("inverse", "covers")}


def same(word_relation: str, patient: Optional[str]) -> bool:
    """A relation word names the patient: the same relation, or one that leaves the sex open ("동생" for a
    sister)."""
    return patient is not None and (word_relation == patient or patient in _file()["covers"].get(word_relation, ()))


def inverse() -> Dict[str, list]:
    return _file()["inverse"]


def sex_of(relation: str) -> Optional[str]:
    return table().get(relation, {}).get("sex")


def name(relation: Optional[str], language: str) -> str:
    """'your mother' / '어머니'; the patient when the relation is not known."""
    entry = table().get(relation or "patient") or table()["patient"]
    return entry[f"name_{language}"]


# A Korean relation word stands alone or with a particle ("엄마가", "딸이에요",
# "우리엄마"), never inside another word ("딸기", "이모티콘", "인형", "B형").
_KO_BEFORE = r"(?:(?<![가-힣a-z0-9])|(?<=우리)|(?<=저희)|(?<=제)|(?<=울)|(?<=친정)|(?<=시))"
_KO_AFTER = (r"(?=$|[^가-힣]|(?:이|가|은|는|을|를|께서|께|의|도|만|랑|이랑|하고|과|와|한테|에게|님|분"
             r"|이에요|예요|에요|이요|요|입니다|대신|일|때문|거|꺼|이세요|세요|이고|이며|인데|이신데|이시고|이십니다|이신|이셔|이시|셔|시)(?:[^가-힣]|$|[가-힣]))")


@lru_cache(maxsize=None)
def _pattern(word: str, lang: str) -> re.Pattern:
    return re.compile(r"(?<![a-z])" + re.escape(word) + r"(?![a-z])" if lang == "en"
                      else _KO_BEFORE + re.escape(word) + _KO_AFTER)


@lru_cache(maxsize=1)
def _words() -> Tuple[Tuple[str, str, str], ...]:
    words = [(w.lower(), rel, lang) for rel, entry in table().items() for lang in ("en", "ko")
             for w in entry.get(lang, ())]
    return tuple(sorted(words, key=lambda t: len(t[0]), reverse=True))


def _search(word: str, lang: str, text: str) -> Optional[re.Match]:
    # The plain substring test first: compiling every word's pattern (the
    # Korean ones carry large character classes) would cost a quarter second.
    return _pattern(word, lang).search(text) if word in text else None


def _find(text: str, lang: str, start: int = 0) -> Optional[Tuple[str, re.Match]]:
    for word, rel, wl in _words():
        if wl != lang:
            continue
        m = _search(word, lang, text[start:])
        if m:
            return rel, m
    return None


_GENERIC = ("parent", "child", "spouse", "sibling", "patient")


def _specific(text: str, found: str) -> str:
    """A generic relation ("parent") made specific by another word in the
    message ("저는 아들이고 어머니 때문에 왔어요": the mother)."""
    if found not in _GENERIC:
        return found
    for lang in ("en", "ko"):
        hit = _find(text, lang)
        if hit and hit[0] not in _GENERIC and hit[0] not in inverse():
            return hit[0]
        kinds = _file()["covers"].get(found) or ("mother", "father", "husband", "wife", "grandmother", "grandfather")
        for word, rel, wl in _words():
            if wl == lang and rel in kinds and _search(word, lang, text):
                return rel  # "형이 입원해 있어서 ... 저는 동생이고요": the sibling is the brother
    return found


# Said without a relation word ("for me", "someone else", "본인"); these
# patterns carry their own anchors, so they are searched as written.
_SAID_OUTRIGHT = tuple((tuple(re.compile(p) for p in phrases.patterns), rel) for phrases, rel in (
    (KO.respondent.self, "self"), (KO.respondent.proxy, "patient"),
    (EN.respondent.proxy, "patient"), (EN.respondent.self, "self")))


def _said_outright(t: str) -> Optional[Tuple[str, Optional[str], str]]:
    for patterns, rel in _SAID_OUTRIGHT:
        for rx in patterns:
            m = rx.search(t)
            if m:
                return rel, None, m.group(0)
    return None


@lru_cache(maxsize=1)
def _not_relation() -> re.Pattern:
    """A relation said to be wrong ("my father, not my husband", "남편 말고
    아버지"): left out before reading who the patient is."""
    en = "|".join(re.escape(w) for w, _rel, lang in _words() if lang == "en")
    ko = "|".join(re.escape(w) for w, _rel, lang in _words() if lang == "ko")
    return re.compile(r"\b(?:not|isn't|is not|instead of|rather than)\s+(?:my |her |his |the |our )?(?:" + en + r")\b"
                      r"|(?:" + ko + r")(?:이|가|는|은)?\s?(?:아니라|아니고|말고)")


def read_relation(text: str) -> Optional[Tuple[str, Optional[str], str]]:
    """(relation of the patient to the writer, the patient's sex, the words),
    relation 'self' when the writer is the patient; None when not said."""
    t = _not_relation().sub(" ", clean(text).lower())
    # "I'm her son", "I am the patient's wife", "I'm his daughter"
    m = re.search(r"\bi(?:'?m| am)\s+(her|his|their|the patient's|the patients|its)\s+(?:\w+\s+)?", t)
    if m:
        hit = _find(t, "en", m.end(1))
        if hit:
            rel, hm = hit
            pronoun = {"her": 0, "his": 1}.get(m[1], 2)
            patient = _specific(t, inverse().get(rel, ["patient"] * 3)[pronoun])
            return patient, sex_of(patient), m.group(0).strip() + " " + hm.group(0)
    # "my husband's mother": the last relation of the chain
    chain = re.search(r"\bmy\s+(\w+)'s\s+(\w+)", t)
    if chain:
        hit = _find(chain.group(2), "en")
        if hit:
            return hit[0], sex_of(hit[0]), chain.group(0)
    # 저는 (환자) 딸이에요 / 제가 아들입니다
    km = re.search(r"(?:저는|제가|나는|전)\s*(?:환자(?:의|분의)?\s*)?(\S+?)(?:이에요|예요|입니다|이고|인데|이요|요)", t)
    if km:
        hit = _find(km.group(1), "ko")
        if hit and hit[0] in inverse():
            rel = hit[0]
            patient = _specific(t.replace(km.group(0), " "), inverse()[rel][2])
            return patient, sex_of(patient), km.group(0)
    for lang in ("en", "ko"):
        hit = _find(t, lang)
        if hit:
            rel, hm = hit
            own = next((m for m in (rx.search(t) for rx in _WRITER_IS_PATIENT) if m), None)
            if own:  # "my niece set this up, but I'm the one who is ill"
                return "self", None, own.group(0)
            if rel == "patient":  # "for my wife, she's the patient": the relation says who
                rel = _specific(t.replace(hm.group(0), " "), rel)
            return rel, sex_of(rel), hm.group(0)
    return _said_outright(t)


_WRITER_IS_PATIENT = tuple(re.compile(p) for lang in (EN, KO) for p in lang.respondent.writer_is_patient)


def mentions(text: str) -> List[Tuple[int, int, str]]:
    """Every relation word in `text` (lowercased, cleaned) as (start, end,
    relation), longest first so that "작은아버지" is an uncle and not a father
    inside; "my sister-in-law" is a sister."""
    taken: List[Tuple[int, int, str]] = []
    for word, rel, lang in _words():
        if word not in text:
            continue
        for m in _pattern(word, lang).finditer(text):
            start = text.index(word, m.start())  # a Korean match may open with a lookbehind's 우리/제
            end = start + len(word)
            if not any(s < end and start < e for s, e, _ in taken):
                taken.append((start, end, rel))
    return sorted(taken)
