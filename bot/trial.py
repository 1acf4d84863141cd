"""Loads a trial file (`bot/trials/<id>.yml`) into plain, frozen objects and
rejects a malformed one with a message naming the criterion and the field."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional, Tuple

import yaml

from bot.answers import PARSERS

TRIALS_DIR = Path(__file__).with_name("trials")
DEFAULT_TRIAL = "NCT03558607"
VERDICTS = ("pass", "fail", "unknown", "deferred", "not_applicable")
PROFILE_IDS = ("respondent", "sex", "childbearing_potential")
_COMPARISONS = ("at_least", "at_most", "more_than")


class TrialFileError(ValueError):
    """A trial file that does not follow the schema."""


@dataclass(frozen=True)
class NumberRule:
    comparison: str  # at_least | at_most | more_than
    limit: float
    then: str
    otherwise: str

    def meets(self, number: float) -> bool:
        if self.comparison == "at_least":
            return number >= self.limit
        if self.comparison == "at_most":
            return number <= self.limit
        return number > self.limit


@dataclass(frozen=True)
class Rule:
    map: Mapping[str, str] = field(default_factory=dict)
    number: Optional[NumberRule] = None
    always: Optional[str] = None


@dataclass(frozen=True)
class Term:
    key: str
    text: str
    words: Tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """A criterion (kind inclusion/exclusion) or a profile slot (kind profile)."""
    id: str
    kind: str
    label: str
    ask: Optional[Mapping[str, str]]
    why: str
    aliases: Tuple[str, ...] = ()
    listing: Optional[str] = None
    help: str = ""
    terms: Tuple[str, ...] = ()
    answer: Optional[str] = None
    cues: Optional[Mapping[str, Tuple[str, ...]]] = None
    drug: Optional[str] = None
    hint: str = ""
    example: str = ""
    buttons: Tuple[Mapping[str, str], ...] = ()
    rule: Rule = field(default_factory=Rule)
    reasons: Mapping[str, str] = field(default_factory=dict)
    applies_when: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)

    @property
    def is_criterion(self) -> bool:
        return self.kind != "profile"

    @property
    def asked(self) -> bool:
        return self.ask is not None


@dataclass(frozen=True)
class Trial:
    id: str
    title: str
    short_title: str
    sponsor: str
    site: str
    condition: str
    treatment: str
    end_date: date
    updated: date
    summary: str
    what_happens_next: Tuple[str, ...]
    ask_order: Tuple[str, ...]
    glossary: Mapping[str, Term]
    profile: Tuple[Question, ...]
    criteria: Tuple[Question, ...]

    def question(self, qid: str) -> Question:
        for q in self.profile + self.criteria:
            if q.id == qid:
                return q
        raise KeyError(qid)

    @property
    def criterion_ids(self) -> Tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    @property
    def question_ids(self) -> Tuple[str, ...]:
        return tuple(q.id for q in self.profile + self.criteria)


def _key(k: object) -> str:
    """YAML 1.1 reads a bare yes/no key as a boolean; the file means the word."""
    return {True: "yes", False: "no"}.get(k, str(k)) if isinstance(k, bool) else str(k)


def _fail(where: str, field_name: str, problem: str) -> TrialFileError:
    return TrialFileError(f"{where}: field '{field_name}' {problem}")


def _text(raw: dict, key: str, where: str, required: bool = True) -> str:
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, key, "must be a non-empty text")
    return value.strip()


def _verdict(value: object, where: str, field_name: str) -> str:
    if value not in VERDICTS:
        raise _fail(where, field_name, f"has {value!r}; a verdict is one of {', '.join(VERDICTS)}")
    return str(value)


def _rule(raw: object, where: str) -> Rule:
    if not isinstance(raw, dict) or not raw or set(raw) - {"map", "number", "always"}:
        raise _fail(where, "rule", "must have 'map', 'number' and/or 'always'")
    if "always" in raw:
        return Rule(always=_verdict(raw["always"], where, "rule.always"))
    mapping = raw.get("map") or {}
    if not isinstance(mapping, dict):
        raise _fail(where, "rule.map", "must map answer categories to verdicts")
    mapping = {_key(k): _verdict(v, where, f"rule.map.{_key(k)}") for k, v in mapping.items()}
    number = None
    if "number" in raw:
        n = raw["number"]
        comps = [c for c in _COMPARISONS if isinstance(n, dict) and c in n]
        if len(comps) != 1 or not isinstance(n[comps[0]], (int, float)) or "then" not in n or "else" not in n:
            raise _fail(where, "rule.number", f"needs one of {', '.join(_COMPARISONS)} with a number, 'then' and 'else'")
        number = NumberRule(comps[0], float(n[comps[0]]), _verdict(n["then"], where, "rule.number.then"),
                            _verdict(n["else"], where, "rule.number.else"))
    return Rule(map=mapping, number=number)


def _question(raw: object, kind_default: Optional[str], glossary: Mapping[str, str], index: int, section: str) -> Question:
    if not isinstance(raw, dict):
        raise TrialFileError(f"{section} #{index + 1}: must be a mapping")
    qid = raw.get("id")
    if not isinstance(qid, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", qid):
        raise TrialFileError(f"{section} #{index + 1}: field 'id' must be a snake_case name")
    where = f"{'profile slot' if section == 'profile' else 'criterion'} '{qid}'"
    kind = raw.get("kind", kind_default)
    if kind not in ("inclusion", "exclusion", "profile"):
        raise _fail(where, "kind", "must be inclusion or exclusion")
    ask = raw.get("ask")
    if ask is not None:
        needed = ("self",) if kind == "profile" and qid == "respondent" else ("self", "proxy")
        if not isinstance(ask, dict) or any(not isinstance(ask.get(k), str) for k in needed):
            raise _fail(where, "ask", f"must give the question for {' and '.join(needed)} (or be null)")
        if raw.get("answer") not in PARSERS:
            raise _fail(where, "answer", f"must be one of {', '.join(sorted(PARSERS))}")
        for k in ("hint", "example"):
            _text(raw, k, where)
    terms = tuple(raw.get("terms") or ())
    for t in terms:
        if t not in glossary:
            raise _fail(where, "terms", f"names '{t}', which the glossary does not explain")
    buttons = tuple(raw.get("buttons") or ())
    if any(not isinstance(b, dict) or not b.get("title") or not b.get("payload") for b in buttons):
        raise _fail(where, "buttons", "must be a list of {title, payload}")
    cues = {_key(k): v for k, v in raw["cues"].items()} if isinstance(raw.get("cues"), dict) else raw.get("cues")
    if cues is not None and (not isinstance(cues, dict) or set(cues) - {"yes", "no"}):
        raise _fail(where, "cues", "must have lists under 'yes' and/or 'no'")
    applies = raw.get("applies_when") or {}
    if not isinstance(applies, dict) or set(applies) - set(PROFILE_IDS):
        raise _fail(where, "applies_when", f"may only name {', '.join(PROFILE_IDS)}")
    reasons = raw.get("reasons") or {}
    reasons = {_key(k): v for k, v in reasons.items()} if isinstance(reasons, dict) else reasons
    if not isinstance(reasons, dict) or any(not isinstance(v, str) for v in reasons.values()):
        raise _fail(where, "reasons", "must map verdicts or answer categories to texts")
    q = Question(
        id=qid, kind=kind, label=_text(raw, "label", where), ask=ask, why=_text(raw, "why", where),
        aliases=tuple(str(a).lower() for a in raw.get("aliases") or ()),
        listing=_text(raw, "listing", where) if kind != "profile" else None,
        help=_text(raw, "help", where, required=False), terms=terms, answer=raw.get("answer"),
        cues={k: tuple(v) for k, v in cues.items()} if cues else None, drug=raw.get("drug"),
        hint=raw.get("hint") or "", example=raw.get("example") or "", buttons=buttons,
        rule=_rule(raw.get("rule"), where) if kind != "profile" else Rule(),
        reasons=reasons, applies_when={k: tuple(str(x) for x in v) for k, v in applies.items()},
    )
    if q.is_criterion and not q.rule.always and q.ask is None:
        raise _fail(where, "ask", "is null, so the rule must be 'always'")
    return q


def _date(raw: dict, key: str) -> date:
    value = raw.get(key)
    if not isinstance(value, date):
        raise _fail("trial", key, "must be a date (YYYY-MM-DD)")
    return value


def parse_trial(raw: object) -> Trial:
    if not isinstance(raw, dict):
        raise TrialFileError("trial: the file must be a mapping")
    glossary = raw.get("glossary") or {}
    if not isinstance(glossary, dict) or any(
            not isinstance(g, dict) or not isinstance(g.get("text"), str) or not g.get("words") for g in glossary.values()):
        raise _fail("trial", "glossary", "must map each term to its text and the words that ask for it")
    glossary = {k: Term(k, g["text"].strip(), tuple(str(w).lower() for w in g["words"])) for k, g in glossary.items()}
    for section in ("criteria", "profile"):
        if not isinstance(raw.get(section), list) or not raw[section]:
            raise _fail("trial", section, "must be a non-empty list")
    profile = tuple(_question(q, "profile", glossary, i, "profile") for i, q in enumerate(raw["profile"]))
    criteria = tuple(_question(q, None, glossary, i, "criteria") for i, q in enumerate(raw["criteria"]))
    ids = [q.id for q in profile + criteria]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise _fail("trial", "criteria", f"repeats the id {', '.join(dupes)}")
    order = tuple(raw.get("ask_order") or ())
    for qid in order:
        if qid not in ids:
            raise _fail("trial", "ask_order", f"names '{qid}', which is not a criterion or profile slot")
    for q in profile + criteria:
        if q.asked and q.id not in order:
            raise _fail(f"criterion '{q.id}'", "id", "is asked but missing from ask_order")
    t = raw
    return Trial(
        id=_text(t, "id", "trial"), title=_text(t, "title", "trial"), short_title=_text(t, "short_title", "trial"),
        sponsor=_text(t, "sponsor", "trial"), site=_text(t, "site", "trial"), condition=_text(t, "condition", "trial"),
        treatment=_text(t, "treatment", "trial"), end_date=_date(t, "end_date"), updated=_date(t, "updated"),
        summary=_text(t, "summary", "trial"), what_happens_next=tuple(t.get("what_happens_next") or ()),
        ask_order=order, glossary=glossary, profile=profile, criteria=criteria,
    )


def load_trial_file(path: Path) -> Trial:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TrialFileError(f"{path}: not valid YAML ({exc.__class__.__name__})") from None
    try:
        return parse_trial(raw)
    except TrialFileError as exc:
        raise TrialFileError(f"{Path(path).name}: {exc}") from None


@lru_cache(maxsize=8)
def load_trial(trial_id: str = DEFAULT_TRIAL) -> Trial:
    return load_trial_file(TRIALS_DIR / f"{trial_id.lower()}.yml")
