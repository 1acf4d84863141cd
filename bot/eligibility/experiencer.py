"""Whom the words are about. A message is cut into clauses; a clause that
names only someone other than the patient (a sister, a neighbour, the
person typing when they answer for someone else, a pet) is set aside, so
that "my sister takes it but I never have" answers with "I never have".
Clauses that name the patient, or nobody, are kept as typed. The words are
data: relations.yml and lexicon/<lang>.yml (experiencer)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Pattern, Tuple

from bot.eligibility import relations
from bot.eligibility.lexicon import EN, KO
from bot.eligibility.reading import NoAnswer, Reading, Result

_LANGS = (EN, KO)
_BREAK = re.compile("|".join(p for lang in _LANGS for p in lang.experiencer.clause_breaks))
_BREAK_OR_COMMA = re.compile("|".join(p for lang in _LANGS
                                      for p in lang.experiencer.clause_breaks + lang.experiencer.soft_breaks))


def _any(words: Tuple[str, ...]) -> Optional[Pattern[str]]:
    return re.compile("|".join(words)) if words else None


_WRITER = _any(tuple(p for lang in _LANGS for p in lang.experiencer.writer))
_KNOWING = _any(tuple(p for lang in _LANGS for p in lang.experiencer.knowing))
_PRONOUN = _any(tuple(p for lang in _LANGS for p in lang.experiencer.patient_pronouns))
_OTHERS = _any(tuple(p for lang in _LANGS for p in lang.experiencer.others))
_OBJECT_BEFORE = _any(tuple(p for lang in _LANGS for p in lang.experiencer.object_before))
_OBJECT_AFTER = _any(tuple(p for lang in _LANGS for p in lang.experiencer.object_after))
_RELATIVE = _any(tuple(p for lang in _LANGS for p in lang.experiencer.relative))


@dataclass(frozen=True)
class Focus:
    text: str  # the clauses about the patient (or about nobody named), as typed
    set_aside: bool  # some clause was about someone else
    aside: str = ""  # the clauses set aside, as typed


def about_patient(text: str, patient: Optional[str]) -> Focus:
    """`patient`: the patient's relation to the writer ("mother"), None when the writer is the patient."""
    parts: List[Tuple[str, str]] = []
    for c in clauses(text):
        parts += _relative(c, parts[-1][0] if parts else "")
    aside = [_only_others(probe.lower(), patient) for _, probe in parts]
    for i in range(1, len(parts)):  # "my son has <it>, which is stressful, ...": "which" goes on about it
        aside[i] = aside[i] or (aside[i - 1] and bool(_RELATIVE and _RELATIVE.match(parts[i][0])))
    kept = [c for (c, _), out in zip(parts, aside) if not out]
    if len(kept) == len(parts):
        return Focus(text, False)
    others = " ".join(c.strip() for (c, _), out in zip(parts, aside) if out)
    return Focus(" ".join(c.strip() for c in kept).strip(" ,"), True, others.strip(" ,"))


_UNLIKE = _any(tuple(p for lang in _LANGS for p in lang.experiencer.unlike_them))
_OPPOSITE = {"yes": "no", "no": "yes", "value": "none"}


def unlike_them(focus: Focus, theirs: Result) -> Optional[Reading]:
    """"My wife had it this year, not me": the patient's words only set them against the other person, so
    the patient's answer is the opposite of what the other person's words read (a yes, a no, a condition)."""
    if not (_UNLIKE and focus.aside and _UNLIKE.search(focus.text.lower())):
        return None
    if isinstance(theirs, NoAnswer):  # their condition named without its time ("had it this year"): named all the same
        return Reading("none", focus.text, focus.text) if theirs.partial and theirs.hint_key == "when" else None
    opposite = _OPPOSITE.get(str(theirs.value))
    return Reading(opposite, focus.text, focus.text) if opposite and not theirs.hedged else None


def _relative(clause: str, before: str) -> List[Tuple[str, str]]:
    """A clause cut before a relative clause that tells about the person just named ("he visits my mother,
    who has heart failure"; the clause before may end with the name): (the words, the words read for whom they
    are about, with that person as their subject)."""
    m = _RELATIVE.search(clause) if _RELATIVE else None
    if m is None:
        return [(clause, clause)]
    lead = (before if not clause[:m.start()].strip(" ,") else "") + clause[:m.start()]
    named = relations.mentions(lead.lower())
    if not named or lead[max(e for _, e, _ in named):].strip(" ,"):
        return [(clause, clause)]
    start, end, _ = max(named, key=lambda n: n[1])
    head = [(clause[:m.start()], clause[:m.start()])] if clause[:m.start()].strip(" ,") else []
    return head + [(clause[m.start():], lead[start:end] + " " + clause[m.end():])]


def clauses(text: str, commas: bool = True) -> List[str]:
    """The clauses with their trailing break ("..., but "), so that kept ones join back as typed."""
    return cut_after(_BREAK_OR_COMMA if commas else _BREAK, text)


def cut_after(breaks: "re.Pattern[str]", text: str) -> List[str]:
    """`text` cut after each match of `breaks` that follows some words, each piece with its break."""
    out, start = [], 0
    for m in breaks.finditer(text):
        if m.end() > start and text[start:m.start()].strip():
            out.append(text[start:m.end()])
            start = m.end()
    if text[start:].strip():
        out.append(text[start:])
    return out


def _only_others(clause: str, patient: Optional[str]) -> bool:
    """True when the clause is about someone other than the patient: the
    first person it names (its subject, as a rule) is not the patient. Setting
    a clause aside only ever loses words (the question is asked again);
    keeping someone else's words could answer for the patient."""
    # A relative named when the patient's relation is not known ("patient") may be the patient: not counted.
    named = [(start, rel == "patient" or relations.same(rel, patient))
             for start, end, rel in relations.mentions(clause) if patient != "patient"
             and not _object(clause, start, end)]
    if _KNOWING:  # "I don't know", "I think": what the writer knows, not whom the health words are about
        clause = _KNOWING.sub(lambda m: " " * len(m.group(0)), clause)
    # "she" tells nothing when the writer is the patient: a pronoun is counted only for someone answering for another.
    pronoun = _PRONOUN if patient is not None else None
    for rx, is_patient in ((_WRITER, patient is None), (pronoun, True), (_OTHERS, False)):
        m = next((m for m in rx.finditer(clause) if not _object(clause, m.start(), m.end())), None) if rx else None
        if m:
            named.append((m.start(), is_patient))
    return bool(named) and not min(named)[1]


def _object(clause: str, start: int, end: int) -> bool:
    """The person named at clause[start:end] is the object of a verb or a preposition, not the subject."""
    return bool((_OBJECT_BEFORE and _OBJECT_BEFORE.search(clause[:start]))
                or (_OBJECT_AFTER and _OBJECT_AFTER.match(clause[end:])))


_CORRECTION = _any(tuple(p for lang in _LANGS for p in lang.experiencer.self_correction))


def after_correction(text: str) -> Optional[str]:
    """The words after the first self-correction ("69 - no sorry, 70": "70";
    "안 해요. 아 아니다, 지난주부터 임상 들어갔어요"; "No. Oh, except the colon
    cancer in January. Sorry, ..."), or None when there is none or nothing
    follows it: what was said before it no longer answers."""
    first = _CORRECTION.search(text.lower()) if _CORRECTION else None
    rest = text[first.end():].strip(" ,.-—…:;!") if first else ""
    while _CORRECTION and rest and (more := _CORRECTION.match(rest.lower())):  # "oops, wait, 59"
        rest = rest[more.end():].strip(" ,.-—…:;!")
    return rest or None


_SOFT = _any(tuple(p for lang in _LANGS for p in lang.experiencer.soft_correction))


def after_soft_correction(text: str) -> Optional[str]:
    """The words after "oh, but" / "아 근데" (None when there are none): they correct the answer only
    when they answer too."""
    m = _SOFT.search(text.lower()) if _SOFT else None
    return (text[m.end():].strip(" ,.-—…:;!") or None) if m else None


_ELLIPSIS = _any(tuple(p for lang in _LANGS for p in lang.experiencer.ellipsis))


def leaves_out(words: str) -> bool:
    """"dad never did", "she hasn't": words that leave out what they are about (said before them)."""
    return bool(_ELLIPSIS and _ELLIPSIS.search(words.lower().strip()))
