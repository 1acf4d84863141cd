"""`python -m bot evaluate FILE.json`, run as staff would run it."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.trial import load_trial

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_evaluate_example_file():
    done = run("evaluate", "examples/answers.json", "--today", "2026-11-24")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["outcome"] == "likely_eligible"
    assert set(result["verdicts"]) == set(load_trial().criterion_ids)
    assert result["verdicts"]["pregnancy_breastfeeding"]["verdict"] == "not_applicable"


def test_evaluate_missing_answers_are_not_answered(tmp_path):
    f = tmp_path / "a.json"
    f.write_text(json.dumps({"answers": {"age": "17"}}))
    result = json.loads(run("evaluate", str(f)).stdout)
    assert result["outcome"] == "likely_ineligible"
    assert result["verdicts"]["other_trial"] == {"verdict": "unknown", "reason": "not answered"}


@pytest.mark.parametrize("content, words", [
    ("{not json", "not valid JSON"),
    ('{"answers": {"favourite_colour": "blue"}}', "unknown key 'favourite_colour'"),
    ('["age", 45]', "must hold an object"),
    ('{"answers": {"age": ["45"]}}', "must be text"),
])
def test_evaluate_bad_input_is_one_line_exit_2(tmp_path, content, words):
    f = tmp_path / "a.json"
    f.write_text(content)
    done = run("evaluate", str(f))
    assert done.returncode == 2 and words in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_evaluate_unreadable_file():
    done = run("evaluate", "no/such/file.json")
    assert done.returncode == 2 and "cannot read" in done.stderr and "Traceback" not in done.stderr
