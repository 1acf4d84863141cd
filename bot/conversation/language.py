"""Which language the conversation is in: a message in Hangul switches to
Korean, one in English words to English, with one line saying so and a
button to switch back."""
from __future__ import annotations

import re
from typing import Dict, FrozenSet

from bot.conversation.core import Turn
from bot.conversation.state import Buttons
from bot.conversation.texts import Texts
from bot.eligibility.model import Trial
from bot.eligibility.text import is_korean
from bot.records.effects import LanguageSet

# English words a Korean writer uses without switching language.
_COMMON_IN_KOREAN = {"ok", "okay", "no", "yes", "mg", "dl", "umol", "ecog", "alt", "ast"}
_TERMS: Dict[str, FrozenSet[str]] = {}


def check(t: Turn) -> None:
    if not t.text:
        return
    current, to = t.lang, None
    if current == "en" and re.search(r"[\uac00-\ud7a3]", t.text):  # syllables, not a lone "ㅋㅋ"
        to = "ko"
    elif current == "ko" and not is_korean(t.text):
        known = _COMMON_IN_KOREAN | t.setting.terms
        words = [w for w in re.findall(r"[a-z]{3,}", t.text.lower()) if w not in known]
        if len(words) >= 2:
            to = "en"
    if to:
        switch(t, to)


def switch(t: Turn, to: str) -> None:
    back = t.lang
    t.state.language = to
    t.effect(LanguageSet(to))
    other = Texts(back, t.trial, t.setting.site).say("language_button")
    t.say("language_switched", buttons=[(other, f"/{Buttons.LANGUAGE.value}:{back}")])


def english_terms(trial: Trial) -> FrozenSet[str]:
    """The trial's own English words (medicine and disease names): they never
    switch a Korean conversation to English. Computed once per trial."""
    if trial.id not in _TERMS:
        _TERMS[trial.id] = frozenset(w.lower() for part in trial.vocabulary.values() for ids in part.values()
                                     for words in ids.get("en", ()) for w in words.split())
    return _TERMS[trial.id]
