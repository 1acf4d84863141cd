"""`python -m bot trial check FOLDER`: a copy of the shipped trial with one
defect of each kind fails with a line naming the file, the question and the
key; every trial folder shipped (trials/ and tests/fixtures/trials/) passes.
This is also where CI runs the check on every trial folder."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.eligibility.check import check_folder, listing_criteria
from bot.eligibility.model import TrialFileError, load_folder
from bot.eligibility.readers import PARAMS, READERS

ROOT = Path(__file__).resolve().parents[1]
FIRST = ROOT / "trials" / "nct03558607"
FOLDERS = sorted(p for p in (ROOT / "trials").iterdir() if p.is_dir()) + \
    sorted(p for p in (ROOT / "tests" / "fixtures" / "trials").iterdir() if p.is_dir())


def broken(tmp_path: Path, name: str, right: str, wrong: str) -> Path:
    """A copy of the first trial with one defect in one file."""
    folder = tmp_path / "trial"
    shutil.copytree(FIRST, folder)
    text = (folder / name).read_text(encoding="utf-8")
    assert text.count(right) == 1, right
    (folder / name).write_text(text.replace(right, wrong), encoding="utf-8")
    return folder


# (file, right, wrong, the error line with {d} for the copy's folder)
DEFECTS = {
    # Nested keys that loaded silently as nothing before the schema:
    "applies_when names no profile question": (
        "trial.yml", "applies_when: {sex: [male]}", "applies_when: {sexx: [male]}",
        "{d}/trial.yml: question 'male_barrier_contraception': unknown key 'sexx' in applies_when "
        "(known: childbearing_potential, respondent, sex)"),
    "a reader parameter misspelt": (
        "trial.yml", "params: {present: true, topic:", "params: {presnt: true, topic:",
        "{d}/trial.yml: question 'other_trial': unknown key 'presnt' in params of reader 'yes_no' "
        "(known: drug, intent, options, others, present, topic)"),
    "a cue language misspelt": (
        "trial.yml", '        ko: ["너무 약"', '        kr: ["너무 약"',
        "{d}/trial.yml: question 'fit_for_induction': unknown key 'kr' in cues.yes (known: en, ko)"),
    "a question key misspelt": (
        "trial.yml", "    applies_when: {sex: [male]}", "    aplies_when: {sex: [male]}",
        "{d}/trial.yml: question 'male_barrier_contraception': unknown key 'aplies_when' in the question (known: "
        "applies_when, buttons, concept, cues, examples, exception, kind, listing, params, reader, rule, terms)"),
    "a parameter naming no vocabulary entry": (
        "trial.yml", "params: {drug: ruxolitinib}", "params: {drug: ruxolitnib}",
        "{d}/trial.yml: question 'prior_ruxolitinib': params.drug 'ruxolitnib' is not an id of vocabulary.yml's DRUG"),
    "an example key misspelt": (
        "trial.yml", '{en: "No, never", reads: "no"', '{en: "No, never", reeds: "no"',
        "{d}/trial.yml: question 'prior_ruxolitinib': unknown key 'reeds' in examples[0] "
        "(known: en, given, ko, number, reads, values, verdict)"),
    "a left-out criterion without its reason": (
        "trial.yml", "    reason: \"The registry page's button text, copied with the listing; not a criterion.\"\n", "",
        "{d}/trial.yml: left_out[0] needs the listing's words and a written reason"),
    "a text key misspelt": (
        "texts.ko.yml", '    hint: "나이를 숫자로', '    hnit: "나이를 숫자로',
        "{d}/texts.ko.yml: question 'age': unknown key 'hnit' in the question's texts (known: aliases, ask, buttons, "
        "example, help, hint, hints, label, read, reasons, why)"),
    "a vocabulary language misspelt": (
        "vocabulary.yml", "    ko: [룩솔리티닙", "    kr: [룩솔리티닙",
        "{d}/vocabulary.yml: unknown key 'kr' in DRUG.ruxolitinib (known: en, ko)"),
    # Both languages, the same placeholders:
    "a text missing in Korean": (
        "texts.ko.yml", '    why: "이 연구는 만 18세 이상 성인이 대상이에요."\n', "",
        "{d}/texts.ko.yml: question 'age': key 'why' is missing (texts.en.yml has it)"),
    "a placeholder lost in translation": (
        "texts.ko.yml", '      pass: "나이 {value}세: 이 연구는', '      pass: "나이 세: 이 연구는',
        "{d}/texts.ko.yml: question 'age': key 'reasons.pass' has placeholders {}, but texts.en.yml has {value}"),
    # Every criterion of the listing asked or left out with a reason:
    "a criterion neither asked nor left out": (
        "trial.yml", '  - listing: "Clear my responses"\n    reason: "The registry page\'s button text, copied with the '
        'listing; not a criterion."\n', "",
        "{d}/listing.txt: criterion 'Clear my responses' is neither quoted by a question's `listing` nor in "
        "trial.yml's `left_out` with a reason"),
    "a question quoting words the listing does not have": (
        "trial.yml", 'listing: "Pregnancy or breast feeding"', 'listing: "Pregnancy or breastfeeding"',
        "{d}/trial.yml: question 'pregnancy_breastfeeding': key 'listing': 'Pregnancy or breastfeeding' is not "
        "(part of) a criterion of listing.txt"),
    # Every example read to the reading it declares:
    "an example read as another reading": (
        "trial.yml", '{en: "No, never", reads: "no"', '{en: "No, never", reads: "yes"',
        "{d}/trial.yml: question 'prior_ruxolitinib': key 'examples[0]': en 'No, never' is read as 'no', not 'yes'"),
    "an example with another verdict": (
        "trial.yml", '{en: "64", reads: "value", number: 64, verdict: "pass"}',
        '{en: "64", reads: "value", number: 64, verdict: "fail"}',
        "{d}/trial.yml: question 'age': key 'examples[0]': en '64' gives the verdict pass, not fail"),
    "an example with another number": (
        "trial.yml", '{en: "64", reads: "value", number: 64,', '{en: "64", reads: "value", number: 46,',
        "{d}/trial.yml: question 'age': key 'examples[0]': en '64' is read with the number 64.0, not 46"),
    "an example that is no answer": (
        "trial.yml", '{en: "No, never", reads: "no"', '{en: "my cat is orange", reads: "no"',
        "{d}/trial.yml: question 'prior_ruxolitinib': key 'examples[0]': en 'my cat is orange' is not read as an "
        "answer (no yes, no or not-sure word about this question); it declares 'no'"),
    "a shown example the reader cannot read": (
        "texts.ko.yml", '    example: "63세"', '    example: "젊어요"',
        "{d}/texts.ko.yml: question 'age': key 'example': '젊어요' is not read as an answer "
        "(no age, birth year or birth date)"),
    "a question with no Korean example": (
        "trial.yml", '      - {ko: "아니요", reads: "no", verdict: "pass"}\n      - {ko: "간경화가 있어요", reads: "yes", '
        'verdict: "unknown"}\n', "",
        "{d}/trial.yml: question 'hepatic_renal_function': key 'examples' has no ko answer (a few per language, each "
        "with the reading it gives)"),
}


@pytest.mark.parametrize("defect", DEFECTS)
def test_a_folder_with_one_defect_fails_with_the_right_message(tmp_path, defect):
    name, right, wrong, message = DEFECTS[defect]
    folder = broken(tmp_path, name, right, wrong)
    report = check_folder(folder)
    assert not report.ok
    assert message.replace("{d}", str(folder)) in report.errors, "\n".join(report.errors)


def test_the_bot_refuses_to_load_a_nested_misspelling(tmp_path):
    """Not only the checker: the bot itself stops at start-up rather than ask the wrong people."""
    folder = broken(tmp_path, "trial.yml", "applies_when: {sex: [male]}", "applies_when: {sexx: [male]}")
    with pytest.raises(TrialFileError, match="question 'male_barrier_contraception': unknown key 'sexx'"):
        load_folder(folder)


def test_every_reader_kind_declares_its_parameters():
    """A new reader kind must say which params it takes, or every trial using it would fail the schema."""
    assert set(PARAMS) == set(READERS)


def test_the_listing_criteria_are_the_lines_under_their_headings():
    text = "Title\n\nInclusion Criteria:\n\n* Age 18 or older\n- ECOG 0-1\n\nExclusion Criteria\n1. Pregnancy\n\nMore"
    assert listing_criteria(text) == ["Age 18 or older", "ECOG 0-1", "Pregnancy"]


def _run(*folders: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "bot", "trial", "check", *map(str, folders)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_every_trial_folder_shipped_passes_the_check():
    """CI: `python -m bot trial check` on every folder under trials/ and tests/fixtures/trials/."""
    done = _run(*FOLDERS)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(": ok (")[0] for line in lines] == [str(f) for f in FOLDERS]
    assert f"{FIRST}: ok (21 questions; 19 listing criteria, 18 asked, 1 left out with a reason; " in done.stdout


def test_the_command_lists_every_error_and_exits_non_zero(tmp_path):
    folder = broken(tmp_path, "texts.ko.yml", '    example: "63세"', '    example: "젊어요"')
    text = (folder / "trial.yml").read_text(encoding="utf-8")
    (folder / "trial.yml").write_text(text.replace('{en: "No, never", reads: "no"', '{en: "No, never", reads: "yes"'),
                                      encoding="utf-8")
    done = _run(folder, FIRST)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"error: {folder}/texts.ko.yml: question 'age': key 'example': '젊어요' is not read as an answer "
        "(no age, birth year or birth date)",
        f"error: {folder}/trial.yml: question 'prior_ruxolitinib': key 'examples[0]': en 'No, never' is read as "
        "'no', not 'yes'",
        f"{folder}: 2 error(s)",
        f"{FIRST}: ok (21 questions; 19 listing criteria, 18 asked, 1 left out with a reason; 116 examples read as "
        "declared)",
    ]
