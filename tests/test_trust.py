"""Nothing is trusted for being local: against the real servers started by
scripts/run.sh (web server, Rasa server, action server), a local user or a
program on the same machine plays the attacker. Rasa's chat endpoint answers
only the web server (which sends the secret), the action server answers only
Rasa (its token), and no token is on any command line, where every local user
can read it."""
import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.servers import new_sender, running_bot

pytestmark = pytest.mark.rasa
ROOT = Path(__file__).resolve().parents[1]
NOT_AUTHORISED = {"error": "not authorised"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("trust")
    with running_bot(tmp, f"sqlite:///{tmp / 'trialbot.db'}", web=True) as bot:
        yield bot


def events_of(site, sender) -> int:
    with site.store.engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()


def test_a_made_up_conversation_posted_straight_to_rasa_is_refused_and_stored_nowhere(site):
    sender = new_sender()
    token = site.env["TRIALBOT_API_TOKEN"]
    for headers in ({}, {"Authorization": "Bearer guessed"}, {"Authorization": f"Bearer {token}x"},
                    {"Authorization": token}):
        r = requests.post(f"{site.url}/webhooks/rest/webhook", headers=headers, timeout=60,
                          json={"sender": sender, "message": "my mother has AML and passed out"})
        assert r.status_code == 401 and r.json() == NOT_AUTHORISED, (headers, r.status_code, r.text)
    # A token in the query string (where logs and proxies keep it) is not taken either.
    r = requests.post(f"{site.url}/webhooks/rest/webhook", params={"token": token}, timeout=60,
                      json={"sender": sender, "message": "hello"})
    assert r.status_code == 401 and r.json() == NOT_AUTHORISED
    assert events_of(site, sender) == 0
    # The web server, which sends the secret, is answered as before.
    s = requests.Session()
    r = s.post(site.web + "/api/chat", json={"message": "hello"}, timeout=90)
    assert r.status_code == 200 and r.json()["messages"]
    assert events_of(site, s.cookies["tb_session"]) > 0


def test_a_hand_built_call_to_the_action_server_is_refused(site):
    sender = new_sender()
    call = {"next_action": "action_turn", "sender_id": sender, "version": "3.6.21", "domain": {},
            "tracker": {"sender_id": sender, "slots": {"stage": "contact"}, "events": [], "paused": False,
                        "latest_message": {"text": "please call me back on 010-1234-5678", "intent": {},
                                           "entities": []},
                        "latest_action_name": "action_listen", "active_loop": {}}}
    for params in ({}, {"token": "guessed"}, {"token": site.env["TRIALBOT_API_TOKEN"]}):
        r = requests.post(f"http://127.0.0.1:{site.actions_port}/webhook", params=params, json=call, timeout=30)
        assert r.status_code == 401 and r.json() == NOT_AUTHORISED, (params, r.status_code, r.text)
    assert site.store.handoffs() == []


def test_no_token_is_on_any_command_line(site):
    """/proc/PID/cmdline is readable by every local user (ps -ef shows it)."""
    secrets = [site.env["TRIALBOT_API_TOKEN"], site.env["TRIALBOT_ACTIONS_TOKEN"]]
    lines = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                lines.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace"))
            except OSError:  # ended meanwhile
                continue
    ours = [line for line in lines if f"--port {site.rasa_port}" in line or f"--port {site.actions_port}" in line]
    assert len(ours) == 2, ours  # the Rasa server and the action server were found
    for line in lines:
        for secret in secrets:
            assert secret not in line, line


def test_the_readme_curl_examples_talk_to_rasa_with_the_token(site, tmp_path):
    """The README's own lines, run as written (the port and the token file changed for this test's servers)."""
    lines = (ROOT / "README.md").read_text().splitlines()
    chat = next(line for line in lines if "localhost:5005/webhooks/rest/webhook" in line and "curl" in line)
    tracker = next(line for line in lines if "localhost:5005/conversations/" in line and "curl" in line)
    token_file = tmp_path / "api_token"
    token_file.write_text(site.env["TRIALBOT_API_TOKEN"] + "\n")

    def run(example: str) -> str:
        command = example.replace("localhost:5005", f"localhost:{site.rasa_port}")
        command = command.replace("var/api_token", shlex.quote(str(token_file)))
        done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=90, cwd=ROOT)
        assert done.returncode == 0, done
        return done.stdout

    replies = json.loads(run(chat))
    assert replies and re.fullmatch(r"[0-9a-f]{32}", replies[0]["recipient_id"])
    assert any(m.get("text") for m in replies), replies
    sender = replies[0]["recipient_id"]
    found = json.loads(run(tracker.replace("SENDER", sender)))
    assert found["sender_id"] == sender and found["events"]
