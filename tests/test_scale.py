"""The scaled-out set-up, running (scripts/run_scaled.sh): two Rasa servers,
each with its own action server, on one PostgreSQL database and Redis's lock
store, behind the web server. Checks what scaling out could break: no event
lost, duplicated or reordered, every stored answer equal to what was typed,
one screening and one handoff per conversation, and one conversation served
by both Rasa servers at once still handled one message at a time.

Needs PostgreSQL and Redis (skipped when they do not answer):
TRIALBOT_TEST_SCALE_POSTGRES_URL (default: the server of
TRIALBOT_TEST_POSTGRES_URL, else 127.0.0.1:5432, database `scale_test`,
created when missing and emptied first) and TRIALBOT_TEST_REDIS_URL (default
redis://127.0.0.1:6379/3; keys under a prefix of this run only).
Run alone with `pytest -m scale`."""
import asyncio
import json
import os
import secrets
import signal
import subprocess
import threading
import time
from pathlib import Path

import aiohttp
import pytest
import requests
import sqlalchemy as sa

from tests.driver import RasaRest, WebChat, load_answers, screen, site_without_limits
from tests.servers import ROOT, free_port

pytestmark = [pytest.mark.rasa, pytest.mark.scale]

SCREENINGS = 30
SHEET_IDS = set(json.loads((ROOT / "examples" / "answers.json").read_text())["answers"])


def _postgres_url() -> str:
    url = os.environ.get("TRIALBOT_TEST_SCALE_POSTGRES_URL")
    if url:
        return url
    base = os.environ.get("TRIALBOT_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test"
    return str(sa.engine.make_url(base).set(database="scale_test"))


def _fresh_database(url: str) -> None:
    u = sa.engine.make_url(url)
    admin = sa.create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        if not c.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": u.database}).scalar():
            c.execute(sa.text(f'CREATE DATABASE "{u.database}"'))
    admin.dispose()
    from tests.conftest import _reset_postgres
    _reset_postgres(url)


def _redis():
    import redis

    client = redis.Redis.from_url(os.environ.get("TRIALBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/3"),
                                  socket_timeout=5)
    client.ping()
    return client


class LockWatch:
    """Redis MONITOR, counting the lock store's commands under our prefix."""

    def __init__(self, client, prefix: str):
        self.client, self.prefix, self.commands, self.clients = client, prefix, 0, set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        with self.client.monitor() as m:
            for cmd in m.listen():
                if self.prefix in cmd.get("command", ""):
                    self.commands += 1
                    self.clients.add(cmd.get("client_address"))
                if self.stop.is_set():
                    return

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.client.ping()  # one more command so listen() returns
        self.thread.join(timeout=10)


def _cpu_seconds(port: int) -> float:
    """CPU time of the Rasa server listening on this port (found by its command line)."""
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                cmd = (p / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                if "addons.rasa_server run" in cmd and f"--port {port} " in cmd:
                    f = (p / "stat").read_text().rsplit(")", 1)[1].split()
                    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
            except (OSError, ValueError, IndexError):
                continue
    raise LookupError(f"no Rasa server on port {port}")


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    db_url = _postgres_url()
    try:
        _fresh_database(db_url)
        red = _redis()
    except Exception as exc:  # noqa: BLE001 - any reason the services are missing
        why = f"needs PostgreSQL and Redis: {exc.__class__.__name__}: {str(exc).splitlines()[0]}"
        if os.environ.get("TRIALBOT_REQUIRE_REDIS") == "1" or os.environ.get("TRIALBOT_REQUIRE_POSTGRES") == "1":
            pytest.fail(why)  # CI: a missing service is a failure, not a skip
        pytest.skip(why)
    from cryptography.fernet import Fernet

    tmp = tmp_path_factory.mktemp("scaled")
    prefix = "scaletest" + secrets.token_hex(4)
    rasa_ports, action_ports, web_port = [free_port(), free_port()], [free_port(), free_port()], free_port()
    redis_kw = red.connection_pool.connection_kwargs
    env = dict(os.environ, TRIALBOT_DATA_DIR=str(tmp / "var"), TRIALBOT_DATABASE_URL=db_url,
               TRIALBOT_ENCRYPTION_KEY=Fernet.generate_key().decode(), TRIALBOT_API_TOKEN=secrets.token_urlsafe(24),
               TRIALBOT_ACTIONS_TOKEN=secrets.token_urlsafe(24),
               TRIALBOT_REDIS_HOST=str(redis_kw.get("host", "127.0.0.1")), TRIALBOT_REDIS_PORT=str(redis_kw.get("port", 6379)),
               TRIALBOT_REDIS_DB=str(redis_kw.get("db", 3)), TRIALBOT_REDIS_PASSWORD=str(redis_kw.get("password") or ""),
               TRIALBOT_REDIS_PREFIX=prefix,
               TRIALBOT_RASA_PORTS=",".join(map(str, rasa_ports)),
               TRIALBOT_ACTIONS_PORTS=",".join(map(str, action_ports)), TRIALBOT_WEB_PORT=str(web_port),
               TRIALBOT_SITE_CONFIG=str(site_without_limits(tmp)))  # 30 patients from one address, at full speed
    for k in ("TRIALBOT_RASA_URLS", "TRIALBOT_RASA_URL", "TRIALBOT_RASA_PORT", "TRIALBOT_ACTIONS_PORT"):
        env.pop(k, None)
    log = open(tmp / "run_scaled.log", "ab")
    proc = subprocess.Popen(["bash", "scripts/run_scaled.sh", "--no-setup"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    saved = {k: os.environ.get(k) for k in ("TRIALBOT_ENCRYPTION_KEY", "TRIALBOT_DATABASE_URL")}
    os.environ.update(TRIALBOT_ENCRYPTION_KEY=env["TRIALBOT_ENCRYPTION_KEY"], TRIALBOT_DATABASE_URL=db_url)
    try:
        deadline = time.time() + 600
        urls = [f"http://127.0.0.1:{p}" for p in rasa_ports]
        while True:
            assert proc.poll() is None, f"run_scaled.sh exited; see {tmp / 'run_scaled.log'} and {tmp / 'var/logs'}"
            assert time.time() < deadline, f"not up after 600 s; see {tmp / 'var/logs'}"
            try:
                if (all(requests.get(f"{u}/status", params={"token": env["TRIALBOT_API_TOKEN"]}, timeout=2).ok
                        for u in urls)
                        and all(requests.get(f"http://127.0.0.1:{p}/health", timeout=2).ok for p in action_ports)
                        and requests.get(f"http://127.0.0.1:{web_port}/", timeout=2).ok):
                    break
            except requests.RequestException:
                pass
            time.sleep(2)
        from bot.records.store import Store

        store = Store(db_url)
        yield dict(env=env, urls=urls, rasa_ports=rasa_ports, action_ports=action_ports,
                   web=f"http://127.0.0.1:{web_port}", token=env["TRIALBOT_API_TOKEN"], store=store, redis=red,
                   prefix=prefix, tmp=tmp)
        store.engine.dispose()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        for key in red.scan_iter(f"{prefix}*"):
            red.delete(key)


def _events(store, sender: str):
    from bot.records.tracker_crypto import decode_event

    with store.engine.connect() as c:
        rows = c.execute(sa.text("SELECT id, data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}).all()
    return [decode_event(r.data) for r in rows]


def _user_texts(events):
    # The REST channel marks typed "/" text with a word joiner (addons/rest_channel.py); the words are the same.
    from bot.eligibility.text import TYPED_SLASH
    return [(e.get("text") or "").replace(TYPED_SLASH, "") for e in events if e.get("event") == "user"]


def test_concurrent_screenings_through_the_web_server_across_two_rasa_servers(scaled):
    answers = load_answers()
    cpu_before = [_cpu_seconds(p) for p in scaled["rasa_ports"]]

    async def all_screenings():
        async def one(i):
            # one visitor = one cookie jar; the tracker is read from the first Rasa server whichever serves it
            async with aiohttp.ClientSession() as session:
                chat = WebChat(session, scaled["web"], scaled["token"], tracker_url=scaled["urls"][0])
                return await screen(chat, answers, share=True, click=False)
        return await asyncio.gather(*(one(i) for i in range(SCREENINGS)))

    with LockWatch(scaled["redis"], scaled["prefix"]) as watch:
        results = asyncio.run(asyncio.wait_for(all_screenings(), 900))

    problems = [f"{r.sender[:8]}: {r.error}" for r in results if not r.finished]
    assert not problems, "screenings that did not finish:\n" + "\n".join(problems)
    senders = [r.sender for r in results]
    assert len(set(senders)) == SCREENINGS, "the web server issued the same session twice"

    # both Rasa servers did the work, and they took their locks in Redis
    from web.app import rasa_url_order

    os.environ["TRIALBOT_RASA_URLS"] = ",".join(scaled["urls"])
    try:
        homes = {rasa_url_order(s)[0] for s in senders}
    finally:
        os.environ.pop("TRIALBOT_RASA_URLS", None)
    assert homes == set(scaled["urls"]), "the conversations were not spread over both Rasa servers"
    cpu_used = [_cpu_seconds(p) - b for p, b in zip(scaled["rasa_ports"], cpu_before)]
    assert min(cpu_used) > 1.0, f"a Rasa server did (almost) nothing: CPU seconds {cpu_used}"
    assert watch.commands > 0, "no lock store command reached Redis under this run's prefix"

    store = scaled["store"]
    from bot.records.store import Handoff, Screening

    for r in results:
        # no event lost, duplicated or reordered: the stored user messages are exactly those sent, in order
        events = _events(store, r.sender)
        sent = [t.sent for t in r.turns]
        assert _user_texts(events) == sent, f"{r.sender[:8]}: stored user messages differ from those sent"
        stamps = [e.get("timestamp") or 0 for e in events]
        assert stamps == sorted(stamps), f"{r.sender[:8]}: events stored out of time order"
        assert len({(e.get("event"), e.get("timestamp"), e.get("name"), e.get("text")) for e in events}) == len(events), \
            f"{r.sender[:8]}: a duplicated event"

        with store.session() as s:
            screenings = s.query(Screening).filter(Screening.sender_id == r.sender).all()
            assert len(screenings) == 1, f"{r.sender[:8]}: {len(screenings)} screenings"
            sc = screenings[0]
            assert sc.outcome == r.outcome
            # criteria that were not asked (not applicable, deferred) are stored without a typed text
            stored = {a.criterion_id: a.raw_text for a in sc.answers if a.raw_text is not None}
            typed = r.typed_answers
            assert set(stored) <= set(typed), f"{r.sender[:8]}: an answer stored that was never typed"
            assert stored == {k: typed[k] for k in stored}, f"{r.sender[:8]}: a stored answer differs from what was typed"
            # every typed answer to a criterion of the answers sheet is stored (conversation steps need not be)
            assert set(typed) & SHEET_IDS <= set(stored), f"{r.sender[:8]}: a typed answer was not stored"
            assert len(sc.answers) == len({a.criterion_id for a in sc.answers}), "an answer stored twice"
            handoffs = s.query(Handoff).filter(Handoff.screening_id == sc.id).all()
            if r.reference:
                assert len(handoffs) == 1 and handoffs[0].reference == r.reference
                assert handoffs[0].name == answers["contact_name"]
            else:
                assert handoffs == []
    assert sum(1 for r in results if r.reference) > 0, "no screening reached a handoff"


def test_one_conversation_on_both_rasa_servers_at_once_stays_in_order(scaled):
    """Messages of one conversation sent to both servers at the same moment:
    Redis's lock store makes them wait for each other, so each message's
    whole turn (its reply, then listening) is stored before the next one's."""
    answers = load_answers()
    a, b = scaled["urls"]

    async def run():
        async with aiohttp.ClientSession() as session:
            first = RasaRest(session, a, scaled["token"])
            other = RasaRest(session, b, scaled["token"], sender=first.sender)
            await first.say("hi")
            await other.say("/affirm")  # the second message goes to the other server
            sent = ["hi", "/affirm"]
            for _ in range(5):  # bursts: two answers at once, one to each server
                slots = (await first.tracker())["slots"]
                q = slots.get("requested_slot")
                pair = [answers.get(q, "not sure"), "why do you ask?"]
                await asyncio.gather(first.say(pair[0]), other.say(pair[1]))
                sent += pair
            return first.sender, sent

    sender, sent = asyncio.run(asyncio.wait_for(run(), 300))
    events = _events(scaled["store"], sender)
    texts = _user_texts(events)
    assert sorted(texts) == sorted(sent), "a message was lost or stored twice"
    # every user message is followed by its own turn, ending with listening, before the next user message
    kinds = [("user" if e["event"] == "user" else "listen" if e.get("name") == "action_listen" else "other")
             for e in events if e["event"] in ("user", "action")]
    first_user = kinds.index("user")
    turns = "".join("U" if k == "user" else "L" if k == "listen" else "." for k in kinds[first_user:])
    assert all(chunk.endswith("L") for chunk in turns.split("U")[1:]), f"turns interleaved: {turns}"
