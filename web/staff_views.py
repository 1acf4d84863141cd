"""The study team's pages behind sign-in: the handoff queue (/staff) with
its search and filters, one handoff (/staff/handoffs/<ref>) and the changes
made there (status, assignee, follow-up date), the safety events
(/staff/safety) and the CSV/JSON download. Every word comes from the staff
texts in the session's language (web/staff_texts.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Dict, List, Mapping, Optional

from aiohttp import web

from bot import config
from bot.records.store import HANDOFF_STATUSES, OUTCOMES, Handoff, Store, handoff_as_json
from bot.staff import review
from web.pages import LANGUAGES
from web.security import Form, read_form
from web.signin import StaffMember, check_csrf, require_staff
from web.staff_pages import StaffError, render_staff
from web.state import in_thread, services

SORTS = ("waiting", "newest", "oldest")


def _day(value: str) -> Optional[date]:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class QueueFilter:
    """The queue's search and filters as the page's form sent them; an
    unknown status, outcome or language is no filter."""
    q: str
    status: str
    outcome: str
    language: str
    created_from: str
    created_to: str
    sort: str

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> QueueFilter:
        status, outcome, language = query.get("status") or "", query.get("outcome") or "", query.get("language") or ""
        sort = query.get("sort") or ""
        return cls(q=query.get("q", "").strip()[:100],
                   status=status if status in HANDOFF_STATUSES else "",
                   outcome=outcome if outcome in (*OUTCOMES, "callback") else "",
                   language=language if language in LANGUAGES else "",
                   created_from=query.get("from") or "", created_to=query.get("to") or "",
                   sort=sort if sort in SORTS else "waiting")

    @property
    def filtered(self) -> bool:
        return any((self.q, self.status, self.outcome, self.language, self.created_from, self.created_to))

    def form(self) -> Dict[str, str]:
        """The values by the form's field names, for the page to show again."""
        return {"q": self.q, "status": self.status, "outcome": self.outcome, "language": self.language,
                "from": self.created_from, "to": self.created_to, "sort": self.sort}


async def staff_list(request: web.Request) -> web.Response:
    who = require_staff(request)
    f = QueueFilter.from_query(request.query)
    store = services(request).store
    rows = await in_thread(store.find_handoffs, f.q, f.status or None, f.outcome or None, f.language or None, None,
                           _day(f.created_from), _day(f.created_to), f.sort, config.site().tz())
    funnel = await in_thread(store.funnel)
    peak = max([1] + [n for row in funnel if isinstance(n := row["started"], int)])  # the longest bar
    return _page(request, who, "staff_list.html", page="queue", handoffs=rows, f=f.form(), filtered=f.filtered,
                 statuses=HANDOFF_STATUSES, outcomes=(*OUTCOMES, "callback"), languages=LANGUAGES, sorts=SORTS,
                 funnel=funnel, peak=peak, now=datetime.utcnow())


def _page(request: web.Request, who: StaffMember, name: str, **context: Any) -> web.Response:
    return render_staff(request, name, language=who.language, user=who.username, csrf=who.csrf, **context)


@dataclass(frozen=True)
class PointToCheck:
    criterion: str
    verdict: Optional[str]
    reason: str
    eligible_from: Optional[date]  # a temporary exclusion: from when it may be fine


def points_to_check(h: Handoff) -> List[PointToCheck]:
    """Unknown and deferred criteria with their reasons, and any temporary
    exclusion with the date stored with its verdict."""
    points = []
    for a in h.screening.answers:
        when = a.eligible_from
        if a.verdict in ("unknown", "deferred") or (a.verdict == "fail" and when):
            points.append(PointToCheck(a.criterion_id, a.verdict, a.reason or "", when))
    return points


async def staff_handoff(request: web.Request) -> web.Response:
    who = require_staff(request)
    store = services(request).store
    h = await in_thread(store.handoff, request.match_info["ref"])
    if h is None:
        raise StaffError(404, "no_handoff")
    await in_thread(store.audit, f"web:{who.username}", "handoff_viewed", h.reference)
    labels = review.trial_labels(review.load_trial(h.screening.trial_id), who.language)
    transcript = await in_thread(store.transcript, h.screening.sender_id)
    trail = await in_thread(store.audit_trail, h.reference)
    users = await in_thread(store.staff_users)
    phone_link = "tel:" + re.sub(r"[^\d+]", "", h.phone) if h.phone else None
    return _page(request, who, "staff_handoff.html", h=h, labels=labels, transcript=transcript,
                 statuses=HANDOFF_STATUSES, points=points_to_check(h), flags=h.screening.flags, trail=trail,
                 staff_users=users, phone_link=phone_link)


# A change to one handoff: (store, reference, posted form, actor).
Change = Callable[[Store, str, Form, str], object]


async def _staff_change(request: web.Request, change: Change, bad: str) -> web.Response:
    """`bad`: the words (texts `errors`) for a value the change refuses."""
    who = require_staff(request)
    form = await read_form(request)
    check_csrf(form, who.csrf)
    ref = request.match_info["ref"]
    try:
        await in_thread(change, services(request).store, ref, form, f"web:{who.username}")
    except LookupError:
        raise StaffError(404, "no_handoff")
    except ValueError:
        raise StaffError(400, bad)
    raise web.HTTPFound(f"/staff/handoffs/{ref}")


def _status(store: Store, ref: str, form: Form, actor: str) -> Handoff:
    return store.set_status(ref, str(form.get("status", "")), str(form.get("note", ""))[:2000], actor)


def _assign(store: Store, ref: str, form: Form, actor: str) -> Handoff:
    return store.assign(ref, str(form.get("assigned_to", ""))[:64], actor)


def _follow_up(store: Store, ref: str, form: Form, actor: str) -> Handoff:
    value = str(form.get("follow_up_on", "")).strip()
    when = None
    if value:
        when = _day(value)
        if when is None:
            raise ValueError("the follow-up date must be a date (YYYY-MM-DD)")
    return store.set_follow_up(ref, when, actor)


async def staff_status(request: web.Request) -> web.Response:
    return await _staff_change(request, _status, "bad_status")


async def staff_assign(request: web.Request) -> web.Response:
    return await _staff_change(request, _assign, "bad_user")


async def staff_follow_up(request: web.Request) -> web.Response:
    return await _staff_change(request, _follow_up, "bad_date")


async def staff_safety(request: web.Request) -> web.Response:
    """Where urgent advice or a crisis line was given: when, for which sign, and the handoff if there is one."""
    who = require_staff(request)
    store = services(request).store
    events = await in_thread(store.safety_events)
    await in_thread(store.audit, f"web:{who.username}", "safety_events_viewed", detail=f"{len(events)} events")
    return _page(request, who, "staff_safety.html", page="safety", events=events)


async def staff_export(request: web.Request) -> web.Response:
    who = require_staff(request)
    fmt = request.query.get("format", "csv")
    if fmt not in ("csv", "json"):
        raise StaffError(400, "bad_format")
    store = services(request).store
    rows = [handoff_as_json(h) for h in await in_thread(store.handoffs)]
    body = review.render_export(rows, fmt)
    await in_thread(store.audit, f"web:{who.username}", "handoffs_exported",
                    detail=f"{len(rows)} handoffs as {fmt} (download)")
    return web.Response(body=body.encode("utf-8"),
                        content_type="text/csv" if fmt == "csv" else "application/json", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="handoffs.{fmt}"'})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/staff", staff_list)
    app.router.add_get("/staff/handoffs/{ref}", staff_handoff)
    app.router.add_post("/staff/handoffs/{ref}/status", staff_status)
    app.router.add_post("/staff/handoffs/{ref}/assign", staff_assign)
    app.router.add_post("/staff/handoffs/{ref}/follow-up", staff_follow_up)
    app.router.add_get("/staff/export", staff_export)
    app.router.add_get("/staff/safety", staff_safety)
