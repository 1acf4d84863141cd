"""The study team's pages behind sign-in: the handoff queue (/staff) with
its search and filters, one handoff (/staff/handoffs/<ref>) and the changes
made there (status, assignee, follow-up date), the safety events
(/staff/safety), corrections of the assistant's verdicts on a handoff and the
agreement per criterion (/staff/corrections), and the CSV/JSON download. Every word comes from the staff
texts in the session's language (web/staff_texts.py)."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Dict, List, Mapping, Optional

from aiohttp import web

from bot import config
from bot.eligibility.model import TrialFileError
from bot.eligibility.portfolio import site_portfolio
from bot.records.store import (CONTACT_RESULTS, CORRECTABLE_VERDICTS, DECLINE_REASONS, HANDOFF_STATUSES, OUTCOMES,
                               STAGES, Agreement, Handoff, MonthCounts, SameVerdict, Store, handoff_as_json,
                               reason_totals)
from bot.staff import review
from web.pages import LANGUAGES
from web.security import Form, read_form
from web.signin import StaffMember, check_csrf, require_staff
from web.staff_pages import StaffError, render_staff
from web.staff_texts import texts
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
    unknown status, outcome or language is no filter. A trial is any id (the
    column's length at most): one that no handoff has finds none."""
    q: str
    status: str
    outcome: str
    language: str
    created_from: str
    created_to: str
    sort: str
    trial: str

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> QueueFilter:
        status, outcome, language = query.get("status") or "", query.get("outcome") or "", query.get("language") or ""
        sort = query.get("sort") or ""
        return cls(q=query.get("q", "").strip()[:100],
                   status=status if status in HANDOFF_STATUSES else "",
                   outcome=outcome if outcome in (*OUTCOMES, "callback") else "",
                   language=language if language in LANGUAGES else "",
                   created_from=query.get("from") or "", created_to=query.get("to") or "",
                   sort=sort if sort in SORTS else "waiting", trial=(query.get("trial") or "").strip()[:32])

    @property
    def filtered(self) -> bool:
        return any((self.q, self.status, self.outcome, self.language, self.created_from, self.created_to, self.trial))

    def form(self) -> Dict[str, str]:
        """The values by the form's field names, for the page to show again."""
        return {"q": self.q, "status": self.status, "outcome": self.outcome, "language": self.language,
                "from": self.created_from, "to": self.created_to, "sort": self.sort, "trial": self.trial}


@dataclass(frozen=True)
class TrialChoice:
    id: str
    title: str  # the short title in the page's language; "" for a trial without a readable folder here


def _short_title(trial_id: str, language: str) -> str:
    try:
        return review.trial_text(review.load_trial(trial_id), language, "short_title")
    except TrialFileError:
        return ""


def _trial_choices(store: Store, chosen: str, language: str) -> List[TrialChoice]:
    """The trial filter's choices: every trial with a handoff and every trial the site lists. A chosen id
    that is neither (an old link) is offered too, so that the page shows what it filtered by; it finds nothing."""
    known = set(store.handoff_trials()) | {x.trial.id for x in site_portfolio().listed}
    return [TrialChoice(t, _short_title(t, language) if t in known else "") for t in sorted(known | ({chosen} - {""}))]


async def staff_list(request: web.Request) -> web.Response:
    who = require_staff(request)
    f = QueueFilter.from_query(request.query)
    store = services(request).store
    rows = await in_thread(store.find_handoffs, f.q, f.status or None, f.outcome or None, f.language or None, None,
                           _day(f.created_from), _day(f.created_to), f.sort, config.site().tz(), f.trial or None)
    # Both funnels follow the trial filter: they count the chosen trial's screenings, or every trial's.
    funnel = await in_thread(store.funnel, trial=f.trial or None)
    peak = max([1] + [n for row in funnel if isinstance(n := row["started"], int)])  # the longest bar
    months = await in_thread(store.monthly_funnel, trial=f.trial or None)
    trials = await in_thread(_trial_choices, store, f.trial, who.language)
    return _page(request, who, "staff_list.html", page="queue", handoffs=rows, f=f.form(), filtered=f.filtered,
                 statuses=HANDOFF_STATUSES, outcomes=(*OUTCOMES, "callback"), languages=LANGUAGES, sorts=SORTS,
                 trials=trials, titles={c.id: c.title for c in trials},
                 funnel=funnel, peak=peak, now=datetime.utcnow(), months=months, stages=STAGES,
                 stopped=reason_totals(months), labels=_all_labels(months, who.language),
                 chart=_chart(months))


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
    corrections = await in_thread(store.corrections, h.reference)
    trial = review.load_trial(h.screening.trial_id)
    correctable = [a for a in h.screening.answers if a.verdict in (*CORRECTABLE_VERDICTS, "not_applicable")]
    return _page(request, who, "staff_handoff.html", h=h, labels=labels, transcript=transcript,
                 trial_title=_short_title(h.screening.trial_id, who.language),
                 statuses=HANDOFF_STATUSES, points=points_to_check(h), flags=h.screening.flags, trail=trail,
                 staff_users=users, phone_link=phone_link, corrections=corrections, correctable=correctable,
                 verdict_choices=CORRECTABLE_VERDICTS, today=_site_today().isoformat(),
                 contact_results=CONTACT_RESULTS, decline_reasons=DECLINE_REASONS,
                 criteria=[(qid, labels.get(qid, qid)) for qid in trial.criterion_ids])


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


def _correct(store: Store, ref: str, form: Form, actor: str) -> None:
    try:
        store.record_correction(ref, str(form.get("criterion", "")), str(form.get("verdict", "")),
                                str(form.get("note", "")).strip()[:2000], actor)
    except SameVerdict:
        raise StaffError(400, "same_verdict")


def _site_today() -> date:
    return datetime.now(config.site().tz()).date()


def _on(form: Form) -> date:
    """The day it happened: the form's date, today (the site's) when empty; never in the future."""
    value = str(form.get("on", "")).strip()
    day = _day(value) if value else _site_today()
    if day is None or day > _site_today():
        raise ValueError("the date must be a day up to today")
    return day


def _contact(store: Store, ref: str, form: Form, actor: str) -> None:
    store.record_contact(ref, str(form.get("result", "")), _on(form), actor)


def _result(store: Store, ref: str, form: Form, actor: str) -> None:
    h = store.handoff(ref)
    if h is None:
        raise LookupError(ref)
    criterion = str(form.get("criterion", ""))
    if criterion and criterion not in review.load_trial(h.screening.trial_id).criterion_ids:
        raise ValueError("not a criterion of this trial")
    store.record_screening_result(ref, str(form.get("result", "")), _on(form), actor, criterion,
                                  str(form.get("reason", "")))


async def staff_contact(request: web.Request) -> web.Response:
    return await _staff_change(request, _contact, "bad_after_call")


async def staff_result(request: web.Request) -> web.Response:
    return await _staff_change(request, _result, "bad_after_call")


def _all_labels(months: List[MonthCounts], language: str) -> Dict[str, str]:
    labels: Dict[str, str] = {}
    for trial in sorted({m.trial for m in months}):
        labels.update(review.trial_labels(review.load_trial(trial), language))
    return labels


@dataclass(frozen=True)
class Bar:
    stage: str
    total: int
    width: float  # of 100


def _chart(months: List[MonthCounts]) -> List[Bar]:
    """Every stage summed over the months shown, as bars drawn on the server (SVG in the template)."""
    totals = [(stage, sum(int(getattr(m, stage)) for m in months)) for stage in STAGES]
    peak = max([1] + [n for _, n in totals])
    return [Bar(stage, n, round(100 * n / peak, 1)) for stage, n in totals]


def _funnel_csv(months: List[MonthCounts], language: str) -> str:
    """One row per month and trial: the steps, then how many stopped for each reason (a column per reason)."""
    t, labels = texts(language), _all_labels(months, language)
    reasons = [key for key, _ in reason_totals(months)]
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow([t("month"), t("study")] + [t.word("stages", st) for st in STAGES]
                 + [t.stop(stop, detail, labels) for stop, detail in reasons])
    for m in months:
        out.writerow([review.safe_cell(c) for c in [t.month(m.month), m.trial] + [getattr(m, st) for st in STAGES]
                      + [m.reasons.get(key, 0) for key in reasons]])
    return "\ufeff" + buf.getvalue()


async def staff_funnel_csv(request: web.Request) -> web.Response:
    """The month-by-month funnel with the reasons, in the page's words; of one trial with ?trial=."""
    who = require_staff(request)
    trial = QueueFilter.from_query(request.query).trial
    months = await in_thread(services(request).store.monthly_funnel, trial=trial or None)
    body = _funnel_csv(months, who.language)
    await in_thread(services(request).store.audit, f"web:{who.username}", "funnel_exported",
                    detail=f"{len(months)} months" + (f", trial {trial}" if trial else ""))
    return web.Response(body=body.encode("utf-8"), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": 'attachment; filename="funnel.csv"'})


async def staff_status(request: web.Request) -> web.Response:
    return await _staff_change(request, _status, "bad_status")


async def staff_assign(request: web.Request) -> web.Response:
    return await _staff_change(request, _assign, "bad_user")


async def staff_follow_up(request: web.Request) -> web.Response:
    return await _staff_change(request, _follow_up, "bad_date")


async def staff_correction(request: web.Request) -> web.Response:
    return await _staff_change(request, _correct, "bad_correction")


@dataclass(frozen=True)
class AgreementRow:
    label: str  # the criterion in words, in the page's language
    study: str
    judged: int
    corrected: int
    agreed_percent: int


def _agreement_rows(rows: List[Agreement], language: str) -> List[AgreementRow]:
    labels = {trial: review.trial_labels(review.load_trial(trial), language) for trial in {r.trial for r in rows}}
    return [AgreementRow(labels[r.trial].get(r.criterion, r.criterion), r.trial, r.judged, r.corrected,
                         r.agreed_percent) for r in rows]


async def staff_corrections(request: web.Request) -> web.Response:
    """How often the team agreed with the assistant, per criterion."""
    who = require_staff(request)
    rows = await in_thread(services(request).store.agreement)
    return _page(request, who, "staff_corrections.html", page="corrections", rows=_agreement_rows(rows, who.language))


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
    app.router.add_post("/staff/handoffs/{ref}/correction", staff_correction)
    app.router.add_get("/staff/corrections", staff_corrections)
    app.router.add_post("/staff/handoffs/{ref}/contact", staff_contact)
    app.router.add_post("/staff/handoffs/{ref}/result", staff_result)
    app.router.add_get("/staff/funnel.csv", staff_funnel_csv)
    app.router.add_get("/staff/export", staff_export)
    app.router.add_get("/staff/safety", staff_safety)
