"""A Korean typo the analyser cannot read: a verb's vowel typed without its
glide ("피가안멈처요" for 멈춰요, "그처요" for 그쳐요, "알아바요" for 알아봐요).
kiwi then reads an unknown noun with a polite 요 stuck to it ("멈처/NNG 요/JX").
Only such a word is tried again with the glide put back, one syllable at a
time, and the reading kept when kiwi finds a verb in it and scores it clearly
better: "엄마요", "1차요", "저요" stay as they are. The syllable count, and so
every offset, is unchanged."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import List, Mapping, Tuple

from bot import tokens as tk

_FIRST, _VOWELS, _FINALS = 0xAC00, 21, 28
_VOWEL = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_WORD = re.compile(r"[가-힣]{2,}(?=요(?:[\s.,!?~]|$))")  # a word ending in a polite 요
_NOT_VERB = frozenset({"NNG", "NNB", "NP", "MM", "IC"})  # what kiwi makes of a verb it cannot read
_MARGIN = 6.0  # how much better (kiwi's log score) the reading with the glide must be


def _with_vowel(syllable: str, vowel: str) -> str:
    n = ord(syllable) - _FIRST
    initial, final = n // (_VOWELS * _FINALS), n % _FINALS
    return chr(_FIRST + (initial * _VOWELS + _VOWEL.index(vowel)) * _FINALS + final)


def _vowel(syllable: str) -> str:
    return _VOWEL[(ord(syllable) - _FIRST) // _FINALS % _VOWELS]


@lru_cache(maxsize=4096)
def _reading(word: str) -> Tuple[float, Tuple[Tuple[str, str], ...]]:
    tokens, score = tk.kiwi().analyze(word, top_n=1)[0][:2]
    return score, tuple((t.form, t.tag.split("-")[0]) for t in tokens)


def _unread(word: str) -> bool:
    """kiwi read the word as a noun or the like with 요 after it: a verb it did not know."""
    tags = _reading(word)[1]
    return any(a[1] in _NOT_VERB and b in (("요", "JX"), ("이", "VCP")) for a, b in zip(tags, tags[1:]))


def _restored(word: str, glides: Mapping[str, str]) -> str:
    score = _reading(word)[0]
    tries: List[Tuple[float, str]] = []
    for i in range(1, len(word)):  # the first syllable is the stem's start, never a contracted ending
        for vowel in glides.get(_vowel(word[i]), ""):
            candidate = word[:i] + _with_vowel(word[i], vowel) + word[i + 1:]
            s, tags = _reading(candidate)
            if any(tag in ("VV", "VA") for _, tag in tags):
                tries.append((s, candidate))
    best = max(tries, default=(score, word))
    return best[1] if best[0] - score >= _MARGIN else word


def restore(text: str, glides: Mapping[str, str]) -> str:
    """`text` with each unread verb's glide put back (same length)."""
    if not glides:
        return text
    out = text
    for m in _WORD.finditer(text):
        word = m.group(0) + "요"
        if _unread(word):
            fixed = _restored(word, glides)
            out = out[:m.start()] + fixed + out[m.start() + len(fixed):]
    return out
