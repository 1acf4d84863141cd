"""A draft trial folder from a record: trial.yml (every criterion with its
suggested reader, parameters and rule), vocabulary.yml, texts.en.yml and
texts.ko.yml (skeletons) and listing.txt (the record's text as published).

TODO markers: a decision left to a person is a line holding "TODO:", Korean
words or text to write one holding "TODO(ko):" (a YAML comment in trial.yml
and vocabulary.yml; the text itself in the texts files: the drafter never
writes what patients read, beyond the record's title and sponsor and the
usual button labels). The folder loads
through the trial schema as it is (bot.eligibility.model.load_folder), so it
can be tried with `python -m bot evaluate`; `todo_markers(folder)` lists what
is left, and a folder with any left is not ready for patients."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple

import yaml

from bot import yaml_files
from bot.authoring.parse import Record, Sex
from bot.authoring.split import Criterion, Section, split
from bot.authoring.suggest import Kind, Proposal, draft_vocabulary, record_vocabulary, suggest
from bot.eligibility import nlp

TODO = "TODO:"  # a decision for a person
TODO_KO = "TODO(ko):"  # Korean words or text to write (never invented by the drafter)
_BUTTONS: Mapping[Kind, Mapping[str, str]] = {
    Kind.YES_NO: {"yes": "yes", "no": "no", "unsure": "not sure"},
    Kind.CONDITION_WINDOW: {"no": "no", "yes": "yes", "unsure": "not sure"},
    Kind.LAST_DOSE: {"no": "no", "unsure": "not sure"},
    Kind.LAB: {"unknown": "I don't know"},
    Kind.LAB_ULN: {"normal": "normal", "unknown": "I don't know"},
    Kind.ECOG: {"e0": "ECOG 0", "e1": "ECOG 1", "e2": "ECOG 2", "e3": "ECOG 3", "e4": "ECOG 4", "unsure": "not sure"},
}
_PROFILE: Mapping[str, Mapping[str, Any]] = {
    "respondent": {"kind": "profile", "reader": "respondent",
                   "buttons": {"self": "for myself", "proxy": "for someone else"}},
    "sex": {"kind": "profile", "reader": "sex", "buttons": {"female": "female", "male": "male"}},
    "childbearing_potential": {"kind": "profile", "applies_when": {"sex": ["female"]}, "reader": "childbearing",
                               "buttons": {"yes": "yes", "no": "no", "unsure": "not sure"}},
}


class DraftError(ValueError):
    """A draft that cannot be written (the folder exists, the record lacks a date)."""


@dataclass(frozen=True)
class Question:
    id: str
    criterion: Criterion
    proposal: Proposal


@dataclass(frozen=True)
class Draft:
    record: Record
    folder: Path
    questions: Tuple[Question, ...]
    unplaced: Tuple[str, ...]

    @property
    def criteria(self) -> int:
        return len({q.criterion for q in self.questions if q.criterion.number})


@lru_cache(maxsize=1)
def _button_labels() -> Mapping[str, Mapping[str, str]]:
    return yaml_files.read(Path(__file__).with_name("buttons.yml"))


def _flow(value: Any) -> str:
    if isinstance(value, str):
        return value  # an identifier: kind, reader
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10 ** 6, sort_keys=False).strip()


def _qid(c: Criterion, name: str, taken: set) -> str:
    base = f"{c.section.value[:3]}{c.number.replace('.', '_')}_{name}" if c.number else name
    base = re.sub(r"[^a-z0-9_]", "_", base.lower())[:48].rstrip("_")
    qid, n = base, 2
    while qid in taken:
        qid, n = f"{base}_{n}", n + 1
    taken.add(qid)
    return qid


def _record_criteria(record: Record) -> List[Tuple[Criterion, Proposal]]:
    """Ages and sex from the record's own fields, when the text has no age criterion."""
    out = []
    if record.minimum_age is not None or record.maximum_age is not None:
        low, high = record.minimum_age, record.maximum_age
        number: Dict[str, Any] = ({"between": [low, high]} if low is not None and high is not None else
                                  {"at_least": low} if low is not None else {"at_most": high})
        number.update({"then": "pass", "else": "fail"})
        listing = f"Ages: {record.minimum_age_text} to {record.maximum_age_text} (the record's eligibility fields)"
        rule = {"number": number, "map": {"unsure": "unknown"}}
        out.append((Criterion(Section.INCLUSION, "", listing), Proposal(Kind.AGE, "age", rule)))
    return out


def plan(record: Record) -> Tuple[Tuple[Question, ...], Tuple[str, ...]]:
    """Every question the draft will hold, with its id."""
    key = draft_vocabulary(record)
    parts = split(record.criteria)
    pairs = [(c, p) for c in parts.criteria for p in suggest(c, record, key).proposals]
    if not any(p.kind is Kind.AGE for _c, p in pairs):
        pairs = _record_criteria(record) + pairs
    taken: set = set(_PROFILE)
    return tuple(Question(_qid(c, p.name, taken), c, p) for c, p in pairs), parts.unplaced


def _question_yaml(q: Question) -> List[str]:
    p, c = q.proposal, q.criterion
    where = f"listed as {c.section.value} {c.number}" if c.number else "from the record's fields"
    lines = [f"  {q.id}:", f"    # {where}", f"    kind: {c.section.value}",
             f"    listing: {json.dumps(c.text, ensure_ascii=False)}"]
    if p.kind is not Kind.DEFERRED:
        lines.append(f"    reader: {p.kind.value}")
    params = dict(p.params)
    if p.kind is Kind.CONDITION_WINDOW and not params.get("label"):
        params["label"] = q.id.upper()
    if params:
        lines.append(f"    params: {_flow(params)}")
    if p.applies_when:
        lines.append(f"    applies_when: {_flow({k: list(v) for k, v in p.applies_when.items()})}")
    if p.cues:
        lines.append(f"    cues: {_flow({'yes': {'en': list(p.cues), 'ko': []}})}")
        lines.append(f"    # {TODO_KO} the Korean words people use for these (cues.yes.ko)")
    if p.kind in _BUTTONS:
        lines.append(f"    buttons: {_flow(dict(_BUTTONS[p.kind]))}")
    lines.append(f"    rule: {_flow(dict(p.rule))}")
    todos = list(p.todos) + ([] if c.placed else ["the record has no inclusion or exclusion headers: which is it?"])
    lines += [f"    # {TODO} {t}" for t in todos] + [f"    # note: {n}" for n in p.notes]
    return lines


def _profiles(questions: Tuple[Question, ...], record: Record) -> List[str]:
    wanted = ["respondent"]
    sexes = {tuple(q.proposal.applies_when.get("sex", ())) for q in questions} - {()}
    if sexes or record.sex is not Sex.ALL:
        wanted.append("sex")
    if any("childbearing_potential" in q.proposal.applies_when for q in questions):
        wanted.append("childbearing_potential")
    return wanted


def _trial_yaml(record: Record, questions: Tuple[Question, ...], unplaced: Tuple[str, ...], source: str) -> str:
    profiles = _profiles(questions, record)
    end = record.completion or record.last_update
    if end is None or record.last_update is None:
        raise DraftError(f"{source}: the record has no completion or last-update date; the draft needs both")
    asked = [q for q in questions if q.proposal.kind is not Kind.DEFERRED]
    first = next((i for i, q in enumerate(asked) if q.proposal.applies_when), len(asked))
    order = profiles[:1] + [q.id for q in asked[:first]] + profiles[1:] + [q.id for q in asked[first:]]
    lines = [f"# Draft of {record.nct_id}, written by `python -m bot trial draft` from {Path(source).name}.",
             "# A line marked TODO is a decision for a person, TODO(ko) Korean words to write. The folder loads",
             "# as it is; with any marker left it must not be shown to patients (grep -rn TODO <folder>).",
             f"id: {record.nct_id}",
             f"end_date: {end.isoformat()}  # the record's completion date (status: {record.status.lower() or '-'})",
             f"updated: {record.last_update.isoformat()}  # the record's last update",
             f"# {TODO} put the knock-out questions first (the session stops asking at the first fail)",
             f"ask_order: {_flow(order)}", "terms: []"]
    lines += [f"# {TODO} text outside the inclusion and exclusion sections: {json.dumps(u, ensure_ascii=False)}"
              for u in unplaced]
    if record.sex is not Sex.ALL:
        lines.append(f"# {TODO} the record takes {record.sex.value.lower()} participants only: say so in the texts, "
                     "or add a question")
    lines.append("questions:")
    for pid in profiles:
        lines += [f"  {pid}:"] + [f"    {k}: {_flow(v)}" for k, v in _PROFILE[pid].items()]
    for q in questions:
        lines += _question_yaml(q)
    return "\n".join(lines) + "\n"


def _vocabulary(record: Record, questions: Tuple[Question, ...]) -> Dict[str, Dict[str, Dict[str, List[str]]]]:
    """The record's interventions and conditions, every lexicon term the criteria name, and each look-back
    question's own label."""
    full = record_vocabulary(record)
    key = draft_vocabulary(record)
    used = {(m.label, m.id) for q in questions for m in nlp.mentions(q.criterion.text, key)}
    own = {("DRUG", i) for i in full["DRUG"] if i not in _lexicon_ids("DRUG")}
    own |= {("DISEASE", i) for i in full["DISEASE"] if i not in _lexicon_ids("DISEASE")}
    out: Dict[str, Dict[str, Dict[str, List[str]]]] = {}
    for label, ids in full.items():
        for i, words in ids.items():
            if (label, i) in used | own:
                out.setdefault(label, {})[i] = {"en": list(words), "ko": []}
    for q in questions:
        if q.proposal.kind is Kind.CONDITION_WINDOW and not q.proposal.params.get("label"):
            # the question's own label: the same words under DISEASE too would hide them from its reader
            out[q.id.upper()] = {i: {"en": list(w), "ko": []} for i, w in q.proposal.words.items()}
            for i in q.proposal.words:
                out.get("DISEASE", {}).pop(i, None)
        if q.proposal.params.get("label") == "CANCER":
            out.setdefault("CANCER", {}).update({i: {"en": list(w), "ko": []} for i, w in q.proposal.words.items()})
    return out


def _lexicon_ids(label: str) -> set:
    from bot.authoring.lexicon import lexicon

    return set(lexicon().vocabulary.get(label, {}))


def _texts(lang: str, record: Record, questions: Tuple[Question, ...], profiles: List[str]) -> Dict[str, Any]:
    labels = _button_labels()[lang]
    todo = f"{TODO} in English" if lang == "en" else f"{TODO_KO} in Korean (해요체)"
    out: Dict[str, Any] = {
        "title": record.brief_title if lang == "en" else f"{todo}: the title ({record.brief_title})",
        "short_title": f"{todo}: a short title in plain words",
        "sponsor": record.sponsor if lang == "en" else f"{todo}: the sponsor's name ({record.sponsor})",
        "summary": f"{todo}: what the study is, in two or three plain sentences",
        "what_happens_next": [f"{todo}: what happens after a handoff"], "terms": {}, "questions": {}}
    for pid in profiles:
        out["questions"][pid] = _question_texts(todo, labels, _PROFILE[pid]["buttons"], True)
    for q in questions:
        buttons = _BUTTONS.get(q.proposal.kind, {})
        out["questions"][q.id] = _question_texts(todo, labels, buttons, q.proposal.kind is not Kind.DEFERRED)
    return out


def _question_texts(todo: str, labels: Mapping[str, str], buttons: Mapping[str, str], asked: bool) -> Dict[str, Any]:
    texts: Dict[str, Any] = {"label": f"{todo}: a short label", "aliases": []}
    if asked:
        texts.update({"ask": {"self": f"{todo}: the question, asked of the patient",
                              "proxy": f"{todo}: the same question about {{patient}}"},
                      "why": f"{todo}: why the study asks", "hint": f"{todo}: how to answer",
                      "example": f"{todo}: an everyday answer"})
    if buttons:
        texts["buttons"] = {k: labels[k] for k in buttons}
    texts["read"] = {}
    verdicts = ("pass", "fail", "unknown", "deferred") if asked else ("deferred",)
    texts["reasons"] = {v: f"{todo}: one sentence for '{v}'" for v in verdicts}
    return texts


def _listing(record: Record, source: str) -> str:
    head = [record.brief_title, f"{record.nct_id} · {record.sponsor} · {record.status}", f"Source: {Path(source).name}",
            f"Ages: {record.minimum_age_text} to {record.maximum_age_text} · Sex: {record.sex.value}",
            "Conditions: " + "; ".join(record.conditions),
            "Interventions: " + "; ".join(i.name for i in record.interventions), "", record.criteria]
    return "\n".join(head).rstrip() + "\n"


def _dump(path: Path, data: Any, header: str) -> None:
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120, default_flow_style=False)
    path.write_text(header + body, encoding="utf-8")


def write_draft(record: Record, out: Path, source: str) -> Draft:
    """Writes the draft folder `out` (which must not exist or be empty)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise DraftError(f"{out} exists and is not an empty folder; give another --out")
    questions, unplaced = plan(record)
    trial = _trial_yaml(record, questions, unplaced, source)
    out.mkdir(parents=True, exist_ok=True)
    (out / "trial.yml").write_text(trial, encoding="utf-8")
    _dump(out / "vocabulary.yml", _vocabulary(record, questions),
          f"# The words for {record.nct_id}'s medicines and diseases (see trials/*/vocabulary.yml).\n"
          f"# {TODO_KO} the Korean words (ko) for every id; check the English ones.\n")
    profiles = _profiles(questions, record)
    for lang in ("en", "ko"):
        _dump(out / f"texts.{lang}.yml", _texts(lang, record, questions, profiles),
              f"# What {record.nct_id}'s questions say ({lang}). Every marked text is for a person to write.\n")
    (out / "listing.txt").write_text(_listing(record, source), encoding="utf-8")
    return Draft(record, out, questions, unplaced)


def todo_markers(folder: Path) -> List[Tuple[str, int, str]]:
    """(file, line number, line) for every TODO left in a trial folder, decisions and Korean alike."""
    found = []
    for path in sorted(folder.glob("*.yml")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if TODO in line or TODO_KO in line:
                found.append((path.name, n, line.strip()))
    return found
