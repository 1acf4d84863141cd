"""Patient chat sessions: the conversation ids the web server issues, so that
only ids it issued are accepted back, and only while they are live."""
from __future__ import annotations

import secrets
from typing import Optional

from bot.records.database import Database
from bot.records.tables import ChatSession, id_hash, utcnow


class ChatSessionRecords(Database):
    def issue_chat_session(self) -> str:
        """A new random conversation id, remembered (as a hash) so that only
        ids this server issued are ever accepted back."""
        sender_id = secrets.token_urlsafe(24)
        with self.session() as s:
            s.add(ChatSession(id_hash=id_hash(sender_id)))
        return sender_id

    def chat_session_live(self, sender_id: Optional[str], idle_seconds: float, touch: bool = True) -> bool:
        """True if the server issued this id and it has neither ended nor been
        idle longer than `idle_seconds`; a session found idle is ended here."""
        if not sender_id or len(sender_id) > 128:
            return False
        now = utcnow()
        with self.session() as s:
            row = s.get(ChatSession, id_hash(sender_id))
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
            row = s.get(ChatSession, id_hash(sender_id))
            if row is not None and row.ended_at is None:
                row.ended_at, row.ended_why = utcnow(), why
