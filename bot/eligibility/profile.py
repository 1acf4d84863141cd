"""Profile readers: who is answering (the patient or someone for them), the
patient's sex, and whether she could become pregnant."""
from __future__ import annotations

import re
from typing import Optional, Tuple

from bot.eligibility.answers import Context, polarity, unreadable
from bot.eligibility.lexicon import EN, KO, either, found
from bot.eligibility.reading import NoAnswer, Reading, Result
from bot.eligibility.relations import mentions, read_relation, sex_of


def read_respondent(text: str, ctx: Context) -> Result:
    text, bad = unreadable(text)
    if bad:
        return bad
    relation = read_relation(text)
    if relation is not None:
        return respondent_reading(relation, text)
    return NoAnswer("not clear who the patient is")


def respondent_reading(found_relation: Tuple[str, Optional[str], str], text: str) -> Reading:
    """Who is answering, from read_relation's (relation, the patient's sex, words)."""
    relation, sex, evidence = found_relation
    if relation == "self":
        return Reading("self", evidence, text)
    return Reading("proxy", evidence, text, extra={"relation": relation, **({"sex": sex} if sex else {})})


def read_sex(text: str, ctx: Context) -> Result:
    text, bad = unreadable(text)
    if bad:
        return bad
    low = _set_aside(text.lower())
    female = found(low, EN.sex.female, KO.sex.female)
    male = found(low, EN.sex.male, KO.sex.male)
    if female and not male:
        return Reading("female", female, text)
    if male and not female:
        return Reading("male", male, text)
    evidence = found(low, EN.answers.unsure, EN.sex.declined) or found(low, KO.answers.unsure, KO.sex.declined)
    if evidence:
        return Reading("unsure", evidence, text)
    return _identity(text, low) or NoAnswer("no female or male")


_ELSE = re.compile(either(EN.sex.someone_else, KO.sex.someone_else) or "(?!)")
_CLAUSE_END = re.compile(either(EN.sex.clause_end, KO.sex.clause_end) or "(?!)")


def _set_aside(low: str) -> str:
    """The words with someone else's sex, or a record's, blanked to the end of their clause."""
    out = low
    for m in _ELSE.finditer(low):
        end = _CLAUSE_END.search(low, m.end())  # on the words as typed, not as blanked
        stop = end.start() if end else len(low)
        out = out[:m.start()] + " " * (stop - m.start()) + out[stop:]
    return out


_IDENTITY_BEFORE = re.compile(either(EN.sex.identity_before, KO.sex.identity_before) or "(?!)")
_IDENTITY_AFTER = re.compile(either(EN.sex.identity_after, KO.sex.identity_after) or "(?!)")


def _identity(text: str, low: str) -> Optional[Reading]:
    """"I'm a mum of three", "애 셋 키운 엄마예요": the person is that relation, whose sex relations.yml knows."""
    sexes = {sex_of(rel): low[start:end] for start, end, rel in mentions(low)
             if sex_of(rel) and (_IDENTITY_BEFORE.search(low[:start]) or _IDENTITY_AFTER.match(low[end:]))}
    if len(sexes) == 1:
        sex, words = next(iter(sexes.items()))
        return Reading(str(sex), words, text)
    return None


def read_childbearing(text: str, ctx: Context) -> Result:
    text, bad = unreadable(text)
    if bad:
        return bad
    low = text.lower()
    evidence = found(low, EN.childbearing.not_fertile, KO.childbearing.not_fertile)
    if evidence:
        return Reading("no", evidence, text)
    evidence = found(low, EN.childbearing.fertile, KO.childbearing.fertile)
    if evidence and not EN.childbearing.negation.first(low) and not KO.answers.no_words.first(low):
        return Reading("yes", evidence, text)
    answer = polarity(text)
    if answer.value:
        return Reading(answer.value, answer.evidence, text, hedged=answer.hedged)
    return NoAnswer("no yes, no or not-sure word")
