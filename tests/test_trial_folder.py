"""The trial is a folder: its files follow the schema, quote the listing,
say everything in both languages, and nothing outside it names the trial's
questions or medicines. The generated Rasa files are in step with it."""
import re
from pathlib import Path

import pytest
import yaml

from bot.conversation import rasa_domain
from bot.conversation.texts import table
from bot.eligibility.model import LANGUAGES, TrialFileError, load_folder, load_trial

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "trial"  # the registry listings beside the checkout: <ID>-listing.txt
TRIAL = load_trial()
FOLDERS = sorted(p for p in (ROOT / "trials").iterdir() if p.is_dir()) + \
    sorted(p for p in (ROOT / "tests" / "fixtures" / "trials").iterdir() if p.is_dir())


def _keys(node, prefix=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _keys(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(node, list):
        yield prefix + "[]", None
    else:
        yield prefix, node


def _placeholders(text):
    return set(re.findall(r"{(\w+)}", text)) if isinstance(text, str) else set()


@pytest.mark.parametrize("name", ["conversation", "trial"])
def test_every_text_exists_in_both_languages_with_the_same_placeholders(name):
    if name == "conversation":
        docs = {lang: table(lang) for lang in LANGUAGES}
    else:
        docs = {lang: yaml.safe_load((TRIAL.folder / f"texts.{lang}.yml").read_text(encoding="utf-8"))
                for lang in LANGUAGES}
    keys = {lang: dict(_keys(doc)) for lang, doc in docs.items()}
    assert set(keys["en"]) == set(keys["ko"]), set(keys["en"]) ^ set(keys["ko"])
    for key, en in keys["en"].items():
        assert _placeholders(en) == _placeholders(keys["ko"][key]), key


def test_every_button_has_a_title_in_both_languages():
    missing = [(qid, lang, key) for qid, q in TRIAL.questions.items() for lang in LANGUAGES
               for key in q.buttons if key not in (TRIAL.text(lang, qid, "buttons", {}) or {})]
    assert not missing, missing


def test_korean_texts_are_korean():
    for key, text in _keys(table("ko")):
        if isinstance(text, str) and key not in ("language_button", "other_language_button") \
                and not key.startswith("contact_language_buttons") and re.sub(r"{\w+}|[\s\-:.,]", "", text):
            assert re.search(r"[\uac00-\ud7a3]", text), key


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_the_listing_is_quoted_word_for_word(folder):
    """Each trial folder carries its registry listing (the source of truth),
    the same text as a shared copy of that trial's listing wherever one is
    beside the checkout."""
    trial = load_folder(folder)
    listing = (folder / "listing.txt").read_text(encoding="utf-8")
    shared = SHARED / f"{trial.id}-listing.txt"
    if shared.exists():
        assert listing == shared.read_text(encoding="utf-8")
    assert trial.criteria
    for q in trial.criteria:
        assert q.listing in listing, q.id


def test_a_malformed_trial_names_the_question_and_field(tmp_path):
    for name in ("trial.yml", "vocabulary.yml", "texts.en.yml", "texts.ko.yml"):
        (tmp_path / name).write_text((TRIAL.folder / name).read_text(encoding="utf-8"), encoding="utf-8")
    raw = (tmp_path / "trial.yml").read_text(encoding="utf-8")
    (tmp_path / "trial.yml").write_text(raw.replace("reader: age", "reader: agee"), encoding="utf-8")
    with pytest.raises(TrialFileError, match=r"question 'age'.*'reader'"):
        load_folder(tmp_path)
    for right, wrong, named in (("applies_when:", "aplies_when:", "aplies_when"), ("    params:", "    parmas:", "parmas"),
                                ("\nterms:", "\ntrems:", "trems")):
        (tmp_path / "trial.yml").write_text(raw.replace(right, wrong, 1), encoding="utf-8")
        with pytest.raises(TrialFileError, match=named):  # a misspelt key never loads as nothing
            load_folder(tmp_path)


def test_the_generated_rasa_files_are_in_step():
    for path, text in rasa_domain.render().items():
        assert path.read_text(encoding="utf-8") == text, f"run `python -m bot sync-domain` ({path.name})"


def _names(trial) -> set:
    """What would tie code to this trial: its id, its criterion ids (those that are ordinary words, "age",
    "ecog", are left out) and the English names of the medicines its questions name."""
    drugs = {str(q.params.get("drug")) for q in trial.questions.values() if q.params.get("drug")}
    drugs |= {d for q in trial.questions.values() for d in q.terms if d in (trial.vocabulary.get("DRUG") or {})}
    words = {w.lower() for d in drugs for w in trial.vocabulary["DRUG"][d].get("en", ()) if len(w) > 4}
    return {q for q in trial.criterion_ids if "_" in q} | words | {trial.id.lower()}


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_no_module_outside_the_trial_folder_names_its_questions_or_medicines(folder):
    names = _names(load_folder(folder))
    offenders = []
    for folder in ("bot", "actions", "addons", "web"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8").lower()
            for name in names:
                if re.search(r"(?<![\w])" + re.escape(name) + r"(?![\w])", text):
                    offenders.append((str(path.relative_to(ROOT)), name))
    assert not offenders, offenders
