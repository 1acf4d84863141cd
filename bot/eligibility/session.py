"""One screening, read once: the trial, the readings so far and today. The
only place verdicts and the outcome are computed; the conversation, the
evaluator command, the summary and the records all ask it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Dict, List, Mapping, Optional

from bot.eligibility.lexicon import LANGUAGES
from bot.eligibility.model import PROFILE_IDS, Outcome, Question, Trial, Verdict
from bot.eligibility.reading import NoAnswer, Reading, Result
from bot.eligibility import spelling, timing
from bot.eligibility.readers import ABOUT_NOW, READERS, Context
from bot.eligibility.rules import Facts, Rule, decide, deciding_part, open_questions
from bot.eligibility.relations import name as relation_name

NOT_ANSWERED = "not_answered"
UNCLEAR_PROFILE = "unclear_profile"


@dataclass(frozen=True)
class Judgement:
    criterion: str
    verdict: Verdict
    reason_key: str  # a key of the question's reasons (per language), or a general one
    fields: Mapping[str, str] = field(default_factory=dict)  # evidence, value, eligible_from (ISO date)
    # A temporary exclusion (a medicine taken too recently): the earliest
    # day the patient could start; the reason sentence is made from it.
    eligible_from: Optional[date] = None


def read(trial: Trial, qid: str, text: str, today: date) -> Result:
    """Reads one typed answer to one question."""
    q = trial.question(qid)
    if q.reader is None:
        raise KeyError(f"question {qid!r} is never asked: it has no reader")
    names = tuple(w for lang in trial.texts.values() for term in q.terms
                  for w in ((lang.get("terms") or {}).get(term) or {}).get("words", ()))
    text = spelling.standard(text)
    if q.reader in ABOUT_NOW:
        text = timing.current(text)
    context = Context(today=today, vocab=q.vocab or trial.vocab, params=q.params, cues=q.cues, names=names)
    result = READERS[q.reader](text, context)
    return q.exception.apply(result, text) if q.exception else result


def read_button(trial: Trial, qid: str, key: str, title: str, today: date) -> Result:
    """A click: the button's canonical answer, read by the same reader, with
    the title the person saw as its evidence."""
    result = read(trial, qid, trial.question(qid).buttons[key], today)
    if isinstance(result, Reading):
        return Reading(result.value, title, title, result.number, result.number_max, result.when, result.hedged,
                       result.extra)
    return result


def judge(q: Question, reading: Optional[Reading], facts: Optional[Facts] = None) -> Judgement:
    """One criterion's verdict from its reading (None: not answered) and, for a rule that reads other
    questions (any_of/all_of parts, a limit `by` sex), the screening's other readings."""
    rule = q.rule
    if rule.always:
        return Judgement(q.id, rule.always, rule.always.value)
    facts = facts or {}
    if reading is None and not rule.others_only:
        return Judgement(q.id, Verdict.UNKNOWN, NOT_ANSWERED)
    decision = decide(rule, reading, facts)
    if decision is None:
        return Judgement(q.id, Verdict.UNKNOWN, NOT_ANSWERED if reading is None else "unsettled",
                         _fields(reading))
    verdict, key = decision[0], decision[1] or decision[0].value
    part = deciding_part(rule, reading, facts) if reading is None else None
    fields = _fields(part.reading if part else reading)  # judged from other questions: the deciding answer's words
    eligible_from = _wait(rule, reading, facts, verdict, key)
    if eligible_from:
        fields["eligible_from"] = eligible_from.isoformat()
    if verdict == Verdict.FAIL and reading is not None and reading.hedged:
        verdict, key = Verdict.UNKNOWN, "hedged"  # never rule someone out on "I think so"
    return Judgement(q.id, verdict, key, fields, eligible_from)


def _wait(rule: Rule, reading: Optional[Reading], facts: Facts, verdict: Verdict, key: str) -> Optional[date]:
    """A temporary `unknown` (too soon after a dated event): the day the rule's limit is met. For a
    combined rule, the part that decided it (the 6 months after a transplant, in one course of several)."""
    if rule.parts:
        part = deciding_part(rule, reading, facts)
        return _wait(part.part.rule, part.reading, facts, part.verdict, part.key or part.verdict.value) \
            if part else None
    when = reading.when_date if reading else None
    if when and rule.number and verdict == Verdict.UNKNOWN and key not in ("boundary", "depends", "hedged") \
            and reading is not None and reading.value not in rule.map:
        return when + timedelta(days=int(rule.number.limit))
    return None


def _fields(reading: Optional[Reading]) -> Dict[str, str]:
    return {"evidence": reading.evidence, "value": _value(reading)} if reading else {}


def _value(reading: Reading) -> str:
    """A reading's value as the reasons show it: its number, the values it names, or its category."""
    if reading.number is not None:
        return f"{reading.number:g}"
    values = reading.extra.get("values") or {}
    return "/".join(f"{v:g}" for v in values.values()) if values else reading.value


class Session:
    def __init__(self, trial: Trial, readings: Mapping[str, Reading], today: date):
        self.trial, self.today = trial, today
        self.readings: Dict[str, Reading] = {k: v for k, v in readings.items() if v is not None}

    @classmethod
    def from_texts(cls, trial: Trial, texts: Mapping[str, str], today: date) -> "Session":
        """For the evaluator: read each typed answer once. Texts no reader can
        read are kept aside (`unread`), as the chat would ask again."""
        readings, unread = {}, {}
        for qid, text in texts.items():
            result = read(trial, qid, text, today)
            if isinstance(result, Reading):
                readings[qid] = result
            else:
                unread[qid] = result
        session = cls(trial, readings, today)
        session.unread = unread
        return session

    unread: Mapping[str, NoAnswer] = {}

    def reading(self, qid: str) -> Optional[Reading]:
        return self.readings.get(qid)

    # ---------------------------------------------------------------- who the patient is

    @cached_property
    def profile(self) -> Dict[str, Optional[str]]:
        profile: Dict[str, Optional[str]] = {pid: None for pid in PROFILE_IDS}
        respondent = self.readings.get("respondent")
        if respondent:
            profile["respondent"] = respondent.value
            profile["relation"] = respondent.extra.get("relation")
        sex = self.readings.get("sex")
        profile["sex"] = sex.value if sex else (respondent.extra.get("sex") if respondent else None)
        cbp = self.readings.get("childbearing_potential")
        if cbp:
            profile["childbearing_potential"] = "unknown" if cbp.value == "unsure" else cbp.value
        return profile

    def patient(self, language: str) -> Optional[str]:
        """How questions name the patient ('your mother', '어머니'); None when
        the person answers for themselves."""
        if self.profile.get("respondent") != "proxy":
            return None
        return relation_name(self.profile.get("relation"), language)

    def applies(self, q: Question) -> Optional[bool]:
        """Whether a question applies to this person; None while a profile
        value it depends on is not known."""
        for key, allowed in q.applies_when.items():
            value = self.profile.get(key)
            if value is None or value == "unsure":
                return None
            if value not in allowed:
                return False
        return True

    # ---------------------------------------------------------------- verdicts and outcome

    def verdict(self, qid: str) -> Judgement:
        return self.verdicts[qid]

    @cached_property
    def verdicts(self) -> Dict[str, Judgement]:
        out: Dict[str, Judgement] = {}
        for q in self.trial.criteria:
            fits = self.applies(q)
            if fits is False:
                out[q.id] = Judgement(q.id, Verdict.NOT_APPLICABLE, "not_applicable")
            elif fits is None and q.id not in self.readings:
                unclear = any(self.profile.get(k) in ("unsure",) for k in q.applies_when)
                out[q.id] = Judgement(q.id, Verdict.UNKNOWN, UNCLEAR_PROFILE if unclear else NOT_ANSWERED)
            else:
                out[q.id] = judge(q, self.readings.get(q.id), self.facts)
        return out

    @cached_property
    def facts(self) -> Dict[str, Reading]:
        """What a rule may read besides its own reading: every answer, and the sex a relation word gave."""
        facts = dict(self.readings)
        sex = self.profile.get("sex")
        if sex and "sex" not in facts:
            facts["sex"] = Reading(sex, sex)
        return facts

    @cached_property
    def outcome(self) -> Outcome:
        kinds = {j.verdict for j in self.verdicts.values()}
        if Verdict.FAIL in kinds:
            return Outcome.LIKELY_INELIGIBLE
        if Verdict.UNKNOWN in kinds:
            return Outcome.NEEDS_REVIEW
        return Outcome.LIKELY_ELIGIBLE

    @property
    def failed(self) -> List[Judgement]:
        return [j for j in self.verdicts.values() if j.verdict == Verdict.FAIL]

    @property
    def to_check(self) -> List[Judgement]:
        return [j for j in self.verdicts.values() if j.verdict in (Verdict.UNKNOWN, Verdict.DEFERRED)]

    def points(self) -> List[Judgement]:
        """What a result names: the unmet criteria, or what the team would check (the unknowns first)."""
        if self.outcome == Outcome.LIKELY_INELIGIBLE:
            return self.failed
        if self.outcome == Outcome.NEEDS_REVIEW:
            return [j for j in self.to_check if j.verdict == Verdict.UNKNOWN] or self.to_check
        return []

    @cached_property
    def ruled_out(self) -> bool:
        """The answers given already fail a criterion, by its own answer or computed from the parts it
        combines (nothing more is asked)."""
        return any(j.verdict == Verdict.FAIL for j in self.verdicts.values())

    def would_fail(self, qid: str, reading: Reading) -> bool:
        """Whether this answer fails a criterion: its own, or one that reads it (a part of any_of/all_of, a
        limit `by` it), judged with the other answers given."""
        with_it = Session(self.trial, {**self.readings, qid: reading}, self.today)
        return any(with_it.verdict(q.id).verdict == Verdict.FAIL for q in self.trial.criteria
                   if q.id == qid or qid in q.rule.questions)

    @cached_property
    def open_parts(self) -> frozenset:
        """The part questions (kind: part) whose answers may still change a criterion that combines them:
        a part of a criterion already decided by the parts answered (any_of passed by one, all_of failed by
        one) is not asked."""
        out: set = set()
        for q in self.trial.criteria:
            if q.rule.parts and self.applies(q) is not False:
                out |= open_questions(q.rule, self.readings.get(q.id), self.facts)
        return frozenset(out)

    # ---------------------------------------------------------------- what to ask

    def next_question(self) -> Optional[str]:
        """Knock-outs first; skips what does not apply or is known; None when
        done, and after the first `fail` (ask only what is needed)."""
        if self.ruled_out:
            return None
        return next((qid for qid in self.pending() if self.applies(self.trial.question(qid)) is True), None)

    def pending(self) -> List[str]:
        """The questions not yet answered that apply or may apply, in asking order."""
        return [qid for qid in self.trial.asked_ids
                if not (qid in self.readings or (qid == "sex" and self.profile.get("sex")))
                and self.applies(self.trial.question(qid)) is not False
                and (self.trial.question(qid).kind != "part" or qid in self.open_parts)]

    def answered(self) -> List[str]:
        """The questions answered, in asking order."""
        return [q for q in self.trial.ask_order if q in self.readings]

    def as_dict(self) -> dict:
        return {"outcome": self.outcome.value,
                "verdicts": {k: {"verdict": j.verdict.value, "reason": reason(self, k, "en")}
                             for k, j in self.verdicts.items()}}


# ---------------------------------------------------------------- reasons in words

def general_reasons(language: str) -> Mapping[str, str]:
    """The reasons any question may give (not answered, hedged, ...), by key."""
    return LANGUAGES[language].reasons


def long_date(iso: str, language: str) -> str:
    """'2026-12-04' as '4 December 2026' / '2026년 12월 4일'."""
    return LANGUAGES[language].long_date(date.fromisoformat(iso))


def reason(session: Session, qid: str, language: str) -> str:
    j = session.verdict(qid)
    reasons = session.trial.text(language, qid, "reasons", {}) or {}
    template = reasons.get(j.reason_key)
    general = general_reasons(language)
    key = j.reason_key
    if template is None and "." in key:  # a combined rule's deciding part ("bmi.boundary"), not worded for it
        tail = key.rsplit(".", 1)[1]
        key = tail if tail in general else j.verdict.value
        template = reasons.get(key)
    if template is None and key == "hedged":
        template = reasons.get("unsure")
    if template is None and key not in general:
        template = reasons.get(j.verdict.value)
    if template is None:
        template = general.get(key) or general[j.verdict.value]
    fields = dict(j.fields)
    if j.eligible_from:
        fields["eligible_from"] = LANGUAGES[language].long_date(j.eligible_from)
    return _fill(template, fields)


def reading_words(session: Session, qid: str, language: str) -> str:
    """How the summary shows what was understood: '63 years', 'no doctor said so'."""
    r = session.reading(qid)
    if r is None:
        return ""
    read = session.trial.text(language, qid, "read", {}) or {}
    template = read.get(r.value) or "{evidence}"
    patient = session.patient(language) or ("본인" if language == "ko" else "yourself")
    return _fill(template, {"evidence": r.evidence, "value": f"{r.number:g}" if r.number is not None else r.value,
                            "patient": patient})


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _fill(template: str, fields: Mapping[str, str]) -> str:
    return template.format_map(_Blank(fields))
