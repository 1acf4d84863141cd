"""Staff commands over the records: list, show, export and update handoffs,
and purge what is past its retention. Every access to contact details and
every change is written to the audit trail."""
from __future__ import annotations

import csv
import getpass
import io
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional

from bot import config

from bot.eligibility.model import TrialFileError, load_trial
from bot.records.store import HANDOFF_STATUSES, Handoff, Store, dumps, handoff_as_json


def trial_labels(trial, language: str = "en") -> Dict[str, str]:
    """Question id -> its short label in a language, for staff pages and exports."""
    return {qid: trial.text(language, qid, "label", qid) for qid in trial.questions}


def trial_text(trial, language: str, key: str, default: str = "") -> str:
    """A trial-level text (title, summary) in a language, where the trial has it."""
    value = (trial.texts.get(language) or {}).get(key)
    return str(value) if value else default


def actor() -> str:
    return config.settings().staff_user or f"cli:{getpass.getuser()}"


def local(dt: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time in the hospital's time zone (site config time_zone)."""
    return dt.replace(tzinfo=timezone.utc).astimezone(config.site().tz()).strftime(fmt)


def outcome_text(h: Handoff) -> str:
    return "callback request" if h.kind == "callback" else (h.screening.outcome or "-")


def list_text(store: Store, status: Optional[str] = None) -> str:
    if status and status not in HANDOFF_STATUSES:
        raise ValueError(f"unknown status '{status}'; use one of: {', '.join(HANDOFF_STATUSES)}")
    rows = store.handoffs(status)
    if not rows:
        return "no handoffs" + (f" with status {status}" if status else "")
    tz = config.site().time_zone
    lines = [f"{'REFERENCE':<11} {'TRIAL':<12} {'CREATED (' + tz + ')':<17} {'STATUS':<13} {'OUTCOME':<18} RESPONDENT"]
    for h in rows:
        who = h.screening.respondent or "-"
        if h.screening.relation and who == "proxy":
            who = f"proxy ({h.screening.relation})"
        lines.append(f"{h.reference:<11} {h.screening.trial_id:<12} {local(h.created_at):<17} {h.status:<13} "
                     f"{outcome_text(h):<18} {who}")
    return "\n".join(lines)


def _get(store: Store, reference: str) -> Handoff:
    h = store.handoff(reference)
    if h is None:
        raise LookupError(f"no handoff with reference '{reference}'")
    return h


def show_text(store: Store, reference: str) -> str:
    h = _get(store, reference)
    store.audit(actor(), "handoff_viewed", h.reference)
    trial = load_trial(h.screening.trial_id)
    labels = trial_labels(trial)
    out = [
        f"Handoff {h.reference}  trial: {h.screening.trial_id}  status: {h.status}  outcome: {outcome_text(h)}  "
        f"language: {h.screening.language or '-'}",
        f"Assigned to: {h.assigned_to or 'nobody'}  follow up on: "
        f"{h.follow_up_on.isoformat() if h.follow_up_on else '-'}",
        f"Created {local(h.created_at)}; consent given {local(h.consent_at)} ({config.site().time_zone}): "
        f"{h.consent_text}",
        "",
        "Contact",
        f"  Name: {h.name}",
        f"  Phone: {h.phone or '-'}",
        f"  Email: {h.email or '-'}",
        f"  Preferred time: {h.preferred_time or '-'}",
        f"  Preferred language: {h.preferred_language or '-'}",
        f"  Answering: {h.screening.respondent or '-'}"
        + (f" ({h.screening.relation})" if h.screening.relation else ""),
        "",
        "Criteria",
    ]
    by_id = {a.criterion_id: a for a in h.screening.answers}
    for qid in list(trial.ask_order) + [c for c in trial.criterion_ids if c not in trial.ask_order]:
        a = by_id.get(qid)
        if a is None:
            continue
        label = labels.get(qid, qid)
        out.append(f"  {label} [{qid}]: {(a.verdict or 'profile').upper()}")
        if a.question != "(not asked)":
            out.append(f"    asked: {a.question}")
            out.append(f"    typed: {a.raw_text}")
        if a.reason:
            out.append(f"    reason: {a.reason}")
    if h.notes:
        out += ["", "Notes", "  " + h.notes.replace("\n", "\n  ")]
    out += _after_call_lines(h, labels)
    out += ["", f"Transcript ({config.site().time_zone})"]
    for line in store.transcript(h.screening.sender_id):
        who = "Person" if line.speaker == "person" else "Bot"
        out.append(f"  {local(line.at, '%Y-%m-%d %H:%M:%S')} {who}: " + line.text.replace("\n", "\n      "))
    return "\n".join(out)


def _after_call_lines(h, labels: dict) -> List[str]:
    """What happened after the call, and the coordinators' corrections, as `handoffs show` prints them."""
    out = ["", "After the call"] + [
        f"  {e.happened_on.isoformat()} {e.kind}: {e.result}"
        + (f" ({labels.get(e.criterion_id, e.criterion_id)})" if e.criterion_id else "")
        + (f" ({e.reason})" if e.reason else "") + f"  by {e.actor}" for e in h.events] if h.events else []
    if h.screening.corrections:
        out += ["", "Corrections"] + [
            f"  {labels.get(c.criterion_id, c.criterion_id)} [{c.criterion_id}]: {c.verdict_given} -> "
            f"{c.verdict_expected}  by {c.actor}" + (f": {c.note}" if c.note else "") for c in h.screening.corrections]
    return out


def export(store: Store, fmt: str, output: Optional[Path] = None) -> Path:
    if fmt not in ("csv", "json"):
        raise ValueError("format must be csv or json")
    rows = [handoff_as_json(h) for h in store.handoffs()]
    if output is None:
        output = config.ensure_private_dir(config.data_dir() / "exports") / \
            f"handoffs-{datetime.utcnow():%Y%m%d-%H%M%S}.{fmt}"
    output = Path(output)
    if not output.parent.exists():
        output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = render_export(rows, fmt)
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # contact details: owner only
    os.fchmod(fd, 0o600)  # also when the file existed already
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    store.audit(actor(), "handoffs_exported", detail=f"{len(rows)} handoffs as {fmt} to {output}")
    return output


def render_export(rows: List[dict], fmt: str) -> str:
    """Handoffs (as `handoff_as_json` gives them) as CSV or JSON text. CSV
    starts with a UTF-8 byte order mark (so spreadsheet programs read Korean
    correctly) and no cell can start a formula."""
    return dumps(rows) + "\n" if fmt == "json" else "\ufeff" + _csv(rows)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: a cell starting with =, +, -, @,
    tab or carriage return gets a leading apostrophe (OWASP's advice), so
    '+82 10-1234-5678' stays readable and '=HYPERLINK(...)' never runs."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _criteria(rows: List[dict]) -> List[str]:
    """The criterion columns: each criterion of the rows' trials once, in the trials' order (the active
    trial's when there are no rows). A criterion two trials share is one column: the trial_id column says
    whose it is. A trial without a readable folder here adds none (its answers are still in the JSON)."""
    trial_ids = list(dict.fromkeys(r["trial_id"] for r in rows)) or [None]
    criteria: Dict[str, None] = {}
    for trial_id in trial_ids:
        try:
            criteria.update(dict.fromkeys(load_trial(trial_id).criterion_ids))
        except TrialFileError:
            continue
    return list(criteria)


def _csv(rows: List[dict]) -> str:
    criteria = _criteria(rows)
    fields = ["reference", "trial_id", "kind", "status", "created_at", "outcome", "language", "assigned_to",
              "follow_up_on", "respondent", "relation", "name", "phone", "email", "preferred_time",
              "preferred_language", "consent_at", "notes"]
    header = fields + ["after_call", "corrections"] + [f"{c}.{part}" for c in criteria
                                                       for part in ("verdict", "answer", "reason")]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    for r in rows:
        by_id = {a["criterion"]: a for a in r["answers"]}
        cells = [r.get(f) or "" for f in fields]
        cells.append("; ".join(f"{e['on']} {e['kind']}: {e['result']}"
                               + "".join(f" ({x})" for x in (e["criterion_id"], e["reason"]) if x)
                               for e in r.get("after_call") or ()))
        cells.append("; ".join(f"{c['criterion_id']}: {c['verdict_given']} -> {c['verdict_expected']}"
                               for c in r.get("corrections") or ()))
        for c in criteria:
            a = by_id.get(c, {})
            cells += [a.get("verdict") or "", a.get("answer") or "", a.get("reason") or ""]
        writer.writerow([safe_cell(c) for c in cells])
    return buf.getvalue()


def set_status(store: Store, reference: str, status: str, note: str = "") -> str:
    h = store.set_status(reference, status, note, actor())
    return f"{h.reference}: status is now {h.status}"


def purge(store: Store, days: int) -> str:
    if days < 1:
        raise ValueError("--older-than must be at least 1 day")
    done = store.purge(days, actor())
    files = purge_exports(days)
    return (f"purged {done['screenings']} screenings and {done['events']} conversation events older than {days} days "
            f"(handoffs still in progress were kept), and {files} export files")


def purge_exports(days: int) -> int:
    """Export files in the data folder older than the retention: they copy
    names, phone numbers and answers, and the consent text promises deletion."""
    folder = config.data_dir() / "exports"
    cutoff = datetime.now(timezone.utc).timestamp() - days * 86400
    old = [f for f in folder.glob("handoffs-*") if f.is_file() and f.stat().st_mtime < cutoff] if folder.is_dir() \
        else []
    for f in old:
        f.unlink()
    return len(old)
