"""The last-dose reader: when a treatment was last taken ("5 days ago",
"until monday last week", "어제요"), or that none was."""
from __future__ import annotations

import re
from datetime import timedelta

from bot.eligibility import nlp
from bot.eligibility.answers import Context, polarity, unreadable
from bot.eligibility.lexicon import EN, KO, either, found
from bot.eligibility.reading import NoAnswer, Reading, Result
from bot.eligibility.ahead import time_past
from bot.eligibility.text import FutureDate

_ONLY = re.compile(r"\b(?:" + either(EN.last_dose.only) + r")\b|" + either(KO.last_dose.only))
_OPENING_NO = re.compile(r"\s*(?:" + either(EN.last_dose.opening_no, KO.last_dose.opening_no) + r")")
_TIME_FILLER = re.compile(r"[\s.,!~]|" + either(EN.last_dose.time_filler, KO.last_dose.time_filler))


def read_last_dose(text: str, ctx: Context) -> Result:
    """When the last dose of a treatment was. Params: `not_counted` (ids of
    medicines that are not the treatment asked about, e.g. aspirin)."""
    text, bad = unreadable(text)
    if bad:
        return bad
    low = text.lower()
    try:
        ago, planned = time_past(text, ctx.today), False
    except FutureDate:  # "not yet, they start it next week": a plan, not a dose; a no still answers
        ago, planned = None, True
    terms = nlp.mentions(text, ctx.vocab)
    not_counted = set(ctx.params.get("not_counted", ()))
    others = [m for m in terms if m.label == "DRUG" and m.id in not_counted]
    drugs = [m for m in terms if m.label == "DRUG" and not m.negated and m.id not in not_counted]
    answer = polarity(text)
    if others and not drugs and _ONLY.search(low):
        return Reading("none", others[0].text, text)  # "just aspirin", "아스피린만 먹고 있어요": not a cancer medicine
    dosed = drugs or found(low, EN.last_dose.dose, KO.last_dose.dose) or (ago and _only_time(low, ago[2]))
    if ago and dosed and not (answer.value == "no" and not drugs and _OPENING_NO.match(low)):
        lo, hi, words = ago
        return Reading("value", words, text, number=lo, number_max=hi,
                       when=(ctx.today - timedelta(days=int(lo))).isoformat(),
                       extra={"drug": drugs[0].text} if drugs else {})
    if answer.value == "unsure":
        return Reading("unsure", answer.evidence, text)
    if answer.value == "no" and not any(m.affirmed for m in drugs):
        return Reading("none", answer.evidence, text, hedged=answer.hedged)
    if planned:
        return NoAnswer("a date in the future", "impossible")
    if any(m.label == "DRUG" and m.negated for m in terms) and not any(m.affirmed for m in drugs):
        return Reading("none", next(m.text for m in terms if m.negated), text)
    if drugs or answer.value == "yes":
        return NoAnswer("no time for the last dose", "when", partial=True)
    return NoAnswer("no yes, no or time of the last dose")


def _only_time(low: str, words: str) -> bool:
    """The message is just a time ('5 days ago', '어제요'): an answer to 'when?'."""
    rest = low.replace(words.lower(), " ")
    return not _TIME_FILLER.sub("", rest)
