"""Diagnosis readers: the target disease after an earlier one (e.g. AML after
an MPN), and another condition within a look-back window."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from typing import Any, Dict, List, Mapping, Optional, Union

from bot.eligibility import nlp
from bot.eligibility.answers import Context, Polarity, polarity, unreadable
from bot.eligibility.earlier import Denial, earlier_denied
from bot.eligibility.lexicon import EN, KO, either
from bot.eligibility.reading import NoAnswer, Reading, Result
from bot.eligibility.ahead import time_ahead, time_past
from bot.eligibility.text import FutureDate, Span
from bot.eligibility.yes_no import denies_only_a_medicine

_LEADING_YES = re.compile(r"\s*(?:" + either(EN.diagnosis.leading_yes, KO.diagnosis.leading_yes) + r")(?![\w가-힣])")
_WHICH_KIND = re.compile(either(EN.diagnosis.which_kind_unknown, KO.diagnosis.which_kind_unknown))
_ONLY_DIAGNOSIS = re.compile(r"\b(?:" + either(EN.diagnosis.only) + r")\b|" + either(KO.diagnosis.only))
_ONLY_WINDOW = re.compile(r"\b(?:" + either(EN.condition_window.only) + r")\b|" + either(KO.condition_window.only))


@dataclass
class _Diagnoses:
    """Each disease key (the target, "precursor", ...) -> yes / negated /
    uncertain, and the words that named it."""
    text: str
    low: str
    params: Mapping[str, Any]
    answer: Polarity
    state: Dict[str, str]
    names: Dict[str, str]
    said_yes: bool
    said_no: bool

    @property
    def target(self) -> Optional[str]:
        return self.state.get(self.params["disease"])

    @property
    def precursor(self) -> Optional[str]:
        return self.state.get("precursor")

    def first_affirmed(self, key: str) -> Optional[str]:
        return next((k for k in self.params.get(key, ()) if self.state.get(k) == "yes"), None)

    def reading(self, value: str, evidence: str) -> Reading:
        return Reading(value, evidence, self.text, hedged=self.answer.hedged)

    @cached_property
    def denied_earlier(self) -> Optional[Denial]:
        """"Nothing before it", "그 전에 다른 혈액 질환은 없었어요": an earlier
        condition denied without a name; not when the answer is unsure."""
        return None if self.answer.value == "unsure" else earlier_denied(self.text)

    def after_nothing(self, value: str, evidence: str, denial: Denial) -> Reading:
        """A reading from a denied earlier condition, hedged when the denial or the answer is."""
        return Reading(value, evidence, self.text, hedged=self.answer.hedged or denial.hedged)


def _diagnoses(text: str, terms: List[nlp.Mention], params: Mapping[str, Any]) -> _Diagnoses:
    state: Dict[str, str] = {}
    names: Dict[str, str] = {}
    different = params.get("different", ())
    for m in terms:
        if m.label != "DISEASE" and m.id not in different:  # a different disease may be of another label (CANCER)
            continue
        key = "precursor" if m.id in params["precursors"] else m.id
        status = "uncertain" if m.uncertain else "negated" if m.negated else "yes"
        if state.get(key) != "yes":  # an affirmed mention wins over a negated one
            state[key] = status
        if status == "yes" or key not in names:
            names[key] = m.text
    answer = polarity(text)
    return _Diagnoses(text, text.lower(), params, answer, state, names, answer.value == "yes", answer.value == "no")


def _none_named(d: _Diagnoses, terms: List[nlp.Mention]) -> Result:
    drug = denies_only_a_medicine(terms, d.answer, d.params.get("drug"))
    if drug:
        return NoAnswer(f"the no is about {drug}, not the diagnosis")
    if d.answer.value == "unsure":
        return d.reading("unsure", d.answer.evidence)
    if d.said_yes:
        return d.reading("confirmed", d.answer.evidence)
    if d.said_no:
        return d.reading("none", d.answer.evidence)
    return NoAnswer("no diagnosis named and no yes or no")


def _target_named(d: _Diagnoses, other: Optional[str]) -> Result:
    """The target disease affirmed: what came before it decides."""
    disease = d.params["disease"]
    if d.precursor == "yes":
        return d.reading("confirmed", f"{d.names[disease]} + {d.names.get('precursor', '')}")
    if other:
        return d.reading("target_after_other", d.names[other])
    if d.precursor == "negated" or (d.said_no and not d.precursor):
        return d.reading("target_only", d.names[disease])
    if d.precursor == "uncertain" or any(k in d.state for k in d.params.get("hints", ())):
        return d.reading("precursor_uncertain", d.names[disease])
    if d.denied_earlier:  # "nothing before it": no MPN, though none is named
        return d.after_nothing("target_only", d.names[disease], d.denied_earlier)
    if d.said_yes:
        return d.reading("confirmed", d.names[disease])
    return NoAnswer("the earlier condition is not named", "precursor", partial=True)


def _target_not_affirmed(d: _Diagnoses, other: Optional[str]) -> Result:
    params = d.params
    if d.target == "uncertain" or any(d.state.get(k) == "uncertain"
                                      for k in (*params.get("vague", ()), *params.get("combined", ()))):
        return d.reading("unconfirmed", d.names.get(params["disease"])
                         or next(d.names[k] for k in (*params.get("vague", ()), *params.get("combined", ()))
                                 if k in d.names))
    vague = d.first_affirmed("vague")
    if vague and d.target != "negated":
        if d.denied_earlier:  # whatever leukaemia it is, nothing came before it
            return d.after_nothing("none", d.names[vague], d.denied_earlier)
        return d.reading("unconfirmed", d.names[vague])
    different = d.first_affirmed("different")
    if different:  # "저는 급성림프모구백혈병이에요": another disease, not a vague word for the target
        return Reading("different", d.names[different], d.text, hedged=d.answer.hedged or d.answer.value == "unsure")
    if d.precursor == "yes":
        pre_name = d.names.get("precursor", "")
        if d.said_yes and d.target != "negated" and not _ONLY_DIAGNOSIS.search(d.low):
            return d.reading("confirmed", pre_name)
        return d.reading("precursor_only", pre_name)
    if other:
        return d.reading("other_only", d.names[other])
    if d.precursor == "uncertain":
        return NoAnswer("the diagnosis is not clear", "precursor")
    if d.target == "negated" or d.said_no:
        return d.reading("none", d.answer.evidence or d.names.get(params["disease"], ""))
    if d.answer.value == "unsure":
        return d.reading("unsure", d.answer.evidence)
    return NoAnswer("no diagnosis named and no yes or no")


def read_diagnosis(text: str, ctx: Context) -> Result:
    """Params: `disease` (the target, e.g. aml), `combined` (ids that name the
    target-after-precursor at once), `precursors` (ids of the earlier
    disease), `other_precursors` (a different earlier disease: target after
    it does not count), `review` (ids the team judges), `vague` (the target's
    family without its type), `hints` (signs of the precursor), `different`
    (other diseases, ids of any label: named as the diagnosis without the
    target, they read `different`, e.g. ALL for an AML study).

    Readings: confirmed, target_only (the target with no precursor: denied,
    or any earlier condition denied without a name, "nothing before it"),
    target_after_other, precursor_only, other_only, different, none, the
    `review` ids, unconfirmed, precursor_uncertain, unsure."""
    text, bad = unreadable(text)
    if bad:
        return bad
    terms = nlp.mentions(text, ctx.vocab)
    d = _diagnoses(text, terms, ctx.params)
    # "yes, but I don't know which MPN": the doubt is about the kind, not the
    # yes; without the yes, nothing is said about what came after.
    if d.answer.value == "unsure" and d.precursor and _WHICH_KIND.search(d.low):
        if _LEADING_YES.match(d.low):
            d.said_yes, d.state["precursor"] = True, "yes"
        elif not d.target:
            return NoAnswer("the earlier condition's kind is not known, and what followed is not said", partial=True)
    if not d.state:
        return _none_named(d, terms)
    review = d.first_affirmed("review")
    if review:
        return d.reading(review, d.names[review])
    other = d.first_affirmed("other_precursors")
    combined = d.first_affirmed("combined")
    if combined:
        if other and d.precursor != "yes":  # "MDS turned into AML": not after an MPN
            return d.reading("target_after_other", d.names[other])
        if d.precursor == "uncertain":  # "they think her PV turned into AML": the change is what is thought
            return d.reading("unconfirmed", d.names[combined])
        return d.reading("confirmed", d.names[combined])
    if d.target == "yes":
        return _target_named(d, other)
    return _target_not_affirmed(d, other)


# ------------------------------------------------------------------ another condition within a look-back window

def read_condition_window(text: str, ctx: Context) -> Result:
    """Another disease (label `label`) diagnosed or treated within a window.
    Params: `label` (a vocabulary label, e.g. CANCER), `exempt` (ids allowed),
    `vague_exempt` (ids that may or may not be exempt), `generic` (the id of
    the bare word, e.g. "cancer"), `qualifies_exempt` (word pairs that make
    the generic word exempt, e.g. squamous + skin), `window` (past, the default:
    the number is days ago; future: something planned, the number is days
    ahead, and a past time does not answer), `when_only` (the question asks only when, the event being
    known from an earlier answer: a time alone answers it, "8 months ago")."""
    text, bad = unreadable(text)
    if bad:
        return bad
    low = text.lower()
    params = ctx.params
    terms = nlp.mentions(text, ctx.vocab)
    items = [m for m in terms if m.label == params["label"] and not m.negated]
    answer = polarity(text)
    if any(m.uncertain for m in items) or (answer.value == "unsure" and not items):
        return Reading("unsure", answer.evidence or items[0].text, text)
    if items:
        exempt = _exempt(low, items, params)
        if exempt:
            return Reading(exempt, items[0].text, text)
    ago = _when(text, ctx)
    if isinstance(ago, NoAnswer):
        return ago
    if items or (ago and (answer.value == "yes" or params.get("when_only"))):
        if not ago:
            return NoAnswer("no time for the other diagnosis", "when", partial=True)
        lo, hi, words = ago
        name = items[0].text if items else ""
        sign = 1 if ctx.params.get("window") == "future" else -1
        return Reading("value", f"{name} {words}".strip(), text, number=lo, number_max=hi,
                       when=(ctx.today + sign * timedelta(days=int(lo))).isoformat())
    only_main = _ONLY_WINDOW.search(low) and any(m.label == "DISEASE" for m in terms)
    negated_item = any(m.label == params["label"] and m.negated for m in terms)
    if only_main or answer.value == "no" or negated_item:
        return Reading("none", answer.evidence or next((m.text for m in terms if m.negated), "only"), text,
                       hedged=answer.hedged)
    if answer.value == "yes":
        return NoAnswer("which one and when", "when", partial=True)
    return NoAnswer("no yes or no, and no other diagnosis named")


def _when(text: str, ctx: Context) -> Union[Span, None, NoAnswer]:
    """The time said, in the question's window: days ago (past) or days ahead (future)."""
    if ctx.params.get("window") == "future":
        ahead = time_ahead(text, ctx.today)
        if ahead is None:
            try:
                if time_past(text, ctx.today):
                    return NoAnswer("a time in the past, not one to come", "when")
            except FutureDate:
                pass
        return ahead
    try:
        return time_past(text, ctx.today)
    except FutureDate:
        return NoAnswer("a date in the future", "impossible")


def _exempt(low: str, items: List[nlp.Mention], params: Mapping[str, Any]) -> Optional[str]:
    """"exempt" when every condition named is allowed, "unsure" when some may be."""
    kinds = {m.id for m in items}
    vague = {params.get("generic"), *params.get("vague_exempt", ())}
    for words, as_id in params.get("qualifies_exempt", ()):
        if all(w in low for w in words):  # "a skin cancer, the basal type": the kind said apart
            kinds = {as_id if k in vague else k for k in kinds}
    if kinds <= set(params.get("exempt", ())):
        return "exempt"
    if kinds <= set(params.get("exempt", ())) | set(params.get("vague_exempt", ())):
        return "unsure"
    return None
