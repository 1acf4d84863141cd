"""What happened after a handoff: each call (reached, no answer, wrong
number) and the study team's own screening (eligible, not eligible with the
criterion, declined with a reason from a short list, enrolled), by day; and
the funnel per month from the first message to enrolment, with the reason
each handed-off person did not enrol."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timezone
from typing import Dict, List, Optional, Tuple

import sqlalchemy as sa

from bot import config
from bot.records.database import Database
from bot.records.handoffs import _existing_handoff
from bot.records.tables import (CONTACT_RESULTS, DECLINE_REASONS, OPEN_STATUSES, SCREENING_RESULTS, AuditEntry,
                                Handoff, HandoffEvent, Screening, utcnow)

# The handoff's status each result leads to (None: unchanged); only an open status moves on.
_STATUS = {"reached": "contacted", "eligible": "contacted", "enrolled": "enrolled", "not_eligible": "not_eligible",
           "declined": "withdrawn"}
STAGES = ("started", "finished", "likely_eligible", "possibly_eligible", "handed_off", "contacted", "screened",
          "enrolled")


@dataclass(frozen=True)
class Outcome:
    """What a handoff came to, for the funnel: `stop` is why it ended short of
    enrolment ("" while enrolled): not_eligible, declined, wrong_number,
    eligible (not enrolled yet), reached (no result yet), not_reached; `detail`
    the criterion or the reason."""
    contacted: bool
    screened: bool
    enrolled: bool
    stop: str
    detail: str = ""


def outcome(events: List[HandoffEvent]) -> Outcome:
    contacts = [e.result for e in events if e.kind == "contact"]
    results = [e for e in events if e.kind == "screening"]
    last = results[-1] if results else None
    contacted = "reached" in contacts or bool(results)
    screened = any(e.result in ("eligible", "not_eligible", "enrolled") for e in results)
    if last is not None:
        if last.result == "enrolled":
            return Outcome(True, True, True, "")
        return Outcome(True, screened, False, last.result, last.criterion_id or last.reason or "")
    if contacted:
        return Outcome(True, False, False, "reached")
    return Outcome(False, False, False, "wrong_number" if "wrong_number" in contacts else "not_reached")


@dataclass
class MonthCounts:
    """One month (by when the screening started, in the site's time zone) of one trial."""
    month: date  # its first day
    trial: str
    started: int = 0
    finished: int = 0
    likely_eligible: int = 0
    possibly_eligible: int = 0
    handed_off: int = 0
    contacted: int = 0
    screened: int = 0
    enrolled: int = 0
    # Why the handed-off people did not enrol: (stop, detail) -> how many.
    reasons: Dict[Tuple[str, str], int] = field(default_factory=dict)

    def count(self, sc: Screening) -> None:
        self.started += 1
        self.finished += sc.status == "finished"
        self.likely_eligible += sc.outcome == "likely_eligible"
        self.possibly_eligible += sc.outcome == "needs_review"
        h: Optional[Handoff] = sc.handoff
        if h is None or h.kind != "screening":
            return
        self.handed_off += 1
        o = outcome(list(h.events))
        self.contacted += o.contacted
        self.screened += o.screened
        self.enrolled += o.enrolled
        if o.stop:
            self.reasons[(o.stop, o.detail)] = self.reasons.get((o.stop, o.detail), 0) + 1


def _month(d: date) -> date:
    return d.replace(day=1)


def _months_back(today: date, n: int) -> List[date]:
    out, y, m = [], today.year, today.month
    for _ in range(n):
        out.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


class AfterCallRecords(Database):
    def record_contact(self, reference: str, result: str, on: date, actor: str) -> None:
        if result not in CONTACT_RESULTS:
            raise ValueError(f"a call is one of {', '.join(CONTACT_RESULTS)}")
        self._record(reference, HandoffEvent(kind="contact", result=result, happened_on=on, actor=actor))

    def record_screening_result(self, reference: str, result: str, on: date, actor: str,
                                criterion: str = "", reason: str = "") -> None:
        """not_eligible needs the criterion (one the trial has), declined a reason of DECLINE_REASONS."""
        if result not in SCREENING_RESULTS:
            raise ValueError(f"a screening result is one of {', '.join(SCREENING_RESULTS)}")
        if result == "declined" and reason not in DECLINE_REASONS:
            raise ValueError(f"a reason to decline is one of {', '.join(DECLINE_REASONS)}")
        if result == "not_eligible" and not criterion:
            raise ValueError("say which criterion was not met")
        self._record(reference, HandoffEvent(kind="screening", result=result, happened_on=on, actor=actor,
                                             criterion_id=criterion if result == "not_eligible" else None,
                                             reason=reason if result == "declined" else None))

    def _record(self, reference: str, event: HandoffEvent) -> None:
        with self.session() as s:
            h = _existing_handoff(s, reference)
            event.at = utcnow()
            h.events.append(event)
            detail = f"{event.result} on {event.happened_on.isoformat()}"
            s.add(AuditEntry(actor=event.actor, action=f"{event.kind}_recorded", reference=h.reference,
                             detail=detail + (f": {event.criterion_id or event.reason}"
                                              if event.criterion_id or event.reason else "")))
            new = _STATUS.get(event.result)
            # Only an open handoff moves on, and a scheduled visit is not undone by a later call.
            undo = new == "contacted" and h.status == "scheduled"
            moves = h.status in OPEN_STATUSES and h.status != new and not undo
            if new and moves:
                s.add(AuditEntry(actor=event.actor, action="status_changed", reference=h.reference,
                                 detail=f"{h.status} -> {new}"))
                h.status = new

    def handoff_events(self, reference: str) -> List[HandoffEvent]:
        with self.session() as s:
            return list(_existing_handoff(s, reference).events)

    def monthly_funnel(self, months: int = 6, today: Optional[date] = None,
                       trial: Optional[str] = None) -> List[MonthCounts]:
        """The last `months` months, oldest first, per trial that had a screening in them; only `trial`'s
        rows when given (None: every trial, a row each)."""
        tz = config.site().tz()
        today = today or utcnow().replace(tzinfo=timezone.utc).astimezone(tz).date()
        wanted = _months_back(today, months)
        counts: Dict[Tuple[date, str], MonthCounts] = {}
        q = sa.select(Screening) if trial is None else sa.select(Screening).where(Screening.trial_id == trial)
        with self.session() as s:
            for sc in s.execute(q).scalars():
                month = _month(sc.started_at.replace(tzinfo=timezone.utc).astimezone(tz).date())
                if month in wanted:
                    counts.setdefault((month, sc.trial_id), MonthCounts(month, sc.trial_id)).count(sc)
        return [counts[k] for k in sorted(counts)]


def reason_totals(rows: List[MonthCounts]) -> List[Tuple[Tuple[str, str], int]]:
    """Every reason over the rows, most common first."""
    total: Counter[Tuple[str, str]] = Counter()
    for r in rows:
        total.update(r.reasons)
    return sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))
