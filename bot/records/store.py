"""Records: screenings, answers, handoffs and the staff audit trail
(SQLAlchemy 1.4), plus the few queries the product needs. Names, phone
numbers, emails and typed answers are stored encrypted (`bot.records.crypto`).

Rasa's tracker store keeps the conversation itself in the same database, in
its `events` table; this module reads it for transcripts and deletes from it
when a person's data is deleted or purged."""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session, declarative_base, relationship, sessionmaker

from bot import config
from bot.records import crypto

Base = declarative_base()

HANDOFF_STATUSES = ("new", "contacted", "scheduled", "enrolled", "not_eligible", "withdrawn")
HANDOFF_KINDS = ("screening", "callback")
OUTCOMES = ("likely_eligible", "needs_review", "likely_ineligible")
OPEN_STATUSES = ("new", "contacted", "scheduled")
_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on the phone


def utcnow() -> datetime:
    return datetime.utcnow().replace(microsecond=0)


class Screening(Base):
    __tablename__ = "screenings"
    id = sa.Column(sa.String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    sender_id = sa.Column(sa.String(255), nullable=False, index=True)
    trial_id = sa.Column(sa.String(32), nullable=False)
    respondent = sa.Column(sa.String(16))
    relation = sa.Column(sa.String(64))
    status = sa.Column(sa.String(16), nullable=False, default="in_progress")  # in_progress|finished|stopped|abandoned
    outcome = sa.Column(sa.String(32))
    language = sa.Column(sa.String(8))
    flags_enc = sa.Column(sa.Text)
    started_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    finished_at = sa.Column(sa.DateTime)
    updated_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    answers = relationship("AnswerRow", back_populates="screening", cascade="all, delete-orphan",
                           order_by="AnswerRow.answered_at")
    handoff = relationship("Handoff", back_populates="screening", cascade="all, delete-orphan", uselist=False)

    @property
    def flags(self) -> dict:
        """What the study team should know beyond the answers, e.g.
        {"emergencies": [...], "unread": [...]}; {} when nothing was flagged."""
        text = crypto.decrypt(self.flags_enc) if self.flags_enc else None
        try:
            value = json.loads(text) if text else {}
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


class AnswerRow(Base):
    __tablename__ = "answers"
    __table_args__ = (sa.UniqueConstraint("screening_id", "criterion_id", name="uq_answers_screening_criterion"),)
    id = sa.Column(sa.Integer, primary_key=True)
    screening_id = sa.Column(sa.String(36), sa.ForeignKey("screenings.id", ondelete="CASCADE"), nullable=False, index=True)
    criterion_id = sa.Column(sa.String(64), nullable=False)
    question = sa.Column(sa.Text, nullable=False)
    raw_text_enc = sa.Column(sa.Text)
    reading_enc = sa.Column(sa.Text)
    verdict = sa.Column(sa.String(16))
    reason_enc = sa.Column(sa.Text)
    answered_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    screening = relationship("Screening", back_populates="answers")

    @property
    def raw_text(self) -> Optional[str]:
        return crypto.decrypt(self.raw_text_enc)

    @property
    def reason(self) -> Optional[str]:
        return crypto.decrypt(self.reason_enc)

    @property
    def reading(self) -> Optional[dict]:
        text = crypto.decrypt(self.reading_enc)
        return json.loads(text) if text else None


class Handoff(Base):
    __tablename__ = "handoffs"
    id = sa.Column(sa.Integer, primary_key=True)
    screening_id = sa.Column(sa.String(36), sa.ForeignKey("screenings.id", ondelete="CASCADE"), nullable=False,
                             unique=True)
    reference = sa.Column(sa.String(16), nullable=False, unique=True)
    consent_at = sa.Column(sa.DateTime, nullable=False)
    consent_text = sa.Column(sa.Text, nullable=False)
    name_enc = sa.Column(sa.Text)
    phone_enc = sa.Column(sa.Text)
    email_enc = sa.Column(sa.Text)
    preferred_time_enc = sa.Column(sa.Text)
    preferred_language = sa.Column(sa.String(64))
    kind = sa.Column(sa.String(16), nullable=False, default="screening")  # screening | callback
    assigned_to = sa.Column(sa.String(64))
    follow_up_on = sa.Column(sa.Date)
    status = sa.Column(sa.String(16), nullable=False, default="new")
    notes = sa.Column(sa.Text, nullable=False, default="")
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(sa.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    screening = relationship("Screening", back_populates="handoff")

    @property
    def name(self) -> Optional[str]:
        return crypto.decrypt(self.name_enc)

    @property
    def phone(self) -> Optional[str]:
        return crypto.decrypt(self.phone_enc)

    @property
    def email(self) -> Optional[str]:
        return crypto.decrypt(self.email_enc)

    @property
    def preferred_time(self) -> Optional[str]:
        return crypto.decrypt(self.preferred_time_enc)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id = sa.Column(sa.Integer, primary_key=True)
    at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    actor = sa.Column(sa.String(128), nullable=False)
    action = sa.Column(sa.String(64), nullable=False)
    reference = sa.Column(sa.String(16))
    detail = sa.Column(sa.Text, nullable=False, default="")


class ChatSession(Base):
    """A patient chat session the web server issued. Only the SHA-256 of the
    id is kept: the id is the key to the conversation."""
    __tablename__ = "chat_sessions"
    id_hash = sa.Column(sa.String(64), primary_key=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    last_seen_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    ended_at = sa.Column(sa.DateTime)
    ended_why = sa.Column(sa.String(16))


def _id_hash(sender_id: str) -> str:
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()


class StaffUser(Base):
    __tablename__ = "staff_users"
    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(64), nullable=False, unique=True)
    password_hash = sa.Column(sa.String(255), nullable=False)
    totp_secret_enc = sa.Column(sa.Text)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    last_login_at = sa.Column(sa.DateTime)


# Rasa's own table (created by its SQL tracker store); read and deleted here,
# never migrated here.
RASA_EVENTS = sa.Table(
    "events", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("type_name", sa.String(255)),
    sa.Column("timestamp", sa.Float),
    sa.Column("data", sa.Text),
)


@dataclass(frozen=True)
class TranscriptLine:
    at: datetime
    speaker: str  # "person" or "bot"
    text: str


class Store:
    def __init__(self, url: Optional[str] = None):
        self.url = url or config.database_url()
        if self.url.startswith("sqlite:///") and self.url != "sqlite:///:memory:":
            _private_sqlite_file(Path(self.url[len("sqlite:///"):]))
        sqlite_file = self.url.startswith("sqlite") and ":memory:" not in self.url
        # SQLAlchemy 1.4 opens a new SQLite connection for every session; a pool
        # saves that on every turn (the action server and the web server are
        # asynchronous, so a connection may be used by another thread later).
        pooled = {"poolclass": sa.pool.QueuePool, "connect_args": {"check_same_thread": False}} if sqlite_file else {}
        self.engine = sa.create_engine(self.url, future=True, pool_pre_ping=True, **pooled)
        if self.engine.dialect.name == "sqlite":
            # SQLite enforces foreign keys (and so cascades) only when asked.
            sa.event.listen(self.engine, "connect", lambda conn, _: conn.execute("PRAGMA foreign_keys=ON"))
        self._sessions = sessionmaker(bind=self.engine, future=True, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as s:
            try:
                yield s
                s.commit()
            except Exception:
                s.rollback()
                raise

    def migrate(self) -> None:
        """Brings the schema to the newest migration (Alembic)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    # ------------------------------------------------------------ screenings

    def _current(self, s: Session, sender_id: str) -> Optional[Screening]:
        return s.execute(
            sa.select(Screening).where(Screening.sender_id == sender_id, Screening.status != "abandoned")
            .order_by(Screening.started_at.desc(), Screening.id).limit(1)
        ).scalar_one_or_none()

    def _current_or_new(self, s: Session, sender_id: str, trial_id: str) -> Screening:
        current = self._current(s, sender_id)
        if current is None:
            current = Screening(sender_id=sender_id, trial_id=trial_id)
            s.add(current)
            s.flush()
        return current

    def start_screening(self, sender_id: str, trial_id: str) -> str:
        with self.session() as s:
            return self._current_or_new(s, sender_id, trial_id).id

    def abandon_screening(self, sender_id: str) -> None:
        """'Start over': the old screening stays for its retention, marked abandoned."""
        with self.session() as s:
            current = self._current(s, sender_id)
            if current is not None and current.handoff is None:
                current.status = "abandoned"

    def record_answer(self, sender_id: str, trial_id: str, criterion_id: str, question: str, raw_text: str,
                      reading: Optional[dict], verdict: Optional[str], reason: Optional[str]) -> None:
        with self.session() as s:
            screening = self._current_or_new(s, sender_id, trial_id)
            row = next((a for a in screening.answers if a.criterion_id == criterion_id), None)
            if row is None:
                row = AnswerRow(screening=screening, criterion_id=criterion_id)
                s.add(row)
            row.question, row.raw_text_enc = question, crypto.encrypt(raw_text)
            row.reading_enc = crypto.encrypt(json.dumps(reading, ensure_ascii=False)) if reading else None
            row.verdict, row.reason_enc = verdict, crypto.encrypt(reason) if reason else None
            row.answered_at = utcnow()

    def set_respondent(self, sender_id: str, trial_id: str, respondent: str, relation: Optional[str]) -> None:
        """Who is answering: `self` or `proxy`, and a proxy's relation ("mother")."""
        with self.session() as s:
            screening = self._current_or_new(s, sender_id, trial_id)
            screening.respondent, screening.relation = respondent, relation if respondent == "proxy" else None

    def forget_answer(self, sender_id: str, criterion_id: str) -> None:
        with self.session() as s:
            screening = self._current(s, sender_id)
            if screening is not None:
                for a in list(screening.answers):
                    if a.criterion_id == criterion_id:
                        s.delete(a)

    def finish_screening(self, sender_id: str, trial_id: str, outcome: str, verdicts: Dict[str, tuple]) -> None:
        """Stores the outcome and every criterion's final verdict and reason."""
        with self.session() as s:
            screening = self._current_or_new(s, sender_id, trial_id)
            screening.status, screening.outcome, screening.finished_at = "finished", outcome, utcnow()
            by_id = {a.criterion_id: a for a in screening.answers}
            for cid, (verdict, reason) in verdicts.items():
                row = by_id.get(cid)
                if row is None:  # deferred or not applicable: never asked, still on record
                    row = AnswerRow(screening=screening, criterion_id=cid, question="(not asked)")
                    s.add(row)
                row.verdict, row.reason_enc = verdict, crypto.encrypt(reason) if reason else None

    def set_language(self, sender_id: str, language: str) -> None:
        """The conversation's language, shown to staff; nothing is stored before consent."""
        with self.session() as s:
            current = self._current(s, sender_id)
            if current is not None:
                current.language = language

    def add_flag(self, sender_id: str, kind: str, value: str) -> None:
        """Something the study team should see first: an emergency sign
        mentioned, an answer the bot could not read."""
        with self.session() as s:
            current = self._current(s, sender_id)
            if current is not None:
                flags = json.loads(crypto.decrypt(current.flags_enc) or "{}")
                if value not in flags.setdefault(kind, []):
                    flags[kind].append(value)
                current.flags_enc = crypto.encrypt(json.dumps(flags, ensure_ascii=False))

    def resume_screening(self, sender_id: str) -> None:
        with self.session() as s:
            current = self._current(s, sender_id)
            if current is not None and current.status == "stopped":
                current.status = "in_progress"

    def stop_screening(self, sender_id: str) -> None:
        with self.session() as s:
            current = self._current(s, sender_id)
            if current is not None and current.status == "in_progress":
                current.status = "stopped"

    # ------------------------------------------------------------ handoffs

    def create_handoff(self, sender_id: str, trial_id: str, consent_text: str, name: str, phone: Optional[str],
                       email: Optional[str], preferred_time: str, preferred_language: str,
                       kind: str = "screening") -> str:
        """`kind` "callback": the person asked to be called back without a
        screening result (the staff pages show it as a callback request)."""
        if kind not in HANDOFF_KINDS:
            raise ValueError(f"unknown handoff kind '{kind}'")
        with self.session() as s:
            screening = self._current_or_new(s, sender_id, trial_id)
            if screening.handoff is not None:
                return screening.handoff.reference
            ref = self._new_reference(s)
            s.add(Handoff(screening=screening, reference=ref, consent_at=utcnow(), consent_text=consent_text,
                          name_enc=crypto.encrypt(name), phone_enc=crypto.encrypt(phone),
                          email_enc=crypto.encrypt(email), preferred_time_enc=crypto.encrypt(preferred_time),
                          preferred_language=(preferred_language or "")[:64], kind=kind))
            s.add(AuditEntry(actor="patient", action="handoff_created", reference=ref))
            return ref

    @staticmethod
    def _new_reference(s: Session) -> str:
        while True:
            ref = config.site().reference_prefix + "-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))
            if not s.execute(sa.select(Handoff.id).where(Handoff.reference == ref)).first():
                return ref

    def handoffs(self, status: Optional[str] = None) -> List[Handoff]:
        with self.session() as s:
            q = sa.select(Handoff).order_by(Handoff.created_at.desc(), Handoff.id.desc())
            if status:
                q = q.where(Handoff.status == status)
            rows = s.execute(q).scalars().all()
            for h in rows:
                _ = h.screening.answers  # load before the session closes
            return rows

    def handoff(self, reference: str) -> Optional[Handoff]:
        with self.session() as s:
            h = s.execute(sa.select(Handoff).where(Handoff.reference == reference.strip().upper())).scalar_one_or_none()
            if h is not None:
                _ = h.screening.answers
            return h

    def set_status(self, reference: str, status: str, note: str, actor: str) -> Handoff:
        if status not in HANDOFF_STATUSES:
            raise ValueError(f"unknown status '{status}'; use one of: {', '.join(HANDOFF_STATUSES)}")
        with self.session() as s:
            h = s.execute(sa.select(Handoff).where(Handoff.reference == reference.strip().upper())).scalar_one_or_none()
            if h is None:
                raise LookupError(f"no handoff with reference '{reference}'")
            old = h.status
            h.status = status
            if note:
                stamp = utcnow().strftime("%Y-%m-%d %H:%M")
                h.notes = (h.notes + "\n" if h.notes else "") + f"[{stamp} {actor}] {note}"
            s.add(AuditEntry(actor=actor, action="status_changed", reference=h.reference,
                             detail=f"{old} -> {status}" + (f"; note: {note}" if note else "")))
            return h

    def find_handoffs(self, text: str = "", status: Optional[str] = None, outcome: Optional[str] = None,
                      language: Optional[str] = None, kind: Optional[str] = None, created_from: Optional[date] = None,
                      created_to: Optional[date] = None, sort: str = "newest", tz=None) -> List[Handoff]:
        """Handoffs matching every given filter. `text` matches the reference,
        the name (any part, any case) or the phone (by its digits, with or
        without the leading 0 / +82). Names and phones are encrypted, so the
        search decrypts and filters here. Dates are calendar days in `tz`
        (the hospital's zone). `sort`: newest, oldest, or waiting (the
        longest-waiting new handoffs first, then the other open ones, by age)."""
        rows = self.handoffs(status)
        needle = (text or "").strip().lower()
        digits = "".join(ch for ch in needle if ch.isdigit())

        def local_day(dt: datetime) -> date:
            if tz is None:
                return dt.date()
            from datetime import timezone
            return dt.replace(tzinfo=timezone.utc).astimezone(tz).date()

        def matches(h: Handoff) -> bool:
            if outcome:
                got = "callback" if h.kind == "callback" else (h.screening.outcome or "")
                if got != outcome:
                    return False
            if kind and h.kind != kind:
                return False
            if language and (h.screening.language or "") != language:
                return False
            if created_from and local_day(h.created_at) < created_from:
                return False
            if created_to and local_day(h.created_at) > created_to:
                return False
            if not needle:
                return True
            if needle.upper() in h.reference or needle in (h.name or "").lower() or needle in (h.email or "").lower():
                return True
            if len(digits) >= 3:
                phone = "".join(ch for ch in (h.phone or "") if ch.isdigit())
                national = "0" + phone[2:] if phone.startswith("82") else phone
                return digits in phone or digits in national
            return False

        found = [h for h in rows if matches(h)]
        if sort == "oldest":
            found.sort(key=lambda h: (h.created_at, h.id))
        elif sort == "waiting":
            rank = {"new": 0, "contacted": 1, "scheduled": 1}
            found.sort(key=lambda h: (rank.get(h.status, 2), h.created_at, h.id))
        return found

    def _handoff_row(self, s: Session, reference: str) -> Handoff:
        h = s.execute(sa.select(Handoff).where(Handoff.reference == reference.strip().upper())).scalar_one_or_none()
        if h is None:
            raise LookupError(f"no handoff with reference '{reference}'")
        return h

    def assign(self, reference: str, username: Optional[str], actor: str) -> Handoff:
        """Gives the handoff to a coordinator (a staff account), or to nobody."""
        username = (username or "").strip() or None
        with self.session() as s:
            if username and not s.execute(sa.select(StaffUser.id).where(StaffUser.username == username)).first():
                raise ValueError(f"no staff account named '{username}'")
            h = self._handoff_row(s, reference)
            old = h.assigned_to
            if old != username:
                h.assigned_to = username
                s.add(AuditEntry(actor=actor, action="assigned", reference=h.reference,
                                 detail=f"{old or 'nobody'} -> {username or 'nobody'}"))
            return h

    def set_follow_up(self, reference: str, when: Optional[date], actor: str) -> Handoff:
        with self.session() as s:
            h = self._handoff_row(s, reference)
            old = h.follow_up_on
            if old != when:
                h.follow_up_on = when
                s.add(AuditEntry(actor=actor, action="follow_up_set", reference=h.reference,
                                 detail=f"{old.isoformat() if old else 'none'} -> {when.isoformat() if when else 'none'}"))
            return h

    def handoff_for_sender(self, sender_id: str) -> Optional[Handoff]:
        """The newest handoff made in this conversation, if any."""
        with self.session() as s:
            return s.execute(sa.select(Handoff).join(Screening).where(Screening.sender_id == sender_id)
                             .order_by(Handoff.created_at.desc(), Handoff.id.desc()).limit(1)).scalar_one_or_none()

    def audit(self, actor: str, action: str, reference: Optional[str] = None, detail: str = "") -> None:
        with self.session() as s:
            s.add(AuditEntry(actor=actor, action=action, reference=reference, detail=detail))

    def audit_trail(self, reference: Optional[str] = None) -> List[AuditEntry]:
        with self.session() as s:
            q = sa.select(AuditEntry).order_by(AuditEntry.id)
            if reference:
                q = q.where(AuditEntry.reference == reference)
            return s.execute(q).scalars().all()

    # ------------------------------------------------------------ conversations

    def _has_events_table(self) -> bool:
        return sa.inspect(self.engine).has_table("events")

    def transcript(self, sender_id: str) -> List[TranscriptLine]:
        if not self._has_events_table():
            return []
        from bot.records.tracker_crypto import decode_event

        lines = []
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(RASA_EVENTS.c.type_name, RASA_EVENTS.c.timestamp, RASA_EVENTS.c.data)
                                .where(RASA_EVENTS.c.sender_id == sender_id,
                                       RASA_EVENTS.c.type_name.in_(("user", "bot")))
                                .order_by(RASA_EVENTS.c.id)).all()
        for type_name, ts, data in rows:
            event = decode_event(data)
            text = event.get("text") or ""
            buttons = (event.get("data") or {}).get("buttons") or []
            if buttons:
                text += "  [" + " | ".join(b.get("title", "") for b in buttons) + "]"
            lines.append(TranscriptLine(datetime.utcfromtimestamp(ts or 0).replace(microsecond=0),
                                        "person" if type_name == "user" else "bot", text))
        return lines

    def delete_person(self, sender_id: str) -> None:
        """'Delete my data': every screening, answer, handoff and tracker event
        of this sender. The audit trail keeps only that a deletion happened."""
        with self.session() as s:
            rows = s.execute(sa.select(Screening).where(Screening.sender_id == sender_id)).scalars().all()
            refs = [r.handoff.reference for r in rows if r.handoff is not None]
            for r in rows:
                s.delete(r)
            for ref in refs:
                s.add(AuditEntry(actor="patient", action="data_deleted", reference=ref))
            s.execute(sa.delete(ChatSession).where(ChatSession.id_hash == _id_hash(sender_id)))
        self._delete_events([sender_id])

    def _delete_events(self, sender_ids: List[str]) -> None:
        if sender_ids and self._has_events_table():
            with self.engine.begin() as conn:
                conn.execute(RASA_EVENTS.delete().where(RASA_EVENTS.c.sender_id.in_(sender_ids)))

    def purge(self, older_than_days: int, actor: str) -> Dict[str, int]:
        """Deletes screenings and conversations older than the retention;
        a screening whose handoff is still open is kept until it is closed."""
        cutoff = utcnow() - timedelta(days=older_than_days)
        with self.session() as s:
            old = s.execute(sa.select(Screening).where(Screening.updated_at < cutoff)).scalars().all()
            gone = [r for r in old if r.handoff is None or r.handoff.status not in OPEN_STATUSES]
            gone_senders = {r.sender_id for r in gone}
            kept_senders = set(s.execute(sa.select(Screening.sender_id).where(
                Screening.id.notin_([r.id for r in gone]) if gone else sa.true())).scalars())
            for r in gone:
                s.delete(r)
            s.execute(sa.delete(ChatSession).where(ChatSession.last_seen_at < cutoff))
        removed_events = 0
        if self._has_events_table():
            with self.engine.begin() as conn:
                # Conversations whose last event is older than the cutoff, unless a kept screening needs them.
                last = conn.execute(sa.select(RASA_EVENTS.c.sender_id, sa.func.max(RASA_EVENTS.c.timestamp))
                                    .group_by(RASA_EVENTS.c.sender_id)).all()
                stale = [sid for sid, ts in last if (ts or 0) < cutoff.timestamp() and sid not in kept_senders]
                stale = sorted(set(stale) | (gone_senders - kept_senders))
                if stale:
                    removed_events = conn.execute(
                        RASA_EVENTS.delete().where(RASA_EVENTS.c.sender_id.in_(stale))).rowcount
        self.audit(actor, "purge", detail=f"older than {older_than_days} days: {len(gone)} screenings, "
                                           f"{removed_events} conversation events")
        return {"screenings": len(gone), "events": removed_events}

    # ------------------------------------------------------------ patient chat sessions

    def issue_chat_session(self) -> str:
        """A new random conversation id, remembered (as a hash) so that only
        ids this server issued are ever accepted back."""
        sender_id = secrets.token_urlsafe(24)
        with self.session() as s:
            s.add(ChatSession(id_hash=_id_hash(sender_id)))
        return sender_id

    def chat_session_live(self, sender_id: Optional[str], idle_seconds: float, touch: bool = True) -> bool:
        """True if the server issued this id and it has neither ended nor been
        idle longer than `idle_seconds`; a session found idle is ended here."""
        if not sender_id or len(sender_id) > 128:
            return False
        now = utcnow()
        with self.session() as s:
            row = s.get(ChatSession, _id_hash(sender_id))
            if row is None or row.ended_at is not None:
                return False
            if (now - row.last_seen_at).total_seconds() > idle_seconds:
                row.ended_at, row.ended_why = now, "idle"
                return False
            if touch:
                row.last_seen_at = now
            return True

    def end_chat_session(self, sender_id: Optional[str], why: str = "ended") -> None:
        if not sender_id:
            return
        with self.session() as s:
            row = s.get(ChatSession, _id_hash(sender_id))
            if row is not None and row.ended_at is None:
                row.ended_at, row.ended_why = utcnow(), why

    # ------------------------------------------------------------ staff accounts

    def add_staff_user(self, username: str, password_hash: str) -> None:
        with self.session() as s:
            if s.execute(sa.select(StaffUser.id).where(StaffUser.username == username)).first():
                raise ValueError(f"a staff account named '{username}' exists already")
            s.add(StaffUser(username=username, password_hash=password_hash))
            s.add(AuditEntry(actor="cli", action="staff_user_added", detail=username))

    def staff_password_hash(self, username: str) -> Optional[str]:
        with self.session() as s:
            return s.execute(sa.select(StaffUser.password_hash).where(StaffUser.username == username)).scalar()

    def set_staff_password(self, username: str, password_hash: str) -> None:
        with self.session() as s:
            user = s.execute(sa.select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
            if user is None:
                raise LookupError(f"no staff account named '{username}'")
            user.password_hash = password_hash
            s.add(AuditEntry(actor="cli", action="staff_password_changed", detail=username))

    def set_staff_totp(self, username: str, secret: Optional[str]) -> None:
        """Turns the second factor on (a base32 secret, stored encrypted) or off (None)."""
        with self.session() as s:
            user = s.execute(sa.select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
            if user is None:
                raise LookupError(f"no staff account named '{username}'")
            user.totp_secret_enc = crypto.encrypt(secret) if secret else None
            s.add(AuditEntry(actor="cli", action="staff_totp_enabled" if secret else "staff_totp_disabled",
                             detail=username))

    def staff_totp_secret(self, username: str) -> Optional[str]:
        with self.session() as s:
            enc = s.execute(sa.select(StaffUser.totp_secret_enc).where(StaffUser.username == username)).scalar()
        return crypto.decrypt(enc) if enc else None

    def staff_logged_in(self, username: str) -> None:
        with self.session() as s:
            user = s.execute(sa.select(StaffUser).where(StaffUser.username == username)).scalar_one()
            user.last_login_at = utcnow()

    def staff_users(self) -> List[str]:
        with self.session() as s:
            return list(s.execute(sa.select(StaffUser.username).order_by(StaffUser.username)).scalars())

    def remove_staff_user(self, username: str) -> None:
        with self.session() as s:
            user = s.execute(sa.select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
            if user is None:
                raise LookupError(f"no staff account named '{username}'")
            s.delete(user)
            s.add(AuditEntry(actor="cli", action="staff_user_removed", detail=username))

    # ------------------------------------------------------------ counts

    def funnel(self, weeks: int = 8) -> List[Dict[str, object]]:
        """Per week (Monday, UTC), newest last: screenings started, finished,
        likely eligible, needing review, handed off."""
        start = (utcnow() - timedelta(weeks=weeks - 1)).date()
        start = start - timedelta(days=start.weekday())
        rows: Dict[object, Dict[str, object]] = {
            start + timedelta(weeks=i): {"week": start + timedelta(weeks=i), "started": 0, "finished": 0,
                                         "likely_eligible": 0, "needs_review": 0, "handed_off": 0}
            for i in range(weeks)}
        with self.session() as s:
            q = sa.select(Screening).where(Screening.started_at >= datetime.combine(start, datetime.min.time()))
            for sc in s.execute(q).scalars():
                d = sc.started_at.date()
                row = rows.get(d - timedelta(days=d.weekday()))
                if row is None:
                    continue
                row["started"] += 1
                row["finished"] += sc.status == "finished"
                row["likely_eligible"] += sc.outcome == "likely_eligible"
                row["needs_review"] += sc.outcome == "needs_review"
                row["handed_off"] += sc.handoff is not None
        return list(rows.values())

    def counts(self) -> Dict[str, int]:
        with self.session() as s:
            def n(q) -> int:
                return s.execute(q).scalar_one()
            return {
                "screenings": n(sa.select(sa.func.count(Screening.id))),
                "finished": n(sa.select(sa.func.count(Screening.id)).where(Screening.status == "finished")),
                "handoffs": n(sa.select(sa.func.count(Handoff.id))),
            }


@lru_cache(maxsize=4)
def store_for(url: str) -> Store:
    return Store(url)


def _private_sqlite_file(path: Path) -> None:
    """The SQLite file holds everything: readable by its owner only."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    try:
        os.chmod(path, 0o600)
    except PermissionError:
        pass


def default_store() -> Store:
    """The store the running bot uses: one engine per database URL."""
    return store_for(config.database_url())


def answers_as_json(h: Handoff) -> List[dict]:
    return [{"criterion": a.criterion_id, "question": a.question, "answer": a.raw_text, "read_as": a.reading,
             "verdict": a.verdict, "reason": a.reason} for a in h.screening.answers]


def handoff_as_json(h: Handoff) -> dict:
    return {
        "reference": h.reference, "kind": h.kind or "screening", "status": h.status,
        "created_at": h.created_at.isoformat(), "assigned_to": h.assigned_to,
        "follow_up_on": h.follow_up_on.isoformat() if h.follow_up_on else None,
        "outcome": h.screening.outcome, "language": h.screening.language,
        "respondent": h.screening.respondent, "relation": h.screening.relation,
        "name": h.name, "phone": h.phone, "email": h.email, "preferred_time": h.preferred_time,
        "preferred_language": h.preferred_language, "consent_at": h.consent_at.isoformat(),
        "notes": h.notes, "answers": answers_as_json(h),
    }


def dumps(obj: object) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False, default=str)
