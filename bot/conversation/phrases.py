"""The phrase table (phrases.yml): what a message that answers nothing asks
for. A meaning stands only when its words are in the message; the
classifier's suggestion is used only for harmless meanings (questions back,
small talk) and only when no words matched."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Tuple

from bot import yaml_files
from bot.eligibility.mentions import asks_what_it_is
from bot.eligibility.text import clean, is_question

_PATH = Path(__file__).with_name("phrases.yml")


@dataclass(frozen=True)
class Phrase:
    intent: str
    kind: str  # command | question | smalltalk | answer
    confirm: bool
    classifier: bool
    en: Tuple[re.Pattern, ...]
    ko: Tuple[re.Pattern, ...]


@lru_cache(maxsize=1)
def table() -> Tuple[Phrase, ...]:
    raw = yaml_files.read(_PATH)
    return tuple(Phrase(intent, e["kind"], bool(e.get("confirm")), bool(e.get("classifier")),
                        # English on whole words, where Hangul does not count as a letter ("ecog가")
                        tuple(re.compile(r"(?<![A-Za-z0-9'])(?:" + p + r")(?![A-Za-z0-9'])") for p in e.get("en", ())),
                        tuple(re.compile(p) for p in e.get("ko", ())))
                 for intent, e in raw.items())


def intents() -> List[str]:
    """Every intent of the NLU domain, in the table's order."""
    return [p.intent for p in table()]


def by_intent(intent: str) -> Optional[Phrase]:
    return next((p for p in table() if p.intent == intent), None)


@dataclass(frozen=True)
class Meaning:
    intent: str
    kind: str
    confirm: bool
    words: str  # what matched ("" when only the classifier suggested it)


SMALL_TALK_WORDS = 3


def meaning(text: str, suggestion: Optional[str] = None, confidence: float = 0.0) -> Optional[Meaning]:
    """The first entry whose words are in `text`; else the classifier's
    suggestion when it is harmless and confident; else None."""
    low = clean(text).lower()
    for p in table():
        for rx in p.en + p.ko:
            m = rx.search(low)
            if m:
                return Meaning(p.intent, p.kind, p.confirm, m.group(0))
    if is_question(low) or asks_what_it_is(low):  # a question back: explained if it names a term, else the terms listed
        return Meaning("explain_term", "question", False, "?")
    suggested = by_intent(suggestion) if suggestion else None
    # Small talk is a few words: a longer message the classifier calls a greeting tells something ("그리고
    # 하이드리아는 오늘 아침에도 먹었어요" got "Welcome back!")
    short = suggested is None or suggested.kind != "smalltalk" or len(low.split()) <= SMALL_TALK_WORDS
    if suggested is not None and suggested.classifier and confidence >= 0.8 and short:
        return Meaning(suggested.intent, suggested.kind, suggested.confirm, "")
    return None


def wants_language(text: str) -> Optional[str]:
    """'ko' or 'en' when the message asks for a language."""
    low = clean(text).lower()
    if re.search(r"korean|hangul|한국어|한글", low):
        return "ko"
    if re.search(r"english|영어", low):
        return "en"
    return None
