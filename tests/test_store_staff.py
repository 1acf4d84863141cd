"""Records and staff tools against a real database (SQLite, and PostgreSQL
where configured): migrations, encryption at rest, status changes with an
audit trail, exports, purge by retention, transcripts."""
import csv
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.staff import review as staff
from bot.records.store import Screening, utcnow
from bot.records.tracker_crypto import encode_event

ROOT = Path(__file__).resolve().parents[1]
SENDER = "a3f1c9e0d2b84c55"


def make_handoff(store, sender=SENDER, name="Kim Minji"):
    store.record_answer(sender, "NCT03558607", "respondent", "Who?", "my mother", "proxy: your mother", None, None)
    store.set_respondent(sender, "NCT03558607", "proxy", "mother")
    store.record_answer(sender, "NCT03558607", "age", "How old is your mother?", "she is 67", "value: 67", "pass",
                        "Age 67: the study is for people 18 or older.")
    store.finish_screening(sender, "NCT03558607", "likely_eligible", {"age": ("pass", "Age 67: ..."),
                                                                       "life_expectancy": ("deferred", "Judged ...")})
    return store.create_handoff(sender, "NCT03558607", "consent v1", name, "+821012345678", "kim@example.com",
                                "mornings", "Korean")


def add_events(store, sender, texts, when=None):
    ts = (when or datetime.utcnow()).timestamp()
    with store.engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), "
                             "type_name VARCHAR(255), timestamp FLOAT, intent_name VARCHAR(255), "
                             "action_name VARCHAR(255), data TEXT)"))
        for i, (kind, text) in enumerate(texts):
            conn.execute(sa.text("INSERT INTO events (id, sender_id, type_name, timestamp, data) VALUES "
                                 "(:id, :s, :t, :ts, :d)"),
                         {"id": int(time.time() * 1000) % 10**9 + i, "s": sender, "t": kind, "ts": ts + i,
                          "d": encode_event({"event": kind, "text": text, "timestamp": ts + i})})


def test_migrations_run_twice_and_create_the_tables(bot_env):
    bot_env.migrate()
    tables = set(sa.inspect(bot_env.engine).get_table_names())
    assert {"screenings", "answers", "handoffs", "audit_log", "alembic_version"} <= tables


def test_contact_details_are_encrypted_at_rest(bot_env):
    ref = make_handoff(bot_env)
    with bot_env.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT name_enc, phone_enc, email_enc FROM handoffs")).one()
    assert "Kim" not in row[0] and "1012345678" not in row[1] and "example" not in row[2]
    assert bot_env.handoff(ref).name == "Kim Minji"


def test_status_change_is_audited_with_the_note(bot_env):
    ref = make_handoff(bot_env)
    staff.set_status(bot_env, ref, "contacted", "left a voicemail")
    h = bot_env.handoff(ref)
    assert h.status == "contacted" and "left a voicemail" in h.notes
    trail = bot_env.audit_trail(ref)
    assert [a.action for a in trail] == ["handoff_created", "status_changed"]
    assert trail[-1].detail == "new -> contacted; note: left a voicemail"
    with pytest.raises(ValueError):
        staff.set_status(bot_env, ref, "maybe")
    with pytest.raises(LookupError):
        staff.set_status(bot_env, "SNU-NOPE00", "contacted")


def test_show_has_contact_criteria_and_transcript(bot_env):
    ref = make_handoff(bot_env)
    add_events(bot_env, SENDER, [("bot", "How old is your mother?"), ("user", "she is 67")])
    text = staff.show_text(bot_env, ref)
    assert "Kim Minji" in text and "+821012345678" in text and "kim@example.com" in text
    assert "Age [age]: PASS" in text and "typed: she is 67" in text
    assert "Person: she is 67" in text and "Bot: How old is your mother?" in text
    assert bot_env.audit_trail(ref)[-1].action == "handoff_viewed"


def test_list_filters_by_status(bot_env):
    ref = make_handoff(bot_env)
    make_handoff(bot_env, sender="other-sender", name="Park")
    staff.set_status(bot_env, ref, "scheduled")
    listing = staff.list_text(bot_env, "scheduled")
    assert ref in listing and len(listing.splitlines()) == 2
    assert "proxy (mother)" in listing and "proxy (mother)" not in staff.list_text(bot_env, "enrolled")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_to_a_file(bot_env, tmp_path, fmt):
    ref = make_handoff(bot_env)
    path = staff.export(bot_env, fmt, tmp_path / f"out.{fmt}")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    if fmt == "json":
        rows = json.loads(path.read_text())
        assert rows[0]["reference"] == ref and rows[0]["name"] == "Kim Minji"
        assert {"criterion": "age", "question": "How old is your mother?", "answer": "she is 67", "read_as": "value: 67",
                "verdict": "pass", "reason": "Age 67: ..."} in rows[0]["answers"]
    else:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for spreadsheet programs
        rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
        assert rows[0]["reference"] == ref and rows[0]["age.verdict"] == "pass" and rows[0]["age.answer"] == "she is 67"
    assert bot_env.audit_trail()[-1].action == "handoffs_exported"


def test_purge_keeps_open_handoffs_and_removes_old_screenings(bot_env):
    open_ref = make_handoff(bot_env, sender="open-one")
    closed_ref = make_handoff(bot_env, sender="closed-one")
    staff.set_status(bot_env, closed_ref, "not_eligible")
    bot_env.record_answer("abandoned-one", "NCT03558607", "age", "How old?", "50", "value: 50", "pass", "ok")
    add_events(bot_env, "abandoned-one", [("user", "50")], when=datetime.utcnow() - timedelta(days=200))
    add_events(bot_env, "recent-one", [("user", "hello")])
    with bot_env.session() as s:
        for row in s.execute(sa.select(Screening)).scalars():
            row.updated_at = utcnow() - timedelta(days=200)
    staff.purge(bot_env, 90)
    senders = {h.screening.sender_id for h in bot_env.handoffs()}
    assert senders == {"open-one"} and bot_env.handoff(open_ref) is not None and bot_env.handoff(closed_ref) is None
    with bot_env.engine.connect() as conn:
        left = set(conn.execute(sa.text("SELECT DISTINCT sender_id FROM events")).scalars())
    assert left == {"recent-one"}
    assert bot_env.audit_trail()[-1].action == "purge"


def run_cli(*args, env):
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=120)


def test_staff_commands_from_the_shell(bot_env, tmp_path):
    ref = make_handoff(bot_env)
    env = dict(os.environ, TRIALBOT_STAFF_USER="coordinator.kim")
    assert ref in run_cli("handoffs", "list", env=env).stdout
    assert "Kim Minji" in run_cli("handoffs", "show", ref, env=env).stdout
    done = run_cli("handoffs", "status", ref, "contacted", "--note", "called", env=env)
    assert done.returncode == 0 and "contacted" in done.stdout
    assert bot_env.audit_trail(ref)[-1].actor == "coordinator.kim"
    out = tmp_path / "x.csv"
    assert run_cli("handoffs", "export", "--format", "csv", "--output", str(out), env=env).returncode == 0
    assert ref in out.read_text()
    bad = run_cli("handoffs", "status", ref, "bogus", env=env)
    assert bad.returncode == 2 and "unknown status" in bad.stderr and "Traceback" not in bad.stderr
    assert "purged" in run_cli("purge", "--older-than", "30", env=env).stdout


def test_csv_cells_cannot_start_a_formula():
    assert staff.safe_cell("=1+1") == "'=1+1" and staff.safe_cell("+82 10-1234-5678") == "'+82 10-1234-5678"
    assert staff.safe_cell("-5") == "'-5" and staff.safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert staff.safe_cell("\tx") == "'\tx" and staff.safe_cell("\rx") == "'\rx"
    assert staff.safe_cell("Kim Minji") == "Kim Minji" and staff.safe_cell(None) == "" and staff.safe_cell(3) == "3"


def test_search_decrypts_names_and_phones(bot_env):
    ref = make_handoff(bot_env)
    other = make_handoff(bot_env, sender="other-sender", name="Park Jisoo")
    assert [h.reference for h in bot_env.find_handoffs("minji")] == [ref]
    assert {h.reference for h in bot_env.find_handoffs("010 1234 5678")} == {ref, other}  # the same phone
    assert {h.reference for h in bot_env.find_handoffs("+821012345678")} == {ref, other}
    assert [h.reference for h in bot_env.find_handoffs("jisoo")] == [other]
    assert bot_env.find_handoffs("no-such-person") == []


def test_reference_codes_use_the_site_prefix(bot_env):
    assert make_handoff(bot_env).startswith("SNU-")


def test_callback_handoffs_have_no_outcome(bot_env):
    bot_env.set_respondent("cb-sender", "NCT03558607", "self", None)
    ref = bot_env.create_handoff("cb-sender", "NCT03558607", "consent v1", "Lee", "+821011112222", None, "any time",
                                 "Korean", kind="callback")
    h = bot_env.handoff(ref)
    assert h.kind == "callback" and h.screening.outcome is None
    assert "callback request" in staff.list_text(bot_env) and "callback request" in staff.show_text(bot_env, ref)
    with pytest.raises(ValueError):
        bot_env.create_handoff("cb2", "NCT03558607", "c", "n", None, None, "", "", kind="other")


def test_chat_sessions_are_issued_checked_ended_and_purged(bot_env):
    from bot.records.store import ChatSession

    sid = bot_env.issue_chat_session()
    assert bot_env.chat_session_live(sid, 60) and not bot_env.chat_session_live("made-up-id-" + "x" * 20, 60)
    with bot_env.session() as s:
        assert sid not in str([r.id_hash for r in s.execute(sa.select(ChatSession)).scalars()])
        for r in s.execute(sa.select(ChatSession)).scalars():
            r.last_seen_at -= timedelta(seconds=120)
    assert not bot_env.chat_session_live(sid, 60)  # idle too long: ended for good
    assert not bot_env.chat_session_live(sid, 10_000)
    other = bot_env.issue_chat_session()
    bot_env.end_chat_session(other)
    assert not bot_env.chat_session_live(other, 10_000)
    gone = bot_env.issue_chat_session()
    bot_env.delete_person(gone)
    assert not bot_env.chat_session_live(gone, 10_000)  # "delete my data" also forgets the session
    with bot_env.session() as s:
        for r in s.execute(sa.select(ChatSession)).scalars():
            r.last_seen_at = utcnow() - timedelta(days=200)
    staff.purge(bot_env, 90)
    with bot_env.session() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(ChatSession)).scalar() == 0


def test_assign_and_follow_up_from_the_shell(bot_env):
    from bot.staff.auth import hash_password

    ref = make_handoff(bot_env)
    bot_env.add_staff_user("coordinator.lee", hash_password("x" * 12, check=False))
    env = dict(os.environ, TRIALBOT_STAFF_USER="coordinator.kim")
    done = run_cli("handoffs", "assign", ref, "coordinator.lee", env=env)
    assert done.returncode == 0 and "coordinator.lee" in done.stdout
    assert run_cli("handoffs", "assign", ref, "mallory", env=env).returncode == 2
    done = run_cli("handoffs", "follow-up", ref, "2026-12-01", env=env)
    assert done.returncode == 0 and "2026-12-01" in done.stdout
    assert run_cli("handoffs", "follow-up", ref, "soon", env=env).returncode == 2
    h = bot_env.handoff(ref)
    assert h.assigned_to == "coordinator.lee" and h.follow_up_on.isoformat() == "2026-12-01"
    shown = run_cli("handoffs", "show", ref, env=env).stdout
    assert "Assigned to: coordinator.lee" in shown and "follow up on: 2026-12-01" in shown
    assert [a.action for a in bot_env.audit_trail(ref)][-3:] == ["assigned", "follow_up_set", "handoff_viewed"]
