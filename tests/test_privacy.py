"""What the chat promises about deletion and encryption, checked where the
words could stay: every table, the database file's bytes, the data folder.
Records on a real database (SQLite, and PostgreSQL where configured); the
key's place and its rotation through `python -m bot`, as an operator runs it."""
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from cryptography.fernet import Fernet

from bot.records.store import Screening, utcnow
from bot.staff import review as staff
from tests.conversation_helpers import Chat
from tests.privacy_checks import assert_nowhere, every_row
from tests.test_store_staff import add_events, make_handoff

ROOT = Path(__file__).resolve().parents[1]
MARKER = "ZQXMARKER my mother has AML and passed out"
NEW_PHONE = "010-5555-0199"
NOTE = f"ZQXNOTE daughter says call her new number {NEW_PHONE} after 6pm"


def data_folder() -> Path:
    return Path(os.environ["TRIALBOT_DATA_DIR"])


def test_delete_before_consent_erases_the_conversation_too():
    chat = Chat()
    chat.say("hi")
    chat.say(MARKER)
    chat.say("delete my data")
    assert chat.text() == ("Done: your answers and this conversation have been deleted. If you'd like to start "
                           "again, just say hello.")
    assert chat.effects("delete") and chat.state["data_deleted"] is True  # the tracker store drops every event
    chat.say("hello")
    assert chat.slot == "consent" and not chat.state["data_deleted"]


def test_staff_notes_and_audit_details_are_encrypted_at_rest(bot_env):
    ref = make_handoff(bot_env)
    staff.set_status(bot_env, ref, "contacted", NOTE)
    rows = every_row(bot_env.engine)
    assert NOTE not in rows and NEW_PHONE not in rows and "ZQXNOTE" not in rows
    assert bot_env.handoff(ref).notes.endswith(NOTE)
    assert [a.detail for a in bot_env.audit_trail(ref) if a.action == "status_changed"] == [
        f"new -> contacted; note: {NOTE}"]


def test_delete_my_data_erases_notes_and_audit_details_and_keeps_that_it_happened(bot_env):
    ref = make_handoff(bot_env)
    add_events(bot_env, "a3f1c9e0d2b84c55", [("user", MARKER), ("bot", "Please call 119 now.")])
    staff.set_status(bot_env, ref, "contacted", NOTE)
    bot_env.delete_person("a3f1c9e0d2b84c55")
    assert bot_env.handoff(ref) is None and bot_env.transcript("a3f1c9e0d2b84c55") == []
    trail = [(a.actor, a.action, a.reference, a.detail) for a in bot_env.audit_trail(ref)]
    assert trail == [("patient", "handoff_created", ref, ""), (staff.actor(), "status_changed", ref, ""),
                     ("patient", "data_deleted", ref, "")]
    assert_nowhere(bot_env.engine, [data_folder()], MARKER, NOTE, NEW_PHONE, "Kim Minji", "she is 67")


def test_the_purge_reaches_notes_audit_details_and_conversations(bot_env):
    ref = make_handoff(bot_env)
    staff.set_status(bot_env, ref, "not_eligible", NOTE)
    add_events(bot_env, "a3f1c9e0d2b84c55", [("user", MARKER)], when=datetime.utcnow() - timedelta(days=200))
    add_events(bot_env, "before-consent", [("user", "ZQXMARKER2 he fainted twice")],
               when=datetime.utcnow() - timedelta(days=95))
    with bot_env.session() as s:
        for row in s.execute(sa.select(Screening)).scalars():
            row.updated_at = utcnow() - timedelta(days=200)
    env = dict(os.environ, TRIALBOT_STAFF_USER="coordinator.kim")
    done = subprocess.run([sys.executable, "-m", "bot", "purge"], cwd=ROOT, capture_output=True, text=True, env=env,
                          timeout=120)  # retention_days of the site file: 90
    assert done.stdout == ("purged 1 screenings and 2 conversation events older than 90 days (handoffs still in "
                           "progress were kept)\n"), done.stderr
    assert [(a.action, a.detail) for a in bot_env.audit_trail(ref)] == [
        ("handoff_created", ""), ("status_changed", "")]
    assert_nowhere(bot_env.engine, [data_folder()], MARKER, "ZQXMARKER2", NOTE, NEW_PHONE, "Kim Minji")


def test_the_migration_encrypts_existing_notes_and_details(tmp_path, monkeypatch):
    """An install from before: notes and audit details in clear, one audit
    row about a handoff deleted earlier still holding a note."""
    from alembic import command
    from alembic.config import Config

    from bot.records.store import Store

    monkeypatch.setenv("TRIALBOT_ENCRYPTION_KEY", Fernet.generate_key().decode())
    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = Store(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "bot" / "records" / "migrations"))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")
        conn.execute(sa.text("INSERT INTO screenings (id, sender_id, trial_id, status, started_at, updated_at) "
                             "VALUES ('s1', 'sender-1', 'NCT03558607', 'finished', '2026-11-01 10:00:00', '2026-11-01 10:00:00')"))
        conn.execute(sa.text("INSERT INTO handoffs (screening_id, reference, consent_at, consent_text, kind, status, "
                             "notes, created_at, updated_at) VALUES ('s1', 'SNU-AAAAAA', '2026-11-01 10:00:00', 'v1', "
                             f"'screening', 'contacted', '{NOTE}', '2026-11-01 10:00:00', '2026-11-01 10:00:00')"))
        conn.execute(sa.text("INSERT INTO audit_log (at, actor, action, reference, detail) VALUES "
                             f"('2026-11-01 10:00:00', 'kim', 'status_changed', 'SNU-AAAAAA', 'new -> contacted; note: {NOTE}'),"
                             "('2026-11-01 10:00:00', 'kim', 'status_changed', 'SNU-GONE22', 'note: ZQXGONE 010-7777-0000')"))
    store.migrate()
    assert store.handoff("SNU-AAAAAA").notes == NOTE
    assert [a.detail for a in store.audit_trail("SNU-AAAAAA")] == [f"new -> contacted; note: {NOTE}"]
    assert [(a.action, a.detail) for a in store.audit_trail("SNU-GONE22")] == [("status_changed", "")]
    assert_nowhere(store.engine, [], NOTE, NEW_PHONE, "ZQXGONE", "010-7777-0000")
    store.engine.dispose()
