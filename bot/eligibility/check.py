"""`python -m bot trial check FOLDER`: everything a trial folder must hold
before a site uses it, each problem one line naming the file, the question and
the key:

- the strict schema (bot/eligibility/schema.py: an unknown key anywhere);
- every text in both languages, with the same {placeholders};
- every criterion of listing.txt asked by a question (its `listing` quotes it)
  or in trial.yml's `left_out` with a written reason;
- every `examples` answer read by its question's reader to the reading (and
  number and verdict) it declares, and every shown `example` read as an answer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple

from bot.eligibility.model import LANGUAGES, Question, Trial, TrialFileError, Verdict, load_folder
from bot.eligibility.reading import Reading
from bot.eligibility.rules import part_verdict
from bot.eligibility.session import judge, read

_HEADING = re.compile(r"^\s*(?:inclusion|exclusion)\s+criteria\s*:?\s*$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")
_PLACEHOLDER = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class Report:
    folder: Path
    errors: Tuple[str, ...]
    questions: int = 0
    criteria: int = 0  # criteria of listing.txt
    mapped: int = 0  # ... asked by a question
    left_out: int = 0  # ... left out with a reason
    examples: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return f"{self.folder}: {len(self.errors)} error(s)"
        return (f"{self.folder}: ok ({self.questions} questions; {self.criteria} listing criteria, {self.mapped} "
                f"asked, {self.left_out} left out with a reason; {self.examples} examples read as declared)")


def check_folder(folder: Path, today: Optional[date] = None) -> Report:
    folder = Path(folder)
    try:
        trial = load_folder(folder)
    except TrialFileError as exc:
        return Report(folder, tuple(str(exc).splitlines()))
    errors = text_errors(trial)
    criteria, mapped, listing = listing_errors(trial)
    examples, example = example_errors(trial, today or date.today())
    errors += listing + example
    return Report(folder, tuple(errors), len(trial.questions), len(criteria), mapped, len(trial.left_out), examples)


# ---------------------------------------------------------------- texts in both languages


def _flat(node: Any, prefix: str = "") -> Iterator[Tuple[str, Any]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _flat(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(node, list):
        yield prefix + "[]", None  # lists (words, aliases) may differ in length between languages
    else:
        yield prefix, node


def _where(folder: Path, lang: str, key: str) -> str:
    """'<file>: question '<id>': key '<rest>'' for a key under questions, else '<file>: key '<key>''."""
    file = folder / f"texts.{lang}.yml"
    parts = key.split(".", 2)
    if parts[0] == "questions" and len(parts) == 3:
        return f"{file}: question '{parts[1]}': key '{parts[2]}'"
    return f"{file}: key '{key}'"


def text_errors(trial: Trial) -> List[str]:
    keys = {lang: dict(_flat(trial.texts[lang])) for lang in LANGUAGES}
    errors = []
    for lang, other in (("en", "ko"), ("ko", "en")):
        for key in sorted(set(keys[other]) - set(keys[lang])):
            errors.append(f"{_where(trial.folder, lang, key)} is missing (texts.{other}.yml has it)")
    for key in sorted(set(keys["en"]) & set(keys["ko"])):
        en, ko = (set(_PLACEHOLDER.findall(v)) if isinstance(v, str) else set()
                  for v in (keys["en"][key], keys["ko"][key]))
        if en != ko:
            errors.append(f"{_where(trial.folder, 'ko', key)} has placeholders {{{', '.join(sorted(ko))}}}, "
                          f"but texts.en.yml has {{{', '.join(sorted(en))}}}")
    return errors


# ---------------------------------------------------------------- the listing


def listing_criteria(text: str) -> List[str]:
    """The lines under each 'Inclusion Criteria' / 'Exclusion Criteria' heading,
    bullets taken off, up to the first blank line after them."""
    out: List[str] = []
    inside, seen = False, False
    for line in text.splitlines():
        if _HEADING.match(line):
            inside, seen = True, False
        elif not line.strip():
            inside = inside and not seen
        elif inside:
            out.append(" ".join(_BULLET.sub("", line).split()))
            seen = True
    return out


def _norm(text: str) -> str:
    return " ".join(text.split())


def listing_errors(trial: Trial) -> Tuple[List[str], int, List[str]]:
    """(criteria, how many a question asks, errors)."""
    path = trial.folder / "listing.txt"
    if not path.is_file():
        return [], 0, [f"{path}: file missing (the registry listing, the source of truth for the criteria)"]
    criteria = listing_criteria(path.read_text(encoding="utf-8"))
    if not criteria:
        return [], 0, [f"{path}: no criteria found under an 'Inclusion Criteria' or 'Exclusion Criteria' heading"]
    quoted = {q.id: _norm(q.listing) for q in trial.criteria}
    left = [_norm(x.listing) for x in trial.left_out]
    errors, mapped = [], 0
    for c in criteria:
        if any(quote and quote in c for quote in quoted.values()):
            mapped += 1
        elif not any(x and x in c for x in left):
            errors.append(f"{path}: criterion '{c}' is neither quoted by a question's `listing` nor in trial.yml's "
                          "`left_out` with a reason")
    for qid, quote in quoted.items():
        if not any(quote in c for c in criteria):
            errors.append(f"{trial.folder / 'trial.yml'}: question '{qid}': key 'listing': '{quote}' is not "
                          "(part of) a criterion of listing.txt")
    for x in left:
        if not any(x in c for c in criteria):
            errors.append(f"{trial.folder / 'trial.yml'}: key 'left_out': '{x}' is not (part of) a criterion of "
                          "listing.txt")
    return criteria, mapped, errors


# ---------------------------------------------------------------- examples, read by the readers


def _example_error(trial: Trial, q: Question, n: int, today: date) -> Optional[str]:
    ex = q.examples[n]
    result = read(trial, q.id, ex.text, today)
    said = f"{trial.folder / 'trial.yml'}: question '{q.id}': key 'examples[{n}]': {ex.language} '{ex.text}'"
    if not isinstance(result, Reading):
        return f"{said} is not read as an answer ({result.why}); it declares '{ex.reads}'"
    if result.value != ex.reads:
        return f"{said} is read as '{result.value}', not '{ex.reads}'"
    if ex.number is not None and (result.number is None or abs(result.number - ex.number) > 1e-6):
        return f"{said} is read with the number {result.number}, not {ex.number:g}"
    values = result.extra.get("values") or {}
    for name, number in ex.values.items():
        if name not in values or abs(values[name] - number) > 1e-6:
            return f"{said} is read with {name} {values.get(name)}, not {number:g}"
    if ex.verdict is not None:
        facts = {}
        for other, words in ex.given.items():  # the answers it is judged with ("given: {sex: female}")
            given = read(trial, other, words, today)
            if not isinstance(given, Reading):
                return f"{said}: its given answer '{words}' to '{other}' is not read ({given.why})"
            facts[other] = given
        verdict = judge(q, result, facts).verdict if q.is_criterion else _part_verdict(trial, q, result, facts)
        if verdict != ex.verdict:
            return f"{said} gives the verdict {verdict.value if verdict else None}, not {ex.verdict.value}"
    return None


def _part_verdict(trial: Trial, q: Question, result: Reading, facts: dict) -> Optional[Verdict]:
    """A part question's verdict: what its answer gives within the criterion that combines it."""
    return next((v for c in trial.criteria for v in [part_verdict(c.rule, q.id, result, facts)] if v), None)


def example_errors(trial: Trial, today: date) -> Tuple[int, List[str]]:
    """(how many examples were read, errors)."""
    errors, count = [], 0
    for q in trial.questions.values():
        if not q.asked:
            continue
        for lang in LANGUAGES:
            if not any(ex.language == lang for ex in q.examples):
                errors.append(f"{trial.folder / 'trial.yml'}: question '{q.id}': key 'examples' has no {lang} "
                              "answer (a few per language, each with the reading it gives)")
            shown = trial.text(lang, q.id, "example")
            if shown:
                result = read(trial, q.id, str(shown), today)
                if not isinstance(result, Reading):
                    errors.append(f"{trial.folder / f'texts.{lang}.yml'}: question '{q.id}': key 'example': "
                                  f"'{shown}' is not read as an answer ({result.why})")
        for n in range(len(q.examples)):
            count += 1
            problem = _example_error(trial, q, n, today)
            if problem:
                errors.append(problem)
    return count, errors
