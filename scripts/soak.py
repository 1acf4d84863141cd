"""`make soak`: many whole screenings at once through the web server for
several minutes, with the action server and then the Rasa server killed
mid-run, then a count of what the page was told against what was stored.

Starts the bot with `scripts/run.sh --no-setup` (tests/servers.py: free
ports, its own data folder, key and SQLite database, so it never touches
var/). Each simulated patient is a chat page: a random key per message, sent
again with the same key when the reply is 503 (the page's "restarting") or
the connection fails, waiting as Retry-After says on a 429; it reads the
open question from the tracker as `make bench` does (tests/driver.py), reads
each reply for `--think` seconds (2) before answering, and starts a new
screening when one ends. All the patients share one address, so
the soak's own site file raises the per-address limit on new conversations.

Counted at the end, for every message the page got an answer to (an
acknowledged message, by its key): lost (not in its conversation), duplicated
(stored more than once), misfiled (in another conversation); records whose
stored answers differ from what the conversation understood; replies that
were errors (5xx) outside the restart windows (from a kill until the server
answers again, plus 10 s); and each server's memory (RSS) at the start and
the end. Prints a table and writes results/soak.json.

    .venv/bin/python scripts/soak.py [--users 50] [--minutes 10]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from tests.driver import WebChat, load_answers, screen  # noqa: E402
from tests.servers import running_bot  # noqa: E402

SERVERS = ("web", "rasa", "actions")
GRACE = 10.0  # seconds after a restarted server answers that errors still count as the restart's


@dataclass
class Window:
    server: str
    killed_at: float
    back_at: Optional[float] = None

    def covers(self, t: float) -> bool:
        return self.killed_at <= t <= (self.back_at or float("inf")) + GRACE


@dataclass
class Memory:
    """Each server's RSS: after start-up, once warm (a fifth into the run, before any kill), at the end."""
    boot: Dict[str, float] = field(default_factory=dict)
    warm: Dict[str, float] = field(default_factory=dict)
    end: Dict[str, float] = field(default_factory=dict)
    pids: Dict[str, int] = field(default_factory=dict)


@dataclass
class Tally:
    acknowledged: List[Tuple[str, str]] = field(default_factory=list)  # (sender, key) the page got an answer to
    sent: Dict[str, set] = field(default_factory=dict)                  # sender -> every key the page sent there
    statuses: List[Tuple[float, int]] = field(default_factory=list)    # (when, HTTP status; 0: no connection)
    screenings: int = 0
    finished: int = 0


class Page(WebChat):
    """The chat page: a key per message, retried with the same key until answered."""

    def __init__(self, session: aiohttp.ClientSession, web_url: str, token: str, tracker_url: str, tally: Tally,
                 deadline: float, stop_at: float, think: float):
        super().__init__(session, web_url, token, tracker_url)
        self.tally, self.deadline, self.stop_at, self.think = tally, deadline, stop_at, think

    async def say(self, text: str) -> List[dict]:
        if self.sender:
            await asyncio.sleep(self.think)  # a person reads the reply before answering
        if time.time() > self.deadline:
            raise TimeoutError("the soak is over: no new message")
        key = secrets.token_hex(16)
        while True:
            status, body, retry_after = await self._post(text, key)
            self.tally.statuses.append((time.time(), status))
            if self.sender:
                self.tally.sent.setdefault(self.sender, set()).add(key)
            if status == 200:
                self.tally.acknowledged.append((self.sender, key))
                return body["messages"]
            if time.time() > self.stop_at:
                raise TimeoutError("not answered before the soak's end")
            await asyncio.sleep(retry_after or 3.0)

    async def _post(self, text: str, key: str) -> Tuple[int, dict, float]:
        cookies = {self.COOKIE: self.sender} if self.sender else None
        try:
            async with self.session.post(f"{self.url}/api/chat", json={"message": text, "id": key},
                                         cookies=cookies, timeout=aiohttp.ClientTimeout(total=120)) as r:
                body = await r.json(content_type=None)
                issued = r.cookies.get(self.COOKIE)
                if issued is not None and issued.value:
                    self.sender = issued.value
                return r.status, body, float(r.headers.get("Retry-After", 0))
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            return 0, {}, 0.0

    async def tracker(self) -> dict:
        while True:
            try:
                return await super().tracker()
            except (aiohttp.ClientError, asyncio.TimeoutError):
                if time.time() > self.stop_at:
                    raise
                await asyncio.sleep(3.0)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pids(bot) -> Dict[str, int]:
    folder = bot.log_path.parent / "var" / "pids"
    return {name: int((folder / f"{name}.pid").read_text()) for name in SERVERS}


def up(bot, server: str) -> bool:
    url = {"rasa": f"{bot.url}/", "actions": f"http://127.0.0.1:{bot.actions_port}/health", "web": f"{bot.web}/"}
    try:
        return requests.get(url[server], timeout=3).ok
    except requests.RequestException:
        return False


async def kill_and_wait(bot, server: str, at: float, windows: List[Window]) -> None:
    await asyncio.sleep(max(0.0, at - time.time()))
    old = pids(bot)[server]
    window = Window(server, time.time())
    windows.append(window)
    os.kill(old, signal.SIGKILL)
    print(f"  {time.strftime('%H:%M:%S')} killed the {server} server (pid {old})", flush=True)
    while not (pids(bot)[server] != old and up(bot, server)):
        await asyncio.sleep(1.0)
    window.back_at = time.time()
    print(f"  {time.strftime('%H:%M:%S')} the {server} server is back after {window.back_at - window.killed_at:.0f} s",
          flush=True)


async def patient(bot, session: aiohttp.ClientSession, answers: Dict[str, str], tally: Tally, deadline: float,
                  stop_at: float, think: float) -> None:
    while time.time() < deadline:
        page = Page(session, bot.web, bot.env["TRIALBOT_API_TOKEN"], bot.url, tally, deadline, stop_at, think)
        tally.screenings += 1
        result = await screen(page, answers, share=True)
        tally.finished += result.finished


async def warm_memory(bot, at: float, memory: Memory) -> None:
    await asyncio.sleep(max(0.0, at - time.time()))
    memory.warm = {s: rss_mb(p) for s, p in pids(bot).items()}


async def run_load(bot, users: int, minutes: float, kills: List[Tuple[str, float]], memory: Memory,
                   think: float) -> Tuple[Tally, List[Window]]:
    tally, windows = Tally(), []
    start = time.time()
    deadline = start + minutes * 60
    stop_at = deadline + 300  # a message still unanswered this long after the end is given up
    answers = load_answers()
    # Each page keeps its own cookie (tests/driver.py): a shared jar would send one patient's cookie for another's.
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=users * 2),
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        killers = [asyncio.create_task(kill_and_wait(bot, server, start + share * minutes * 60, windows))
                   for server, share in kills]
        killers.append(asyncio.create_task(warm_memory(bot, start + 0.2 * minutes * 60, memory)))
        await asyncio.gather(*(patient(bot, session, answers, tally, deadline, stop_at, think) for _ in range(users)))
        await asyncio.gather(*killers)
    return tally, windows


def stored_keys(bot, senders: List[str]) -> Dict[str, Counter]:
    """Each conversation's user messages by key, as Rasa holds them (a
    message stored without its key counts under None)."""
    out: Dict[str, Counter] = {}
    for sender in senders:
        events = bot.tracker(sender).get("events") or []
        out[sender] = Counter(e.get("message_id") for e in events if e.get("event") == "user")
    return out


def records_differing(bot, senders: List[str]) -> int:
    """Conversations whose stored answers differ from what the conversation understood (the tracker's slot).
    Each study's screening stores an answer under its own question id: read back by concept."""
    from bot.eligibility.portfolio import site_portfolio
    from bot.records.tables import Screening

    concept_of = {(tid, qid): c for tid, ids in site_portfolio().own.items() for c, qid in ids.items()}
    differing = 0
    for sender in senders:
        understood = bot.tracker(sender).get("slots", {}).get("answers") or {}
        with bot.store.session() as s:
            rows = s.execute(sa.select(Screening).where(Screening.sender_id == sender)).scalars().all()
            stored = {concept_of.get((sc.trial_id, a.criterion_id), a.criterion_id): a.raw_text
                      for sc in rows for a in sc.answers if a.raw_text}
        differing += stored != {k: v for k, v in understood.items() if v}
    return differing


def count(bot, tally: Tally, windows: List[Window]) -> dict:
    senders = sorted({s for s, _ in tally.acknowledged} | set(tally.sent))
    held = stored_keys(bot, senders)
    where: Dict[str, List[str]] = {}
    for sender, keys in held.items():
        for key in keys:
            where.setdefault(key, []).append(sender)
    lost = sum(1 for s, k in tally.acknowledged if held[s][k] == 0)
    # More user messages stored than the page sent (by key or not), or one key stored twice.
    duplicated = sum(max(sum(keys.values()) - len(tally.sent.get(s, ())), 0, max(keys.values(), default=1) - 1)
                     for s, keys in held.items())
    misfiled = sum(1 for s, k in tally.acknowledged if any(o != s for o in where.get(k, [])))
    errors = [(t, st) for t, st in tally.statuses if st >= 500 or st == 0]
    outside = [e for e in errors if not any(w.covers(e[0]) for w in windows)]
    return {"screenings_started": tally.screenings, "screenings_finished": tally.finished,
            "conversations": len(senders), "acknowledged": len(tally.acknowledged), "lost": lost,
            "duplicated": duplicated, "misfiled": misfiled, "records_differing": records_differing(bot, senders),
            "requests": len(tally.statuses), "errors_in_restart_windows": len(errors) - len(outside),
            "errors_outside_restart_windows": len(outside),
            "rate_limited": sum(1 for _, st in tally.statuses if st == 429),
            "restarts": [{"server": w.server, "down_s": round((w.back_at or w.killed_at) - w.killed_at, 1)}
                         for w in windows]}


def site_file(folder: Path, users: int, minutes: float) -> Path:
    """config/site.yml with room for every soak conversation from this one address."""
    lines = [line for line in (ROOT / "config" / "site.yml").read_text(encoding="utf-8").splitlines()
             if not line.startswith("new_chats_per_address_per_hour:")]
    lines.append(f"new_chats_per_address_per_hour: {max(30, int(users * minutes * 4))}")
    path = folder / "site.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def table(result: dict) -> str:
    c, m = result["counts"], result["memory_mb"]
    rows = [("users x minutes", f"{result['users']} x {result['minutes']}"),
            ("screenings started / finished", f"{c['screenings_started']} / {c['screenings_finished']}"),
            ("acknowledged messages", c["acknowledged"]), ("lost", c["lost"]), ("duplicated", c["duplicated"]),
            ("misfiled", c["misfiled"]), ("records differing from the conversation", c["records_differing"]),
            ("requests", c["requests"]), ("5xx or no connection, in restart windows", c["errors_in_restart_windows"]),
            ("5xx or no connection, outside them", c["errors_outside_restart_windows"]),
            ("429 (limits)", c["rate_limited"])]
    rows += [(f"restart: {r['server']}", f"answering again after {r['down_s']} s") for r in c["restarts"]]
    rows += [(f"RSS MB {s}: started, warm, end{' (restarted)' if m[s]['restarted'] else ''}",
              f"{m[s]['boot']:.0f}, {m[s]['warm']:.0f}, {m[s]['end']:.0f}") for s in SERVERS]
    width = max(len(str(k)) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--kill-actions-at", type=float, default=0.25, help="share of the run (0 for never)")
    ap.add_argument("--kill-rasa-at", type=float, default=0.5, help="share of the run (0 for never)")
    ap.add_argument("--think", type=float, default=2.0, help="seconds a patient reads a reply before answering")
    ap.add_argument("--json", default=str(ROOT / "results" / "soak.json"))
    args = ap.parse_args()
    kills = [(s, at) for s, at in (("actions", args.kill_actions_at), ("rasa", args.kill_rasa_at)) if at > 0]
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        folder = Path(tmp)
        site = site_file(folder, args.users, args.minutes)
        print(f"soak: {args.users} users for {args.minutes} min; kills: {kills}; starting the bot ...", flush=True)
        with running_bot(folder, f"sqlite:///{folder / 'trialbot.db'}", web=True,
                         before_start=lambda env: env.update(TRIALBOT_SITE_CONFIG=str(site))) as bot:
            mem = Memory(pids=pids(bot))
            mem.boot = {s: rss_mb(p) for s, p in mem.pids.items()}
            tally, windows = asyncio.run(run_load(bot, args.users, args.minutes, kills, mem, args.think))
            end_pids = pids(bot)
            mem.end = {s: rss_mb(p) for s, p in end_pids.items()}
            memory = {s: {"boot": round(mem.boot[s], 1), "warm": round(mem.warm.get(s, 0.0), 1),
                          "end": round(mem.end[s], 1), "restarted": end_pids[s] != mem.pids[s]} for s in SERVERS}
            counts = count(bot, tally, windows)
    result = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "users": args.users,
              "minutes": args.minutes, "think_s": args.think, "database": "sqlite", "counts": counts, "memory_mb": memory}
    print(table(result))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.json}")
    bad = counts["lost"] + counts["duplicated"] + counts["misfiled"] + counts["errors_outside_restart_windows"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
