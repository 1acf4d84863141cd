"""What a message names besides an answer: one of the trial's questions
("change my age to 59", "나이 수정"), its explained terms ("what is ECOG?"),
and whether it has words at all. The conversation asks; this reads."""
from __future__ import annotations

import re
from typing import Iterable, List, Optional, Tuple

from bot.eligibility.lexicon import LANGUAGES
from bot.eligibility.model import Trial
from bot.eligibility.text import clean, is_korean, pattern

# "change my age to 59", "나이를 59로 바꿔 주세요": what follows is the new value.
_NEW_VALUE = re.compile(r"\b(?:to|into|as)\b|(?:으로|로)\s*(?:바꿔|바꿀|수정|변경|고쳐)")


def _names(word: str, low: str, guard: str) -> bool:
    """`word` in `low` as a whole word (Korean words are found inside longer words)."""
    return bool(word) and word in low and (
        is_korean(word) or bool(pattern(rf"(?<!{guard})" + re.escape(word) + rf"(?!{guard})").search(low)))


def find_question(trial: Trial, text: str, among: Iterable[str]) -> Optional[str]:
    """The question (of `among`) a message names by its label or an alias; the longest name wins."""
    found = find_name(trial, text, among)
    return found[0] if found else None


def find_name(trial: Trial, text: str, among: Iterable[str]) -> Optional[Tuple[str, str]]:
    """(the question, the name it is called by in the message), the longest name winning."""
    low = clean(text).lower()
    best: Optional[Tuple[str, str]] = None
    for qid in among:
        for lang in ("en", "ko"):
            words = [trial.text(lang, qid, "label", "")] + list(trial.text(lang, qid, "aliases", []) or [])
            for w in (w.lower() for w in words):
                if len(w) > len(best[1] if best else "") and _names(w, low, "[A-Za-z0-9]"):
                    best = (qid, w)
    return best


def new_value(text: str) -> Optional[str]:
    """The new value in "change X to Y", or None."""
    parts = _NEW_VALUE.split(text, maxsplit=1)
    return parts[1].strip() or None if len(parts) > 1 else None


def terms_in(trial: Trial, text: str, language: str) -> List[str]:
    """The explanations (in `language`) of the trial's terms a message names,
    looking in the conversation's language first, then the other."""
    low, out = clean(text).lower(), []
    for lang in (language, "en" if language == "ko" else "ko"):
        for key, term in trial.texts[lang]["terms"].items():
            if any(_names(w.lower(), low, "[A-Za-z0-9-]") for w in term["words"]):
                here = trial.texts[language]["terms"][key]["text"]
                if here not in out:
                    out.append(here)
        if out:
            return out
    return out


_THE_STUDY = re.compile("|".join(p for lang in LANGUAGES.values() for p in lang.mentions.the_study))
_WHAT_IS = re.compile("|".join(p for lang in LANGUAGES.values() for p in lang.mentions.what_is) or "(?!)")


def asks_what_it_is(text: str) -> bool:
    """"이게 정확히 무슨 병이에요? 처음 듣는 말이라서요", "what's that word?": the message opens by asking
    what a word means."""
    return bool(_WHAT_IS.search(clean(text).lower()))


def asks_about_the_study(text: str) -> bool:
    """"What does this study actually do?", "이 연구는 뭐 하는 거예요?"."""
    return bool(_THE_STUDY.search(clean(text).lower()))
