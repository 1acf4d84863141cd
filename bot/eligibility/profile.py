"""Profile readers: who is answering (the patient or someone for them), the
patient's sex, and whether she could become pregnant."""
from __future__ import annotations

from typing import Optional, Tuple

from bot.eligibility.answers import Context, polarity, unreadable
from bot.eligibility.lexicon import EN, KO, found
from bot.eligibility.reading import NoAnswer, Reading, Result
from bot.eligibility.relations import read_relation


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
    low = text.lower()
    female = found(low, EN.sex.female, KO.sex.female)
    male = found(low, EN.sex.male, KO.sex.male)
    if female and not male:
        return Reading("female", female, text)
    if male and not female:
        return Reading("male", male, text)
    evidence = found(low, EN.answers.unsure, EN.sex.declined) or found(low, KO.answers.unsure, KO.sex.declined)
    if evidence:
        return Reading("unsure", evidence, text)
    return NoAnswer("no female or male")


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
