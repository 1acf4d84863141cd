"""Scores a batch of everyday answers (first-sight rounds of the
understanding issue): each message is typed into a fresh conversation at its
question, after the earlier questions were answered for the same patient, and
what the bot understood is read back from the tracker. In-process by
default; --live starts the real servers and talks over REST.

    python scripts/understanding_score.py tests/understanding/*.jsonl [--live] [--json out.json]

Each row: {"id", "patient" (self / mother / ...), "patient_sex", "could_become_pregnant", "patient_age",
"qid", "message", "expect", "also"?, "class"}. `expect` was written from the rules by someone who had
not read the readers: a verdict (pass / fail / unknown / deferred), "no-answer" (nothing recorded for
the open question), "not-fail" (nothing recorded, or any verdict but fail); for profile questions the
value ("self", "proxy:mother", "female", "yes" ...). Harm is counted apart: a fail where the row
expects none (a rule-out on words that are not the patient's answer), and advice where there is no sign.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.eligibility.model import PROFILE_IDS, load_trial  # noqa: E402
from bot.eligibility.reading import Reading  # noqa: E402
from bot.eligibility.relations import name as relation_name  # noqa: E402
from bot.eligibility.session import judge  # noqa: E402
from tests.conversation_helpers import FOR_MOTHER, FOR_MOTHER_KO  # noqa: E402

TRIAL = load_trial()
Say = Callable[[str], Dict]  # types a message, returns the tracker's slots after it


@dataclass
class Row:
    id: str
    lang: str
    qid: str
    message: str
    expect: str
    cls: str
    patient: str
    sex: str
    fertile: bool
    age: int
    also: Dict[str, str] = field(default_factory=dict)


def load(paths: Sequence[Path]) -> List[Row]:
    rows = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                lang = "ko" if "-ko-" in f"-{r['id']}-" or r["id"].startswith("ko") else "en"
                rows.append(Row(r["id"], lang, r["qid"], r["message"], str(r["expect"]), r.get("class", "plain"),
                                r.get("patient", "self"), r.get("patient_sex", "female"),
                                bool(r.get("could_become_pregnant")), int(r.get("patient_age") or 60),
                                dict(r.get("also") or {})))
    return rows


def setup_answer(row: Row, qid: str) -> str:
    """A plain, passing answer to an earlier question, true to the row's patient."""
    ko = row.lang == "ko"
    if qid == "respondent":
        if row.patient == "self":
            return "제가 환자예요" if ko else "it's for me"
        return f"{relation_name(row.patient, 'ko')} 대신 답해요" if ko else f"for {relation_name(row.patient, 'en')}"
    if qid == "sex":
        return {"female": "여자", "male": "남자"}[row.sex] if ko else row.sex
    if qid == "childbearing_potential":
        return ("네" if row.fertile else "아니요") if ko else ("yes" if row.fertile else "no")
    if qid == "age":
        return f"{row.age}세" if ko else str(row.age)
    if qid in ("childbearing_contraception", "male_barrier_contraception"):
        return "네" if ko else "yes"
    if qid == "pregnancy_breastfeeding":
        return "아니요" if ko else "no"
    return (FOR_MOTHER_KO if ko else FOR_MOTHER)[qid]


def outcome_of(slots: Dict, qid: str, held_too: bool = True) -> str:
    """What the bot made of the question: its verdict (criteria), its value (profile), or no-answer.
    A rule-out held for the person to confirm ("Just to check: ..."), a change of an earlier answer too,
    counts as what was understood."""
    raw = (slots.get("readings") or {}).get(qid)
    held = slots.get("checking") or {}
    if held_too and held.get("qid") == qid:  # also a change of a stored answer, held to be confirmed
        raw = held["reading"]
    if not raw:
        return "no-answer"
    reading = Reading.from_dict(raw)
    if qid == "respondent":
        return "self" if reading.value == "self" else f"proxy:{reading.extra.get('relation') or ''}"
    if qid in PROFILE_IDS:
        return "unknown" if reading.value == "unsure" else reading.value  # the rules call it unknown
    return judge(TRIAL.question(qid), reading).verdict.value


def agrees(expect: str, got: str) -> bool:
    if expect == "not-fail":
        return got != "fail"
    return got == expect


def run_row(row: Row, start: Callable[[], Say]) -> Dict:
    say = start()
    slots = say("안녕하세요" if row.lang == "ko" else "hello")
    slots = say("네" if row.lang == "ko" else "yes")
    for _ in range(25):
        open_q = slots.get("requested_slot")
        if open_q == row.qid or open_q not in TRIAL.questions:
            break
        slots = say(setup_answer(row, open_q))
    if slots.get("requested_slot") != row.qid:
        return {"reached": False, "at": slots.get("requested_slot")}
    before = slots
    after = say(row.message)
    got = outcome_of(after, row.qid)
    also = {q: outcome_of(after, q) for q in row.also}
    advised = sorted(set(after.get("advised") or ()) - set(before.get("advised") or ()))
    return {"reached": True, "got": got, "also": also, "advised": advised, "checked": bool(after.get("checking")),
            "fails": sorted(q for q in TRIAL.questions if q not in PROFILE_IDS and outcome_of(after, q, False) == "fail"
                            and outcome_of(before, q, False) != "fail")}


def in_process() -> Callable[[], Say]:
    from bot import config
    from bot.conversation.turn import Conversation

    conv = Conversation(TRIAL, config.site(), date.today())

    def start() -> Say:
        state: Dict = {}

        def say(text: str) -> Dict:
            nonlocal state
            state = conv.turn(state, text).state
            return state
        return say
    return start


def live(bot) -> Callable[[], Say]:
    from tests.servers import new_sender

    def start() -> Say:
        sender = new_sender()

        def say(text: str) -> Dict:
            bot.say(sender, text)
            return bot.tracker(sender)["slots"]
        return say
    return start


def score(rows: Sequence[Row], start: Callable[[], Say]) -> Dict:
    tally: Dict[str, Counter] = defaultdict(Counter)
    misses, unreached = [], []
    for row in rows:
        out = run_row(row, start)
        if not out["reached"]:
            unreached.append({"id": row.id, "qid": row.qid, "stopped_at": out["at"]})
            continue
        ok = agrees(row.expect, out["got"]) and all(agrees(e, out["also"][q]) for q, e in row.also.items())
        wrong_fail = [q for q in out["fails"] if not (q == row.qid and row.expect == "fail")
                      and row.also.get(q) != "fail"]
        ok = ok and not out["advised"] and not wrong_fail
        for key in (row.lang, f"{row.lang}/{row.cls}"):
            tally[key]["ok"] += ok
            tally[key]["n"] += 1
            tally[key]["wrong_fail"] += bool(wrong_fail)
            tally[key]["advised"] += bool(out["advised"])
            tally[key]["checked"] += out["checked"]
            tally[key]["wrong_pass"] += out["got"] == "pass" and row.expect in ("fail", "unknown")
        if not ok:
            misses.append({"id": row.id, "qid": row.qid, "class": row.cls, "expect": row.expect, "got": out["got"],
                           "also": out["also"], "wrong_fail": wrong_fail, "advised": out["advised"],
                           "message": row.message})
    return {"tally": {k: dict(v) for k, v in sorted(tally.items())}, "misses": misses, "unreached": unreached}


def report(result: Dict) -> str:
    lines = []
    for key, t in result["tally"].items():
        lines.append(f"{key:34} {t['ok']:4}/{t['n']:<4} {100.0 * t['ok'] / t['n']:5.1f}%   "
                     f"wrong rule-outs {t['wrong_fail']}, passes that should fail or be checked {t['wrong_pass']}, "
                     f"advice without a sign {t['advised']}, "
                     f"rule-outs checked first {t['checked']}")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--live", action="store_true", help="through the real servers")
    ap.add_argument("--json", type=Path, help="write the tally and misses here")
    args = ap.parse_args(argv)
    rows = load(args.files)
    if args.live:
        from tests.servers import running_bot
        with tempfile.TemporaryDirectory() as tmp, running_bot(Path(tmp), f"sqlite:///{tmp}/trialbot.db") as bot:
            result = score(rows, live(bot))
    else:
        result = score(rows, in_process())
    print(report(result))
    for m in result["misses"]:
        print(f"MISS {m['id']} {m['qid']} [{m['class']}] expect={m['expect']} got={m['got']} also={m['also']} "
              f"wrong_fail={m['wrong_fail']} advised={m['advised']}: {m['message']}")
    for u in result["unreached"]:
        print(f"UNREACHED {u['id']} {u['qid']} (stopped at {u['stopped_at']})")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
