"""Deleting personal data: everything of one person on request ('delete my
data'), and everything older than the retention period (the purge). The
audit trail keeps that a deletion happened, never what was deleted."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Dict, FrozenSet

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.records.conversations import delete_events, has_events_table
from bot.records.database import Database
from bot.records.tables import (OPEN_STATUSES, RASA_EVENTS, AuditEntry, ChatSession, Handoff, Screening, id_hash,
                                utcnow)


@dataclass(frozen=True)
class _PurgedScreenings:
    count: int
    gone_senders: FrozenSet[str]
    kept_senders: FrozenSet[str]  # senders with a screening still on record: their conversation stays


def _purge_screenings(s: Session, cutoff: datetime) -> _PurgedScreenings:
    old = s.execute(sa.select(Screening).where(Screening.updated_at < cutoff)).scalars().all()
    # A screening whose handoff is still open is kept until the handoff is closed.
    gone = [r for r in old if r.handoff is None or r.handoff.status not in OPEN_STATUSES]
    kept = s.execute(sa.select(Screening.sender_id).where(
        Screening.id.notin_([r.id for r in gone]) if gone else sa.true())).scalars()
    purged = _PurgedScreenings(len(gone), frozenset(r.sender_id for r in gone), frozenset(kept))
    for r in gone:
        s.delete(r)
    return purged


def _purge_events(conn: sa.engine.Connection, cutoff: datetime, purged: _PurgedScreenings) -> int:
    # Conversations whose last event is older than the cutoff, unless a kept
    # screening needs them, and those of the screenings just deleted.
    last = conn.execute(sa.select(RASA_EVENTS.c.sender_id, sa.func.max(RASA_EVENTS.c.timestamp))
                        .group_by(RASA_EVENTS.c.sender_id)).all()
    stale = {sid for sid, ts in last if (ts or 0) < cutoff.timestamp() and sid not in purged.kept_senders}
    return delete_events(conn, sorted(stale | (purged.gone_senders - purged.kept_senders)))


def erase_orphan_audit_details(s: Session) -> None:
    """An audit row's detail (a status change carries the staff's note) lives
    only as long as its handoff: who did what, and when, stays."""
    s.execute(sa.update(AuditEntry).where(AuditEntry.reference.isnot(None), AuditEntry.detail_enc.isnot(None),
                                          AuditEntry.reference.notin_(sa.select(Handoff.reference)))
              .values(detail_enc=None).execution_options(synchronize_session=False))


class RetentionRecords(Database):
    def delete_person(self, sender_id: str) -> None:
        """'Delete my data': every screening, answer, handoff and tracker event
        of this sender, and the details of the audit rows about its handoffs
        (a staff note). The audit trail keeps only that a deletion happened."""
        with self.session() as s:
            rows = s.execute(sa.select(Screening).where(Screening.sender_id == sender_id)).scalars().all()
            refs = [r.handoff.reference for r in rows if r.handoff is not None]
            for r in rows:
                s.delete(r)
            s.flush()
            erase_orphan_audit_details(s)
            for ref in refs:
                s.add(AuditEntry(actor="patient", action="data_deleted", reference=ref))
            s.execute(sa.delete(ChatSession).where(ChatSession.id_hash == id_hash(sender_id)))
        if has_events_table(self.engine):
            with self.engine.begin() as conn:
                delete_events(conn, [sender_id])

    def purge(self, older_than_days: int, actor: str) -> Dict[str, int]:
        """Deletes screenings and conversations older than the retention, and
        the audit details about their handoffs; a screening whose handoff is
        still open is kept until it is closed."""
        cutoff = utcnow() - timedelta(days=older_than_days)
        with self.session() as s:
            purged = _purge_screenings(s, cutoff)
            s.flush()
            erase_orphan_audit_details(s)
            s.execute(sa.delete(ChatSession).where(ChatSession.last_seen_at < cutoff))
        removed_events = 0
        if has_events_table(self.engine):
            with self.engine.begin() as conn:
                removed_events = _purge_events(conn, cutoff, purged)
        with self.session() as s:
            s.add(AuditEntry(actor=actor, action="purge", detail=f"older than {older_than_days} days: "
                             f"{purged.count} screenings, {removed_events} conversation events"))
        return {"screenings": purged.count, "events": removed_events}
