"""A small pattern language over token streams, so that word lists stay data.

A pattern is items separated by spaces; each item is alternatives joined by
"|", and "?" after an item makes it optional:
  bleed*          a token that starts with "bleed"
  won't           a literal (English literals are tokenized: "wo n't")
  멈추 / 나/V      a Korean lemma, with or without its tag (V, N, M, J, E, P, S, F)
  @NOT            an entry of a class (each entry is itself a pattern)
  NEG             the folded Korean negation ("안 멈춰", "멈추지 않아")
  ~  ~~           up to 3 / up to 6 other tokens
Patterns match within one sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Mapping, Sequence

from bot import tokens as tk

_TAGS = "NVMJEPSFLX"


@dataclass(frozen=True)
class Span:
    start: int  # first token
    end: int  # one past the last token


def _token_regex(word: str, lang: str) -> str:
    prefix = word.endswith("*") and len(word) > 1
    word = word[:-1] if prefix else word
    if word.startswith("/") and word[1:] in _TAGS:
        return "[^ /]+" + re.escape(word)
    if lang == "ko":
        if word == "NEG":
            return re.escape(tk.NEG)
        form, _, tag = word.partition("/")
        tail = f"/{tag}" if tag and tag in _TAGS else f"/[{_TAGS}]"
        return re.escape(form) + ("[^ /]*" if prefix else "") + tail
    return re.escape(word) + ("[^ ]*" if prefix else "")


def _literal(word: str, lang: str) -> str:
    """One alternative: a token, or several joined by "_" ("pass_out")."""
    parts: List[str] = []
    for piece in word.split("_"):
        if lang == "ko" or "*" in piece or piece.startswith("/"):
            parts.append(piece)
        else:
            parts += [t.text for t in tk.english(piece).tokens] or [piece]
    return "".join(_ko_hada(p) if lang == "ko" else _token_regex(p, lang) + " " for p in parts if p)


def _ko_hada(word: str) -> str:
    """A Korean 하다 verb ("미안하") as one lemma or as its noun and 하 ("미안/N 하/V"): kiwi
    reads "미안하다고" either way, so a word list need not spell both."""
    form, _, tag = word.partition("/")
    one = _token_regex(word, "ko") + " "
    if len(form) < 2 or not form.endswith("하") or tag not in ("", "V"):
        return one
    return f"(?:{one}|{_token_regex(form[:-1] + '/N', 'ko')} {_token_regex('하/V', 'ko')} )"


class Compiler:
    """Compiles patterns of one language, with its classes."""

    def __init__(self, lang: str, classes: Mapping[str, Sequence[str]]):
        self.lang, self.classes = lang, classes
        self._done: Dict[str, str] = {}

    def item(self, item: str) -> str:
        optional = item.endswith("?") and len(item) > 1
        item = item[:-1] if optional else item
        if item == "~":
            body = "(?:[^ ]+ ){0,3}"
        elif item == "~~":
            body = "(?:[^ ]+ ){0,6}"
        else:
            alts = []
            for alt in item.split("|"):
                if alt.startswith("@"):
                    alts.append(self.klass(alt[1:]))
                elif alt:
                    alts.append(_literal(alt, self.lang))
            body = "(?:" + "|".join(alts) + ")"
        return body + ("?" if optional else "")

    def klass(self, name: str) -> str:
        if name not in self._done:
            if name not in self.classes:
                raise ValueError(f"unknown class @{name} ({self.lang})")
            self._done[name] = "(?:" + "|".join(self.sequence(e) for e in self.classes[name]) + ")"
        return self._done[name]

    def sequence(self, pattern: str) -> str:
        return "".join(self.item(i) for i in pattern.split())

    def compile(self, pattern: str) -> "re.Pattern[str]":
        return re.compile(r"(?:^| )(" + self.sequence(pattern) + ")")


def find(rx: "re.Pattern[str]", stream: tk.Stream) -> List[Span]:
    """Every match of `rx`, sentence by sentence, as token spans."""
    out: List[Span] = []
    for first, joined, starts in stream.sentences:
        pos = 0
        while pos <= len(joined):
            m = rx.search(joined, pos)
            if not m or not m.group(1):
                break
            a, b = m.start(1), m.end(1)
            out.append(Span(first + starts[a], first + _token_at(joined, starts, b - 1) + 1))
            pos = _next_start(joined, a)
    return out


def _token_at(joined: str, starts: Dict[int, int], offset: int) -> int:
    """The token that covers `offset` in a sentence's joined text."""
    while offset not in starts:
        offset -= 1
    return starts[offset]


def _next_start(joined: str, offset: int) -> int:
    """The space before the token after the one at `offset`."""
    space = joined.find(" ", offset)
    return space if space >= 0 else len(joined) + 1
