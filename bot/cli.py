"""`python -m bot ...`: commands for study staff and for testing."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import List, Optional, Tuple

from bot.eligibility.model import active_trial_id, load_trial
from bot.eligibility.portfolio import Portfolio, Screening, site_portfolio
from bot.eligibility.session import Session, reason


class UsageError(Exception):
    """A problem with what the user gave: one line on stderr, exit status 2."""


def _answers(data: object, where: str, known: List[str]) -> dict:
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise UsageError(f'{where} must hold an object {{"answers": {{"<criterion id>": "<answer>", ...}}}}')
    answers = {}
    for key, value in data["answers"].items():
        if key not in known:
            raise UsageError(f"unknown key '{key}' in answers; expected one of: {', '.join(known)}")
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise UsageError(f"the answer for '{key}' must be text")
        answers[key] = str(value)
    return answers


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc.__class__.__name__}")


def _json(text: str, where: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{where} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")


def evaluation(trial, answers: dict, today: date, language: str) -> dict:
    """The evaluator's output for one sheet: every criterion's verdict and
    reason, and the answers no reader could read (the chat would ask again)."""
    session = Session.from_texts(trial, answers, today)
    return {**_judged(session, language), "unread": {k: v.why for k, v in session.unread.items()}}


def _judged(session: Session, language: str) -> dict:
    """One trial's outcome and every criterion's verdict and reason."""
    return {"outcome": session.outcome.value,
            "verdicts": {k: {"verdict": j.verdict.value, "reason": reason(session, k, language)}
                         for k, j in session.verdicts.items()}}


def evaluation_of_trials(portfolio: Portfolio, answers: dict, today: date, language: str) -> dict:
    """A sheet of the chat's answers (by concept) judged by every trial the
    site screens for, each with its own rules: the readings the chat would use."""
    read_once = Session.from_texts(portfolio.merged, answers, today)
    screening = Screening(portfolio, read_once.readings, today)
    trials = {tid: _judged(s, language) for tid, s in screening.sessions.items()}
    return {"screening_outcomes": {tid: trials[tid]["outcome"] for tid in screening.ranked()},
            "screening_outcome": trials[portfolio.first.id]["outcome"], "trials": trials,
            "unread": {k: v.why for k, v in read_once.unread.items()}}


def cmd_evaluate(args: argparse.Namespace) -> int:
    """One trial (--trial, or a site of one) prints its verdicts; a site of
    several prints each trial's, most promising first."""
    portfolio = site_portfolio(args.trial)
    known = list(portfolio.merged.asked_ids)
    today = date.fromisoformat(args.today) if args.today else date.today()

    def evaluate(answers: dict) -> dict:
        if portfolio.single:
            return evaluation(portfolio.first, answers, today, args.language)
        return evaluation_of_trials(portfolio, answers, today, args.language)

    if args.batch:
        for n, line in enumerate(_read(args.file).splitlines(), 1):
            if line.strip():
                answers = _answers(_json(line, f"{args.file} line {n}"), f"{args.file} line {n}", known)
                print(json.dumps(evaluate(answers), ensure_ascii=False))
        return 0
    answers = _answers(_json(_read(args.file), args.file), args.file, known)
    print(json.dumps(evaluate(answers), indent=2, ensure_ascii=False))
    return 0


def cmd_sync_domain(args: argparse.Namespace) -> int:
    from bot.conversation.rasa_domain import write

    changed = write()
    print("domain/generated.yml and data/rules.yml updated" if changed else "the generated files are up to date")
    return 0


def cmd_trial_check(args: argparse.Namespace) -> int:
    """Every problem of each trial folder, one line each; exit status 1 when any."""
    from bot.eligibility.check import check_folder

    failed = False
    for folder in args.folders:
        report = check_folder(Path(folder))
        for error in report.errors:
            print(f"error: {error}")
        print(report.summary())
        failed = failed or not report.ok
    return 1 if failed else 0


def cmd_init(args: argparse.Namespace) -> int:
    """Data folder, encryption key and database schema: everything the bot
    needs before it runs. Safe to run again."""
    from bot import config
    from bot.records import crypto
    from bot.records.store import Store

    config.ensure_private_dir(config.data_dir())
    config.ensure_private_dir(config.data_dir() / "logs")
    if not config.settings().encryption_key:
        if crypto.create_key_file(config.key_file()):
            print(f"created a new encryption key in {config.key_file()} (keep it safe: without it the stored "
                  "contact details cannot be read)")
    store = Store()
    store.migrate()
    print(f"database ready: {store.engine.url.render_as_string(hide_password=True)}")
    from bot.records.keys import key_warnings

    for w in key_warnings():  # on stdout: `make run` shows what init says
        print(f"warning: {w}")
    _warn_site()
    return 0


def _warn_site() -> int:
    """Warnings for the operator about the site file (never shown to patients)."""
    from bot import config

    warnings = config.site_warnings()
    for w in warnings:
        print(f"warning: {config.site_file()}: {w}", file=sys.stderr)
    return len(warnings)


def _active_trial() -> Tuple[str, bool]:
    """The trial this deployment screens for (TRIALBOT_TRIAL, else the site's
    study_id), where its folder is and its title; or why it cannot be loaded."""
    from bot import config

    trial_id = active_trial_id()
    if not trial_id:
        return "(none)", False
    several = not config.settings().trial and len(config.site().trials) > 1
    origin = "TRIALBOT_TRIAL" if config.settings().trial else ("trials" if several else "study_id")
    try:
        trial = load_trial(trial_id)
        portfolio = site_portfolio()
    except ValueError as exc:
        return f"{trial_id} (from {origin}): cannot be loaded: {exc}", False
    if several:
        return "; ".join(f"{x.trial.id} [{x.status.value}] ({x.trial.folder})" for x in portfolio.listed), True
    return f"{trial.id} (from {origin}; {trial.folder}): {trial.texts['en'].get('title', '')}", True


def cmd_check_config(args: argparse.Namespace) -> int:
    """Loads the site file, prints what is set and warns about what is not.
    Exit status 0 (1 with --strict when something is unset)."""
    from bot import config

    site = config.site()
    trial, trial_ok = _active_trial()
    print(f"site file: {config.site_file()}")
    for label, value in (("institution", f"{site.institution} ({site.institution_short}), {site.hospital('ko')}"),
                         ("active trial", trial), ("contact role", site.contact_role),
                         ("team", f"{site.team('en')} / {site.team('ko')}"),
                         ("study_phone", site.phone or "(not set)"), ("study_email", site.email or "(not set)"),
                         ("public_phone", site.public_phone or "(not set)"), ("address", site.address or "(not set)"),
                         ("hours", site.hours or "(not set)"),
                         ("crisis_lines", ", ".join(f"{c.number} {c.name}" for c in site.crisis_lines) or "(none)"),
                         ("time_zone", site.time_zone), ("reference_prefix", site.reference_prefix),
                         ("retention_days", site.retention_days), ("chat_idle_minutes", site.chat_idle_minutes)):
        print(f"  {label}: {value}")
    unset = _warn_site() + _warn_key()
    if not trial_ok:
        print("error: the active trial cannot be loaded; set study_id in the site file or TRIALBOT_TRIAL",
              file=sys.stderr)
        return 1
    return 1 if unset and args.strict else 0


def _warn_key() -> int:
    """Where the key is, and a warning when a copy of the data folder would read everything."""
    from bot import config
    from bot.records.keys import key_warnings

    st = config.settings()
    print(f"  encryption key: {'TRIALBOT_ENCRYPTION_KEY' if st.encryption_key else st.key_file}")
    warnings = key_warnings()
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    return len(warnings)


def cmd_rotate_key(args: argparse.Namespace) -> int:
    from bot.records.keys import RotationRefused, rotate_key

    try:
        done = rotate_key(_store())
    except RotationRefused as exc:
        raise UsageError(str(exc)) from None
    print(f"re-encrypted {done.values} stored values with a new key in {done.key_file}")
    print(f"the old key is in {done.old_key_file}: it still reads database backups made before now. Keep it "
          "apart from those backups (not in the data folder), and delete it when they are gone")
    return 0


def _store():
    from bot.records.store import Store

    store = Store()
    store.migrate()
    return store


def cmd_handoffs(args: argparse.Namespace) -> int:
    from bot.staff import review as staff

    store = _store()
    if args.action == "list":
        print(staff.list_text(store, args.status))
    elif args.action == "show":
        print(staff.show_text(store, args.reference))
    elif args.action == "export":
        print(f"exported to {staff.export(store, args.format, Path(args.output) if args.output else None)}")
    elif args.action == "assign":
        h = store.assign(args.reference, None if args.username == "nobody" else args.username, staff.actor())
        print(f"{h.reference}: assigned to {h.assigned_to or 'nobody'}")
    elif args.action == "follow-up":
        when = None if args.date == "none" else date.fromisoformat(args.date)
        h = store.set_follow_up(args.reference, when, staff.actor())
        print(f"{h.reference}: follow up on {h.follow_up_on.isoformat() if h.follow_up_on else 'no date'}")
    else:
        print(staff.set_status(store, args.reference, args.new_status, args.note or ""))
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from bot import config
    from bot.staff import review as staff

    print(staff.purge(_store(), args.older_than if args.older_than is not None else config.site().retention_days))
    return 0


def cmd_corrections(args: argparse.Namespace) -> int:
    """The study team's corrections as regression cases for the readers."""
    from bot.staff import regression, review

    path, n = regression.export(_store(), review.actor(), Path(args.out) if args.out else None)
    print(f"wrote {n} regression case{'' if n == 1 else 's'} to {path}")
    print("they hold what people typed: read each row and remove anything that names a person, then copy the file "
          "into tests/corrections/ (the suite fails on each case until the reader gives the corrected verdict)")
    return 0


def cmd_staff_user(args: argparse.Namespace) -> int:
    from bot.staff.auth import WeakPassword, hash_password

    store = _store()
    if args.action == "list":
        print("\n".join(store.staff_users()) or "no staff accounts")
        return 0
    if args.action == "remove":
        store.remove_staff_user(args.username)
        print(f"removed staff account {args.username}")
        return 0
    if args.action == "totp":
        return _staff_totp(store, args)
    if args.action == "language":  # the staff pages' language for this account; "site": the site's staff_language
        store.set_staff_language(args.username, None if args.language == "site" else args.language, "cli")
        print(f"staff pages for {args.username}: {args.language}")
        return 0
    if args.action == "password" and store.staff_password_hash(args.username) is None:
        raise LookupError(f"no staff account named '{args.username}'")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        import getpass

        password = getpass.getpass("Password (10 characters or more, not a common one; a few unrelated words "
                                   "work well): ")
        if getpass.getpass("Again: ") != password:
            raise UsageError("the two passwords differ")
    try:
        hashed = hash_password(password, args.username)
    except WeakPassword as exc:
        raise UsageError(f"password refused: {exc}") from None
    if args.action == "password":
        store.set_staff_password(args.username, hashed)
        print(f"changed the password of {args.username}")
    else:
        store.add_staff_user(args.username, hashed)
        print(f"added staff account {args.username}")
    return 0


def _staff_totp(store, args: argparse.Namespace) -> int:
    from bot.staff.auth import new_totp_secret, totp_uri

    if store.staff_password_hash(args.username) is None:
        raise LookupError(f"no staff account named '{args.username}'")
    if args.disable:
        store.set_staff_totp(args.username, None)
        print(f"second factor turned off for {args.username}")
        return 0
    secret = new_totp_secret()
    store.set_staff_totp(args.username, secret)
    print(f"second factor turned on for {args.username}. Add it to an authenticator app now; this is the only "
          "time it is shown (run the command again to replace it).")
    print(f"secret: {secret}")
    print(f"provisioning URI: {totp_uri(secret, args.username)}")
    return 0


def cmd_trial_draft(args: argparse.Namespace) -> int:
    """A draft trial folder from a ClinicalTrials.gov record (API v2 JSON)."""
    from bot.authoring.parse import RecordError, read_record
    from bot.authoring.write import DraftError, todo_markers, write_draft

    try:
        record = read_record(Path(args.record))
        out = Path(args.out) if args.out else Path("drafts") / record.nct_id.lower()
        draft = write_draft(record, out, args.record)
    except (RecordError, DraftError) as exc:
        raise UsageError(str(exc)) from None
    todos = todo_markers(out)
    asked = sum(1 for q in draft.questions if q.proposal.kind.value != "deferred")
    print(f"{record.nct_id}: {draft.criteria} criteria, {len(draft.questions)} questions ({asked} asked) in {out}")
    print(f"{len(todos)} TODO markers left (grep -rn TODO {out}); the folder loads as it is, but must not be shown "
          "to patients until none is left")
    return 0


def _trial_parser(sub) -> None:
    tr = sub.add_parser("trial", help="trial folders: draft one from a registry record, check one before use")
    trsub = tr.add_subparsers(dest="action", required=True)
    tc = trsub.add_parser("check", help="the schema, both languages, the listing's criteria and the examples")
    tc.add_argument("folders", nargs="+", metavar="FOLDER", help="a trial folder (trial.yml, texts, listing.txt)")
    tc.set_defaults(func=cmd_trial_check)
    td = trsub.add_parser("draft", help="write a draft trial folder from a ClinicalTrials.gov record (API v2 JSON)")
    td.add_argument("record", metavar="RECORD.json", help="the record, as the registry's API version 2 gives it")
    td.add_argument("--out", metavar="FOLDER", help="where to write the draft (must not exist or be empty); "
                    "default: drafts/<nct id>")
    td.set_defaults(func=cmd_trial_draft)


def _staff_user_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """`staff-user`: accounts for the review page (add, password, totp, language, remove, list)."""
    su = sub.add_parser("staff-user", help="staff accounts for the review page")
    susub = su.add_subparsers(dest="action", required=True)
    sa = susub.add_parser("add", help="add an account (asks for the password)")
    sa.add_argument("username")
    sa.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sp = susub.add_parser("password", help="change an account's password")
    sp.add_argument("username")
    sp.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    st = susub.add_parser("totp", help="turn on a TOTP second factor (prints the secret once) or --disable it")
    st.add_argument("username")
    st.add_argument("--disable", action="store_true", help="turn the second factor off")
    sl = susub.add_parser("language", help="the staff pages' language for an account (site: the site's default)")
    sl.add_argument("username")
    sl.add_argument("language", choices=["ko", "en", "site"])
    sr = susub.add_parser("remove", help="remove an account")
    sr.add_argument("username")
    susub.add_parser("list", help="list accounts")
    su.set_defaults(func=cmd_staff_user)


def _corrections_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    co = sub.add_parser("corrections", help="staff: the study team's corrections of the bot's verdicts")
    cosub = co.add_subparsers(dest="action", required=True)
    cx = cosub.add_parser("export", help="write every correction as a regression case for the readers (YAML)")
    cx.add_argument("--out", metavar="FILE", help="file to write (default: var/exports/corrections-<time>.yml)")
    co.set_defaults(func=cmd_corrections)


def _add_handoffs(sub) -> None:
    ho = sub.add_parser("handoffs", help="staff: the people handed off to the study team")
    hsub = ho.add_subparsers(dest="action", required=True)
    hl = hsub.add_parser("list", help="list handoffs, newest first")
    hl.add_argument("--status", help="only this status")
    hs = hsub.add_parser("show", help="contact, per-criterion answers and the transcript")
    hs.add_argument("reference")
    he = hsub.add_parser("export", help="write every handoff to a CSV or JSON file")
    he.add_argument("--format", choices=["csv", "json"], default="csv")
    he.add_argument("--output", help="file to write (default: var/exports/handoffs-<time>.<format>)")
    has = hsub.add_parser("assign", help="give a handoff to a coordinator (a staff account), or to nobody")
    has.add_argument("reference")
    has.add_argument("username", help="a staff account, or 'nobody'")
    hfu = hsub.add_parser("follow-up", help="set the date to follow a handoff up (YYYY-MM-DD, or 'none')")
    hfu.add_argument("reference")
    hfu.add_argument("date")
    hst = hsub.add_parser("status", help="change a handoff's status (audited)")
    hst.add_argument("reference")
    hst.add_argument("new_status", metavar="NEW_STATUS",
                     help="new, contacted, scheduled, enrolled, not_eligible or withdrawn")
    hst.add_argument("--note", help="a note for the record")
    ho.set_defaults(func=cmd_handoffs)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--trial", default=None,
                        help="one trial id (a folder in trials/); default: every trial the site screens for")
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate", help="evaluate answers from a JSON file and print the verdicts")
    ev.add_argument("file", help='JSON file: {"answers": {"<criterion id or profile slot>": "<text>"}}')
    ev.add_argument("--today", help="evaluate as of this date (YYYY-MM-DD); default: today")
    ev.add_argument("--batch", action="store_true",
                    help="FILE is JSON Lines: one answer sheet per line, one result per line")
    ev.add_argument("--language", choices=["en", "ko"], default="en", help="language of the reasons")
    ev.set_defaults(func=cmd_evaluate)
    init = sub.add_parser("init", help="create the data folder, encryption key and database schema")
    init.set_defaults(func=cmd_init)
    _add_handoffs(sub)
    pu = sub.add_parser("purge", help="delete screenings, conversations and audit details past their retention "
                        "(the web server does this daily)")
    pu.add_argument("--older-than", type=int, metavar="DAYS", help="default: retention_days of the site file")
    pu.set_defaults(func=cmd_purge)
    _staff_user_parser(sub)
    _corrections_parser(sub)
    cc = sub.add_parser("check-config", help="show the site settings and warn about contact details not set and "
                        "an encryption key kept in the data folder")
    cc.add_argument("--strict", action="store_true", help="exit with status 1 when something is not set")
    cc.set_defaults(func=cmd_check_config)
    _trial_parser(sub)
    sub.add_parser("rotate-key", help="re-encrypt everything stored with a new key (stop the bot first); the old "
                   "key is kept in a dated file").set_defaults(func=cmd_rotate_key)
    sub.add_parser("sync-domain", help="rewrite domain/generated.yml and data/rules.yml from the phrase table "
                   "(no trial)").set_defaults(func=cmd_sync_domain)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, LookupError) as exc:  # a bad --today or status, a malformed trial file, no such handoff
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # e.g. the database cannot be reached: one line, never a traceback with data in it
        print(f"error: {exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 1
