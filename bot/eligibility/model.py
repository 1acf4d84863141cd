"""A trial, loaded from its folder (`trials/<id>/`): trial.yml (questions,
readers, rules), vocabulary.yml (the words for its medicines and diseases)
and texts.<language>.yml (what is shown). A malformed file is rejected with
a message naming the file, the question and the field."""
from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple

from bot import yaml_files
from bot.eligibility import nlp, rules, schema
from bot.eligibility.exemption import Exemption
from bot.eligibility.readers import READERS, values_read
from bot.eligibility.rules import NumberRule, Rule, TrialFileError, Verdict

__all__ = ["ROOT", "LANGUAGES", "PROFILE_IDS", "KINDS", "NumberRule", "Rule", "TrialFileError", "Verdict",
           "Outcome", "Question", "LeftOut", "Example", "Trial", "load_folder", "active_trial_id", "load_trial"]

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "ko")
PROFILE_IDS = ("respondent", "sex", "childbearing_potential")
# profile: who the patient is; part: asked and read, judged only within another question's rule (any_of/all_of).
KINDS = ("profile", "part", "inclusion", "exclusion")


class Outcome(str, enum.Enum):
    LIKELY_ELIGIBLE = "likely_eligible"
    NEEDS_REVIEW = "needs_review"
    LIKELY_INELIGIBLE = "likely_ineligible"


@dataclass(frozen=True)
class Question:
    """A criterion (kind inclusion/exclusion) or a profile question (kind profile)."""
    id: str
    kind: str
    reader: Optional[str] = None  # None: never asked
    params: Mapping[str, Any] = field(default_factory=dict)
    cues: Mapping[str, Mapping[str, Tuple[str, ...]]] = field(default_factory=dict)
    buttons: Mapping[str, str] = field(default_factory=dict)  # key -> canonical answer text
    terms: Tuple[str, ...] = ()
    listing: str = ""
    rule: Rule = field(default_factory=Rule)
    applies_when: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    examples: Tuple[Example, ...] = ()
    # The fact it asks, shared with other trials' questions of the same concept
    # (asked once when a site screens for several trials); "" means its id.
    concept: str = ""
    vocab: str = ""  # the readers' vocabulary key when not its trial's (a question shared across trials)
    exception: Optional[Exemption] = None  # what the criterion allows ("except during pregnancy")

    @property
    def concept_id(self) -> str:
        return self.concept or self.id

    @property
    def can_fail(self) -> bool:
        """Whether some answer would rule the person out (a knock-out question)."""
        return self.is_criterion and Verdict.FAIL in self.rule.verdicts

    @property
    def is_criterion(self) -> bool:
        return self.kind in ("inclusion", "exclusion")

    @property
    def asked(self) -> bool:
        return self.reader is not None


@dataclass(frozen=True)
class LeftOut:
    """A criterion of the listing that no question asks, and the written reason."""
    listing: str
    reason: str


@dataclass(frozen=True)
class Example:
    """An answer the question's reader must read to `reads` (and `number`, `verdict`):
    documentation that `python -m bot trial check` runs."""
    language: str
    text: str
    reads: str
    number: Optional[float] = None
    verdict: Optional[Verdict] = None
    values: Mapping[str, float] = field(default_factory=dict)  # the named values read (a pair, BMI's inputs)
    given: Mapping[str, str] = field(default_factory=dict)  # other questions' answers it is judged with


@dataclass(frozen=True)
class Trial:
    id: str
    folder: Path
    end_date: date
    updated: date
    ask_order: Tuple[str, ...]
    terms: Tuple[str, ...]
    questions: Mapping[str, Question]
    texts: Mapping[str, Mapping[str, Any]]  # language -> texts
    vocabulary: Mapping[str, Any] = field(default_factory=dict)  # label -> id -> language -> words
    left_out: Tuple[LeftOut, ...] = ()  # listing criteria no question asks, each with why
    vocab_key: str = ""

    def question(self, qid: str) -> Question:
        return self.questions[qid]

    @property
    def criteria(self) -> Tuple[Question, ...]:
        return tuple(q for q in self.questions.values() if q.is_criterion)

    @property
    def criterion_ids(self) -> Tuple[str, ...]:
        return tuple(q.id for q in self.criteria)

    def can_fail(self, qid: str) -> bool:
        """Whether some answer to this question may rule the person out: a knock-out criterion, or a part
        of one (or a limit's `by`) that can fail."""
        return self.questions[qid].can_fail or any(q.can_fail and qid in q.rule.questions for q in self.criteria)

    @property
    def asked_ids(self) -> Tuple[str, ...]:
        return tuple(q for q in self.ask_order if self.questions[q].asked)

    @property
    def vocab(self) -> str:
        """The key of this trial's vocabulary for the readers (bot.eligibility.nlp)."""
        return self.vocab_key or self.id

    def text(self, language: str, qid: str, key: str, default: Any = None) -> Any:
        return self.texts[language]["questions"].get(qid, {}).get(key, default)


def _fail(where: str, field_name: str, problem: str) -> TrialFileError:
    return TrialFileError(f"{where}: field '{field_name}' {problem}")


def _key(k: object) -> str:
    """YAML 1.1 reads a bare yes/no key as a boolean; the file means the word."""
    return {True: "yes", False: "no"}.get(k, str(k)) if isinstance(k, bool) else str(k)


def _verdict(value: object, where: str, field_name: str) -> Verdict:
    try:
        return Verdict(value)
    except ValueError:
        raise _fail(where, field_name, f"must be one of {', '.join(v.value for v in Verdict)}, not {value!r}")


def _question(qid: str, raw: object, where: str) -> Question:
    if not isinstance(raw, dict):
        raise _fail(where, qid, "must be a mapping")
    where = f"{where}: question '{qid}'"
    kind = raw.get("kind")
    if kind not in KINDS:
        raise _fail(where, "kind", f"must be one of {', '.join(KINDS)}")
    reader = raw.get("reader")
    if reader is not None and reader not in READERS:
        raise _fail(where, "reader", f"must be one of {', '.join(READERS)}")
    judged = kind in ("inclusion", "exclusion")
    rule = rules.parse(raw.get("rule"), "rule", lambda key, problem: _fail(where, key, problem)) if judged \
        else Rule()
    if judged and reader is None and rule.always is None and not rule.others_only:
        raise _fail(where, "reader", "is needed unless the rule is 'always' or reads only other questions")
    if judged and not raw.get("listing"):
        raise _fail(where, "listing", "must quote the listing")
    cues = {_key(k): {lang: tuple(words) for lang, words in (v or {}).items()}
            for k, v in (raw.get("cues") or {}).items()}
    return Question(
        id=qid, kind=kind, reader=reader, params=dict(raw.get("params") or {}), cues=cues,
        buttons={_key(k): str(v) for k, v in (raw.get("buttons") or {}).items()},
        terms=tuple(raw.get("terms") or ()), listing=raw.get("listing") or "", rule=rule,
        applies_when={k: tuple(_key(x) for x in v) for k, v in (raw.get("applies_when") or {}).items()},
        examples=tuple(_example(e, where, n) for n, e in enumerate(raw.get("examples") or ())),
        concept=str(raw.get("concept") or ""),
        exception=Exemption.from_raw(raw["exception"]) if raw.get("exception") else None,
    )


def _example(raw: dict, where: str, n: int) -> Example:
    language = "en" if "en" in raw else "ko"
    number = raw.get("number")
    if number is not None and not rules.is_number(number):
        raise _fail(where, f"examples[{n}].number", "must be a number")
    verdict = _verdict(raw["verdict"], where, f"examples[{n}].verdict") if "verdict" in raw else None
    values, given = raw.get("values") or {}, raw.get("given") or {}
    if not isinstance(values, dict) or not all(rules.is_number(v) for v in values.values()):
        raise _fail(where, f"examples[{n}].values", "must map value names to numbers")
    if not isinstance(given, dict) or not all(isinstance(v, str) for v in given.values()):
        raise _fail(where, f"examples[{n}].given", "must map question ids to answers (words)")
    return Example(language, str(raw[language]), _key(raw["reads"]), float(number) if number is not None else None,
                   verdict, {str(k): float(v) for k, v in values.items()}, {str(k): v for k, v in given.items()})


def _cross_check(questions: Mapping[str, Question], where: str) -> None:
    """What a rule names exists: the questions it reads, and the values its reader reads."""
    for q in questions.values():
        for other in q.rule.questions:
            if other not in questions:
                raise _fail(f"{where}: question '{q.id}'", "rule", f"names '{other}', which is not a question")
        declared = values_read(q.reader, q.params)
        for part in q.rule.parts:
            if part.value and part.value not in declared:
                raise _fail(f"{where}: question '{q.id}'", "rule", f"names the value '{part.value}', which its "
                            f"reader does not read (it reads: {', '.join(sorted(declared)) or 'no named value'})")
        if q.kind == "part" and not any(q.id in c.rule.questions for c in questions.values()):
            raise _fail(f"{where}: question '{q.id}'", "kind", "is part, but no criterion's rule reads it")
        for ex in q.examples:
            for other in ex.given:
                if other not in questions or questions[other].reader is None:
                    raise _fail(f"{where}: question '{q.id}'", "examples.given",
                                f"names '{other}', which is not an asked question")


def _left_out(raw: dict) -> Tuple[LeftOut, ...]:
    return tuple(LeftOut(str(e["listing"]).strip(), str(e["reason"]).strip()) for e in raw.get("left_out") or ())


def _read_yaml(path: Path) -> Any:
    try:
        return yaml_files.read(path)
    except FileNotFoundError:
        raise TrialFileError(f"{path}: file missing")
    except yaml_files.YAMLError as e:
        raise TrialFileError(f"{path}: not valid YAML ({e})")


def _strict(folder: Path) -> Tuple[dict, Dict[str, dict], dict]:
    """The folder's files, read through the schema (bot/eligibility/schema.py):
    an unknown key anywhere is an error naming the file, the question and the key."""
    vocabulary = _read_yaml(folder / "vocabulary.yml") or {}
    errors = schema.vocabulary_errors(vocabulary, folder / "vocabulary.yml")
    raw = _read_yaml(folder / "trial.yml")
    errors += schema.trial_errors(raw, folder / "trial.yml", vocabulary if isinstance(vocabulary, dict) else {})
    ids = list(raw.get("questions") or {}) if isinstance(raw, dict) else []
    texts = {}
    for lang in LANGUAGES:
        texts[lang] = _read_yaml(folder / f"texts.{lang}.yml")
        errors += schema.texts_errors(texts[lang], folder / f"texts.{lang}.yml", ids, schema.term_ids(raw))
    if errors:
        raise TrialFileError("\n".join(errors))
    return raw, texts, vocabulary


def load_folder(folder: Path) -> Trial:
    raw, texts_raw, vocabulary = _strict(folder)
    where = str(folder / "trial.yml")
    questions = {qid: _question(qid, q, where) for qid, q in raw["questions"].items()}
    _cross_check(questions, where)
    for qid in raw["ask_order"]:
        if qid not in questions:
            raise _fail(where, "ask_order", f"names '{qid}', which is not a question")
    missing = [q for q, v in questions.items() if v.asked and q not in raw["ask_order"]]
    if missing:
        raise _fail(where, "ask_order", f"lacks {', '.join(missing)}")
    texts = {}
    for lang, t in texts_raw.items():
        for qid, q in questions.items():
            qt = (t.get("questions") or {}).get(qid)
            if qt is None or "label" not in qt:
                raise _fail(f"{folder / f'texts.{lang}.yml'}: question '{qid}'", "label", "is missing")
            if q.asked and not (qt.get("ask") or {}).get("self"):
                raise _fail(f"{folder / f'texts.{lang}.yml'}: question '{qid}'", "ask.self", "is missing")
        texts[lang] = t
    # The readers' key for this vocabulary: the folder and the file's content too, so that a copy of a
    # trial (a draft, a test's broken copy) never replaces the words of the trial it was copied from.
    digest = hashlib.sha256((folder / "vocabulary.yml").read_bytes()).hexdigest()[:12]
    trial = Trial(id=str(raw["id"]), folder=folder, end_date=raw["end_date"], updated=raw["updated"],
                  ask_order=tuple(raw["ask_order"]), terms=tuple(raw.get("terms") or ()), questions=questions,
                  texts=texts, vocabulary=vocabulary, left_out=_left_out(raw),
                  vocab_key=f"{raw['id']}@{folder.resolve()}#{digest}")
    nlp.register(trial.vocab, vocabulary)
    return trial


def active_trial_id() -> str:
    """The one place that says which trial this deployment screens for:
    TRIALBOT_TRIAL, else the site configuration's study_id."""
    from bot import config  # here, not at the top: config is read when asked, after the environment is set

    return config.settings().trial or config.site().study_id


@lru_cache(maxsize=8)
def load_trial(trial_id: Optional[str] = None) -> Trial:
    trial_id = trial_id or active_trial_id()
    from bot import config

    folder = config.settings().trials_dir / trial_id.lower()
    if not folder.is_dir():
        raise TrialFileError(f"no trial folder {folder}")
    return load_folder(folder)
