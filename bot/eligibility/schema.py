"""The strict schema of a trial folder: every key of trial.yml, texts.<lang>.yml
and vocabulary.yml, at every depth. A misspelt key ("aplies_when", a reader
parameter "parmas.presnt", a cue language "kr") would load as nothing and the
question would silently ask or judge something else, so each one is an error
naming the file, the question and the key. All errors are listed, not only
the first (`python -m bot trial check` shows them together)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Collection, Dict, List, Mapping, Optional

from bot.eligibility.quantities import params_errors as measure_errors
from bot.eligibility.readers import PARAMS, READERS

LANGUAGES = ("en", "ko")
TRIAL_KEYS = frozenset({"id", "end_date", "updated", "ask_order", "terms", "questions", "left_out"})
QUESTION_KEYS = frozenset({"kind", "listing", "reader", "params", "terms", "cues", "buttons", "rule", "applies_when",
                           "examples", "concept", "exception"})
RULE_KEYS = frozenset({"always", "map", "number", "bands", "any_of", "all_of", "one_of"})
PART_KEYS = frozenset({"value", "question", "map", "number", "bands", "any_of", "all_of", "applies_when", "convert"})
NUMBER_KEYS = frozenset({"at_least", "at_most", "more_than", "between", "then", "else", "by"})
BAND_KEYS = frozenset({"below", "up_to", "then"})
EXCEPTION_KEYS = frozenset({"reads", "when", "words", "beyond"})
EXAMPLE_KEYS = frozenset({*LANGUAGES, "reads", "number", "verdict", "values", "given"})
LEFT_OUT_KEYS = frozenset({"listing", "reason"})
TEXT_KEYS = frozenset({"title", "short_title", "sponsor", "summary", "what_happens_next", "terms", "questions"})
TEXT_QUESTION_KEYS = frozenset({"label", "aliases", "ask", "why", "hint", "hints", "example", "buttons", "read",
                                "reasons", "help"})
ASK_KEYS = frozenset({"self", "proxy", "heard"})
TERM_KEYS = frozenset({"text", "words"})


class _Errors(list):
    """Error lines, each naming the file, the question (when there is one) and the key."""

    def add(self, file: Path, problem: str, qid: Optional[str] = None) -> None:
        self.append(f"{file}: " + (f"question '{qid}': " if qid else "") + problem)

    def keys(self, raw: Any, known: Collection[str], file: Path, where: str, qid: Optional[str] = None) -> bool:
        """False (and an error) when `raw` is not a mapping; an error per unknown key."""
        if not isinstance(raw, dict):
            self.add(file, f"{where} must be a mapping, not {type(raw).__name__}", qid)
            return False
        for key in raw:
            if _word(key) not in known:
                self.add(file, f"unknown key '{_word(key)}' in {where} (known: {', '.join(sorted(known))})", qid)
        return True


def _word(key: object) -> str:
    """YAML 1.1 reads a bare yes/no key as a boolean; the file means the word."""
    return {True: "yes", False: "no"}.get(key, str(key)) if isinstance(key, bool) else str(key)


def _mapping(raw: Any) -> Dict[str, Any]:
    return {_word(k): v for k, v in raw.items()} if isinstance(raw, dict) else {}


def _languages(raw: Any, file: Path, where: str, qid: str, errors: _Errors) -> None:
    """A mapping of en/ko to lists of words (cues, vocabulary entries)."""
    if errors.keys(raw, LANGUAGES, file, where, qid):
        for lang, words in raw.items():
            if not isinstance(words, list) or not all(isinstance(w, (str, int, float)) for w in words):
                errors.add(file, f"{where}.{lang} must be a list of words", qid)


def _params(q: Mapping[str, Any], file: Path, qid: str, vocabulary: Mapping[str, Any], errors: _Errors) -> None:
    reader = q.get("reader")
    if reader not in PARAMS:
        if reader is not None and reader not in READERS:
            known = ", ".join(sorted(READERS))
            errors.add(file, f"key 'reader': '{reader}' is not a reader kind (known: {known})", qid)
        return
    schema, params = PARAMS[reader], q.get("params") or {}
    if not errors.keys(params, schema.known or {"(none)"}, file, f"params of reader '{reader}'", qid):
        return
    for key in sorted(schema.required - set(params)):
        errors.add(file, f"params.{key} is missing (reader '{reader}' needs it)", qid)
    names = {"drug": "DRUG", "disease": "DISEASE"}
    for key, label in names.items():
        if key in params and str(params[key]) not in (vocabulary.get(label) or {}):
            errors.add(file, f"params.{key} '{params[key]}' is not an id of vocabulary.yml's {label}", qid)
    if "label" in params and str(params["label"]) not in vocabulary:
        errors.add(file, f"params.label '{params['label']}' is not a label of vocabulary.yml", qid)
    if reader == "measure":
        for problem in measure_errors(params):
            errors.add(file, problem, qid)
    if reader == "condition_window" and params.get("window", "past") not in ("past", "future"):
        errors.add(file, f"params.window must be past or future, not {params['window']!r}", qid)
    ids = {str(i) for items in vocabulary.values() if isinstance(items, dict) for i in items}
    for name in params.get("different") or ():  # other diseases: ids of any label (lymphoma is a CANCER)
        if str(name) not in ids:
            errors.add(file, f"params.different '{name}' is not an id of vocabulary.yml", qid)


def _rule_keys(rule: Any, known: Collection[str], where: str, file: Path, qid: str, errors: _Errors) -> None:
    """A rule's keys at every depth: its number, bands and the parts of any_of / all_of."""
    if not errors.keys(rule, known, file, where, qid):
        return
    if "number" in rule:
        errors.keys(rule["number"], NUMBER_KEYS, file, f"{where}.number", qid)
    if "map" in rule:
        errors.keys(rule["map"], _mapping(rule["map"]).keys(), file, f"{where}.map", qid)  # a mapping
    for n, band in enumerate(rule.get("bands") or () if isinstance(rule.get("bands"), list) else ()):
        errors.keys(band, BAND_KEYS, file, f"{where}.bands[{n}]", qid)
    for combine in ("any_of", "all_of", "one_of"):
        parts = rule.get(combine)
        for n, part in enumerate(parts if isinstance(parts, list) else ()):
            _rule_keys(part, PART_KEYS, f"{where}.{combine}[{n}]", file, qid, errors)


def _rule(q: Mapping[str, Any], file: Path, qid: str, errors: _Errors) -> None:
    if q.get("rule") is not None:
        _rule_keys(q["rule"], RULE_KEYS, "rule", file, qid, errors)


def _exception(q: Mapping[str, Any], file: Path, qid: str, errors: _Errors) -> None:
    raw = q.get("exception")
    if raw is None or not errors.keys(raw, EXCEPTION_KEYS, file, "exception", qid):
        return
    if not isinstance(raw.get("reads"), str) or "words" not in raw:
        errors.add(file, "exception needs reads (the reading it gives) and words (en/ko)", qid)
    if "when" in raw and not (isinstance(raw["when"], list) and all(isinstance(w, str) for w in raw["when"])):
        errors.add(file, "exception.when must be a list of readings", qid)
    for key in ("words", "beyond"):
        if key in raw:
            _languages(raw[key], file, f"exception.{key}", qid, errors)


def _question(qid: str, q: Any, profile_ids: Collection[str], file: Path, vocabulary: Mapping[str, Any],
              errors: _Errors) -> None:
    if not errors.keys(q, QUESTION_KEYS, file, "the question", qid):
        return
    _params(q, file, qid, vocabulary, errors)
    _rule(q, file, qid, errors)
    _exception(q, file, qid, errors)
    if "applies_when" in q and errors.keys(q["applies_when"], profile_ids, file, "applies_when", qid):
        for key, values in q["applies_when"].items():
            if not isinstance(values, list):
                errors.add(file, f"applies_when.{key} must be a list of answers", qid)
    # cues for yes, for no, or for another reading a button gives ("negative": a test showed no CD19)
    readings = {"yes", "no"} | set(_mapping(q.get("buttons")))
    if "cues" in q and errors.keys(q["cues"], readings, file, "cues", qid):
        for key, langs in q["cues"].items():
            _languages(langs, file, f"cues.{_word(key)}", qid, errors)
    if "buttons" in q:
        errors.keys(q["buttons"], _mapping(q["buttons"]).keys(), file, "buttons", qid)
    for n, example in enumerate(q.get("examples") or ()):
        where = f"examples[{n}]"
        if errors.keys(example, EXAMPLE_KEYS, file, where, qid):
            langs = [lang for lang in LANGUAGES if lang in example]
            if len(langs) != 1 or "reads" not in example:
                errors.add(file, f"{where} needs one of en/ko (the words) and reads (the reading)", qid)


def trial_errors(raw: Any, file: Path, vocabulary: Mapping[str, Any]) -> List[str]:
    errors = _Errors()
    if not errors.keys(raw, TRIAL_KEYS, file, "trial.yml"):
        return errors
    for key in ("id", "end_date", "updated", "ask_order", "questions"):
        if key not in raw:
            errors.add(file, f"key '{key}' is missing")
    questions = raw.get("questions") or {}
    if not errors.keys(questions, questions.keys() if isinstance(questions, dict) else (), file, "questions"):
        return errors
    profile_ids = [qid for qid, q in questions.items() if isinstance(q, dict) and q.get("kind") == "profile"]
    for qid, q in questions.items():
        _question(str(qid), q, profile_ids, file, vocabulary, errors)
    for n, entry in enumerate(raw.get("left_out") or ()):
        if errors.keys(entry, LEFT_OUT_KEYS, file, f"left_out[{n}]"):
            if not (str(entry.get("listing") or "").strip() and str(entry.get("reason") or "").strip()):
                errors.add(file, f"left_out[{n}] needs the listing's words and a written reason")
    return errors


def texts_errors(raw: Any, file: Path, question_ids: Collection[str], term_ids: Collection[str]) -> List[str]:
    errors = _Errors()
    if not errors.keys(raw, TEXT_KEYS, file, f"{file.name}"):
        return errors
    for key in ("title", "short_title", "questions"):
        if key not in raw:
            errors.add(file, f"key '{key}' is missing")
    terms = raw.get("terms") or {}
    if errors.keys(terms, terms.keys() if isinstance(terms, dict) else (), file, "terms"):
        for tid, term in terms.items():
            errors.keys(term, TERM_KEYS, file, f"terms.{tid}")
        for tid in sorted(set(term_ids) - set(terms)):
            errors.add(file, f"terms.{tid} is missing (trial.yml names it)")
    questions = raw.get("questions") or {}
    if errors.keys(questions, question_ids, file, "questions (a question of trial.yml)"):
        for qid, q in questions.items():
            if errors.keys(q, TEXT_QUESTION_KEYS, file, "the question's texts", str(qid)) and "ask" in q:
                errors.keys(q["ask"], ASK_KEYS, file, "ask", str(qid))
    return errors


def vocabulary_errors(raw: Any, file: Path) -> List[str]:
    """label -> id -> {en: [...], ko: [...]}."""
    errors = _Errors()
    if raw is None:
        return errors
    if errors.keys(raw, raw.keys() if isinstance(raw, dict) else (), file, "vocabulary.yml"):
        for label, items in raw.items():
            if errors.keys(items, items.keys() if isinstance(items, dict) else (), file, f"{label}"):
                for item, langs in items.items():
                    _languages(langs, file, f"{label}.{item}", "", errors)
    return errors


def term_ids(raw: Any) -> List[str]:
    """Every term id trial.yml names (its own and its questions')."""
    if not isinstance(raw, dict):
        return []
    ids = list(raw.get("terms") or ())
    for q in (raw.get("questions") or {}).values():
        if isinstance(q, dict):
            ids += list(q.get("terms") or ())
    return [str(t) for t in ids]
