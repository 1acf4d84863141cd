"""Faults played against the real servers started by scripts/run.sh (web
server, Rasa server, action server) on a real database: a message sent twice
(one after the other, at the same moment, and after the web server was
killed), and the action server and the Rasa server killed mid-conversation.
Each server's pid is where run.sh writes it (var/pids/NAME.pid)."""
import os
import secrets
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.servers import database_url, running_bot

pytestmark = pytest.mark.rasa

RESTARTING = {
    "en": "The assistant is restarting and should be back within a minute. Your message is kept and will be sent "
          "again on its own. If this is an emergency, call 119 now.",
    "ko": "도우미가 다시 시작하는 중이에요. 1분 안에 돌아올 거예요. 입력하신 메시지는 그대로 있고, 자동으로 다시 "
          "보낼게요. 응급 상황이면 지금 바로 119에 전화하세요.",
}
ANSWER = "my polycythemia vera turned into AML last spring"


@pytest.fixture(scope="module")
def site(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    url = database_url(request.param, tmp)
    with running_bot(tmp, url, web=True) as bot:
        yield bot


def pytest_generate_tests(metafunc):
    if "site" in metafunc.fixturenames:
        from tests.conftest import _backends
        metafunc.parametrize("site", list(_backends()), indirect=True, scope="module")


class Page:
    """The chat page: its cookie, and a random key per message, sent again on a retry."""

    def __init__(self, site):
        self.site, self.http = site, requests.Session()

    def send(self, text, key=None, lang="en"):
        return self.http.post(self.site.web + "/api/chat", json={"message": text, "id": key or secrets.token_hex(16),
                                                                 "lang": lang}, timeout=120)

    def say(self, text, key=None):
        r = self.send(text, key)
        assert r.status_code == 200, r.text
        return r.json()

    @property
    def sender(self):
        return self.http.cookies.get("tb_session")

    def user_events(self, text):
        events = self.site.tracker(self.sender)["events"]
        return [e for e in events if e["event"] == "user" and e.get("text") == text]

    def slot(self, name="requested_slot"):
        return self.site.tracker(self.sender)["slots"].get(name)


def started(site) -> Page:
    page = Page(site)
    page.say("hi")
    page.say("/consent:yes")
    page.say("for myself")
    assert page.slot() == "post_mpn_aml"
    return page


def _under(root):
    """The processes started under run.sh, with their command lines."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            pass
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        kids = [p for p, pp in parents.items() if pp == pid]
        found += kids
        todo += kids
    return {p: (Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                if Path(f"/proc/{p}").exists() else "") for p in found}


def pid_of(site, name):
    """The server's pid where run.sh writes it; found by its command line
    when there is none (the code before supervision), to play the same fault."""
    pid_file = site.log_path.parent / "var" / "pids" / f"{name}.pid"
    if pid_file.exists():
        return int(pid_file.read_text())
    wanted = {"actions": "-m addons.action_server", "rasa": "-m addons.rasa_server run", "web": "-m web"}[name]
    return next(p for p, cmd in _under(site.proc.pid).items() if wanted in cmd)


def kill(site, name):
    pid = pid_of(site, name)
    os.kill(pid, signal.SIGKILL)
    return pid


def wait_until(ok, seconds=240):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if ok():
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise AssertionError(f"not back after {seconds} s")


def transcript_count(site, sender, text):
    return sum(1 for line in site.store.transcript(sender) if line.speaker == "person" and line.text == text)


def test_a_message_sent_again_is_stored_once_and_answered_the_same(site):
    page = started(site)
    key = secrets.token_hex(16)
    first = page.say(ANSWER, key)
    again = page.say(ANSWER, key)  # the page's retry: the reply was lost on the way
    with ThreadPoolExecutor(4) as pool:  # the same request arriving several times at once
        at_once = [r.json() for r in pool.map(lambda _: page.send(ANSWER, key), range(4))]
    assert "How old" in first["messages"][-1]["text"]
    assert again == first and all(r == first for r in at_once)
    assert len(page.user_events(ANSWER)) == 1 and transcript_count(site, page.sender, ANSWER) == 1
    assert page.slot() == "age"
    # A new message with a new key is a new message, even with the same words.
    page.say("not sure")
    page.say("not sure")
    assert len(page.user_events("not sure")) == 2


def test_two_new_keys_at_the_same_moment_are_two_messages_in_order(site):
    page = started(site)
    with ThreadPoolExecutor(2) as pool:
        keys = [secrets.token_hex(16), secrets.token_hex(16)]
        codes = [r.status_code for r in pool.map(lambda k: page.send(ANSWER, k), keys)]
    assert codes == [200, 200] and len(page.user_events(ANSWER)) == 2


def test_a_retry_after_the_web_server_was_killed_is_stored_once(site):
    page = started(site)
    key = secrets.token_hex(16)
    first = page.say(ANSWER, key)
    old = kill(site, "web")
    wait_until(lambda: pid_of(site, "web") != old and requests.get(site.web + "/", timeout=5).ok)
    again = page.say(ANSWER, key)  # this web server has never seen the key: Rasa has it with the message
    assert again["messages"] == first["messages"]
    assert len(page.user_events(ANSWER)) == 1 and transcript_count(site, page.sender, ANSWER) == 1
    assert page.slot() == "age"


@pytest.mark.parametrize("server", ["actions", "rasa"])
def test_a_killed_server_is_restarted_and_the_page_says_so_meanwhile(site, server):
    page = started(site)
    key = secrets.token_hex(16)
    old = kill(site, server)
    for lang in ("en", "ko"):
        r = page.send(ANSWER, key, lang=lang)
        assert r.status_code == 503
        assert r.json() == {"error": "restarting", "lang": None,
                            "messages": [{"text": RESTARTING[lang], "buttons": []}]}
    # The web pages stay up, the staff's included.
    assert requests.get(site.web + "/", timeout=10).status_code == 200
    assert requests.get(site.web + "/staff/login", timeout=10).status_code == 200
    port = site.actions_port if server == "actions" else site.rasa_port
    path = "/health" if server == "actions" else "/"
    wait_until(lambda: pid_of(site, server) != old and requests.get(f"http://127.0.0.1:{port}{path}", timeout=5).ok)
    reply = page.say(ANSWER, key)  # the page sends it again with the same key
    assert "How old" in reply["messages"][-1]["text"] and page.slot() == "age"
    assert len(page.user_events(ANSWER)) == 1 and transcript_count(site, page.sender, ANSWER) == 1
    page.say("I'm 66")
    assert page.slot() == "prior_ruxolitinib"
    assert site.tracker(page.sender)["slots"]["answers"] == {"respondent": "for myself", "post_mpn_aml": ANSWER,
                                                             "age": "I'm 66"}
