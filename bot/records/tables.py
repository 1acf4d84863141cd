"""The records tables (SQLAlchemy 1.4 declarative models) and the values their
status columns take. Schema changes go through Alembic (migrations/); this
module must describe the schema the newest migration makes, nothing more.

Rasa's own `events` table is described here too, read-only in spirit: it is
read for transcripts and deleted from for retention, never migrated here."""
from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import registry, relationship
from sqlalchemy.orm.decl_api import DeclarativeMeta

from bot.records import crypto

HANDOFF_STATUSES = ("new", "contacted", "scheduled", "enrolled", "not_eligible", "withdrawn")
HANDOFF_KINDS = ("screening", "callback")
OUTCOMES = ("likely_eligible", "needs_review", "likely_ineligible")
OPEN_STATUSES = ("new", "contacted", "scheduled")


def utcnow() -> datetime:
    return datetime.utcnow().replace(microsecond=0)


def id_hash(sender_id: str) -> str:
    """How a chat session id is kept: the id itself is the key to the conversation."""
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()


_registry = registry()


class Base(metaclass=DeclarativeMeta):
    """What declarative_base() builds, spelt out so that type checkers see a class."""
    __abstract__ = True
    registry = _registry
    metadata = _registry.metadata
    __init__ = _registry.constructor


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
    safety_events = relationship("SafetyEvent", back_populates="screening", cascade="all, delete-orphan",
                                 order_by="SafetyEvent.at")

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
    screening_id = sa.Column(sa.String(36), sa.ForeignKey("screenings.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    criterion_id = sa.Column(sa.String(64), nullable=False)
    question = sa.Column(sa.Text, nullable=False)
    raw_text_enc = sa.Column(sa.Text)
    reading_enc = sa.Column(sa.Text)
    verdict = sa.Column(sa.String(16))
    reason_enc = sa.Column(sa.Text)
    eligible_from_enc = sa.Column(sa.Text)  # ISO date a temporary exclusion ends (a wash-out), if any
    answered_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    screening = relationship("Screening", back_populates="answers")

    @property
    def raw_text(self) -> Optional[str]:
        return crypto.decrypt(self.raw_text_enc)

    @property
    def reason(self) -> Optional[str]:
        return crypto.decrypt(self.reason_enc)

    @property
    def eligible_from(self) -> Optional[date]:
        iso = crypto.decrypt(self.eligible_from_enc)
        return date.fromisoformat(iso) if iso else None

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
    notes_enc = sa.Column(sa.Text)  # the staff's notes: they hold new phone numbers and what the family said
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

    @property
    def notes(self) -> str:
        return crypto.decrypt(self.notes_enc) or ""

    @notes.setter
    def notes(self, text: str) -> None:
        self.notes_enc = crypto.encrypt(text) if text else None


class SafetyEvent(Base):
    """Urgent advice or a crisis line was given for a sign, at this time.
    The sign is health data, so it is encrypted; the person's words are
    never kept here. Deleted with the screening (retention, 'delete my data')."""
    __tablename__ = "safety_events"
    id = sa.Column(sa.Integer, primary_key=True)
    screening_id = sa.Column(sa.String(36), sa.ForeignKey("screenings.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    at = sa.Column(sa.DateTime, nullable=False, default=utcnow, index=True)
    sign_enc = sa.Column(sa.Text, nullable=False)
    screening = relationship("Screening", back_populates="safety_events")

    @property
    def sign(self) -> str:
        return crypto.decrypt(self.sign_enc) or ""


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id = sa.Column(sa.Integer, primary_key=True)
    at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    actor = sa.Column(sa.String(128), nullable=False)
    action = sa.Column(sa.String(64), nullable=False)
    reference = sa.Column(sa.String(16))
    # Encrypted: a status change carries the staff's note. Erased (None) when
    # the handoff it is about is deleted or purged; the row itself stays.
    detail_enc = sa.Column(sa.Text)

    @property
    def detail(self) -> str:
        return crypto.decrypt(self.detail_enc) or ""

    @detail.setter
    def detail(self, text: str) -> None:
        self.detail_enc = crypto.encrypt(text) if text else None


class ChatSession(Base):
    """A patient chat session the web server issued. Only the SHA-256 of the
    id is kept: the id is the key to the conversation."""
    __tablename__ = "chat_sessions"
    id_hash = sa.Column(sa.String(64), primary_key=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    last_seen_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    ended_at = sa.Column(sa.DateTime)
    ended_why = sa.Column(sa.String(16))


class StaffUser(Base):
    __tablename__ = "staff_users"
    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(64), nullable=False, unique=True)
    password_hash = sa.Column(sa.String(255), nullable=False)
    totp_secret_enc = sa.Column(sa.Text)
    created_at = sa.Column(sa.DateTime, nullable=False, default=utcnow)
    last_login_at = sa.Column(sa.DateTime)
    language = sa.Column(sa.String(8))  # the staff pages' language this person chose; None: the site's


# Rasa's own table (created by its SQL tracker store), on its own metadata so
# that Alembic never creates or alters it.
RASA_EVENTS = sa.Table(
    "events", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("type_name", sa.String(255)),
    sa.Column("timestamp", sa.Float),
    sa.Column("data", sa.Text),
)
