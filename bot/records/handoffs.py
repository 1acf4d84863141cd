"""Handoffs: a consenting person's contact details passed to the study team,
under a reference they can quote on the phone; and what the staff do with
them (status, notes, assignment, follow-up), each change on the audit trail."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot import config
from bot.records import crypto
from bot.records.database import Database
from bot.records.screenings import current_or_new_screening
from bot.records.tables import HANDOFF_KINDS, HANDOFF_STATUSES, AuditEntry, Handoff, Screening, StaffUser, utcnow

_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on the phone


def handoff_by_reference(s: Session, reference: str) -> Optional[Handoff]:
    """References are typed back by people: spaces and case do not matter."""
    return s.execute(sa.select(Handoff).where(Handoff.reference == reference.strip().upper())).scalar_one_or_none()


def _existing_handoff(s: Session, reference: str) -> Handoff:
    h = handoff_by_reference(s, reference)
    if h is None:
        raise LookupError(f"no handoff with reference '{reference}'")
    return h


def _with_answers(h: Handoff) -> Handoff:
    _ = h.screening.answers, h.events, h.screening.corrections  # loaded before the session closes: read afterwards
    return h


def _new_reference(s: Session) -> str:
    while True:
        ref = config.site().reference_prefix + "-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))
        if not s.execute(sa.select(Handoff.id).where(Handoff.reference == ref)).first():
            return ref


def _day_or_none(d: Optional[date]) -> str:
    return d.isoformat() if d else "none"


@dataclass(frozen=True)
class HandoffFilter:
    """What `find_handoffs` matches; a field left empty matches everything."""
    text: str = ""
    outcome: Optional[str] = None
    language: Optional[str] = None
    kind: Optional[str] = None
    created_from: Optional[date] = None
    created_to: Optional[date] = None
    tz: Optional[tzinfo] = None
    trial: Optional[str] = None

    def matches(self, h: Handoff) -> bool:
        return self._fields_match(h) and self._text_matches(h)

    def _local_day(self, dt: datetime) -> date:
        return dt.date() if self.tz is None else dt.replace(tzinfo=timezone.utc).astimezone(self.tz).date()

    def _fields_match(self, h: Handoff) -> bool:
        if self.outcome:
            got = "callback" if h.kind == "callback" else (h.screening.outcome or "")
            if got != self.outcome:
                return False
        if self.kind and h.kind != self.kind:
            return False
        if self.trial and h.screening.trial_id != self.trial:
            return False
        if self.language and (h.screening.language or "") != self.language:
            return False
        if self.created_from and self._local_day(h.created_at) < self.created_from:
            return False
        return not (self.created_to and self._local_day(h.created_at) > self.created_to)

    def _text_matches(self, h: Handoff) -> bool:
        # Names and phones are encrypted, so the search decrypts and compares here.
        needle = (self.text or "").strip().lower()
        if not needle:
            return True
        if needle.upper() in h.reference or needle in (h.name or "").lower() or needle in (h.email or "").lower():
            return True
        digits = "".join(ch for ch in needle if ch.isdigit())
        if len(digits) >= 3:
            phone = "".join(ch for ch in (h.phone or "") if ch.isdigit())
            national = "0" + phone[2:] if phone.startswith("82") else phone
            return digits in phone or digits in national
        return False


def _sorted(found: List[Handoff], sort: str) -> List[Handoff]:
    if sort == "oldest":
        found.sort(key=lambda h: (h.created_at, h.id))
    elif sort == "waiting":
        rank = {"new": 0, "contacted": 1, "scheduled": 1}
        found.sort(key=lambda h: (rank.get(h.status, 2), h.created_at, h.id))
    return found


class HandoffRecords(Database):
    def create_handoff(self, sender_id: str, trial_id: str, consent_text: str, name: str, phone: Optional[str],
                       email: Optional[str], preferred_time: str, preferred_language: str,
                       kind: str = "screening") -> str:
        """`kind` "callback": the person asked to be called back without a
        screening result (the staff pages show it as a callback request)."""
        if kind not in HANDOFF_KINDS:
            raise ValueError(f"unknown handoff kind '{kind}'")
        with self.session() as s:
            screening = current_or_new_screening(s, sender_id, trial_id)
            if screening.handoff is not None:
                return screening.handoff.reference
            ref = _new_reference(s)
            s.add(Handoff(screening=screening, reference=ref, consent_at=utcnow(), consent_text=consent_text,
                          name_enc=crypto.encrypt(name), phone_enc=crypto.encrypt(phone),
                          email_enc=crypto.encrypt(email), preferred_time_enc=crypto.encrypt(preferred_time),
                          preferred_language=(preferred_language or "")[:64], kind=kind))
            s.add(AuditEntry(actor="patient", action="handoff_created", reference=ref))
            return ref

    def handoffs(self, status: Optional[str] = None) -> List[Handoff]:
        with self.session() as s:
            q = sa.select(Handoff).order_by(Handoff.created_at.desc(), Handoff.id.desc())
            if status:
                q = q.where(Handoff.status == status)
            return [_with_answers(h) for h in s.execute(q).scalars()]

    def handoff(self, reference: str) -> Optional[Handoff]:
        with self.session() as s:
            h = handoff_by_reference(s, reference)
            return _with_answers(h) if h is not None else None

    def handoff_for_sender(self, sender_id: str) -> Optional[Handoff]:
        """The newest handoff made in this conversation, if any."""
        with self.session() as s:
            return s.execute(sa.select(Handoff).join(Screening).where(Screening.sender_id == sender_id)
                             .order_by(Handoff.created_at.desc(), Handoff.id.desc()).limit(1)).scalar_one_or_none()

    def find_handoffs(self, text: str = "", status: Optional[str] = None, outcome: Optional[str] = None,
                      language: Optional[str] = None, kind: Optional[str] = None, created_from: Optional[date] = None,
                      created_to: Optional[date] = None, sort: str = "newest",
                      tz: Optional[tzinfo] = None, trial: Optional[str] = None) -> List[Handoff]:
        """Handoffs matching every given filter. `text` matches the reference,
        the name (any part, any case) or the phone (by its digits, with or
        without the leading 0 / +82). Dates are calendar days in `tz` (the
        hospital's zone). `trial`: the trial id of the handoff's screening.
        `sort`: newest, oldest, or waiting (the longest-waiting new handoffs
        first, then the other open ones, by age)."""
        wanted = HandoffFilter(text, outcome, language, kind, created_from, created_to, tz, trial)
        return _sorted([h for h in self.handoffs(status) if wanted.matches(h)], sort)

    def handoff_trials(self) -> List[str]:
        """The trial ids that have at least one handoff, sorted: the staff filter offers them."""
        with self.session() as s:
            q = sa.select(Screening.trial_id).join(Handoff, Handoff.screening_id == Screening.id).distinct()
            return sorted(s.execute(q).scalars())

    def set_status(self, reference: str, status: str, note: str, actor: str) -> Handoff:
        if status not in HANDOFF_STATUSES:
            raise ValueError(f"unknown status '{status}'; use one of: {', '.join(HANDOFF_STATUSES)}")
        with self.session() as s:
            h = _existing_handoff(s, reference)
            old = h.status
            h.status = status
            if note:
                stamp = utcnow().strftime("%Y-%m-%d %H:%M")
                h.notes = (h.notes + "\n" if h.notes else "") + f"[{stamp} {actor}] {note}"
            s.add(AuditEntry(actor=actor, action="status_changed", reference=h.reference,
                             detail=f"{old} -> {status}" + (f"; note: {note}" if note else "")))
            return h

    def assign(self, reference: str, username: Optional[str], actor: str) -> Handoff:
        """Gives the handoff to a coordinator (a staff account), or to nobody."""
        username = (username or "").strip() or None
        with self.session() as s:
            if username and not s.execute(sa.select(StaffUser.id).where(StaffUser.username == username)).first():
                raise ValueError(f"no staff account named '{username}'")
            h = _existing_handoff(s, reference)
            old = h.assigned_to
            if old != username:
                h.assigned_to = username
                s.add(AuditEntry(actor=actor, action="assigned", reference=h.reference,
                                 detail=f"{old or 'nobody'} -> {username or 'nobody'}"))
            return h

    def set_follow_up(self, reference: str, when: Optional[date], actor: str) -> Handoff:
        with self.session() as s:
            h = _existing_handoff(s, reference)
            old = h.follow_up_on
            if old != when:
                h.follow_up_on = when
                s.add(AuditEntry(actor=actor, action="follow_up_set", reference=h.reference,
                                 detail=f"{_day_or_none(old)} -> {_day_or_none(when)}"))
            return h


def answers_as_json(h: Handoff) -> List[dict]:
    return [{"criterion": a.criterion_id, "question": a.question, "answer": a.raw_text, "read_as": a.reading,
             "verdict": a.verdict, "reason": a.reason} for a in h.screening.answers]


def handoff_as_json(h: Handoff) -> dict:
    """A handoff as the exports and the staff pages' JSON show it."""
    return {
        "reference": h.reference, "trial_id": h.screening.trial_id, "kind": h.kind or "screening", "status": h.status,
        "created_at": h.created_at.isoformat(), "assigned_to": h.assigned_to,
        "follow_up_on": h.follow_up_on.isoformat() if h.follow_up_on else None,
        "outcome": h.screening.outcome, "language": h.screening.language,
        "respondent": h.screening.respondent, "relation": h.screening.relation,
        "name": h.name, "phone": h.phone, "email": h.email, "preferred_time": h.preferred_time,
        "preferred_language": h.preferred_language, "consent_at": h.consent_at.isoformat(),
        "notes": h.notes, "answers": answers_as_json(h),
        "after_call": [{"kind": e.kind, "result": e.result, "criterion_id": e.criterion_id, "reason": e.reason,
                        "on": e.happened_on.isoformat(), "by": e.actor} for e in h.events],
        "corrections": [{"criterion_id": c.criterion_id, "verdict_given": c.verdict_given,
                         "verdict_expected": c.verdict_expected, "note": c.note, "by": c.actor,
                         "at": c.at.isoformat()} for c in h.screening.corrections],
    }


def dumps(obj: object) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False, default=str)
