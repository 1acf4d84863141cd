"""Corrections: on a handoff, a coordinator says the bot judged a criterion
wrongly and gives the right verdict and a note. Each is kept with a copy of
what was typed (encrypted, like answers) and becomes an agreement rate per
criterion and a regression case for the readers
(`python -m bot corrections export`)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import List, Tuple

import sqlalchemy as sa

from bot.records import crypto
from bot.records.database import Database
from bot.records.handoffs import _existing_handoff
from bot.records.tables import CORRECTABLE_VERDICTS, AnswerRow, AuditEntry, Correction, Handoff, Screening, utcnow


class SameVerdict(ValueError):
    """The 'right' verdict is the one the bot gave: nothing to correct."""


@dataclass(frozen=True)
class CorrectionRow:
    """One correction as the handoff page shows it."""
    criterion: str
    given: str
    expected: str
    note: str
    actor: str
    at: datetime  # UTC


@dataclass(frozen=True)
class Agreement:
    """How often the team agreed with the bot on one criterion of one trial:
    handoffs whose screening has a verdict for it, and how many were corrected."""
    trial: str
    criterion: str
    judged: int
    corrected: int

    @property
    def agreed_percent(self) -> int:
        return round(100 * (self.judged - self.corrected) / self.judged) if self.judged else 100


@dataclass(frozen=True)
class RegressionCase:
    """A correction as a reader test: at this question, these words must give this verdict."""
    trial: str
    question: str
    typed: str
    expected: str


class CorrectionRecords(Database):
    def record_correction(self, reference: str, criterion: str, expected: str, note: str, actor: str) -> None:
        """Raises LookupError for no such handoff, ValueError for a criterion
        the bot gave no verdict for or a verdict not in CORRECTABLE_VERDICTS,
        SameVerdict when the right verdict is the one the bot gave."""
        if expected not in CORRECTABLE_VERDICTS:
            raise ValueError(f"the right verdict must be one of {', '.join(CORRECTABLE_VERDICTS)}")
        with self.session() as s:
            h = _existing_handoff(s, reference)
            answer = next((a for a in h.screening.answers if a.criterion_id == criterion and a.verdict), None)
            if answer is None or answer.verdict not in (*CORRECTABLE_VERDICTS, "not_applicable"):
                raise ValueError(f"the bot gave no verdict for '{criterion}' on this handoff")
            if answer.verdict == expected:
                raise SameVerdict(expected)
            old = next((c for c in h.screening.corrections if c.criterion_id == criterion), None)
            if old is not None:
                s.delete(old)
                s.flush()
            s.add(Correction(screening=h.screening, criterion_id=criterion, verdict_given=answer.verdict,
                             verdict_expected=expected, raw_text_enc=crypto.encrypt(answer.raw_text or ""),
                             note_enc=crypto.encrypt(note) if note else None, actor=actor, at=utcnow()))
            # The criterion and the verdicts only: the note and the answer stay out of the trail.
            s.add(AuditEntry(actor=actor, action="correction_recorded", reference=h.reference,
                             detail=f"{criterion}: {answer.verdict} -> {expected}"))

    def corrections(self, reference: str) -> List[CorrectionRow]:
        with self.session() as s:
            h = _existing_handoff(s, reference)
            return [CorrectionRow(c.criterion_id, c.verdict_given, c.verdict_expected, c.note, c.actor, c.at)
                    for c in h.screening.corrections]

    def agreement(self) -> List[Agreement]:
        """Per trial and criterion, every handed-off screening with a verdict
        for it (call-back requests have none), by trial then criterion."""
        with self.session() as s:
            judged: Counter[Tuple[str, str]] = Counter(
                (trial, qid) for trial, qid in s.execute(
                    sa.select(Screening.trial_id, AnswerRow.criterion_id)
                    .join(AnswerRow, AnswerRow.screening_id == Screening.id)
                    .join(Handoff, Handoff.screening_id == Screening.id)
                    .where(AnswerRow.verdict.in_((*CORRECTABLE_VERDICTS, "not_applicable")))))
            corrected: Counter[Tuple[str, str]] = Counter(
                (trial, qid) for trial, qid in s.execute(
                    sa.select(Screening.trial_id, Correction.criterion_id)
                    .join(Correction, Correction.screening_id == Screening.id)))
        keys = sorted(set(judged) | set(corrected))
        return [Agreement(trial, qid, max(judged[(trial, qid)], corrected[(trial, qid)]), corrected[(trial, qid)])
                for trial, qid in keys]

    def regression_cases(self) -> List[RegressionCase]:
        """Every correction as a reader test, oldest first."""
        with self.session() as s:
            rows = s.execute(sa.select(Correction, Screening.trial_id)
                             .join(Screening, Correction.screening_id == Screening.id)
                             .order_by(Correction.at, Correction.id)).all()
            return [RegressionCase(trial, c.criterion_id, c.raw_text, c.verdict_expected) for c, trial in rows]
