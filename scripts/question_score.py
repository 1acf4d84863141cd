"""Scores a batch of answers to one question shared by several studies: each
row's message is typed at its question in a conversation of the chat's own
code (bot.conversation, in process) screening for the studies the row names,
with the patient's answers about who they are, their age and their sex given
first at their own questions; then each study judges what was understood
with its own rule (its Session, as the result the chat shows does).

    python scripts/question_score.py BATCH.jsonl [BATCH.jsonl ...] [--verbose]

Each row: {"id", "qid" (a study's question id or the concept it shares),
"patient" ("self", or who the patient is to the writer: "son", "mother"),
"patient_age", "patient_sex", "message", "expect": {trial id: verdict}}; a
verdict is pass / fail / unknown / deferred / not_applicable, or "no-answer"
(nothing understood for the question). A rule-out held for the person to
confirm ("Just to check: ...") counts as what was understood, as in
scripts/understanding_score.py.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import config  # noqa: E402
from bot.config import TrialStatus  # noqa: E402
from bot.conversation.turn import Conversation  # noqa: E402
from bot.eligibility.model import load_trial  # noqa: E402
from bot.eligibility.portfolio import Listed, Portfolio, Screening, of_trials  # noqa: E402
from bot.eligibility.reading import Reading  # noqa: E402
from bot.eligibility.relations import table as relations  # noqa: E402

NO_ANSWER = "no-answer"
_HANGUL = re.compile(r"[가-힣]")
# Plain answers about who the patient is, per language, filled from the row.
_SETUP = {
    "en": {"self": "it's for me", "proxy": "for my {relation}", "age": "{age}", "female": "female", "male": "male",
           "confirm": "yes"},
    "ko": {"self": "제가 환자예요", "proxy": "{relation} 대신 답해요", "age": "{age}세", "female": "여자예요",
           "male": "남자예요", "confirm": "네"},
}


@dataclass(frozen=True)
class Row:
    id: str
    lang: str
    qid: str
    patient: str
    age: Optional[int]
    sex: Optional[str]
    message: str
    expect: Mapping[str, str]


def _language(raw: Mapping, path: Path) -> str:
    """The row's `lang`, else the language its id or file names ("en-...", "perf-ko-r1"), else its script."""
    if raw.get("lang") in _SETUP:
        return str(raw["lang"])
    for name in (str(raw.get("id") or ""), path.stem):
        said = [lang for lang in _SETUP if re.search(rf"(^|[-_]){lang}([-_]|$)", name)]
        if len(said) == 1:
            return said[0]
    return "ko" if _HANGUL.search(str(raw["message"])) else "en"


def load(paths: Iterable[Path]) -> List[Row]:
    rows = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines()):
            if not line.strip():
                continue
            raw = json.loads(line)
            age = raw.get("patient_age")
            rows.append(Row(str(raw.get("id") or f"{Path(path).stem}-{n + 1}"), _language(raw, Path(path)),
                            str(raw["qid"]), str(raw.get("patient") or "self"), int(age) if age is not None else None,
                            raw.get("patient_sex"), str(raw["message"]), dict(raw["expect"])))
    return rows


# ---------------------------------------------------------------- the site of the row's studies


def portfolio(trial_ids: Sequence[str]) -> Portfolio:
    """The studies the row names, in the site's order (config/site.yml), each screened."""
    site = [t.id for t in config.site().trials]
    ordered = sorted(trial_ids, key=lambda t: (site.index(t) if t in site else len(site), t))
    return of_trials(tuple(Listed(load_trial(t), TrialStatus.RECRUITING) for t in ordered))


def concept_of(p: Portfolio, qid: str) -> str:
    """The question the chat asks for `qid` (a trial's question id, or the concept it shares)."""
    for trial in p.screened:
        for q in trial.questions.values():
            if qid in (q.id, q.concept_id):
                return q.concept_id if not p.single else q.id
    raise KeyError(f"no study of {[t.id for t in p.screened]} asks '{qid}'")


# ---------------------------------------------------------------- the conversation


class Chat:
    """A conversation of the chat's own code, its questions opened in turn."""

    def __init__(self, p: Portfolio, lang: str, today: date):
        self.conv = Conversation(p, config.site(), today)
        self.slots: Dict = {"language": lang, "stage": "screening"}
        self.lang = lang

    def answer(self, qid: str, text: str) -> Optional[Reading]:
        """Opens `qid`, types `text`; what was understood for it (a rule-out held to be confirmed too)."""
        self.slots = {**self.slots, "requested_slot": qid, "checking": None, "partial": None}
        self.slots = self.conv.turn(self.slots, text).state
        held = self.slots.get("checking") or {}
        if held.get("qid") == qid:
            return Reading.from_dict(held["reading"])
        raw = (self.slots.get("readings") or {}).get(qid)
        return Reading.from_dict(raw) if raw else None

    def given(self, qid: str, text: str) -> None:
        """An answer about the patient, kept as said (a rule-out confirmed, as the person would)."""
        self.answer(qid, text)
        if (self.slots.get("checking") or {}).get("qid") == qid:
            self.slots = self.conv.turn(self.slots, _SETUP[self.lang]["confirm"]).state
        if qid not in (self.slots.get("readings") or {}):  # the scorer's own answer: never scored as a miss
            raise RuntimeError(f"the set-up answer '{text}' to '{qid}' was not read")


def _profile(row: Row) -> List[Tuple[str, str]]:
    words = _SETUP[row.lang]
    # the relation's first plain word ("son", "아들"), as a parent says it
    who = words["self"] if row.patient == "self" else \
        words["proxy"].format(relation=relations()[row.patient][row.lang][0])
    out = [("respondent", who)]
    if row.age is not None:
        out.append(("age", words["age"].format(age=row.age)))
    if row.sex in ("female", "male"):
        out.append(("sex", words[row.sex]))
    return out


def score_row(row: Row, today: date) -> Dict[str, str]:
    """Each study's verdict on the row's message."""
    p = portfolio(list(row.expect))
    chat = Chat(p, row.lang, today)
    for qid, text in _profile(row):
        if qid in p.merged.questions:
            chat.given(qid, text)
    concept = concept_of(p, row.qid)
    reading = chat.answer(concept, row.message)
    if reading is None:
        return {t: NO_ANSWER for t in row.expect}
    readings = {k: Reading.from_dict(v) for k, v in (chat.slots.get("readings") or {}).items()}
    screening = Screening(p, {**readings, concept: reading}, today)
    return {t: screening.sessions[t].verdict(p.own[t][concept] if not p.single else concept).verdict.value
            for t in row.expect}


# ---------------------------------------------------------------- the report


def _groups(row: Row, trial: str) -> Tuple[Tuple[str, str], ...]:
    """The tallies a judgement counts in: per language and overall, per study and per study's question."""
    question = f"{trial} {row.qid}"
    return tuple((lang, key) for lang in (row.lang, "all") for key in (question, trial, "all"))


def report(rows: Sequence[Row], got: Sequence[Mapping[str, str]], verbose: bool) -> List[str]:
    right: Counter = Counter()
    total: Counter = Counter()
    lines = []
    for row, verdicts in zip(rows, got):
        for trial, expected in row.expect.items():
            ok = verdicts[trial] == expected
            for key in _groups(row, trial):
                total[key] += 1
                right[key] += ok
            if verbose or not ok:
                mark = "ok  " if ok else "MISS"
                lines.append(f"{mark} {row.id} {trial} expected {expected}, got {verdicts[trial]}: {row.message}")
    lines.append("")
    for key in sorted(total, key=lambda k: (k[0] == "all", k[0], k[1] == "all", k[1])):
        share = 100 * right[key] / total[key]
        lines.append(f"{key[0]:>3}  {key[1]:<32} {right[key]:>3} of {total[key]:>3} ({share:.1f}%)")
    return lines


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("batches", nargs="+", type=Path)
    parser.add_argument("--verbose", action="store_true", help="a line for every judgement, not only the misses")
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    args = parser.parse_args(argv)
    rows = load(args.batches)
    got = [score_row(row, args.today) for row in rows]
    print("\n".join(report(rows, got, args.verbose)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
