"""The records store: one object for everything the bot, the staff tools and
the web server read and write (SQLAlchemy 1.4). Each concern lives in its own
module and `Store` combines them; the names callers import from here stay
here. Names, phone numbers, emails and typed answers are stored encrypted
(`bot.records.crypto`).

Rasa's tracker store keeps the conversation itself in the same database, in
its `events` table; the store reads it for transcripts and deletes from it
when a person's data is deleted or purged."""
from __future__ import annotations

from functools import lru_cache

from bot import config
from bot.records.chat_sessions import ChatSessionRecords
from bot.records.conversations import ConversationRecords, TranscriptLine
from bot.records.handoffs import HandoffRecords, answers_as_json, dumps, handoff_as_json
from bot.records.retention import RetentionRecords
from bot.records.safety_events import CRISIS_SIGNS, SafetyEventRecords, SafetyEventRow
from bot.records.screenings import ScreeningRecords
from bot.records.staff_audit import StaffAuditRecords
from bot.records.tables import (HANDOFF_KINDS, HANDOFF_STATUSES, OPEN_STATUSES, OUTCOMES, RASA_EVENTS, AnswerRow,
                                AuditEntry, Base, ChatSession, Handoff, SafetyEvent, Screening, StaffUser, utcnow)

__all__ = [
    "Store", "store_for", "default_store",
    "Base", "Screening", "AnswerRow", "Handoff", "AuditEntry", "ChatSession", "StaffUser", "RASA_EVENTS",
    "SafetyEvent", "SafetyEventRow", "CRISIS_SIGNS",
    "HANDOFF_STATUSES", "HANDOFF_KINDS", "OUTCOMES", "OPEN_STATUSES", "utcnow",
    "TranscriptLine", "answers_as_json", "handoff_as_json", "dumps",
]


class Store(ScreeningRecords, HandoffRecords, StaffAuditRecords, ConversationRecords, ChatSessionRecords,
            RetentionRecords, SafetyEventRecords):
    """Every part shares one engine and session factory (`Database`)."""


@lru_cache(maxsize=4)
def store_for(url: str) -> Store:
    return Store(url)


def default_store() -> Store:
    """The store the running bot uses: one engine per database URL."""
    return store_for(config.database_url())
