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
    chat.say("delete my data")  # destroying asks first, before consent too
    assert chat.text() == ("Do you want me to delete everything you've told me here? This erases your answers and "
                           "this conversation, and can't be undone.") and not chat.effects("delete")
    chat.click("No")
    assert chat.text() == "Okay, nothing was erased.\nShall we begin? Please answer yes or no."
    chat.say("delete my data")
    chat.click("Yes, erase")
    assert chat.text() == ("Done: your answers and this conversation have been deleted. If you'd like to start "
                           "again, just say hello.")
    assert chat.effects("delete") and chat.state["data_deleted"] is True  # the tracker store drops every event
    chat.say("hello")
    assert chat.slot == "consent" and not chat.state["data_deleted"]


def test_declining_consent_erases_what_was_typed_before_as_it_says():
    chat = Chat()
    chat.say("hi")
    chat.say("my mother has AML, what is this about?")
    chat.say("no thanks")
    assert chat.text().startswith("That's fine. No health question has been asked and nothing about your health is "
                                  "stored. If you change your mind, just say 'start'.")
    assert chat.effects("delete") and chat.state["data_deleted"] is True
    chat.say("start")
    assert chat.slot == "consent" and not chat.state["data_deleted"] and not chat.state["heard"]


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
    export = staff.export(bot_env, "csv")
    assert "Kim Minji" in export.read_text(encoding="utf-8-sig")
    long_ago = (datetime.utcnow() - timedelta(days=91)).timestamp()
    os.utime(export, (long_ago, long_ago))
    env = dict(os.environ, TRIALBOT_STAFF_USER="coordinator.kim")
    done = subprocess.run([sys.executable, "-m", "bot", "purge"], cwd=ROOT, capture_output=True, text=True, env=env,
                          timeout=120)  # retention_days of the site file: 90
    assert done.stdout == ("purged 1 screenings and 2 conversation events older than 90 days (handoffs still in "
                           "progress were kept), and 1 export files\n"), done.stderr
    assert not export.exists()
    assert [(a.action, a.detail) for a in bot_env.audit_trail(ref)] == [
        ("handoff_created", ""), ("status_changed", "")]
    assert_nowhere(bot_env.engine, [data_folder()], MARKER, "ZQXMARKER2", NOTE, NEW_PHONE, "Kim Minji")


async def test_the_web_server_purges_past_the_retention_when_it_starts(bot_env):
    """The consent text promises deletion after retention_days (90): the one
    process always running does it, with no operator to remember."""
    import asyncio

    from aiohttp.test_utils import TestClient, TestServer

    from web.app import serving_app

    ref = make_handoff(bot_env)
    staff.set_status(bot_env, ref, "withdrawn", NOTE)
    add_events(bot_env, "a3f1c9e0d2b84c55", [("user", MARKER)], when=datetime.utcnow() - timedelta(days=91))
    with bot_env.session() as s:
        for row in s.execute(sa.select(Screening)).scalars():
            row.updated_at = utcnow() - timedelta(days=91)
    client = TestClient(TestServer(serving_app(bot_env)))
    await client.start_server()
    try:
        for _ in range(100):
            if bot_env.handoff(ref) is None:
                break
            await asyncio.sleep(0.1)
    finally:
        await client.close()
    assert bot_env.handoff(ref) is None and bot_env.transcript("a3f1c9e0d2b84c55") == []
    assert [(a.actor, a.action, a.detail) for a in bot_env.audit_trail()][-1] == (
        "retention", "purge", "older than 90 days: 1 screenings, 1 conversation events")
    assert_nowhere(bot_env.engine, [data_folder()], MARKER, NOTE, NEW_PHONE)


def test_start_over_erases_the_earlier_answers_as_it_says(bot_env):
    sender = "restarting-sender"
    bot_env.record_answer(sender, "NCT03558607", "respondent", "Who?", "for my mother", "proxy", None, None)
    bot_env.set_respondent(sender, "NCT03558607", "proxy", "mother")
    bot_env.record_answer(sender, "NCT03558607", "age", "How old?", "she is 67", "value: 67", "pass", "Age 67")
    bot_env.add_flag(sender, "emergencies", "fainting")
    bot_env.abandon_screening(sender)
    bot_env.start_screening(sender, "NCT03558607")
    with bot_env.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT status, respondent, relation, flags_enc, (SELECT count(*) FROM answers "
                                    "WHERE screening_id = screenings.id) FROM screenings WHERE sender_id = :s "
                                    "ORDER BY started_at, status"), {"s": sender}).all()
    assert sorted(rows) == [("abandoned", None, None, None, 0), ("in_progress", None, None, None, 0)]


def test_the_migration_encrypts_existing_notes_and_details(db_url, monkeypatch):
    """An install from before: notes and audit details in clear, one audit
    row about a handoff deleted earlier still holding a note."""
    from alembic import command
    from alembic.config import Config

    from bot.records.store import Store

    monkeypatch.setenv("TRIALBOT_ENCRYPTION_KEY", Fernet.generate_key().decode())
    store = Store(db_url)
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


def operator_env(tmp_path, **extra):
    """A fresh install as an operator has it: no key given, a home folder of its own."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("TRIALBOT_ENCRYPTION_KEY", "TRIALBOT_KEY_FILE", "XDG_CONFIG_HOME")}
    env.update({"HOME": str(tmp_path / "home"), "TRIALBOT_DATA_DIR": str(tmp_path / "var"),
                "TRIALBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'trialbot.db'}", **extra})
    return env


def bot_cli(*args, env):
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True, env=env,
                          timeout=120)


def test_init_keeps_the_key_outside_the_data_folder(tmp_path):
    env = operator_env(tmp_path)
    done = bot_cli("init", env=env)
    key = tmp_path / "home" / ".config" / "trialbot" / "encryption.key"
    assert done.returncode == 0 and f"created a new encryption key in {key} (keep it safe" in done.stdout
    assert Fernet(key.read_bytes().strip()) and not (tmp_path / "var" / "encryption.key").exists()
    assert oct(key.stat().st_mode & 0o777) == "0o600" and oct(key.parent.stat().st_mode & 0o777) == "0o700"
    checked = bot_cli("check-config", env=env)
    assert f"  encryption key: {key}\n" in checked.stdout and "encryption key" not in checked.stderr


def test_an_old_install_keeps_its_key_in_the_data_folder_and_is_warned(tmp_path, monkeypatch):
    from bot.records.store import Store

    var = tmp_path / "var"
    var.mkdir()
    (var / "encryption.key").write_bytes(Fernet.generate_key())
    env = operator_env(tmp_path)
    other_install = tmp_path / "home" / ".config" / "trialbot" / "encryption.key"  # made since by another install
    other_install.parent.mkdir(parents=True)
    other_install.write_bytes(Fernet.generate_key())
    init = bot_cli("init", env=env)
    assert init.stdout.startswith("database ready")  # no new key: the old one is used
    assert f"\nwarning: the encryption key {var / 'encryption.key'} is inside the data folder" in init.stdout
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("TRIALBOT_ENCRYPTION_KEY", raising=False)
    store = Store()
    ref = make_handoff(store)
    assert "Kim Minji" in bot_cli("handoffs", "show", ref, env=env).stdout
    checked = bot_cli("check-config", "--strict", env=env)
    assert (f"warning: the encryption key {var / 'encryption.key'} is inside the data folder {var}: one copy of "
            f"that folder reads everything. Move it out (mkdir -p ~/.config/trialbot && mv -n {var / 'encryption.key'} "
            "~/.config/trialbot/encryption.key), or set TRIALBOT_KEY_FILE to a file elsewhere\n") in checked.stderr
    assert checked.returncode == 1
    store.engine.dispose()


def test_check_config_warns_about_a_key_beside_the_database(tmp_path):
    (tmp_path / "db").mkdir()
    key = tmp_path / "db" / "trialbot.key"
    key.write_bytes(Fernet.generate_key())
    key.chmod(0o600)
    env = operator_env(tmp_path, TRIALBOT_KEY_FILE=str(key),
                       TRIALBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'db' / 'trialbot.db'}")
    checked = bot_cli("check-config", env=env)
    assert (f"warning: the encryption key {key} is beside the database {tmp_path / 'db' / 'trialbot.db'}: one copy "
            "of that folder reads everything. Keep it in another folder (TRIALBOT_KEY_FILE)\n") in checked.stderr
    assert "can be read by other accounts" not in checked.stderr
    key.chmod(0o644)
    assert (f"warning: the encryption key {key} can be read by other accounts: chmod 600 {key}\n"
            in bot_cli("check-config", env=env).stderr)


def _stored(store) -> dict:
    """Every encrypted value as stored, by table, row and column."""
    from bot.records.keys import encrypted_columns

    out = {}
    with store.engine.connect() as conn:
        for table, columns in encrypted_columns(store.engine):
            pk = list(table.primary_key.columns)[0]
            for row in conn.execute(sa.select(pk, *columns)):
                for column, value in zip(columns, row[1:]):
                    if value:
                        out[(table.name, row[0], column.name)] = value
    return out


def _readable(store, ref, sender) -> tuple:
    h = store.handoff(ref)
    answers = [(a.criterion_id, a.raw_text, a.reading, a.reason, a.eligible_from) for a in h.screening.answers]
    return (h.name, h.phone, h.email, h.preferred_time, h.notes, h.screening.flags, answers,
            [(a.action, a.detail) for a in store.audit_trail()], store.staff_totp_secret("coordinator.kim"),
            [(line.speaker, line.text) for line in store.transcript(sender)])


def test_rotate_key_re_encrypts_every_record_and_keeps_the_old_key_dated(bot_env, tmp_path, monkeypatch):
    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    (keys / "encryption.key").write_bytes(Fernet.generate_key())
    monkeypatch.delenv("TRIALBOT_ENCRYPTION_KEY")
    monkeypatch.setenv("TRIALBOT_KEY_FILE", str(keys / "encryption.key"))
    old_key = (keys / "encryption.key").read_bytes()
    sender = "a3f1c9e0d2b84c55"
    ref = make_handoff(bot_env)
    bot_env.add_flag(sender, "emergencies", "fainting")
    staff.set_status(bot_env, ref, "contacted", NOTE)
    bot_env.add_staff_user("coordinator.kim", "hash")
    bot_env.set_staff_totp("coordinator.kim", "JBSWY3DPEHPK3PXP")
    add_events(bot_env, sender, [("user", MARKER), ("bot", "Please call 119 now.")])
    before, readable = _stored(bot_env), _readable(bot_env, ref, sender)
    assert len(before) == 18  # 6 answer fields, flags, 5 handoff fields, 3 audit details, TOTP, 2 events and readable[0] == "Kim Minji" and readable[-1][0] == ("person", MARKER)
    done = bot_cli("rotate-key", env=dict(os.environ))
    backups = sorted(keys.glob("encryption.key.*.old"))
    assert done.returncode == 0 and done.stdout == (
        f"re-encrypted 18 stored values with a new key in {keys / 'encryption.key'}\n"
        f"the old key is in {backups[0]}: it still reads database backups made before now. Keep it apart from "
        "those backups (not in the data folder), and delete it when they are gone\n"), done.stderr
    assert [p.name for p in keys.iterdir() if p.name != backups[0].name] == ["encryption.key"]
    assert backups[0].read_bytes().strip() == old_key and oct(backups[0].stat().st_mode & 0o777) == "0o600"
    assert (keys / "encryption.key").read_bytes().strip() != old_key
    after = _stored(bot_env)
    assert after.keys() == before.keys() and all(after[k] != before[k] for k in before)
    assert _readable(bot_env, ref, sender) == readable[:7] + (
        readable[7] + [("key_rotated", "")],) + readable[8:]


def test_rotate_key_refuses_a_key_given_in_the_environment(bot_env):
    done = bot_cli("rotate-key", env=dict(os.environ))
    assert done.returncode == 2 and done.stderr == (
        "error: the key comes from TRIALBOT_ENCRYPTION_KEY, which this command cannot change: put it in a file, "
        "set TRIALBOT_KEY_FILE to that file instead, and run it again\n")


def test_rotate_key_with_the_wrong_key_changes_nothing(bot_env, tmp_path, monkeypatch):
    ref = make_handoff(bot_env)  # encrypted with the key of the environment
    wrong = tmp_path / "wrong.key"
    wrong.write_bytes(Fernet.generate_key())
    monkeypatch.setenv("TRIALBOT_KEY_FILE", str(wrong))
    right = os.environ["TRIALBOT_ENCRYPTION_KEY"]
    monkeypatch.delenv("TRIALBOT_ENCRYPTION_KEY")
    before, key = _stored(bot_env), wrong.read_bytes()
    done = bot_cli("rotate-key", env=dict(os.environ))
    assert done.returncode == 2 and done.stderr == (
        f"error: a stored value cannot be read with the key in {wrong}; nothing was changed\n")
    assert _stored(bot_env) == before and wrong.read_bytes() == key
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("wrong")) == ["wrong.key"]
    monkeypatch.setenv("TRIALBOT_ENCRYPTION_KEY", right)
    assert bot_env.handoff(ref).name == "Kim Minji"
