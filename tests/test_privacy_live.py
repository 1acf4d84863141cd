"""What the chat promises about deletion, on the running bot (scripts/run.sh:
the web server, Rasa and the action server on a real database): after "delete
my data", "start over" then delete, or the retention purge, a marker text a
person typed is in no table, not in the database file's bytes and in no file
under the bot's folder (logs included); the rows themselves are gone too,
since an encrypted copy cannot be searched for."""
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from bot.records.tables import id_hash, utcnow
from tests.livechat import LiveChat
from tests.privacy_checks import assert_nowhere
from tests.servers import database_url, ROOT, running_bot
from tests.test_server import EMAIL, NAME, PHONE_DIGITS, PHONE_TYPED, UNIQUE_ANSWER, screen_and_hand_off

pytestmark = pytest.mark.rasa

DELETED = "Done: your answers and this conversation have been deleted. If you'd like to start again, just say hello."
NEW_PHONE = "010-5555-0199"


@pytest.fixture(scope="module")
def site(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("privacy")
    url = database_url(request.param, tmp)
    with running_bot(tmp, url, web=True) as bot:
        bot.tmp = tmp
        yield bot


def pytest_generate_tests(metafunc):
    if "site" in metafunc.fixturenames:
        from tests.conftest import _backends
        metafunc.parametrize("site", list(_backends()), indirect=True, scope="module")


def web_say(session: requests.Session, site, text: str) -> str:
    r = session.post(site.web + "/api/chat", json={"message": text}, timeout=90)
    assert r.status_code == 200, r.text
    return "\n".join(m.get("text", "") for m in r.json()["messages"])


def count(site, sql: str, **params) -> int:
    with site.store.engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def test_delete_my_data_before_consent_leaves_no_word_anywhere(site):
    marker = "ZQXMARKER1 my mother has AML and passed out"
    s = requests.Session()
    web_say(s, site, "hello")
    sender = s.cookies.get("tb_session")
    # A faint told without a time has just happened: the advice, then consent is asked again.
    assert web_say(s, site, marker) == (
        "What you describe (fainting or collapse) can be an emergency. Please call 119 now (in Korea), or go to "
        "the nearest emergency room. Don't wait for this chat.\nWhen you're ready, we can go on.\n"
        "Shall we begin? Please answer yes or no.")
    assert count(site, "SELECT count(*) FROM events WHERE sender_id = :s", s=sender) > 0
    assert "Do you want me to delete everything you've told me here?" in web_say(s, site, "delete my data")
    assert web_say(s, site, "yes") == DELETED
    assert count(site, "SELECT count(*) FROM events WHERE sender_id = :s", s=sender) == 0
    assert count(site, "SELECT count(*) FROM chat_sessions WHERE id_hash = :h", h=id_hash(sender)) == 0
    assert_nowhere(site.store.engine, [site.tmp], "ZQXMARKER1", "passed out")
    assert "Shall we begin?" in web_say(s, site, "hello")  # a new conversation, from the start
    assert s.cookies.get("tb_session") != sender


def test_declining_consent_leaves_no_word_anywhere(site):
    s = requests.Session()
    web_say(s, site, "hello")
    sender = s.cookies.get("tb_session")
    web_say(s, site, "ZQXMARKER6 my husband's MDS became AML, is this for him?")
    assert web_say(s, site, "no thanks").startswith("That's fine. No health question has been asked and nothing "
                                                    "about your health is stored.")
    assert count(site, "SELECT count(*) FROM events WHERE sender_id = :s", s=sender) == 0
    assert_nowhere(site.store.engine, [site.tmp], "ZQXMARKER6", "husband's MDS")
    assert "Shall we begin?" in web_say(s, site, "start")  # changed their mind: a new conversation


def test_start_over_then_delete_leaves_no_word_anywhere(site):
    chat = LiveChat(site).start()
    chat.say("for myself")
    chat.say("ZQXMARKER2 my polycythemia turned into AML last spring")
    chat.say("start over")
    chat.click("Yes")
    assert "the earlier answers are erased" in chat.text()
    assert count(site, "SELECT count(*) FROM answers WHERE screening_id IN (SELECT id FROM screenings WHERE "
                 "sender_id = :s)", s=chat.sender) == 0
    chat.say("for myself")
    chat.say("delete my data")
    chat.click("Yes, erase")
    assert chat.text() == DELETED
    assert count(site, "SELECT count(*) FROM events WHERE sender_id = :s", s=chat.sender) == 0
    assert count(site, "SELECT count(*) FROM screenings WHERE sender_id = :s", s=chat.sender) == 0
    assert_nowhere(site.store.engine, [site.tmp], "ZQXMARKER2", "polycythemia turned")


def test_a_handoff_with_a_coordinator_note_leaves_no_word_after_delete(site):
    chat = screen_and_hand_off(site)
    ref = chat.text().split("reference code is ")[1][:10]
    note = f"ZQXMARKER3 her daughter asked us to call {NEW_PHONE} instead"
    site.store.set_status(ref, "contacted", note, "web:coordinator.kim")
    chat.say("delete my data")
    chat.click("Yes, erase")
    assert chat.text() == DELETED
    assert [(a.actor, a.action, a.detail) for a in site.store.audit_trail(ref)] == [
        ("patient", "handoff_created", ""), ("web:coordinator.kim", "status_changed", ""),
        ("patient", "data_deleted", "")]
    assert count(site, "SELECT count(*) FROM events WHERE sender_id = :s", s=chat.sender) == 0
    assert_nowhere(site.store.engine, [site.tmp], "ZQXMARKER3", NEW_PHONE, NAME, PHONE_TYPED, PHONE_DIGITS, EMAIL,
                   UNIQUE_ANSWER)


def test_the_retention_purge_leaves_no_word_anywhere(site):
    s = requests.Session()
    web_say(s, site, "hello")
    web_say(s, site, "ZQXMARKER4 my father fainted at breakfast")
    before_consent = s.cookies.get("tb_session")
    chat = screen_and_hand_off(site)
    ref = chat.text().split("reference code is ")[1][:10]
    site.store.set_status(ref, "not_eligible", f"ZQXMARKER5 new number {NEW_PHONE}", "web:coordinator.kim")
    long_ago = utcnow() - timedelta(days=91)
    with site.store.engine.begin() as conn:  # both conversations were last touched 91 days ago
        conn.execute(sa.text("UPDATE events SET timestamp = timestamp - :d WHERE sender_id IN (:a, :b)"),
                     {"d": 91 * 86400, "a": before_consent, "b": chat.sender})
        conn.execute(sa.text("UPDATE screenings SET updated_at = :t WHERE sender_id = :s"),
                     {"t": long_ago, "s": chat.sender})
    done = subprocess.run([sys.executable, "-m", "bot", "purge"], cwd=ROOT, env=site.env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("purged 1 screenings and "), done.stderr
    assert [(a.action, a.detail) for a in site.store.audit_trail(ref)] == [
        ("handoff_created", ""), ("status_changed", "")]
    for sender in (before_consent, chat.sender):
        assert count(site, "SELECT count(*) FROM events WHERE sender_id = :s", s=sender) == 0
    assert_nowhere(site.store.engine, [site.tmp], "ZQXMARKER4", "fainted at breakfast", "ZQXMARKER5", NEW_PHONE,
                   NAME, PHONE_DIGITS, EMAIL, UNIQUE_ANSWER)
    assert Path(site.env["TRIALBOT_DATA_DIR"]).is_dir()
