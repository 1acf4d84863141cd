"""Rasa's SQL tracker store, on the bot's own database (TRIALBOT_DATABASE_URL,
default the local SQLite file), with two changes:
- every event is stored encrypted: conversations hold health answers, names,
  phone numbers and emails;
- a tracker whose `data_deleted` slot is set is deleted instead of saved, so
  "delete my data" leaves no event behind.
Loaded by the Rasa server through endpoints.yml."""
from __future__ import annotations

import json
import logging
from collections import OrderedDict
from typing import Any, Optional, Text

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from addons import speedups
from bot import config
from bot.records.database import sqlite_pragmas
from bot.records.tracker_crypto import encode_event, event_json

# Loaded by every Rasa server (endpoints.yml), so Rasa's speed-ups are applied here.
speedups.apply()

logger = logging.getLogger(__name__)


class _Decrypted:
    """Events already decrypted, by their stored form: every message reads the
    whole conversation back, and decrypting each event again was a tenth of
    the Rasa server's time. Bounded; a deleted conversation leaves it at once.
    Rows are still read from the database each time, so two servers sharing
    it see the same events."""

    def __init__(self, size: int = 10000) -> None:
        self.size = size
        self._plain: OrderedDict[str, str] = OrderedDict()  # stored form -> decrypted JSON text, oldest first

    def event(self, data: str) -> dict:
        plain = self._plain.get(data)
        if plain is None:
            plain = self._plain[data] = event_json(data)
            if len(self._plain) > self.size:
                self._plain.popitem(last=False)
        else:
            self._plain.move_to_end(data)
        return json.loads(plain)  # a new dict each time: Rasa may change what it is given

    def forget(self, stored: list) -> None:
        for data in stored:
            self._plain.pop(data, None)


class TrialTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Optional[Domain] = None, event_broker: Optional[EventBroker] = None,
                 **kwargs: Any) -> None:
        kwargs.pop("host", None)
        kwargs.pop("url", None)
        # A full URL as `host` is used as it is (SQLTrackerStore.get_db_url).
        super().__init__(domain=domain, host=config.database_url(), event_broker=event_broker, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # A deleted conversation's bytes are zeroed in the file, not left in its free pages.
            sa.event.listen(self.engine, "connect", sqlite_pragmas)
            self.engine.dispose()  # the connections opened to create the table get it too
        self._decrypted = _Decrypted()

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.get_slot("data_deleted"):
            with self.session_scope() as session:
                events = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id)
                self._decrypted.forget([row.data for row in events.with_entities(self.SQLEvent.data)])
                events.delete()
                session.commit()
            logger.debug("A conversation was deleted at the person's request.")
            return
        await self.stream_events(tracker)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = event.as_dict()
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id,
                    type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"),
                    data=encode_event(data),
                ))
            session.commit()

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            # Only the data column: building an ORM object per event cost more than reading it.
            rows = self._event_query(session, sender_id,
                                     fetch_events_from_all_sessions=fetch_events_from_all_sessions
                                     ).with_entities(self.SQLEvent.data).all()
            events = [self._decrypted.event(row.data) for row in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None
