"""The attacker's view, against the real servers started by scripts/run.sh
(web page server, Rasa server, action server) on a real database: session
fixation, replay of contact details after a reload, response headers,
sign-in delays (never lockouts), weak passwords, spreadsheet formulas in exports, file
modes, unreadable text sent straight to Rasa, and every log after the run.
Nothing here depends on the bot's wording or question order."""
import csv
import hashlib
import json
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.servers import database_url, new_sender, running_bot

pytestmark = pytest.mark.rasa
ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "tangerine velvet orbit 42"
NAME, PHONE, EMAIL = "Choi Yuna", "010-2222-3333", "yuna.choi@example.com"
ANSWER = "my polycythemia vera turned into leukemia last winter"
SECRET_MARK = "ZEBRA-QUOKKA-7431"  # typed only inside unreadable messages


def _staff_users(env):
    for name in ("alice", "bob"):
        done = subprocess.run([sys.executable, "-m", "bot", "staff-user", "add", name, "--password-stdin"],
                              input=PASSWORD + "\n", text=True, capture_output=True, cwd=ROOT, env=env)
        assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def site(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("security")
    url = database_url(request.param, tmp)
    with running_bot(tmp, url, web=True, before_start=_staff_users) as bot:
        bot.tmp = tmp
        yield bot


def pytest_generate_tests(metafunc):
    if "site" in metafunc.fixturenames:
        from tests.conftest import _backends
        metafunc.parametrize("site", list(_backends()), indirect=True, scope="module")


def chat(session, site, text):
    r = session.post(site.web + "/api/chat", json={"message": text}, timeout=90)
    assert r.status_code == 200, r.text
    return r.json()


def events_of(site, sender):
    with site.store.engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()


def test_a_planted_session_id_is_never_used(site):
    victim = requests.Session()
    planted = "attacker-knows-this-id-0123456789"
    r = victim.post(site.web + "/api/chat", json={"message": "hello"}, cookies={"tb_session": planted}, timeout=90)
    assert r.status_code == 200 and r.json()["messages"]
    issued = r.cookies.get("tb_session")
    assert issued and issued != planted
    assert events_of(site, planted) == 0 and events_of(site, issued) > 0
    # The attacker replaying the planted id sees nothing of the victim's conversation.
    r = requests.get(site.web + "/api/history", cookies={"tb_session": planted}, timeout=30)
    assert r.json()["messages"] == []
    # A guessed id of the right shape fares no better.
    r = requests.get(site.web + "/api/history", cookies={"tb_session": new_sender() + "abcd"}, timeout=30)
    assert r.json()["messages"] == []


def test_a_reload_never_replays_contact_details(site):
    s = requests.Session()
    chat(s, site, "hello")
    chat(s, site, ANSWER)
    chat(s, site, NAME)
    chat(s, site, f"you can reach me at {PHONE} or {EMAIL}")
    sender = s.cookies.get("tb_session")
    site.store.create_handoff(sender, "NCT03558607", "consent v1", NAME, "+821022223333", EMAIL, "evenings", "Korean")
    r = s.get(site.web + "/api/history", timeout=30)
    shown = json.dumps(r.json(), ensure_ascii=False)
    assert len(r.json()["messages"]) >= 8 and ANSWER in shown  # the conversation is there
    for secret in (NAME, "Yuna", PHONE, "2222-3333", EMAIL, "example.com"):
        assert secret not in shown, f"{secret!r} replayed"
    # "End and clear this chat": the page forgets it; the study team keeps the records.
    r = s.post(site.web + "/api/end", json={}, timeout=30)
    assert r.status_code == 200
    assert s.get(site.web + "/api/history", timeout=30).json()["messages"] == []
    r = requests.get(site.web + "/api/history", cookies={"tb_session": sender}, timeout=30)  # an old copy
    assert r.json()["messages"] == []
    assert site.store.handoff_for_sender(sender) is not None and events_of(site, sender) > 0
    with site.store.engine.connect() as conn:
        ended = conn.execute(sa.text("SELECT ended_why FROM chat_sessions WHERE id_hash = :h"),
                             {"h": hashlib.sha256(sender.encode()).hexdigest()}).scalar()
    assert ended == "ended"


def test_headers_of_the_running_site(site):
    for path in ("/", "/staff/login", "/static/style.css", "/nothing-here"):
        r = requests.get(site.web + path, timeout=30)
        assert "Server" not in r.headers and "aiohttp" not in str(r.headers) and "Python" not in str(r.headers)
        assert "script-src 'self'" in r.headers["Content-Security-Policy"]
        assert r.headers["X-Frame-Options"] == "DENY" and r.headers["X-Content-Type-Options"] == "nosniff"


def staff_login(site, username, password, session=None):
    """The sign-in form as a browser posts it: opened first (its token), then sent."""
    s = session or requests.Session()
    page = s.get(site.web + "/staff/login", timeout=30).text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return s.post(site.web + "/staff/login", data={"username": username, "password": password, "csrf": token},
                  allow_redirects=False, timeout=30)


def test_typos_slow_one_account_not_the_others(site):
    codes = [staff_login(site, "alice", "wrong password").status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    r = staff_login(site, "bob", PASSWORD)
    assert r.status_code == 302 and r.headers["Location"] == "/staff"
    r = staff_login(site, "alice", PASSWORD)  # alice waits a second, never 15 minutes
    assert r.status_code == 429 and r.headers["Retry-After"] == "1"
    time.sleep(1.1)
    assert staff_login(site, "alice", PASSWORD).status_code == 302


@pytest.mark.parametrize("password, why", [("short", "at least 10 characters"),
                                           ("password123", "too easy to guess"),
                                           ("qwertyuiop123", "too easy to guess"),
                                           ("aaaaaaaaaaaa", "too easy to guess")])
def test_weak_staff_passwords_are_refused(site, password, why):
    done = subprocess.run([sys.executable, "-m", "bot", "staff-user", "add", "weakling", "--password-stdin"],
                          input=password + "\n", text=True, capture_output=True, cwd=ROOT, env=site.env)
    assert done.returncode == 2 and why in done.stderr and "Traceback" not in done.stderr
    assert "weakling" not in site.store.staff_users()


def test_totp_secret_is_printed_once_and_stored_encrypted(site):
    done = subprocess.run([sys.executable, "-m", "bot", "staff-user", "totp", "bob"], text=True,
                          capture_output=True, cwd=ROOT, env=site.env)
    assert done.returncode == 0, done.stderr
    secret = done.stdout.split("secret: ")[1].split()[0]
    assert "otpauth://totp/" in done.stdout and site.store.staff_totp_secret("bob") == secret
    with site.store.engine.connect() as conn:
        assert secret not in str(conn.execute(sa.text("SELECT * FROM staff_users")).all())
    r = staff_login(site, "bob", PASSWORD)
    assert r.status_code == 200 and 'name="code"' in r.text and "tb_staff" not in r.cookies
    off = subprocess.run([sys.executable, "-m", "bot", "staff-user", "totp", "bob", "--disable"], text=True,
                         capture_output=True, cwd=ROOT, env=site.env)
    assert off.returncode == 0 and site.store.staff_totp_secret("bob") is None


def test_exported_cells_cannot_start_formulas(site):
    sender = new_sender()
    site.store.record_answer(sender, "NCT03558607", "age", "How old?", "=1+1", None, "unknown", "-not read")
    site.store.finish_screening(sender, "NCT03558607", "needs_review", {"age": ("unknown", "-not read")})
    ref = site.store.create_handoff(sender, "NCT03558607", "consent v1", "=cmd|' /C calc'!A0", "+821012345678",
                                    "@evil.example", "\tmornings", "Korean")
    done = subprocess.run([sys.executable, "-m", "bot", "handoffs", "export", "--format", "csv"], text=True,
                          capture_output=True, cwd=ROOT, env=site.env)
    assert done.returncode == 0, done.stderr
    path = Path(done.stdout.split("exported to ")[1].strip())
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    row = next(r for r in csv.DictReader(raw.decode("utf-8-sig").splitlines()) if r["reference"] == ref)
    assert row["name"] == "'=cmd|' /C calc'!A0" and row["phone"] == "'+821012345678"
    assert row["email"] == "'@evil.example" and row["preferred_time"] == "'\tmornings"
    assert row["age.answer"] == "'=1+1" and row["age.reason"] == "'-not read"
    site.exports = path


@pytest.mark.parametrize("body", [
    b'{"sender":"S1","message":"\xff\xfe"}',
    ('{"sender":"S2","message":"' + SECRET_MARK + ' \\ud800 tail"}').encode(),
    ('{"sender":"S3","message":"' + SECRET_MARK + '\\udfff"}').encode(),
    ('{"sender":"S4","message":"' + SECRET_MARK + ' \\u0000 nul"}').encode(),
    b'{"sender":"S5","message":"' + SECRET_MARK.encode() + b' \xed\xa0\x80"}',
], ids=["invalid-utf8", "lone-high-surrogate", "lone-low-surrogate", "nul", "encoded-surrogate"])
def test_unreadable_text_straight_to_rasa_gets_a_kind_reply(site, body):
    sender = new_sender()
    body = body.replace(b'"S1"', b'"%s"' % sender.encode())
    for n in range(2, 6):
        body = body.replace(b'"S%d"' % n, b'"%s"' % sender.encode())
    r = requests.post(f"{site.url}/webhooks/rest/webhook", data=body, timeout=60,
                      headers={"Content-Type": "application/json", **site.channel_headers})
    assert r.status_code == 200
    replies = r.json()
    assert replies and "type it again" in replies[0]["text"] and "다시 입력" in replies[0]["text"]
    # The turn did not crash the conversation: the next readable message is answered.
    assert site.say(sender, "hello")
    assert SECRET_MARK not in json.dumps(site.tracker(sender))


def test_the_web_page_passes_no_unreadable_text_on(site):
    s = requests.Session()
    r = s.post(site.web + "/api/chat", json={"message": SECRET_MARK + " \ud800"}, timeout=90)
    assert r.status_code == 200 and r.json()["messages"]
    r = s.post(site.web + "/api/chat", data=b'{"message": "' + SECRET_MARK.encode() + b'\xff"}',
               headers={"Content-Type": "application/json"}, timeout=30)
    assert r.status_code == 400


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_are_readable_by_their_owner_only(site):
    var = Path(site.env["TRIALBOT_DATA_DIR"])
    assert _mode(var) == 0o700 and _mode(var / "logs") == 0o700 and _mode(var / "exports") == 0o700
    logs = list((var / "logs").iterdir())
    assert {p.name for p in logs} >= {"web.log", "actions.log", "rasa.log"}
    for p in logs + [var / "endpoints.yml"]:
        assert _mode(p) == 0o600, (p, oct(_mode(p)))
    exports = list((var / "exports").iterdir())
    assert exports and all(_mode(p) == 0o600 for p in exports)
    if site.store.url.startswith("sqlite:///"):
        db = Path(site.store.url[len("sqlite:///"):])
        assert _mode(db) == 0o600


def test_a_restart_rotates_the_logs(site):
    logs = Path(site.env["TRIALBOT_DATA_DIR"]) / "logs"
    before = (logs / "web.log").read_text()
    site.stop()
    site.start()
    assert (logs / "web.log.1").read_text() == before
    assert _mode(logs / "web.log.1") == 0o600 and _mode(logs / "web.log") == 0o600


def test_no_name_phone_email_answer_or_unreadable_text_in_any_log(site):
    s = requests.Session()
    for text in ("hello", ANSWER, NAME, PHONE, EMAIL):
        chat(s, site, text)
    files = [site.log_path] + sorted((Path(site.env["TRIALBOT_DATA_DIR"]) / "logs").iterdir())
    text = "".join(p.read_text(errors="replace") for p in files)
    assert "Rasa server is up" in text and "(token required)" in text  # the logs were really read
    # The operator is warned about contact details the site has not set; the patient page says nothing of it.
    assert "study_phone is not set" in text
    page = requests.get(site.web + "/", timeout=30).text
    assert "not set" not in page and "configure" not in page
    for secret in (NAME, PHONE, "2222-3333", EMAIL, ANSWER, "polycythemia", SECRET_MARK, "\\ud800", "Traceback"):
        assert secret not in text, f"{secret!r} written to a log"


LOGGING_PROBE = r'''
import logging, sys
from rasa.utils.log_utils import configure_structlog
configure_structlog(logging.INFO)          # as `rasa run` does, before any channel is loaded
import addons.log_privacy                   # what addons/rest_channel.py (credentials.yml) and web/app.py import
import structlog

def turn(text):
    raise ValueError(f"could not read {text!r}")

secret = "Kim Minji 010-9876-5432 \ud800"
try:
    turn(secret)
except Exception:
    structlog.get_logger().exception("rest.message.received.failure", text=secret, user_text=secret)
    logging.getLogger("sanic.error").exception("Exception occurred while handling uri")
logging.getLogger("rasa.core.processor").warning("plain line with a lone surrogate \udfff")
structlog.get_logger().info("rasa.core.processor.message", message=secret, slots={"contact_name": secret})
print("done", file=sys.stderr)
'''


def test_log_privacy_filter_keeps_text_out_of_rasa_and_sanic_logs(tmp_path):
    """Rasa's JSON logging (not a terminal), with the filter installed the way the servers install it."""
    done = subprocess.run([sys.executable, "-c", LOGGING_PROBE], cwd=ROOT, capture_output=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    out = done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0 and "done" in out, out[-3000:]
    assert "rest.message.received.failure" in out and "ValueError (message hidden)" in out
    assert "Exception occurred while handling uri" in out and "plain line with a lone surrogate" in out
    for secret in ("Kim", "Minji", "9876", "could not read", "\\ud800", "locals"):
        assert secret not in out, (secret, out[-3000:])
