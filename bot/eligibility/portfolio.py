"""The trials a site runs, screened together: each trial's questions declare
the fact they ask (a concept, by default the question's id); the chat asks a
concept once and every trial judges the same reading with its own rule.

`Portfolio.merged` is one Trial of every screened trial's questions, keyed by
concept, for the conversation to ask and read; `Screening` holds a Session per
trial and decides what to ask next. A site of one trial is that trial itself,
unchanged (same ids, same order)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property, lru_cache
from typing import Dict, List, Mapping, Optional, Tuple

from bot.config import SiteTrial, TrialStatus
from bot.eligibility.model import PROFILE_IDS, Outcome, Question, Trial, TrialFileError, load_trial
from bot.eligibility.reading import Reading
from bot.eligibility.session import Session

PROMISE = {Outcome.LIKELY_ELIGIBLE: 0, Outcome.NEEDS_REVIEW: 1, Outcome.LIKELY_INELIGIBLE: 2}


@dataclass(frozen=True)
class Listed:
    trial: Trial
    status: TrialStatus


@dataclass(frozen=True)
class Portfolio:
    listed: Tuple[Listed, ...]  # in the site's order
    merged: Trial  # the screened trials' questions, one per concept
    own: Mapping[str, Mapping[str, str]]  # trial id -> concept -> that trial's question id

    @property
    def screened(self) -> Tuple[Trial, ...]:
        return tuple(x.trial for x in self.listed if x.status.screened)

    @property
    def closed(self) -> Tuple[Trial, ...]:
        return tuple(x.trial for x in self.listed if not x.status.screened)

    @property
    def single(self) -> bool:
        return len(self.screened) == 1

    @property
    def first(self) -> Trial:
        return self.screened[0]

    def status(self, trial_id: str) -> TrialStatus:
        return next(x.status for x in self.listed if x.trial.id == trial_id)

    def trial(self, trial_id: str) -> Trial:
        return next(x.trial for x in self.listed if x.trial.id == trial_id)

    def asking(self, concept: str) -> List[Tuple[Trial, str]]:
        """Each screened trial that asks this concept, with its own question id."""
        return [(tr, self.own[tr.id][concept]) for tr in self.screened if concept in self.own[tr.id]]


def of_trials(listed: Tuple[Listed, ...]) -> Portfolio:
    screened = [x.trial for x in listed if x.status.screened]
    if not screened:
        raise TrialFileError("the site lists no trial it screens for (every one is closed)")
    if len(screened) == 1:  # the trial itself: its own ids
        return Portfolio(listed, screened[0], {screened[0].id: {q: q for q in screened[0].questions}})
    own = {tr.id: {q.concept_id: q.id for q in tr.questions.values()} for tr in screened}
    merged = _merge(screened)
    return Portfolio(listed, merged, own)


def single(trial: Trial) -> Portfolio:
    """A site of one trial (tests, TRIALBOT_TRIAL)."""
    return of_trials((Listed(trial, TrialStatus.RECRUITING),))


def site_portfolio(only: Optional[str] = None) -> Portfolio:
    """The site's trials (config/site.yml `trials`), or TRIALBOT_TRIAL alone."""
    from bot import config  # read when asked, after the environment is set

    only = only or config.settings().trial
    if only:
        return single(load_trial(only))
    return _listed(config.site().trials)


@lru_cache(maxsize=4)
def _listed(entries: Tuple[SiteTrial, ...]) -> Portfolio:
    if not entries:
        raise TrialFileError("the site file lists no trials")
    return of_trials(tuple(Listed(load_trial(e.id), e.status) for e in entries))


def _merge(trials: List[Trial]) -> Trial:
    """One Trial of every concept, each question read with its own trial's vocabulary."""
    questions: Dict[str, Question] = {}
    texts: Dict[str, dict] = {lang: {**t, "questions": {}, "terms": {}} for lang, t in trials[0].texts.items()}
    for tr in trials:
        for q in tr.questions.values():
            c = q.concept_id
            if c in questions:
                _same_reading(questions[c], q, tr)
                continue
            if q.id in PROFILE_IDS and c != q.id:
                raise TrialFileError(f"{tr.folder / 'trial.yml'}: question '{q.id}': a profile question's concept "
                                     "is its id")
            questions[c] = replace(q, id=c, vocab=q.vocab or tr.vocab, concept="")
            for lang in texts:
                texts[lang]["questions"][c] = tr.texts[lang]["questions"][q.id]
        for lang in texts:
            for term, words in (tr.texts[lang].get("terms") or {}).items():
                texts[lang]["terms"].setdefault(term, words)
    order = tuple(dict.fromkeys(c for tr in trials for c in _concepts(tr, tr.ask_order)))
    vocabulary: Dict[str, dict] = {}
    for tr in trials:
        for label, ids in tr.vocabulary.items():
            vocabulary.setdefault(label, {}).update({k: v for k, v in ids.items() if k not in vocabulary[label]})
    return Trial(id="+".join(tr.id for tr in trials), folder=trials[0].folder,
                 end_date=max(tr.end_date for tr in trials), updated=max(tr.updated for tr in trials),
                 ask_order=order, terms=tuple(dict.fromkeys(x for tr in trials for x in tr.terms)),
                 questions=questions, texts=texts, vocabulary=vocabulary, vocab_key=trials[0].vocab)


def _concepts(trial: Trial, ids: Tuple[str, ...]) -> Tuple[str, ...]:
    return tuple(trial.question(q).concept_id for q in ids)


def _same_reading(first: Question, other: Question, trial: Trial) -> None:
    """One concept is read once: its questions must read alike (their rules may differ)."""
    if (first.reader, dict(first.params), first.applies_when, first.cues) != (
            other.reader, dict(other.params), other.applies_when, other.cues):
        raise TrialFileError(f"{trial.folder / 'trial.yml'}: question '{other.id}': concept "
                             f"'{first.id}' is read differently by another trial (reader, params, cues and "
                             "applies_when must be the same)")


class Screening:
    """Every screened trial's session over the same readings (keyed by concept)."""

    def __init__(self, portfolio: Portfolio, readings: Mapping[str, Reading], today: date):
        self.portfolio, self.today = portfolio, today
        self.readings = dict(readings)
        # The questions as the chat asks them (by concept); a site of one trial is that trial's session itself.
        self.merged = Session(portfolio.merged, self.readings, today)
        self.sessions: Dict[str, Session] = {portfolio.first.id: self.merged} if portfolio.single else {
            tr.id: Session(tr, {qid: readings[c] for c, qid in portfolio.own[tr.id].items() if c in readings}, today)
            for tr in portfolio.screened}

    def open_trials(self) -> List[str]:
        """The trials no answer has ruled out yet."""
        return [tid for tid, s in self.sessions.items() if not s.ruled_out]

    def next_question(self) -> Optional[str]:
        """The concept to ask next: a trial's own next question about who the
        patient is, first; else each open trial's own next question, and any
        question every open trial still asks (it is asked anyway), whichever
        can rule out the most open trials; each trial's own order, then the
        site's, on a tie. A site of one trial asks in that trial's order."""
        if self.portfolio.single:
            return next(iter(self.sessions.values())).next_question()
        open_ = self.open_trials()
        fronts = [self._concept(tid, q) for tid in open_ for q in [self.sessions[tid].next_question()] if q]
        if not fronts:
            return None
        profile = [c for c in fronts if c in PROFILE_IDS]
        if profile:  # who is answering (and sex) first: the wording and what applies depend on it
            return profile[0]
        common = set.intersection(*(self._applying(tid) for tid in open_)) if len(open_) > 1 else set()
        candidates = list(dict.fromkeys(fronts + sorted(common)))
        return max(candidates, key=lambda c: (self._rules_out(c, open_), -candidates.index(c)))

    def _applying(self, tid: str) -> set:
        """The concepts this trial still asks that apply to this person."""
        s = self.sessions[tid]
        return {self._concept(tid, q) for q in s.pending() if s.applies(s.trial.question(q)) is True}

    def _concept(self, tid: str, qid: str) -> str:
        return self.sessions[tid].trial.question(qid).concept_id

    def _rules_out(self, concept: str, open_: List[str]) -> int:
        count = 0
        for tid in open_:
            qid = self.portfolio.own[tid].get(concept)
            s = self.sessions[tid]
            if qid and qid not in s.readings and s.trial.can_fail(qid) \
                    and s.applies(s.trial.question(qid)) is not False:
                count += 1
        return count

    def pending(self) -> List[str]:
        """The concepts still to ask for some open trial."""
        open_ = self.open_trials()
        return list(dict.fromkeys(self._concept(tid, q) for tid in open_ for q in self.sessions[tid].pending()))

    def would_rule_out(self, concept: str, reading: Reading) -> bool:
        """Whether this reading fails a trial that is still open (so it is checked first)."""
        for tid in self.open_trials():
            qid = self.portfolio.own[tid].get(concept)
            if qid and self.sessions[tid].would_fail(qid, reading):
                return True
        return False

    @cached_property
    def outcomes(self) -> Dict[str, Outcome]:
        return {tid: s.outcome for tid, s in self.sessions.items()}

    def ranked(self) -> List[str]:
        """The trials, most promising first (the site's order on a tie)."""
        order = list(self.sessions)
        return sorted(order, key=lambda tid: (PROMISE[self.outcomes[tid]], order.index(tid)))
