"""`make bench`: how fast and how big the whole bot is, against a reference.

Starts this bot with the project's own `scripts/run.sh --no-setup` (free
ports, its own data folder and database) and a reference bot (`rasa init
--no-prompt`, the same Rasa, REST channel, trained once into
.cache/bench-reference/ and reused), then, alternating, runs N concurrent
whole screenings against this bot and N concurrent fixed scripts of the same
length against the reference, with the same HTTP client and the same
per-turn pattern (send a message, read the tracker). Prints one table
(messages/s, reply time p50/p95, CPU ms per message and memory per process,
ratios), the core's own speed (one answer read, the evaluator per sheet),
the cold start and the training time; checks that every screening ended with
a stored result; writes results/bench/<time>.json and compares with the
previous run; prints PASS/FAIL per goal (the command itself does not fail on
a goal).

    .venv/bin/python scripts/bench.py [--users 10] [--rounds 3] [--train] [--profile]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import requests  # noqa: E402

from tests.driver import (RasaRest, Screening, WebChat, load_answers, screen, scripted,  # noqa: E402
                          site_without_limits)

RASA = ROOT / ".venv" / "bin" / "rasa"
PY = ROOT / ".venv" / "bin" / "python"
REF_DIR = ROOT / ".cache" / "bench-reference"
RESULTS = ROOT / "results" / "bench"
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
# The reference conversation: the moodbot's greet / mood / affirm / deny.
REF_SCRIPT = ["hello", "I am feeling great", "hi there", "I am sad", "yes it did", "hey", "not good", "no",
              "good morning", "very sad", "yes", "hello", "perfect", "hi", "unhappy", "no it did not",
              "hey there", "great", "goodbye", "bye"]
GOALS = [
    # key, description, test
    ("throughput_ratio", "throughput >= 0.8x reference at 10 users", lambda v: v >= 0.8),
    ("p95_ratio", "p95 reply time <= 1.25x reference", lambda v: v <= 1.25),
    ("answer_read_ms", "one answer read <= 2 ms (median)", lambda v: v <= 2.0),
    ("rasa_rss_mb", "Rasa server <= 1.2 GB RSS", lambda v: v <= 1200),
    ("cold_start_s", "cold start <= 20 s", lambda v: v <= 20),
    ("evaluate_call_s", "evaluator <= 1 s per call", lambda v: v <= 1.0),
    ("batch_sheets_per_s", "batch >= 200 sheets/s", lambda v: v >= 200),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ processes

def _children() -> Dict[int, List[int]]:
    tree: Dict[int, List[int]] = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(ppid, []).append(int(p.name))
    return tree


def descendants(pid: int) -> List[int]:
    tree, out, todo = _children(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(tree.get(p, []))
    return out


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def roles(root_pid: int) -> Dict[str, int]:
    """The bot's processes under run.sh: the Rasa server, the action server, the web server."""
    found = {}
    for pid in descendants(root_pid):
        c = cmdline(pid)
        if "addons.action_server" in c:
            found.setdefault("actions", pid)
        elif "addons.rasa_server run" in c:
            found.setdefault("rasa", pid)
        elif "-m web" in c:
            found.setdefault("web", pid)
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its descendants (all threads)."""
    total = 0.0
    for p in descendants(pid):
        try:
            f = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(f[11]) + int(f[12])) / TICKS
        except (OSError, IndexError, ValueError):
            pass
    return total


def rss_mb(pid: int) -> Tuple[float, float]:
    """(current RSS, peak RSS) in MB, of the process and its descendants."""
    now = peak = 0.0
    for p in descendants(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    now += int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    peak += int(line.split()[1]) / 1024
        except OSError:
            pass
    return now, peak


class Server:
    def __init__(self, name: str, argv: List[str], cwd: Path, env: dict, log: Path, url: str, token: str):
        self.name, self.argv, self.cwd, self.env, self.log, self.url, self.token = name, argv, cwd, env, log, url, token
        self.proc: Optional[subprocess.Popen] = None
        self.started = 0.0

    def start(self) -> None:
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, stdout=open(self.log, "ab"),
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def wait_first_reply(self, timeout: float, extra_ready: Callable[[], bool] = lambda: True) -> float:
        """Seconds from start to the first reply to "hi"."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log}")
            try:
                if requests.get(f"{self.url}/status", params={"token": self.token}, timeout=2).ok and extra_ready():
                    r = requests.post(f"{self.url}/webhooks/rest/webhook", headers={"Authorization": f"Bearer {self.token}"},
                                      json={"sender": secrets.token_hex(16), "message": "hi"}, timeout=60)
                    if r.ok and r.json():
                        return time.perf_counter() - self.started
            except requests.RequestException:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"{self.name} gave no reply within {timeout:.0f} s; see {self.log}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _quiet_env(**extra) -> dict:
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore")
    env.update(extra)
    return env


def reference_model(log: Path) -> Path:
    """`rasa init --no-prompt` into .cache/bench-reference (trained by it), once
    per Rasa version."""
    version = subprocess.run([str(PY), "-c", "import rasa; print(rasa.__version__)"], capture_output=True,
                             text=True, env=_quiet_env()).stdout.strip()
    stamp = REF_DIR / ".rasa-version"
    models = sorted((REF_DIR / "models").glob("*.tar.gz")) if REF_DIR.exists() else []
    if models and stamp.exists() and stamp.read_text().strip() == version:
        return models[-1]
    print(f"  creating the reference bot (rasa init --no-prompt, Rasa {version}) in {REF_DIR.relative_to(ROOT)} ...",
          flush=True)
    shutil.rmtree(REF_DIR, ignore_errors=True)
    REF_DIR.mkdir(parents=True)
    with open(log, "ab") as out:
        subprocess.run([str(RASA), "init", "--no-prompt", "--init-dir", str(REF_DIR)], cwd=REF_DIR, env=_quiet_env(),
                       stdout=out, stderr=subprocess.STDOUT, check=True, timeout=1800)
    stamp.write_text(version)
    return sorted((REF_DIR / "models").glob("*.tar.gz"))[-1]


# ------------------------------------------------------------------ load

async def run_phase(kind: str, server: Server, users: int, answers: Dict[str, str], ref_turns: int,
                    time_limit: float, via_web: Optional[str] = None) -> Tuple[List[Screening], float]:
    connector = aiohttp.TCPConnector(limit=users * 2)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one(i: int) -> Screening:
            if via_web:  # one cookie jar per visitor, as browsers have
                async with aiohttp.ClientSession(connector=connector, connector_owner=False) as own:
                    return await screen(WebChat(own, via_web, server.token, tracker_url=server.url), answers)
            t = RasaRest(session, server.url, server.token)
            if kind == "bot":
                return await screen(t, answers)
            script = (REF_SCRIPT * (ref_turns // len(REF_SCRIPT) + 1))[:ref_turns]
            return await scripted(t, script)

        start = time.perf_counter()
        results = await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(users))), time_limit)
        return list(results), time.perf_counter() - start


def percentile(values: List[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# ------------------------------------------------------------------ the core alone

def persona_sheets() -> List[Dict[str, str]]:
    """Every persona's answer sheet (tests/personas): people's own words, in
    English and Korean. Distinct texts, so that no measure below is a cache's."""
    import yaml

    from bot.eligibility.model import load_trial

    asked = set(load_trial().asked_ids)
    sheets = []
    for path in sorted((ROOT / "tests" / "personas").glob("*.yml")):
        for persona in yaml.safe_load(path.read_text(encoding="utf-8")):
            sheets.append({k: str(v) for k, v in persona["answers"].items() if k in asked})
    return sheets


def mixed_sheets(sheets: List[Dict[str, str]], n: int) -> List[Dict[str, str]]:
    """`n` different sheets, each question's answer taken from another persona
    (a real batch repeats short answers such as "no"; it rarely repeats a sheet)."""
    out, seen, i = [], set(), 0
    while len(out) < n and i < n * 50:
        sheet = {}
        for q, qid in enumerate(sorted({k for s in sheets for k in s})):
            source = sheets[(i + 7 * q * (1 + i // len(sheets))) % len(sheets)]
            if qid in source:
                sheet[qid] = source[qid]
        key = json.dumps(sheet, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(sheet)
        i += 1
    return out


def core_speed(answers_file: Path, tmp: Path) -> dict:
    """The readers and the evaluator on distinct texts: every persona answer
    read once, every persona sheet evaluated once (in this process), then
    `python -m bot evaluate` as a command, alone and with a batch."""
    from bot.eligibility import nlp
    from bot.eligibility.model import load_trial
    from bot.eligibility.session import Session, read

    out: dict = {}
    trial, today = load_trial(), date(2026, 11, 25)
    sheets = persona_sheets()
    read(trial, "other_trial", "no", today)  # builds the NLP pipeline
    times = []
    for sheet in sheets:
        start = time.perf_counter()
        Session.from_texts(trial, sheet, today).outcome
        times.append((time.perf_counter() - start) * 1000)
    out["evaluate_in_process_ms"] = statistics.median(times)
    nlp._mentions.cache_clear()  # each answer below is read as if for the first time
    per: Dict[str, List[float]] = {}
    seen = set()
    for sheet in sheets:
        for qid, text in sheet.items():
            if (qid, text) in seen:
                continue
            seen.add((qid, text))
            start = time.perf_counter()
            read(trial, qid, text, today)
            per.setdefault(qid, []).append((time.perf_counter() - start) * 1000)
    out["answers_read"] = len(seen)
    out["answer_read_ms"] = statistics.median([t for ts in per.values() for t in ts])
    out["answer_read_ms_by_criterion"] = {qid: statistics.median(ts) for qid, ts in per.items()}
    env = _quiet_env(PYTHONPATH=str(ROOT))
    walls = []
    for _ in range(3):
        start = time.perf_counter()
        r = subprocess.run([str(PY), "-m", "bot", "evaluate", "--today", "2026-11-25", str(answers_file)], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=120)
        walls.append(time.perf_counter() - start)
        if r.returncode != 0:
            out["evaluate_error"] = (r.stderr.strip().splitlines() or ["?"])[-1]
            break
    out["evaluate_call_s"] = statistics.median(walls)
    batch = tmp / "sheets.jsonl"
    rows = mixed_sheets(sheets, 500)
    batch.write_text("".join(json.dumps({"answers": s}, ensure_ascii=False) + "\n" for s in rows), encoding="utf-8")
    start = time.perf_counter()
    r = subprocess.run([str(PY), "-m", "bot", "evaluate", "--today", "2026-11-25", "--batch", str(batch)], cwd=ROOT,
                       env=env, capture_output=True, text=True, timeout=600)
    out["batch_sheets_per_s"] = None
    if r.returncode == 0 and len(r.stdout.splitlines()) == len(rows):
        out["batch_sheets_per_s"] = len(rows) / (time.perf_counter() - start)
        out["batch_sheets"] = len(rows)
    return out


# ------------------------------------------------------------------ profiling (py-spy)

def start_profiles(pids: Dict[str, int], out_dir: Path) -> List[subprocess.Popen]:
    """py-spy on the Rasa and action servers until stopped (SIGINT writes the
    file); idle threads are left out, so the shares are of busy time."""
    spy = shutil.which("py-spy") or str(ROOT / ".venv" / "bin" / "py-spy")
    procs = []
    for role, pid in pids.items():
        if role == "web":
            continue
        procs.append(subprocess.Popen([spy, "record", "--pid", str(pid), "--rate", "100",
                                       "--format", "raw", "--output", str(out_dir / f"{role}.txt")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return procs


def summarize_profile(path: Path, top: int = 40) -> dict:
    """From py-spy's collapsed stacks: the share of samples per leaf function
    (self) and per function anywhere on the stack (inclusive, per module)."""
    self_t: Dict[str, int] = {}
    incl: Dict[str, int] = {}
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [f.split(" (")[0] + " (" + f.split(" (")[1].split(":")[0] + ")" if " (" in f else f
                  for f in stack.split(";")]
        leaf = frames[-1]
        self_t[leaf] = self_t.get(leaf, 0) + n
        for f in set(frames):
            incl[f] = incl.get(f, 0) + n
    def pct(d):
        return [(k, round(100 * v / total, 1)) for k, v in sorted(d.items(), key=lambda kv: -kv[1])[:top]]
    return {"samples": total, "self": pct(self_t), "inclusive": pct(incl)}


# ------------------------------------------------------------------ main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=10, help="concurrent conversations (default 10)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds per bot, alternating (default 3)")
    ap.add_argument("--answers", type=Path, default=ROOT / "examples" / "answers.json")
    ap.add_argument("--database-url", help="this bot's database (default: SQLite in a temporary data folder)")
    ap.add_argument("--via-web", action="store_true", help="send this bot's messages through the web server")
    ap.add_argument("--train", action="store_true", help="also time `rasa train` (into a temporary folder)")
    ap.add_argument("--profile", action="store_true",
                    help="then py-spy the Rasa and action servers during one more round (not counted)")
    ap.add_argument("--phase-timeout", type=float, default=600, help="seconds allowed per round (default 600)")
    args = ap.parse_args()
    if not 1 <= args.users <= 100 or not 1 <= args.rounds <= 20:
        ap.error("--users must be 1-100 and --rounds 1-20")

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    log = work / "servers.log"
    print(f"bench {stamp}: {args.users} users x {args.rounds} rounds; logs in {work}", flush=True)
    answers = load_answers(args.answers)

    # this bot, by its own run script
    from cryptography.fernet import Fernet

    data = work / "var"
    db_url = args.database_url or f"sqlite:///{data / 'trialbot.db'}"
    token = secrets.token_urlsafe(24)
    rasa_port, actions_port, web_port = free_port(), free_port(), free_port()
    env = _quiet_env(PYTHONPATH=str(ROOT), TRIALBOT_DATA_DIR=str(data), TRIALBOT_DATABASE_URL=db_url,
                     TRIALBOT_ENCRYPTION_KEY=Fernet.generate_key().decode(), TRIALBOT_API_TOKEN=token,
                     TRIALBOT_RASA_PORT=str(rasa_port), TRIALBOT_ACTIONS_PORT=str(actions_port),
                     TRIALBOT_WEB_PORT=str(web_port), TRIALBOT_SITE_CONFIG=str(site_without_limits(work)))
    env.pop("TRIALBOT_RASA_URLS", None)
    subprocess.run([str(PY), "-m", "bot", "init"], cwd=ROOT, env=env, check=True, capture_output=True)
    bot = Server("this bot (scripts/run.sh --no-setup)", ["bash", "scripts/run.sh", "--no-setup"], ROOT, env, log,
                 f"http://127.0.0.1:{rasa_port}", token)

    # the reference, on its own port
    ref_model = reference_model(log)
    ref_token = secrets.token_urlsafe(24)
    ref_port = free_port()
    ref = Server("reference (rasa init)", [str(PY), "-m", "addons.rasa_server", "run", "--interface", "127.0.0.1",
                                           "--port", str(ref_port), "--model", str(ref_model), "--enable-api"],
                 REF_DIR, _quiet_env(PYTHONPATH=str(ROOT), TRIALBOT_API_TOKEN=ref_token), log,
                 f"http://127.0.0.1:{ref_port}", ref_token)  # the token by environment, as for this bot

    result: dict = {"time": stamp, "users": args.users, "rounds": args.rounds, "via_web": args.via_web,
                    "database": "postgresql" if db_url.startswith("postgres") else "sqlite"}
    try:
        print("  starting this bot (cold start: run.sh to the first reply) ...", flush=True)
        bot.start()

        def actions_up() -> bool:
            try:
                return requests.get(f"http://127.0.0.1:{actions_port}/health", timeout=2).ok
            except requests.RequestException:
                return False

        result["cold_start_s"] = bot.wait_first_reply(300, actions_up)
        print(f"  ... first reply after {result['cold_start_s']:.1f} s; starting the reference ...", flush=True)
        ref.start()
        result["reference_cold_start_s"] = ref.wait_first_reply(300)
        bot_pids, ref_pids = roles(bot.proc.pid), {"rasa": ref.proc.pid}
        for role, pid in list(ref_pids.items()):  # `rasa` is a console script; it is the Python process itself
            ref_pids[role] = pid

        # warm-up: one screening each (loads the NLP pipelines), not counted
        warm = asyncio.run(run_phase("bot", bot, 1, answers, 0, args.phase_timeout))[0][0]
        if not warm.finished:
            raise RuntimeError(f"the warm-up screening did not finish: {warm.error}")
        ref_turns = len(warm.turns)
        asyncio.run(run_phase("ref", ref, 1, answers, ref_turns, args.phase_timeout))
        print(f"  warm-up done: a screening takes {ref_turns} messages; the reference script is as long", flush=True)

        stats = {"bot": {"lat": [], "msgs": 0, "wall": 0.0, "cpu": {}, "rss": {}, "screenings": []},
                 "ref": {"lat": [], "msgs": 0, "wall": 0.0, "cpu": {}, "rss": {}, "screenings": []}}
        for rnd in range(1, args.rounds + 1):
            for kind, server, pids in (("bot", bot, bot_pids), ("ref", ref, ref_pids)):
                s = stats[kind]
                before = {r: cpu_seconds(p) for r, p in pids.items()}
                via = f"http://127.0.0.1:{web_port}" if (args.via_web and kind == "bot") else None
                done, wall = asyncio.run(run_phase(kind, server, args.users, answers, ref_turns, args.phase_timeout,
                                                   via_web=via))
                after = {r: cpu_seconds(p) for r, p in pids.items()}
                msgs = sum(len(x.turns) for x in done)
                s["msgs"] += msgs
                s["wall"] += wall
                s["lat"] += [t.seconds for x in done for t in x.turns]
                s["screenings"] += done
                for r in pids:
                    s["cpu"][r] = s["cpu"].get(r, 0.0) + after[r] - before[r]
                    now, peak = rss_mb(pids[r])
                    s["rss"][r] = max(s["rss"].get(r, 0.0), now)
                    s["rss_peak_" + r] = peak
                errors = [x.error for x in done if x.error]
                print(f"  round {rnd} {'this bot ' if kind == 'bot' else 'reference'}: {msgs} messages in {wall:5.1f} s"
                      f" = {msgs / wall:5.1f}/s{'; errors: ' + '; '.join(sorted(set(errors))[:3]) if errors else ''}",
                      flush=True)
        if args.profile:  # an extra round of this bot under py-spy, not counted above
            profiles = start_profiles(bot_pids, work)
            time.sleep(3)  # py-spy attaches
            asyncio.run(run_phase("bot", bot, args.users, answers, ref_turns, args.phase_timeout))
            for p in profiles:
                p.send_signal(signal.SIGINT)
                p.wait(timeout=120)

        # every screening ended with a stored result?
        import sqlalchemy as sa

        senders = {x.sender: x for x in stats["bot"]["screenings"]}
        first = _first_trial()  # the tracker's screening_outcome is the first listed study's
        engine = sa.create_engine(db_url)
        with engine.connect() as conn:
            stored = dict(conn.execute(sa.text("SELECT sender_id, outcome FROM screenings WHERE outcome IS NOT NULL"
                                               " AND trial_id = :first"), {"first": first}).all())
        engine.dispose()
        mismatches = []
        for sender, x in senders.items():
            if not x.finished:
                mismatches.append(f"{sender[:8]}: not finished ({x.error})")
            elif stored.get(sender) != x.outcome:
                mismatches.append(f"{sender[:8]}: tracker says {x.outcome}, database says {stored.get(sender)}")
        result["screenings"] = len(senders)
        result["screenings_with_stored_result"] = sum(1 for s in senders if stored.get(s))
        result["mismatches"] = mismatches
        result["outcomes"] = {o: sum(1 for x in senders.values() if x.outcome == o)
                              for o in sorted({str(x.outcome) for x in senders.values()})}

        for kind in ("bot", "ref"):
            s = stats[kind]
            result[kind] = {
                "messages": s["msgs"], "messages_per_s": s["msgs"] / s["wall"],
                "p50_ms": percentile(s["lat"], 0.5) * 1000, "p95_ms": percentile(s["lat"], 0.95) * 1000,
                "cpu_ms_per_message": {r: 1000 * c / s["msgs"] for r, c in s["cpu"].items()},
                "rss_mb": s["rss"], "rss_peak_mb": {r: s.get("rss_peak_" + r) for r in s["cpu"]},
            }
        if args.profile:
            result["profile"] = {r: summarize_profile(work / f"{r}.txt") for r in ("rasa", "actions")
                                 if (work / f"{r}.txt").exists()}
    finally:
        bot.stop()
        ref.stop()

    print("  timing the core (answers, evaluator) ...", flush=True)
    result.update(core_speed(args.answers, work))
    result["training_s"] = training_time(args.train, work)

    b, r = result["bot"], result["ref"]
    result["throughput_ratio"] = b["messages_per_s"] / r["messages_per_s"]
    result["p95_ratio"] = b["p95_ms"] / r["p95_ms"]
    result["rasa_rss_mb"] = b["rss_mb"].get("rasa")
    print_table(result)
    out = RESULTS / f"{stamp}.json"
    previous = []  # earlier runs, the same load first (users, via the web server or not)
    for p in sorted(RESULTS.glob("*.json")):
        try:
            d = json.loads(p.read_text())
        except (OSError, ValueError):
            continue
        if p.name < out.name:
            previous.append(((d.get("users"), d.get("via_web")) == (args.users, args.via_web), p.name, d))
    out.write_text(json.dumps(result, indent=2, default=str))
    if previous:
        _, name, d = max(previous, key=lambda x: (x[0], x[1]))
        compare(d, result, name)
    print(f"\nresults: {out.relative_to(ROOT)}")
    shutil.rmtree(work, ignore_errors=True) if not args.profile else print(f"profiles: {work}")
    return 0


def _first_trial() -> str:
    from bot.eligibility.portfolio import site_portfolio

    return site_portfolio().first.id


def training_time(train: bool, work: Path) -> Optional[float]:
    if train:
        print("  timing rasa train ...", flush=True)
        domain = "domain" if (ROOT / "domain").is_dir() else "domain.yml"
        start = time.perf_counter()
        subprocess.run([str(RASA), "train", "--force", "--domain", domain, "--config", "config.yml", "--data", "data",
                        "--out", str(work / "models"), "--fixed-model-name", "bench"], cwd=ROOT,
                       env=_quiet_env(PYTHONPATH=str(ROOT)), capture_output=True, check=True, timeout=3600)
        return time.perf_counter() - start
    f = ROOT / "models" / ".train_seconds"
    if f.exists():
        return float(f.read_text().strip())
    log = ROOT / "var" / "logs" / "setup.log"
    if log.exists():
        lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.startswith("setup: trained in")]
        if lines:
            return float(lines[-1].split()[3])
    return None


def fmt(v, spec=".1f") -> str:
    return "n/a" if v is None else format(v, spec)


def print_table(res: dict) -> None:
    b, r = res["bot"], res["ref"]
    rows = [("messages/s", b["messages_per_s"], r["messages_per_s"]),
            ("reply p50 ms", b["p50_ms"], r["p50_ms"]),
            ("reply p95 ms", b["p95_ms"], r["p95_ms"])]
    for role in ("rasa", "actions", "web"):
        rows.append((f"CPU ms/message: {role}", b["cpu_ms_per_message"].get(role), r["cpu_ms_per_message"].get(role)))
    total_b = sum(b["cpu_ms_per_message"].values())
    total_r = sum(r["cpu_ms_per_message"].values())
    rows.append(("CPU ms/message: all", total_b, total_r))
    for role in ("rasa", "actions", "web"):
        rows.append((f"RSS MB: {role}", b["rss_mb"].get(role), r["rss_mb"].get(role)))
    print(f"\n{'':26}{'this bot':>12}{'reference':>12}{'ratio':>8}")
    for name, x, y in rows:
        ratio = fmt(x / y, ".2f") if (x is not None and y) else ""
        print(f"{name:26}{fmt(x):>12}{fmt(y):>12}{ratio:>8}")
    print(f"({res['users']} concurrent conversations, {res['rounds']} rounds each, alternating; "
          f"this bot: {b['messages']} messages, reference: {r['messages']}; database: {res['database']}; "
          f"each turn = one message + one tracker read)")
    print(f"\nscreenings: {res['screenings']}, with a stored result: {res['screenings_with_stored_result']}, "
          f"outcomes: {res['outcomes']}")
    print("mismatches: " + ("none" if not res["mismatches"] else "\n  " + "\n  ".join(res["mismatches"])))
    print(f"one answer read (median over {res.get('answers_read', '?')} distinct persona answers): "
          f"{fmt(res.get('answer_read_ms'), '.2f')} ms"
          f"; a whole sheet in process: {fmt(res.get('evaluate_in_process_ms'), '.1f')} ms")
    print(f"evaluator, one `python -m bot evaluate` call: {fmt(res.get('evaluate_call_s'), '.2f')} s"
          f"; batch: {fmt(res.get('batch_sheets_per_s'), '.0f')} sheets/s")
    print(f"cold start (run.sh --no-setup to the first reply): {res['cold_start_s']:.1f} s "
          f"(reference: {res['reference_cold_start_s']:.1f} s); training: {fmt(res.get('training_s'))} s")
    for role, prof in (res.get("profile") or {}).items():
        print(f"\npy-spy, {role} ({prof['samples']} samples), self time:")
        for name, pct in prof["self"][:8]:
            print(f"  {pct:5.1f}%  {name}")
        print("  ... on the stack (inclusive; frames on every stack left out):")
        for name, pct in [x for x in prof["inclusive"] if x[1] < 95][:18]:
            print(f"  {pct:5.1f}%  {name}")
    print("\ngoals:")
    for key, text, ok in GOALS:
        v = res.get(key)
        verdict = "n/a " if v is None else ("PASS" if ok(v) else "FAIL")
        print(f"  {verdict}  {text:42} measured: {fmt(v, '.2f')}")


def compare(prev: dict, now: dict, name: str) -> None:
    print(f"\ncompared with the previous run ({name}):")
    keys = [("messages/s", lambda d: d["bot"]["messages_per_s"]), ("reply p95 ms", lambda d: d["bot"]["p95_ms"]),
            ("throughput ratio", lambda d: d.get("throughput_ratio")), ("p95 ratio", lambda d: d.get("p95_ratio")),
            ("Rasa RSS MB", lambda d: d.get("rasa_rss_mb")), ("answer read ms", lambda d: d.get("answer_read_ms")),
            ("evaluate call s", lambda d: d.get("evaluate_call_s")), ("cold start s", lambda d: d.get("cold_start_s"))]
    for label, get in keys:
        try:
            a, b = get(prev), get(now)
        except (KeyError, TypeError):
            continue
        if a is None or b is None:
            continue
        change = f"{100 * (b - a) / a:+.0f}%" if a else ""
        print(f"  {label:20}{a:>10.2f} -> {b:>10.2f}  {change}")


if __name__ == "__main__":
    sys.exit(main())
