"""What every reader shares: the question's context, the check that a
message can be read at all, and the generic yes / no / not-sure words."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping, Optional, Sequence, Tuple

from bot.eligibility.lexicon import EN, KO, Phrases, either, found
from bot.eligibility.reading import NoAnswer
from bot.eligibility.text import MAX_ANSWER_CHARS, clean, is_question


@dataclass(frozen=True)
class Context:
    today: date
    vocab: str  # the trial's vocabulary key (nlp.register)
    params: Mapping[str, Any] = field(default_factory=dict)  # the question's reader parameters
    cues: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)
    names: Sequence[str] = ()  # the words for what the question asks about (its terms, both languages)


_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][^>]*>")
_ANY_WORD = re.compile(r"[A-Za-z0-9\uac00-\ud7a3]")


_WORD_OR_JAMO = re.compile(r"[A-Za-z0-9\uac00-\ud7a3\u3131-\u318e]")
# Why a message cannot be read at all, as the conversation's text key, and as a reader's NoAnswer.
_PROBLEMS = {"empty_message": NoAnswer("an empty message"), "too_long": NoAnswer("a very long message", "shorter"),
             "markup": NoAnswer("markup rather than an answer"), "no_words": NoAnswer("no words"),
             "other_language": NoAnswer("another language")}


def text_problem(text: str) -> Optional[str]:
    """Why a (cleaned) message cannot be read at all: a key of the conversation's texts, or None."""
    if not text:
        return "empty_message"
    if len(text) > MAX_ANSWER_CHARS:
        return "too_long"
    if _MARKUP.search(text):
        return "markup"
    if not _WORD_OR_JAMO.search(text):  # letters of another script ("こんにちは") are words, in another language
        return "other_language" if any(unicodedata.category(ch).startswith("L") for ch in text) else "no_words"
    return None


def unreadable(text: str) -> Tuple[str, Optional[NoAnswer]]:
    """The cleaned text, and why no reader can read it: nothing, too much,
    markup, a question back (None when it can be read)."""
    text = clean(text)
    problem = text_problem(text)
    if problem:
        return text, _PROBLEMS[problem]
    if not _ANY_WORD.search(text):  # "ㅋㅋ" is a message, but no answer
        return text, _PROBLEMS["no_words"]
    if is_question(text):
        return text, NoAnswer("a question back")
    return text, None


@dataclass(frozen=True)
class Polarity:
    value: Optional[str]  # yes / no / unsure / None
    evidence: str = ""
    hedged: bool = False
    conflict: bool = False


_SHORT = EN.short_answer
_SUBJECT = "(?:" + either(_SHORT.subjects) + ")"
_AUX = "(?:" + either(_SHORT.auxiliaries) + ")"
# "she doesn't", "I'm not": a no of a few words; "I do", "she has": a yes.
_SHORT_NO = re.compile(r"^" + _SUBJECT + r"\s+(?:" + _AUX + r"(?:n't|\s+not)|not)\b|^(?:"
                       + either(_SHORT.subject_is) + r")\s+not\b")
_SHORT_YES = re.compile(r"^(?:" + _SUBJECT + r"\s+" + _AUX + r")(?:\s+(?:" + either(_SHORT.yes_tail) + r"))?[.!]*$")
_OPENING_YES = EN.answers.opening_yes + KO.answers.opening_yes
_OPENING = re.compile(r"\s*(" + either(EN.answers.opening_yes, EN.answers.opening_no, KO.answers.opening_yes,
                                        KO.answers.opening_no) + r")(?![A-Za-z가-힣])")
_ONLY_HEDGE = re.compile("|".join(EN.answers.hedge.patterns) + r"|[\s.,!]")


def _words(low: str, name: str) -> Optional[str]:
    """A list of the answers section, English then Korean."""
    phrases: Tuple[Phrases, Phrases] = (getattr(EN.answers, name), getattr(KO.answers, name))
    return found(low, *phrases)


def _yes_and_no(low: str, agree: bool) -> Tuple[Optional[str], Optional[str]]:
    yes = _words(low, "yes_words") or KO.answers.yes_whole.first(low) or \
        (_words(low, "agree") if agree else None)
    no = _words(low, "no_words")
    if not no:
        m = _SHORT_NO.match(low)
        no = m.group(0) if m and len(low.split()) <= 7 else None
    if not yes:
        m = _SHORT_YES.match(low)
        yes = m.group(0) if m else None
    return yes, no


def polarity(text: str, agree: bool = False) -> Polarity:
    """The generic yes/no/not-sure words of a message (English and Korean).
    `agree`: agreement words ("ok", "좋아요") count as a yes."""
    low = text.lower()
    evidence = _words(low, "hedged_no")
    if evidence:
        return Polarity("no", evidence, hedged=True)
    evidence = _words(low, "unsure")
    if evidence:
        return Polarity("unsure", evidence)
    evidence = EN.answers.strong_no.first(low)
    if evidence:
        return Polarity("no", evidence)
    hedged = bool(_words(low, "hedge"))
    yes, no = _yes_and_no(low, agree)
    if yes and no:
        # "yes, no problem" agrees; otherwise the first word given decides only
        # when it opens the message ("no, she is fine").
        first = _OPENING.match(low)
        if first:
            value = "yes" if first.group(1) in _OPENING_YES else "no"
            return Polarity(value, first.group(1), hedged=hedged)
        return Polarity(None, conflict=True)
    if yes:
        return Polarity("yes", yes, hedged=hedged)
    if no:
        return Polarity("no", no, hedged=hedged)
    if hedged and not _ONLY_HEDGE.sub("", low):
        return Polarity("yes", low.strip(), hedged=True)  # a bare "probably"
    return Polarity(None, hedged=hedged)


def over_and_done(low: str) -> Optional[str]:
    """Words saying something ended ("it finished", "끝났어요")."""
    return _words(low, "past")
