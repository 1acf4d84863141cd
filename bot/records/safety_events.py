"""Safety events: each time the assistant gave urgent advice or a crisis
line for a sign, when, and in which conversation, for the staff list that
lets the team follow up where the person gave contact details. Only the sign
(encrypted) and the time are kept, never the person's words; nothing is
stored before consent (there is no screening to hold it)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Dict, List, Optional

import sqlalchemy as sa

from bot.records.database import Database
from bot.records.screenings import current_screening
from bot.records import crypto
from bot.records.tables import Handoff, SafetyEvent, Screening, utcnow

CRISIS_SIGNS = frozenset({"self_harm"})  # a crisis line was given; for every other sign, urgent advice


@dataclass(frozen=True)
class SafetyEventRow:
    """One safety event as the staff list shows it."""
    at: datetime  # UTC
    sign: str
    language: Optional[str]  # the conversation's
    reference: Optional[str]  # the conversation's handoff, when the person gave contact details
    handoff_status: Optional[str]

    @property
    def crisis(self) -> bool:
        return self.sign in CRISIS_SIGNS


class SafetyEventRecords(Database):
    def record_safety_event(self, sender_id: str, sign: str) -> None:
        with self.session() as s:
            current = current_screening(s, sender_id)
            if current is not None:
                s.add(SafetyEvent(screening=current, at=utcnow(), sign_enc=crypto.encrypt(sign)))

    def safety_events(self, limit: int = 500) -> List[SafetyEventRow]:
        """The newest first. A conversation's handoff is linked whichever of
        its screenings holds it (a person may have started over)."""
        with self.session() as s:
            rows = s.execute(sa.select(SafetyEvent, Screening.sender_id, Screening.language)
                             .join(Screening, SafetyEvent.screening_id == Screening.id)
                             .order_by(SafetyEvent.at.desc(), SafetyEvent.id.desc()).limit(limit)).all()
            senders = {sender for _, sender, _ in rows}
            handoffs: Dict[str, Handoff] = {}
            if senders:
                found = s.execute(sa.select(Handoff, Screening.sender_id).join(Screening)
                                  .where(Screening.sender_id.in_(senders)).order_by(Handoff.created_at)).all()
                handoffs = {sender: h for h, sender in found}  # the newest per conversation
            out = []
            for event, sender, language in rows:
                h = handoffs.get(sender)
                out.append(SafetyEventRow(event.at, event.sign, language, h.reference if h else None,
                                          h.status if h else None))
            return out
