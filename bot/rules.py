"""Typed answers -> a verdict and a plain-language reason per criterion ->
the outcome, exactly as `shared/spec/screening-rules.md` defines them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Mapping, Optional

from bot.answers import Answer
from bot.trial import Question

OUTCOMES = ("likely_eligible", "needs_review", "likely_ineligible")
NOT_ANSWERED = "not answered"
_DEFAULT_REASONS = {
    "pass": "Meets this requirement.",
    "fail": "Does not meet this requirement.",
    "unknown": "The study team will check this.",
    "deferred": "The study team will check this at screening.",
    "not_applicable": "Does not apply.",
}


@dataclass(frozen=True)
class Verdict:
    criterion: str
    verdict: str
    reason: str


def long_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _reason(question: Question, key: str, verdict: str, answer: Optional[Answer], limit: Optional[float]) -> str:
    template = question.reasons.get(key) or question.reasons.get(verdict) or _DEFAULT_REASONS[verdict]
    if answer is None:
        return template
    number = answer.number
    eligible_from = ""
    if answer.when is not None and limit is not None:
        eligible_from = long_date(answer.when + timedelta(days=int(limit)))
    return template.format(
        value=f"{number:g}" if number is not None else answer.value,
        detail=answer.detail or answer.value or "",
        detail_paren=f" ({answer.detail})" if answer.detail else "",
        eligible_from=eligible_from,
    )


def judge(question: Question, answer: Optional[Answer]) -> Verdict:
    """One criterion's verdict from one typed answer (None: not answered)."""
    rule = question.rule
    if rule.always:
        return Verdict(question.id, rule.always, _reason(question, rule.always, rule.always, None, None))
    if answer is None:
        return Verdict(question.id, "unknown", NOT_ANSWERED)
    if not answer.understood:
        return Verdict(question.id, "unknown",
                       f"The answer could not be read (we needed {answer.missing}); the study team will check.")
    limit = rule.number.limit if rule.number else None
    if answer.value in rule.map:
        verdict, key = rule.map[answer.value], answer.value
    elif rule.number and answer.number is not None:
        low_end = rule.number.meets(answer.number)
        high_end = rule.number.meets(answer.number if answer.number_max is None else answer.number_max)
        if low_end == high_end:
            verdict = rule.number.then if low_end else rule.number.otherwise
            key = verdict
        else:  # a rough answer ("2 years ago", a birth year) that straddles the limit
            verdict, key = "unknown", "boundary"
    else:
        return Verdict(question.id, "unknown", "The answer does not settle this; the study team will check.")
    if verdict == "fail" and answer.hedged:
        # Never rule someone out on "I think so".
        verdict, key = "unknown", "hedged" if "hedged" in question.reasons else "unsure"
    return Verdict(question.id, verdict, _reason(question, key, verdict, answer, limit))


def not_applicable(question: Question) -> Verdict:
    return Verdict(question.id, "not_applicable", _reason(question, "not_applicable", "not_applicable", None, None))


def outcome(verdicts: Iterable[Verdict]) -> str:
    kinds = {v.verdict for v in verdicts}
    if "fail" in kinds:
        return "likely_ineligible"
    if "unknown" in kinds:
        return "needs_review"
    return "likely_eligible"


def applies(question: Question, profile: Mapping[str, Optional[str]]) -> Optional[bool]:
    """Whether a question applies to this person; None while a profile value
    it depends on is not known (not asked yet, or the person was unsure)."""
    for key, allowed in question.applies_when.items():
        value = profile.get(key)
        if value is None or value == "unsure":
            return None
        if value not in allowed:
            return False
    return True
