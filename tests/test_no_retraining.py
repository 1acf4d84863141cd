"""No retraining to add or change a trial: the Rasa domain and the NLU data
name no trial. What was typed per question id is the `answers` slot, the open
question's id is `requested_slot` (the tracker contract), so another trial made
active by the environment gives the same domain, byte for byte."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.eligibility.nlp import capitals

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "tests" / "fixtures" / "trials" / "demo-0001"
TRIAL_FOLDERS = sorted(p for p in (ROOT / "trials").iterdir() if p.is_dir()) + [DEMO]
# Words about clinical studies in general, which any trial shares.
GENERAL = {"clinical trial", "clinical study", "임상", "임상시험"}

_RENDER = ("from bot.conversation import rasa_domain\n"
           "from bot.eligibility.model import load_trial\n"
           "import sys\n"
           "print('active:', load_trial().id)\n"
           "for path, text in sorted(rasa_domain.render().items()):\n"
           "    sys.stdout.write(f'=== {path.name}\\n{text}')\n")


def _render_with(trial: str, trials_dir: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TRIALBOT_TRIAL=trial, TRIALBOT_TRIALS_DIR=str(trials_dir))
    out = subprocess.run([sys.executable, "-c", _RENDER], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=300, check=True).stdout
    active, _, rendered = out.partition("\n")
    assert active == f"active: {trial}"
    return rendered


def test_another_active_trial_gives_the_same_domain_byte_for_byte():
    first = _render_with("NCT03558607", ROOT / "trials")
    demo = _render_with("DEMO-0001", DEMO.parent)
    assert demo == first
    committed = "".join(f"=== {p.name}\n{p.read_text(encoding='utf-8')}"
                        for p in sorted((ROOT / "domain" / "generated.yml", ROOT / "data" / "rules.yml")))
    assert first == committed, "run `python -m bot sync-domain`"


def test_the_domain_has_no_slot_per_question():
    slots = set(yaml.safe_load((ROOT / "domain" / "generated.yml").read_text(encoding="utf-8"))["slots"])
    assert {"requested_slot", "answers", "readings", "screening_outcome"} <= slots
    for folder in TRIAL_FOLDERS:
        ids = set(yaml.safe_load((folder / "trial.yml").read_text(encoding="utf-8"))["questions"])
        assert not slots & ids, (folder.name, slots & ids)


def _trial_words(folder: Path) -> set:
    """The words a trial brings: its medicines and diseases (vocabulary.yml)
    and its terms (texts.<language>.yml), in both languages."""
    words = set()
    vocabulary = yaml.safe_load((folder / "vocabulary.yml").read_text(encoding="utf-8")) or {}
    for items in vocabulary.values():
        for languages in items.values():
            # A term in capitals ("ALL") is matched in capitals only (bot.eligibility.nlp.capitals): kept as written.
            words.update(str(w) if capitals(str(w)) else str(w).lower()
                         for ws in (languages or {}).values() for w in ws or ())
    for lang in ("en", "ko"):
        texts = yaml.safe_load((folder / f"texts.{lang}.yml").read_text(encoding="utf-8"))
        words.update(str(w).lower() for term in (texts.get("terms") or {}).values() for w in term.get("words") or ())
    return {w for w in words if len(w) >= 2} - GENERAL


@pytest.mark.parametrize("folder", TRIAL_FOLDERS, ids=lambda p: p.name)
def test_the_nlu_data_names_nothing_of_a_trial(folder):
    words = _trial_words(folder)
    found = []
    for path in sorted((ROOT / "data").glob("nlu*.yml")):
        for intent in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for example in intent["examples"].splitlines():
                typed = example.lstrip("- ")
                found += [(path.name, typed, w) for w in words
                          if re.search(r"(?<![A-Za-z0-9])" + re.escape(w) + r"(?![A-Za-z0-9])",
                                       typed if capitals(w) else typed.lower())]
    assert not found, found
