"""The study team's corrections as regression cases for the readers, in the
shape of the reader tables in tests/test_readers.py: per trial, rows of
(question id, what the person typed, the verdict it must give).
`python -m bot corrections export` writes them; tests/test_correction_cases.py
runs every file in tests/corrections/, so a case fails the suite until the
reader reads those words as the coordinator said."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Dict, List, Optional

from bot import config, yaml_files
from bot.eligibility.model import Verdict, load_trial
from bot.eligibility.reading import Reading
from bot.eligibility.session import judge, read
from bot.records.store import CORRECTABLE_VERDICTS, RegressionCase, Store

HEADER = """\
# Regression cases from the study team's corrections (python -m bot corrections export).
# As in tests/test_readers.py, each row is (question id, what the person typed, the verdict it must give).
# These are words people typed: read every row and take out anything that names a person before committing.
"""


def render(cases: List[RegressionCase]) -> str:
    """YAML: a mapping of trial id to rows; the typed text as a JSON string
    (a YAML double-quoted scalar), so any character survives the round trip."""
    by_trial: Dict[str, List[RegressionCase]] = {}
    for c in cases:
        by_trial.setdefault(c.trial, []).append(c)
    lines = [HEADER.rstrip("\n")]
    for trial in sorted(by_trial):
        lines.append(f"{trial}:")
        lines += [f"  - [{c.question}, {json.dumps(c.typed, ensure_ascii=False)}, {c.expected}]"
                  for c in by_trial[trial]]
    return "\n".join(lines) + "\n"


def export(store: Store, actor: str, output: Optional[Path] = None) -> tuple[Path, int]:
    """Writes every correction as a case, owner-only (typed words are health data); audited."""
    cases = store.regression_cases()
    if output is None:
        output = config.ensure_private_dir(config.data_dir() / "exports") / \
            f"corrections-{datetime.utcnow():%Y%m%d-%H%M%S}.yml"
    output = Path(output)
    if not output.parent.exists():
        output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(render(cases))
    store.audit(actor, "corrections_exported", detail=f"{len(cases)} cases to {output}")
    return output, len(cases)


@dataclass(frozen=True)
class CaseRun:
    case: RegressionCase
    got: str  # the verdict the reader gives now, or "no answer"

    @property
    def ok(self) -> bool:
        return self.got == self.case.expected


def load(path: Path) -> List[RegressionCase]:
    """The cases of one file; a row that is not (a question of the trial, text, a verdict) is an error naming it."""
    data = yaml_files.read(path) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: must map a trial id to rows of [question id, typed text, verdict]")
    cases = []
    for trial_id, rows in data.items():
        trial = load_trial(str(trial_id))
        for n, row in enumerate(rows or [], 1):
            if not (isinstance(row, list) and len(row) == 3 and all(isinstance(v, str) for v in row)
                    and row[0] in trial.asked_ids and row[2] in CORRECTABLE_VERDICTS):
                raise ValueError(f"{path}: {trial_id} row {n} must be [question id of {trial_id}, typed text, one of "
                                 f"{', '.join(CORRECTABLE_VERDICTS)}], got {row!r}")
            cases.append(RegressionCase(str(trial_id), row[0], row[1], row[2]))
    return cases


def run(case: RegressionCase, today: date) -> CaseRun:
    trial = load_trial(case.trial)
    result = read(trial, case.question, case.typed, today)
    if not isinstance(result, Reading):
        return CaseRun(case, "no answer")
    verdict: Verdict = judge(trial.question(case.question), result).verdict
    return CaseRun(case, verdict.value)
