"""Screenings as a conversation writes them: the screening row, its answers,
who is answering, the language and the flags for the study team; and the
weekly funnel the staff list shows. A sender has one current screening per
trial the site screens for (the newest not abandoned): answers, results and
handoffs go to their trial's; what is about the person (language, flags,
stop, restart) goes to all of them."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Dict, List, Mapping, Optional, Tuple, Union

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.records import crypto
from bot.records.database import Database
from bot.records.effects import FinalVerdict
from bot.records.tables import AnswerRow, Screening, utcnow


def current_screening(s: Session, sender_id: str, trial_id: Optional[str] = None) -> Optional[Screening]:
    """The sender's current screening for this trial (None: for any trial, the newest)."""
    q = sa.select(Screening).where(Screening.sender_id == sender_id, Screening.status != "abandoned")
    if trial_id is not None:
        q = q.where(Screening.trial_id == trial_id)
    return s.execute(q.order_by(Screening.started_at.desc(), Screening.id).limit(1)).scalar_one_or_none()


def current_screenings(s: Session, sender_id: str) -> List[Screening]:
    """The sender's current screening of each trial."""
    rows = s.execute(sa.select(Screening).where(Screening.sender_id == sender_id, Screening.status != "abandoned")
                     .order_by(Screening.started_at.desc(), Screening.id)).scalars()
    newest: Dict[str, Screening] = {}
    for row in rows:
        newest.setdefault(row.trial_id, row)
    return list(newest.values())


def current_or_new_screening(s: Session, sender_id: str, trial_id: str) -> Screening:
    current = current_screening(s, sender_id, trial_id)
    if current is None:
        current = Screening(sender_id=sender_id, trial_id=trial_id)
        s.add(current)
        s.flush()
    return current


@dataclass
class WeekCounts:
    """One week of the funnel; `week` is its Monday (UTC)."""
    week: date
    started: int = 0
    finished: int = 0
    likely_eligible: int = 0
    needs_review: int = 0
    handed_off: int = 0

    def count(self, sc: Screening) -> None:
        self.started += 1
        self.finished += sc.status == "finished"
        self.likely_eligible += sc.outcome == "likely_eligible"
        self.needs_review += sc.outcome == "needs_review"
        self.handed_off += sc.handoff is not None


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


class ScreeningRecords(Database):
    def start_screening(self, sender_id: str, trial_id: str) -> str:
        with self.session() as s:
            return current_or_new_screening(s, sender_id, trial_id).id

    def abandon_screening(self, sender_id: str) -> None:
        """'Start over': the chat says the earlier answers are erased, so they
        are; the screening stays, marked abandoned, for the weekly counts."""
        with self.session() as s:
            for current in current_screenings(s, sender_id):
                if current.handoff is None:
                    current.status = "abandoned"
                    current.answers.clear()  # delete-orphan: the rows go
                    current.respondent = current.relation = current.flags_enc = None

    def record_answer(self, sender_id: str, trial_id: str, criterion_id: str, question: str, raw_text: str,
                      reading: Optional[dict], verdict: Optional[str], reason: Optional[str],
                      eligible_from: Optional[str] = None) -> None:
        with self.session() as s:
            screening = current_or_new_screening(s, sender_id, trial_id)
            row = next((a for a in screening.answers if a.criterion_id == criterion_id), None)
            if row is None:
                row = AnswerRow(screening=screening, criterion_id=criterion_id)
                s.add(row)
            row.question, row.raw_text_enc = question, crypto.encrypt(raw_text)
            row.reading_enc = crypto.encrypt(json.dumps(reading, ensure_ascii=False)) if reading else None
            row.verdict, row.reason_enc = verdict, crypto.encrypt(reason) if reason else None
            row.eligible_from_enc = crypto.encrypt(eligible_from)
            row.answered_at = utcnow()

    def set_respondent(self, sender_id: str, trial_id: str, respondent: str, relation: Optional[str]) -> None:
        """Who is answering: `self` or `proxy`, and a proxy's relation ("mother")."""
        with self.session() as s:
            screening = current_or_new_screening(s, sender_id, trial_id)
            screening.respondent, screening.relation = respondent, relation if respondent == "proxy" else None

    def forget_answer(self, sender_id: str, trial_id: str, criterion_id: str) -> None:
        with self.session() as s:
            screening = current_screening(s, sender_id, trial_id)
            if screening is not None:
                for a in list(screening.answers):
                    if a.criterion_id == criterion_id:
                        s.delete(a)

    def finish_screening(self, sender_id: str, trial_id: str, outcome: str,
                         verdicts: Mapping[str, Union[FinalVerdict, Tuple[str, Optional[str]]]]) -> None:
        """Stores the outcome and every criterion's final verdict and reason."""
        with self.session() as s:
            screening = current_or_new_screening(s, sender_id, trial_id)
            screening.status, screening.outcome, screening.finished_at = "finished", outcome, utcnow()
            by_id = {a.criterion_id: a for a in screening.answers}
            for cid, values in verdicts.items():
                final = values if isinstance(values, FinalVerdict) else FinalVerdict(*values)
                row = by_id.get(cid)
                if row is None:  # deferred or not applicable: never asked, still on record
                    row = AnswerRow(screening=screening, criterion_id=cid, question="(not asked)")
                    s.add(row)
                row.verdict, row.reason_enc = final.verdict, crypto.encrypt(final.reason) if final.reason else None
                row.eligible_from_enc = crypto.encrypt(final.eligible_from)

    def set_language(self, sender_id: str, language: str) -> None:
        """The conversation's language, shown to staff; nothing is stored before consent."""
        with self.session() as s:
            for current in current_screenings(s, sender_id):
                current.language = language

    def add_flag(self, sender_id: str, kind: str, value: str) -> None:
        """Something the study team should see first: an emergency sign
        mentioned, an answer the bot could not read."""
        with self.session() as s:
            for current in current_screenings(s, sender_id):
                flags = json.loads(crypto.decrypt(current.flags_enc) or "{}")
                if value not in flags.setdefault(kind, []):
                    flags[kind].append(value)
                current.flags_enc = crypto.encrypt(json.dumps(flags, ensure_ascii=False))

    def resume_screening(self, sender_id: str) -> None:
        with self.session() as s:
            for current in current_screenings(s, sender_id):
                if current.status == "stopped":
                    current.status = "in_progress"

    def stop_screening(self, sender_id: str) -> None:
        with self.session() as s:
            for current in current_screenings(s, sender_id):
                if current.status == "in_progress":
                    current.status = "stopped"

    def funnel(self, weeks: int = 8, trial: Optional[str] = None) -> List[Dict[str, object]]:
        """Per week (Monday, UTC), newest last: screenings started, finished,
        likely eligible, needing review, handed off; of one trial, or of all
        (None). A conversation makes one screening per trial it checks, so
        "all trials" counts it once per trial."""
        start = _monday((utcnow() - timedelta(weeks=weeks - 1)).date())
        by_week = {start + timedelta(weeks=i): WeekCounts(start + timedelta(weeks=i)) for i in range(weeks)}
        with self.session() as s:
            q = sa.select(Screening).where(Screening.started_at >= datetime.combine(start, datetime.min.time()))
            if trial is not None:
                q = q.where(Screening.trial_id == trial)
            for sc in s.execute(q).scalars():
                week = by_week.get(_monday(sc.started_at.date()))
                if week is not None:
                    week.count(sc)
        return [asdict(w) for w in by_week.values()]
