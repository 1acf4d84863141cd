"""A question's rule, as typed objects read from trial.yml, and how it turns a
reading into a verdict. Besides `map`, `number` and `always`:

- `bands`: a range cut into verdicts ("below 5.7 unknown, below 6.5 pass, the rest fail");
- `any_of` / `all_of`: parts, each judging one named value of the reading (`value: systolic`, from a
  message naming several), another question's reading (`question: hba1c`), with its own number/bands/map,
  or a nested any_of / all_of (one course of several that needs two answers);
- `number.by`: the limit chosen by another question's answer (`by: sex`, `at_most: {male: 1.3, female: 1.1}`;
  a numeric answer picks a range key, `by: age`, `at_most: {"18-64": 2, "65-120": 1.5}`); while that answer is
  not known, the verdict is the one every limit agrees on, else `unknown` ("depends");
- `one_of`: value parts, of which the reading gives one or some (a score on one of several scales): the
  parts given judge it, the rest are not asked for; given parts that disagree are `unknown`;
- a part's `applies_when` (another question's answers or ranges, `{age: ["0-15"]}`): otherwise the part's
  value is the team's to judge (`unknown`, reason key `<part>.does_not_apply`);
- a part's `convert` (a table, `{"90": [0, 1], "80": 1}`: a value or a range of values to a number or a
  range): the value in the scale its number or bands judge; two tables that disagree give a range, and a
  range across a limit is `unknown` ("boundary"); a value the table does not hold is not given.

A malformed rule is a TrialFileError naming the file, the question and the key."""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Tuple

from bot.eligibility.reading import Reading


class Verdict(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    DEFERRED = "deferred"
    NOT_APPLICABLE = "not_applicable"


class TrialFileError(ValueError):
    """A trial folder that does not follow the schema."""


Facts = Mapping[str, Reading]  # the other answers of the screening, by question id
COMPARISONS = ("at_least", "at_most", "more_than", "between")
_RANGE_KEY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class NumberRule:
    comparison: str  # at_least | at_most | more_than | between
    limit: float  # the bound (the lower one for between)
    then: Verdict
    otherwise: Verdict
    upper: Optional[float] = None  # between: the upper bound, inclusive
    by: str = ""  # the question whose answer picks the limit
    limits: Mapping[str, Tuple[float, Optional[float]]] = field(default_factory=dict)  # answer -> (limit, upper)

    def meets(self, number: float) -> bool:
        if self.comparison == "at_least":
            return number >= self.limit
        if self.comparison == "at_most":
            return number <= self.limit
        if self.comparison == "between":
            return self.upper is not None and self.limit <= number <= self.upper
        return number > self.limit

    def variants(self, facts: Facts) -> Tuple["NumberRule", ...]:
        """The rules that may apply: one when the answer `by` names is known, else one per limit."""
        if not self.by:
            return (self,)
        fact = facts.get(self.by)
        keys = [k for k in self.limits if fact is not None and _key_fits(k, fact)]
        return tuple(replace(self, limit=self.limits[k][0], upper=self.limits[k][1], by="", limits={})
                     for k in (keys[:1] or list(self.limits)))


def _key_fits(key: str, fact: Reading) -> bool:
    """A limit's key fits an answer: its reading ("female") or, for a number, its range ("65-120")."""
    if key == fact.value:
        return True
    m = _RANGE_KEY.match(key)
    return bool(m and fact.number is not None and float(m[1]) <= fact.number <= float(m[2]))


@dataclass(frozen=True)
class Band:
    """Numbers below `below` (or up to `up_to`, inclusive) get `then`; the last band has no bound."""
    then: Verdict
    bound: Optional[float] = None
    inclusive: bool = False

    def holds(self, number: float) -> bool:
        return self.bound is None or (number <= self.bound if self.inclusive else number < self.bound)


@dataclass(frozen=True)
class Part:
    """One part of any_of / all_of / one_of: a named value of this reading, another question's reading, or
    (neither) a nested any_of / all_of; judged only when another question's answer fits `applies_when`,
    its value first through `convert`."""
    rule: "Rule"
    value: str = ""
    question: str = ""
    applies_when: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    convert: Tuple[Tuple[str, float, float], ...] = ()  # (a value or range key, the low and high it becomes)

    @property
    def name(self) -> str:
        return self.question or self.value


@dataclass(frozen=True)
class Rule:
    map: Mapping[str, Verdict] = field(default_factory=dict)
    number: Optional[NumberRule] = None
    always: Optional[Verdict] = None
    bands: Tuple[Band, ...] = ()
    any_of: Tuple[Part, ...] = ()
    all_of: Tuple[Part, ...] = ()
    one_of: Tuple[Part, ...] = ()

    @property
    def parts(self) -> Tuple[Part, ...]:
        return self.any_of or self.all_of or self.one_of

    @property
    def others_only(self) -> bool:
        """Judged from other questions alone (each part a question, or a nested any_of / all_of of them)."""
        return bool(self.parts) and all(p.question or (not p.value and p.rule.others_only) for p in self.parts)

    @property
    def verdicts(self) -> FrozenSet[Verdict]:
        """Every verdict the rule can give."""
        out = set(self.map.values()) | {b.then for b in self.bands}
        if self.always:
            out.add(self.always)
        if self.number:
            out |= {self.number.then, self.number.otherwise}
        for part in self.parts:
            out |= part.rule.verdicts
        if self.one_of or any(p.applies_when or p.convert for p in self.parts):
            out.add(Verdict.UNKNOWN)  # values that disagree, a part that does not apply, a range across a limit
        return frozenset(out)

    @property
    def questions(self) -> Tuple[str, ...]:
        """The other questions the rule reads (parts and `by`)."""
        own = (self.number.by,) if self.number and self.number.by else ()
        return own + tuple(q for p in self.parts
                           for q in ((p.question,) if p.question else ()) + tuple(p.applies_when) + p.rule.questions)


# ---------------------------------------------------------------- judging

Decision = Tuple[Verdict, str]  # the verdict and its reason key


def decide(rule: Rule, reading: Optional[Reading], facts: Facts) -> Optional[Decision]:
    """The rule's verdict for a reading; None when the rule says nothing of it (unsettled)."""
    if reading is not None and reading.value in rule.map:
        return rule.map[reading.value], reading.value
    if rule.parts:
        return _combined(rule, reading, facts)
    if reading is None or reading.number is None:
        return None
    ends = (reading.number, reading.number if reading.number_max is None else reading.number_max)
    if rule.bands:
        found = {next(b.then for b in rule.bands if b.holds(n)) for n in ends}
        return (found.pop(), "") if len(found) == 1 else (Verdict.UNKNOWN, "boundary")
    if rule.number:
        return _by_number(rule.number, ends, facts)
    return None


def _by_number(number: NumberRule, ends: Tuple[float, float], facts: Facts) -> Decision:
    verdicts = set()
    for variant in number.variants(facts):
        low_end, high_end = variant.meets(ends[0]), variant.meets(ends[1])
        if low_end != high_end:  # a rough answer ("2 years ago", a birth year) that straddles the limit
            return Verdict.UNKNOWN, "boundary"
        verdicts.add(variant.then if low_end else variant.otherwise)
    return (verdicts.pop(), "") if len(verdicts) == 1 else (Verdict.UNKNOWN, "depends")


def _part_reading(part: Part, reading: Optional[Reading], facts: Facts) -> Optional[Reading]:
    if not part.name:  # a nested any_of / all_of reads what its parent reads
        return reading
    if part.question:
        return _converted(part, facts.get(part.question))
    values = (reading.extra.get("values") or {}) if reading is not None else {}
    if reading is None or part.value not in values:
        return None
    high = (reading.extra.get("values_max") or {}).get(part.value)
    return _converted(part, Reading("value", reading.evidence, number=float(values[part.value]),
                                    number_max=float(high) if high is not None else None, hedged=reading.hedged))


def _converted(part: Part, reading: Optional[Reading]) -> Optional[Reading]:
    """The reading's number through the part's table (both ends of a range): the lowest and the highest
    they become. None when the table holds neither end: the value is not given in this part's scale."""
    if not part.convert or reading is None or reading.number is None:
        return reading
    ends = [reading.number, reading.number if reading.number_max is None else reading.number_max]
    found = [(low, high) for n in ends for key, low, high in part.convert if _range_fits(key, n)]
    if len(found) < len(ends):
        return None
    low, high = min(f[0] for f in found), max(f[1] for f in found)
    return replace(reading, number=low, number_max=high if high != low else None)


def _range_fits(key: str, number: float) -> bool:
    m = _RANGE_KEY.match(key)
    return float(m[1]) <= number <= float(m[2]) if m else _is_float(key) and float(key) == number


def _is_float(text: str) -> bool:
    return bool(re.fullmatch(r"\s*\d+(?:\.\d+)?\s*", text))


def _applies(part: Part, facts: Facts) -> Optional[Decision]:
    """None when the part applies; else `unknown`: "does_not_apply" when the answer it names fits none of
    its keys, "depends" while that answer is not known."""
    for qid, keys in part.applies_when.items():
        fact = facts.get(qid)
        if fact is None or fact.value == "unsure":
            return Verdict.UNKNOWN, "depends"
        if not any(_key_fits(k, fact) for k in keys):
            return Verdict.UNKNOWN, "does_not_apply"
    return None


_ANY_ORDER = (Verdict.PASS, Verdict.UNKNOWN, Verdict.DEFERRED, Verdict.FAIL)
_ALL_ORDER = (Verdict.FAIL, Verdict.UNKNOWN, Verdict.DEFERRED, Verdict.PASS)


@dataclass(frozen=True)
class PartVerdict:
    part: Part
    verdict: Verdict
    key: str  # the part's own reason key (a reading it maps, "boundary", ...), "" for its verdict
    reading: Optional[Reading]


def judge_parts(rule: Rule, reading: Optional[Reading], facts: Facts) -> List[PartVerdict]:
    """Each part's verdict (a part not answered is unknown). A part that fails on a hedged answer ("I think
    so") is unknown: nobody is ruled out on it, as for a criterion's own answer."""
    out = []
    for part in rule.parts:
        own = _part_reading(part, reading, facts)
        if rule.one_of and own is None:
            continue  # one_of: only the values the reading gives
        found = (_applies(part, facts) if own is not None else None) or decide(part.rule, own, facts)
        verdict, key = found if found else (Verdict.UNKNOWN, "")
        if verdict == Verdict.FAIL and own is not None and own.hedged:
            verdict, key = Verdict.UNKNOWN, "hedged"
        out.append(PartVerdict(part, verdict, key, own))
    return out


def _combined(rule: Rule, reading: Optional[Reading], facts: Facts) -> Optional[Decision]:
    """any_of: one part passing passes, all failing fails; all_of: one failing fails, all passing passes.
    A part not answered is unknown. The reason key is the deciding part's, named by it
    ("transplant_timing.unknown"), so a criterion's texts may say why that part decided."""
    verdicts = [p for p in judge_parts(rule, reading, facts) if p.verdict != Verdict.NOT_APPLICABLE]
    if not verdicts:
        return None
    if rule.one_of and len({p.verdict for p in verdicts}) > 1:
        return Verdict.UNKNOWN, ""  # two values given that a rule judges apart: the team's
    order = _ANY_ORDER if rule.any_of else _ALL_ORDER
    found = next(v for v in order if any(p.verdict == v for p in verdicts))
    deciding = [p for p in verdicts if p.verdict == found]
    if len(deciding) > 1:  # several parts decide alike: no one of them is the reason
        return found, ""
    part = deciding[0]
    key = part.key or part.verdict.value
    return found, f"{part.part.name}.{key}" if part.part.name else key


def deciding_part(rule: Rule, reading: Optional[Reading], facts: Facts) -> Optional[PartVerdict]:
    """The one question part (at any depth) whose verdict decided a combined rule, if one did."""
    found = _combined(rule, reading, facts)
    if not found or not found[1]:
        return None
    for p in judge_parts(rule, reading, facts):
        if p.verdict != found[0]:
            continue
        if not p.part.name:  # a nested any_of / all_of: the question part inside it
            return deciding_part(p.part.rule, p.reading, facts)
        return p
    return None


def question_parts(rule: Rule, qid: str) -> Tuple[Part, ...]:
    """The parts (at any depth) that judge this question's reading."""
    return tuple(found for p in rule.parts
                 for found in ((p,) if p.question == qid else ()) + question_parts(p.rule, qid))


def part_verdict(rule: Rule, qid: str, reading: Reading, facts: Facts) -> Optional[Verdict]:
    """What a question's answer gives within a rule that combines it (None when no part reads it)."""
    for part in question_parts(rule, qid):
        found = decide(part.rule, reading, facts)
        verdict = found[0] if found else Verdict.UNKNOWN
        return Verdict.UNKNOWN if verdict == Verdict.FAIL and reading.hedged else verdict
    return None


def open_questions(rule: Rule, reading: Optional[Reading], facts: Facts) -> FrozenSet[str]:
    """The questions whose answers may still change a combined rule's verdict: none once it is decided
    by the parts answered so far; else the unanswered question parts of the parts still open."""
    if not rule.parts:
        return frozenset()
    parts = judge_parts(rule, reading, facts)
    settles = Verdict.PASS if rule.any_of else Verdict.FAIL
    if any(p.verdict == settles for p in parts):
        return frozenset()
    out: set = set()
    for p in parts:
        if p.part.question and p.part.question not in facts:
            out.add(p.part.question)
        if p.part.rule.parts and p.verdict not in (Verdict.PASS, Verdict.FAIL):
            out |= open_questions(p.part.rule, p.reading, facts)
    return frozenset(out)


# ---------------------------------------------------------------- reading trial.yml

Fail = Callable[[str, str], TrialFileError]  # (key, problem) -> the error naming file and question


def _verdict(value: object, key: str, fail: Fail) -> Verdict:
    try:
        return Verdict(value)
    except ValueError:
        raise fail(key, f"must be one of {', '.join(v.value for v in Verdict)}, not {value!r}")


def is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _bound(raw: object, comparison: str) -> Optional[Tuple[float, Optional[float]]]:
    if comparison == "between":
        ok = isinstance(raw, list) and len(raw) == 2 and all(is_number(b) for b in raw)
        return (float(raw[0]), float(raw[1])) if ok else None  # type: ignore[index]
    return (float(raw), None) if is_number(raw) else None  # type: ignore[arg-type]


def _number(n: Any, key: str, fail: Fail) -> NumberRule:
    comparisons = [c for c in COMPARISONS if isinstance(n, dict) and c in n]
    usage = "needs one of at_least/at_most/more_than with a number, or between: [low, high]"
    if len(comparisons) != 1:
        raise fail(key, usage)
    comparison, raw = comparisons[0], n[comparisons[0]]
    by = n.get("by") or ""
    limits: Dict[str, Tuple[float, Optional[float]]] = {}
    if by:
        if not isinstance(by, str) or not isinstance(raw, dict) or not raw:
            raise fail(f"{key}.by", f"names a question, and {comparison} then maps its answers to limits")
        for answer, value in raw.items():
            bound = _bound(value, comparison)
            if bound is None:
                raise fail(f"{key}.{comparison}.{answer}", usage)
            limits[str(answer)] = bound
        first = next(iter(limits.values()))
    else:
        bound = _bound(raw, comparison)
        if bound is None:
            raise fail(key, usage)
        first = bound
    return NumberRule(comparison, first[0], _verdict(n.get("then"), f"{key}.then", fail),
                      _verdict(n.get("else"), f"{key}.else", fail), first[1], by, limits)


def _bands(raw: Any, key: str, fail: Fail) -> Tuple[Band, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise fail(key, "must be a list of at least two bands, each {below: N, then: V} or {up_to: N, then: V}, "
                        "the last {then: V}")
    bands: List[Band] = []
    for n, b in enumerate(raw):
        where = f"{key}[{n}]"
        if not isinstance(b, dict) or "then" not in b:
            raise fail(where, "must be a mapping with then")
        bounds = [k for k in ("below", "up_to") if k in b]
        last = n == len(raw) - 1
        if (len(bounds) != (0 if last else 1)) or (bounds and not is_number(b[bounds[0]])):
            raise fail(where, "needs one number, below or up_to (the last band: none)")
        band = Band(_verdict(b["then"], f"{where}.then", fail),
                    float(b[bounds[0]]) if bounds else None, bounds == ["up_to"])
        if bands and band.bound is not None and bands[-1].bound is not None and band.bound <= bands[-1].bound:
            raise fail(where, "must be above the band before it")
        bands.append(band)
    return tuple(bands)


def _parts(raw: Any, key: str, fail: Fail) -> Tuple[Part, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise fail(key, "must be a list of at least two parts, each with value or question and a rule")
    parts = []
    for n, p in enumerate(raw):
        where = f"{key}[{n}]"
        named = [k for k in ("value", "question") if isinstance(p, dict) and k in p]
        nested = isinstance(p, dict) and not named and ("any_of" in p or "all_of" in p)
        if not isinstance(p, dict) or (len(named) != 1 and not nested):
            raise fail(where, "needs one of value (a value the reader reads) or question (another question), "
                              "or is a nested any_of / all_of")
        body = {k: v for k, v in p.items() if k not in ("value", "question", "applies_when", "convert")}
        parts.append(Part(parse(body, where, fail), str(p.get("value") or ""), str(p.get("question") or ""),
                          _answers(p.get("applies_when"), f"{where}.applies_when", fail),
                          _table(p.get("convert"), f"{where}.convert", fail)))
    return tuple(parts)


def _answers(raw: Any, key: str, fail: Fail) -> Mapping[str, Tuple[str, ...]]:
    """`applies_when`: question id -> the answers or ranges ("0-15") it applies with."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, list) and v for v in raw.values()):
        raise fail(key, "must map question ids to lists of answers or ranges (\"0-15\")")
    return {str(q): tuple(_word(a) for a in answers) for q, answers in raw.items()}


def _table(raw: Any, key: str, fail: Fail) -> Tuple[Tuple[str, float, float], ...]:
    """`convert`: a value ("90") or a range ("10-20") -> a number, or [low, high] where tables disagree."""
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not raw:
        raise fail(key, "must map values or ranges (\"90\", \"10-20\") to a number or [low, high]")
    out = []
    for value, to in raw.items():
        pair = to if isinstance(to, list) else [to, to]
        ok = (_RANGE_KEY.match(str(value)) or _is_float(str(value))) and len(pair) == 2 \
            and all(is_number(x) for x in pair) and pair[0] <= pair[1]
        if not ok:
            raise fail(f"{key}.{value}", "must be a value or range to a number or [low, high]")
        out.append((str(value), float(pair[0]), float(pair[1])))
    return tuple(out)


def parse(raw: object, key: str, fail: Fail) -> Rule:
    """A rule (or a part's rule) from trial.yml; `key` is where it is ('rule', 'rule.any_of[0]')."""
    if not isinstance(raw, dict):
        raise fail(key, "must be a mapping")
    if "always" in raw:
        return Rule(always=_verdict(raw["always"], f"{key}.always", fail))
    number = _number(raw["number"], f"{key}.number", fail) if "number" in raw else None
    bands = _bands(raw["bands"], f"{key}.bands", fail) if "bands" in raw else ()
    any_of = _parts(raw["any_of"], f"{key}.any_of", fail) if "any_of" in raw else ()
    all_of = _parts(raw["all_of"], f"{key}.all_of", fail) if "all_of" in raw else ()
    one_of = _parts(raw["one_of"], f"{key}.one_of", fail) if "one_of" in raw else ()
    if sum(map(bool, (number, bands, any_of, all_of, one_of))) > 1:
        raise fail(key, "takes one of number, bands, any_of, all_of or one_of")
    if any(p.question or not p.value for p in one_of):
        raise fail(f"{key}.one_of", "holds value parts only (the values a reading may give)")
    raw_map = raw.get("map") or {}
    if not isinstance(raw_map, dict):
        raise fail(f"{key}.map", "must be a mapping of readings to verdicts")
    mapping = {_word(k): _verdict(v, f"{key}.map.{_word(k)}", fail) for k, v in raw_map.items()}
    if not (mapping or number or bands or any_of or all_of or one_of):
        raise fail(key, "needs a map, a number rule, bands, any_of, all_of, one_of or always")
    return Rule(map=mapping, number=number, bands=bands, any_of=any_of, all_of=all_of, one_of=one_of)


def _word(k: object) -> str:
    """YAML 1.1 reads a bare yes/no key as a boolean; the file means the word."""
    return {True: "yes", False: "no"}.get(k, str(k)) if isinstance(k, bool) else str(k)
