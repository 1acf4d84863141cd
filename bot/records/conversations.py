"""The conversations themselves, as Rasa's SQL tracker store keeps them in its
`events` table (encrypted, bot.records.tracker_crypto): transcripts for the
study team, and deleting a conversation's events. The table is Rasa's; a
database Rasa never wrote to has none."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Collection, List

import sqlalchemy as sa

from bot.records.database import Database
from bot.records.tables import RASA_EVENTS
from bot.records.tracker_crypto import decode_event


@dataclass(frozen=True)
class TranscriptLine:
    at: datetime
    speaker: str  # "person" or "bot"
    text: str


def _line(type_name: str, ts: float, data: str) -> TranscriptLine:
    event = decode_event(data)
    text = event.get("text") or ""
    buttons = (event.get("data") or {}).get("buttons") or []
    if buttons:
        text += "  [" + " | ".join(b.get("title", "") for b in buttons) + "]"
    return TranscriptLine(datetime.utcfromtimestamp(ts or 0).replace(microsecond=0),
                          "person" if type_name == "user" else "bot", text)


def has_events_table(engine: sa.engine.Engine) -> bool:
    return sa.inspect(engine).has_table("events")


def delete_events(conn: sa.engine.Connection, sender_ids: Collection[str]) -> int:
    """Deletes these senders' events; how many there were."""
    if not sender_ids:
        return 0
    return conn.execute(RASA_EVENTS.delete().where(RASA_EVENTS.c.sender_id.in_(sender_ids))).rowcount


class ConversationRecords(Database):
    def transcript(self, sender_id: str) -> List[TranscriptLine]:
        if not has_events_table(self.engine):
            return []
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(RASA_EVENTS.c.type_name, RASA_EVENTS.c.timestamp, RASA_EVENTS.c.data)
                                .where(RASA_EVENTS.c.sender_id == sender_id,
                                       RASA_EVENTS.c.type_name.in_(("user", "bot")))
                                .order_by(RASA_EVENTS.c.id)).all()
        return [_line(type_name, ts, data) for type_name, ts, data in rows]
