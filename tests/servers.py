"""The real servers, started by the project's own run script, for tests
that talk to the bot as the website does (REST) and read the database."""
import os
import signal
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import List, Optional

import requests

ROOT = Path(__file__).resolve().parents[1]


class Bot:
    def __init__(self, env: dict, log_path: Path, rasa_port: int, actions_port: int):
        self.env, self.log_path = env, log_path
        self.rasa_port, self.actions_port = rasa_port, actions_port
        self.proc: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def channel_headers(self) -> dict:
        """What the web server sends with every message (the chat endpoint refuses callers without it)."""
        return {"Authorization": f"Bearer {self.env['TRIALBOT_API_TOKEN']}"}

    def start(self, timeout: float = 240) -> None:
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(["bash", "scripts/run.sh", "--no-setup"], cwd=ROOT, env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"run.sh exited with {self.proc.returncode}; see {self.log_path}")
            try:
                web_port = self.env.get("TRIALBOT_WEB_PORT")
                if (requests.get(f"{self.url}/status", params={"token": self.env["TRIALBOT_API_TOKEN"]},
                                 timeout=2).ok
                        and requests.get(f"http://127.0.0.1:{self.actions_port}/health", timeout=2).ok
                        and (not web_port or requests.get(f"http://127.0.0.1:{web_port}/", timeout=2).ok)):
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        self.stop()
        raise RuntimeError(f"servers not up after {timeout}s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        # the action server is a child of run.sh; make sure its port is free again
        for _ in range(30):
            try:
                requests.get(f"http://127.0.0.1:{self.actions_port}/health", timeout=1)
                time.sleep(1)
            except requests.RequestException:
                break

    def say(self, sender: str, text: str) -> List[dict]:
        r = requests.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                          headers=self.channel_headers, timeout=60)
        r.raise_for_status()
        return r.json()

    def tracker(self, sender: str) -> dict:
        r = requests.get(f"{self.url}/conversations/{sender}/tracker",
                         params={"token": self.env["TRIALBOT_API_TOKEN"]}, timeout=30)
        r.raise_for_status()
        return r.json()


def new_sender() -> str:
    return uuid.uuid4().hex  # random and unguessable, as the web page issues them


def joined(messages: List[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


_HANDED_OUT: set = set()


def free_port() -> int:
    """A port nothing listens on, never one this process handed out before: the
    kernel may give a just-closed port again (the Rasa and action servers once got
    the same one, and the second failed to start)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def database_url(backend: str, tmp: Path) -> str:
    """The database a module's servers use: SQLite in `tmp`, or the test PostgreSQL database, emptied."""
    if backend == "postgres":
        from tests.conftest import POSTGRES_URL, _reset_postgres

        _reset_postgres(POSTGRES_URL)
        return POSTGRES_URL
    return f"sqlite:///{tmp / 'trialbot.db'}"


@contextmanager
def running_bot(tmp: Path, db_url: str, web: bool = False, before_start=None):
    """Servers on free ports with their own data folder, key and database.
    This test process gets the same key and URL, to read the records."""
    from cryptography.fernet import Fernet

    from bot.records.store import Store

    env = dict(os.environ, TRIALBOT_DATA_DIR=str(tmp / "var"), TRIALBOT_DATABASE_URL=db_url,
               TRIALBOT_ENCRYPTION_KEY=Fernet.generate_key().decode(),
               TRIALBOT_API_TOKEN=Fernet.generate_key().decode(), TRIALBOT_ACTIONS_TOKEN=Fernet.generate_key().decode(),
               TRIALBOT_RASA_PORT=str(free_port()), TRIALBOT_ACTIONS_PORT=str(free_port()))
    if web:
        env["TRIALBOT_WEB_PORT"] = str(free_port())
    saved = {k: os.environ.get(k) for k in ("TRIALBOT_ENCRYPTION_KEY", "TRIALBOT_DATABASE_URL")}
    os.environ.update(TRIALBOT_ENCRYPTION_KEY=env["TRIALBOT_ENCRYPTION_KEY"], TRIALBOT_DATABASE_URL=db_url)
    store = Store(db_url)
    store.migrate()
    bot = Bot(env, tmp / "servers.log", int(env["TRIALBOT_RASA_PORT"]), int(env["TRIALBOT_ACTIONS_PORT"]))
    bot.store = store
    bot.web = f"http://localhost:{env['TRIALBOT_WEB_PORT']}" if web else None
    try:
        if before_start:
            before_start(env)
        bot.start()
        yield bot
    finally:
        bot.stop()
        store.engine.dispose()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
