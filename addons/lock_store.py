"""Rasa's RedisLockStore with its read-modify-write steps made atomic, so
several Rasa servers really take turns on one conversation.

Rasa 3.6's RedisLockStore issues a ticket by GET lock -> add ticket -> SET
lock. Two servers receiving a message of the same conversation at the same
moment both read the same lock, both add ticket N, and the second SET
overwrites the first: both servers then see their ticket N being served and
handle the two messages at once, and the tracker store keeps only one of the
two turns (RasaHQ/rasa#9213; Rasa's fix, ConcurrentRedisLockStore, is in the
commercial Rasa Pro only). tests/test_scale.py catches exactly this: with the
stock store, messages sent to both servers at once were lost.

Here every change of a lock (issue a ticket, drop expired tickets, finish a
ticket and delete the lock when nobody waits) runs as one Redis transaction
(WATCH the key, read, MULTI/SET or DEL/EXEC, retried when another server
changed the key in between). Everything else, the ticket lock algorithm, the
keys and their format, is Rasa's own.

    lock_store:
      type: addons.lock_store.AtomicRedisLockStore
      url: <host>   port: ...   db: ...   password: ...   key_prefix: ...
"""
from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

DELETE = object()


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa builds a lock store named by module path
            kwargs = dict(endpoint_config.kwargs, **kwargs)
            kwargs.setdefault("host", endpoint_config.url or "localhost")
        super().__init__(**kwargs)

    def _change(self, conversation_id: Text, change: Callable[[Optional[TicketLock]], Any]) -> Any:
        """Applies `change` to the stored lock atomically. `change` gets the
        lock (None when there is none), may change it, and returns its
        result; the lock is then saved, or deleted when `change` returns
        DELETE, or left alone when there was none and it returns None."""
        key = self.key_prefix + conversation_id
        outcome: dict = {}

        def transaction(pipe) -> None:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            result = change(lock)
            pipe.multi()
            if result is DELETE:
                pipe.delete(key)
            elif lock is not None:
                pipe.set(key, lock.dumps())
            outcome["result"] = result

        self.red.transaction(transaction, key)
        return outcome.get("result")

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        key = self.key_prefix + conversation_id
        outcome: dict = {}

        def transaction(pipe) -> None:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else self.create_lock(conversation_id)
            outcome["ticket"] = lock.issue_ticket(lock_lifetime)
            pipe.multi()
            pipe.set(key, lock.dumps())

        try:
            self.red.transaction(transaction, key)
        except Exception as e:  # reported as Rasa's own issue_ticket does
            raise LockError(f"Error while acquiring lock. Error:\n{e}")
        return outcome["ticket"]

    def update_lock(self, conversation_id: Text) -> None:
        def change(lock: Optional[TicketLock]):
            if lock is not None:
                lock.remove_expired_tickets()
            return None

        self._change(conversation_id, change)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def change(lock: Optional[TicketLock]):
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return None

        self._change(conversation_id, change)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Finish this ticket and delete the lock when nobody waits, in one step
        (Rasa does these as separate reads and writes)."""
        def change(lock: Optional[TicketLock]):
            if lock is None:
                return None
            lock.remove_ticket_for(ticket_number)
            return None if lock.is_someone_waiting() else DELETE

        self._change(conversation_id, change)
