"""The study team's corrections as reader tests: every file in
tests/corrections/ (written by `python -m bot corrections export`, then read
by a person), or the folder given with `--corrections DIR`. Each row fails
until the reader gives the verdict the coordinator said was right."""
from datetime import date
from pathlib import Path

from bot.staff.regression import load, run

FOLDER = Path(__file__).parent / "corrections"


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        folder = Path(metafunc.config.getoption("corrections") or FOLDER)
        cases = [c for f in sorted(folder.glob("*.yml")) for c in load(f)]
        metafunc.parametrize("case", cases, ids=[f"{c.trial}|{c.question}|{c.typed[:40]}" for c in cases])


def test_a_corrected_answer_gives_the_verdict_the_study_team_gave(case):
    got = run(case, date.today())
    assert got.ok, f"{case.typed!r} at {case.question} ({case.trial}) gives {got.got}; the study team said {case.expected}"


def test_the_folder_of_corrections_is_there_and_every_file_loads():
    files = sorted(FOLDER.glob("*.yml"))
    assert files, "tests/corrections/ holds the corrections that became tests"
    assert all(load(f) for f in files)
