"""The measure reader: one or several named values in one message, each with
its names (en/ko), units (a factor, or [factor, offset]), the range a bare
number is read in, and what is plausible; a pair given as "150/95" or
"혈압 150에 95"; a grade on a scale ("2+", "trace", "음성"); and a value
computed from others (BMI from height and weight). All of it is the
question's `params`; the grammar (a number, what joins a pair) is here and in
the lexicon (`measure`).

A number is tied to a value by a name just before it, else by its unit, else
(a question of one value) by the bare range. A number tied to nothing ("I'm
45 and 72 kg" at a BMI question) or a value given twice is no answer."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.eligibility.answers import Context, unreadable
from bot.eligibility.labs import conversion, lab_words, plain_numbers, unknown_lab, without_other_tests
from bot.eligibility.lexicon import EN, KO
from bot.eligibility.reading import NoAnswer, Reading, Result

_NUMBER = re.compile(r"(?<![a-z\d.])(\d+(?:\.\d+)?)(?![\d.])")
_NEGATIVE = re.compile(r"(?<![\d\w.])-\s*\d")
_ANY_DIGIT = re.compile(r"\d")
_NAME_REACH = 20  # how far before its number a value's name may stand
_JOINERS = "|".join(EN.measure.pair_joiners + KO.measure.pair_joiners)
_PAIR = re.compile(r"(?<![a-z\d.])(\d+(?:\.\d+)?)\s*(?:" + _JOINERS + r")\s*(\d+(?:\.\d+)?)(?![\d.])")
VALUE_KEYS = frozenset({"names", "units", "bare_range", "plausible", "scale"})
COMPUTE_KEYS = frozenset({"of", "factor", "plausible"})


@dataclass(frozen=True)
class Value:
    name: str
    names: re.Pattern
    units: Tuple[Tuple[str, Tuple[float, float]], ...]  # regex -> (factor, offset) to the value's unit
    bare_range: Optional[Tuple[float, float]]
    plausible: Tuple[float, float]
    scale: Tuple[Tuple[str, float], ...] = ()  # regex of a grade -> its number

    def unit_at(self, after: str) -> Optional[Tuple[str, Tuple[float, float]]]:
        """The unit written right after a number, with its conversion."""
        for rx, conv in self.units:
            m = re.match(r"\s*(?:" + rx + r")(?![a-z])", after)
            if m:
                return m.group(0), conv
        return None


@dataclass(frozen=True)
class Spec:
    values: Tuple[Value, ...]
    pair: Tuple[str, ...] = ()
    compute: Mapping[str, float] = field(default_factory=dict)  # value -> power
    factor: float = 1.0
    plausible: Tuple[float, float] = (-math.inf, math.inf)

    def value(self, name: str) -> Value:
        return next(v for v in self.values if v.name == name)


def _names(raw: Mapping[str, Any]) -> re.Pattern:
    en = [r"(?<![a-z])" + re.escape(str(w).lower()) + r"(?![a-z])" for w in raw.get("en") or ()]
    ko = [r"(?<![가-힣])" + re.escape(str(w)) for w in raw.get("ko") or ()]
    return re.compile("|".join(sorted(en + ko, key=len, reverse=True)) or r"(?!)")


def _range(raw: Any) -> Optional[Tuple[float, float]]:
    return (float(raw[0]), float(raw[1])) if raw else None


def spec(params: Mapping[str, Any]) -> Spec:
    values = tuple(Value(name, _names(v.get("names") or {}),
                         tuple((rx, conversion(c)) for rx, c in (v.get("units") or {}).items()),
                         _range(v.get("bare_range")), _range(v.get("plausible")) or (-math.inf, math.inf),
                         tuple((rx, float(n)) for rx, n in (v.get("scale") or {}).items()))
                   for name, v in params["values"].items())
    compute = params.get("compute") or {}
    return Spec(values, tuple(params.get("pair") or ()), dict(compute.get("of") or {}),
                float(compute.get("factor", 1.0)), _range(compute.get("plausible")) or (-math.inf, math.inf))


# ---------------------------------------------------------------- finding the values

class _Found:
    """The values read so far (name -> number, words); the message with what was read blanked out."""

    def __init__(self, low: str) -> None:
        self.low = low
        self.values: Dict[str, Tuple[float, str]] = {}
        self.problem: Optional[NoAnswer] = None

    def take(self, start: int, end: int) -> None:
        self.low = self.low[:start] + " " * (end - start) + self.low[end:]

    def add(self, value: Value, number: float, words: str) -> None:
        if value.name in self.values and self.values[value.name][0] != number:
            self.problem = NoAnswer(f"two numbers for {value.name}", "one")
        elif not value.plausible[0] <= number <= value.plausible[1]:
            self.problem = NoAnswer(f"not a real {value.name}", "impossible")
        self.values[value.name] = (round(number, 3), words.strip())


def _named_before(s: Spec, low: str, start: int) -> Optional[Value]:
    """The value whose name stands last before `start`, with no number between."""
    best: Optional[Tuple[int, Value]] = None
    for v in s.values:
        for m in v.names.finditer(low, max(0, start - _NAME_REACH), start):
            if not _ANY_DIGIT.search(low[m.end():start]) and (best is None or m.start() > best[0]):
                best = (m.start(), v)
    return best[1] if best else None


def _grades(s: Spec, f: _Found) -> None:
    """Grades on a scale ("2+", "trace", "음성"), named or, with one scale, alone."""
    scaled = [v for v in s.values if v.scale]
    for v in scaled:
        for rx, number in v.scale:
            for m in re.finditer(r"(?<![a-z0-9+])(?:" + rx + r")(?![a-z0-9+])", f.low):
                if len(scaled) == 1 or _named_before(s, f.low, m.start()) is v:
                    f.add(v, number, m.group(0))
                    f.take(m.start(), m.end())


def _pairs(s: Spec, f: _Found) -> None:
    """"150/95", "150 over 95", "150에 95": the pair's two values in order."""
    if len(s.pair) != 2:
        return
    first, second = s.value(s.pair[0]), s.value(s.pair[1])
    for m in list(_PAIR.finditer(f.low)):
        named = _named_before(s, f.low, m.start())
        if named is not None and named not in (first, second):
            continue
        unit = second.unit_at(f.low[m.end():])
        f.add(first, float(m[1]), m[1])
        f.add(second, float(m[2]), m[2] + (unit[0] if unit else ""))
        f.take(m.start(), m.end() + (len(unit[0]) if unit else 0))


def _which(s: Spec, low: str, m: re.Match) -> Tuple[Optional[Value], Optional[Tuple[str, Tuple[float, float]]]]:
    """The value a number belongs to, and its unit: by name, else by unit, else by the bare range of the
    question's one value."""
    after = low[m.end():]
    named = _named_before(s, low, m.start())
    if named:
        return named, named.unit_at(after)
    by_unit = [(v, u) for v in s.values for u in (v.unit_at(after),) if u]
    if len(by_unit) == 1:
        return by_unit[0]
    numeric = [v for v in s.values if not v.scale]
    if not by_unit and len(numeric) == 1:
        return numeric[0], None
    return None, None


def _numbers(s: Spec, f: _Found) -> None:
    in_names = [n.span() for v in s.values for n in v.names.finditer(f.low)]  # "2-hour glucose": a name
    for m in list(_NUMBER.finditer(f.low)):
        if any(a <= m.start() < b for a, b in in_names):
            continue
        value, unit = _which(s, f.low, m)
        number = float(m[1])
        if value is None:
            f.problem = f.problem or NoAnswer("a number not tied to what is asked", "one")
            continue
        if unit:
            factor, offset = unit[1]
            f.add(value, number * factor + offset, m.group(0) + unit[0])
        elif value.bare_range and value.bare_range[0] <= number <= value.bare_range[1]:
            f.add(value, number, m.group(0))
        else:
            f.problem = f.problem or NoAnswer(f"a number for {value.name} without its unit", "unit", partial=True)


def _computed(s: Spec, found: Dict[str, Tuple[float, str]]) -> Result:
    missing = [name for name in s.compute if name not in found]
    if missing:
        return NoAnswer(f"no {', '.join(missing)}", "", partial=True)
    number = s.factor * math.prod(found[name][0] ** power for name, power in s.compute.items())
    if not s.plausible[0] <= number <= s.plausible[1]:
        return NoAnswer("not a real result from these values", "impossible")
    return Reading("value", "", number=round(number, 2))


def _name_words(params: Mapping[str, Any]) -> Tuple[str, ...]:
    """Every word of the values' names: "fasting glucose" names no other test, even "glucose"."""
    names = [str(n) for v in params["values"].values() for words in (v.get("names") or {}).values() for n in words]
    return tuple(dict.fromkeys(names + [w for n in names for w in n.split()]))


def read_measure(text: str, ctx: Context) -> Result:
    """Params: `values` ({name: {names: {en, ko}, units: {regex: factor or [factor, offset]}, bare_range,
    plausible, scale: {regex: number}}}), `pair` ([first, second]: "150/95"), `compute` ({of: {value: power},
    factor, plausible}: BMI is weight^1 x height^-2 x 10000 with height in cm). Reads `value` with the number
    (the computed one, or the one value given) and every value read in extra["values"]."""
    text, bad = unreadable(text)
    if bad:
        return bad
    s = spec(ctx.params)
    low = without_other_tests(plain_numbers(text), tuple(ctx.names) + _name_words(ctx.params))
    unknown = unknown_lab(text, low)
    if unknown:
        return unknown
    if _NEGATIVE.search(low):
        return NoAnswer("a negative value", "impossible")
    f = _Found(low)
    for step in (_grades, _pairs, _numbers):
        step(s, f)
        if f.problem:
            return f.problem
    if not f.values:
        word = lab_words(low)
        if word:
            return Reading(word[0], word[1], text)
        return NoAnswer("no value with a unit", "unit" if _ANY_DIGIT.search(low) else "")
    evidence = ", ".join(words for _, words in f.values.values())
    values = {name: number for name, (number, _) in f.values.items()}
    number = next(iter(values.values())) if len(values) == 1 else None
    if s.compute:
        computed = _computed(s, f.values)
        if isinstance(computed, NoAnswer):
            return computed
        number = computed.number
    return Reading("value", evidence, text, number=number, extra={"values": values})


# ---------------------------------------------------------------- checking the params

def params_errors(params: Mapping[str, Any]) -> List[str]:
    """What is wrong with a measure question's params (each a key and the problem)."""
    values = params.get("values")
    if not isinstance(values, dict) or not values:
        return ["params.values must map value names to {names, units, bare_range, plausible, scale}"]
    errors = []
    for name, v in values.items():
        if not isinstance(v, dict):
            errors.append(f"params.values.{name} must be a mapping")
            continue
        errors += [f"unknown key '{k}' in params.values.{name} (known: {', '.join(sorted(VALUE_KEYS))})"
                   for k in v if k not in VALUE_KEYS]
        if not (v.get("units") or v.get("scale") or v.get("bare_range")):
            errors.append(f"params.values.{name} needs units, a scale or a bare_range")
        for key in ("bare_range", "plausible"):
            r = v.get(key)
            if r is not None and not (isinstance(r, list) and len(r) == 2 and all(_num(x) for x in r)):
                errors.append(f"params.values.{name}.{key} must be [low, high]")
        for key in ("units", "scale"):
            if key in v and not isinstance(v[key], dict):
                errors.append(f"params.values.{name}.{key} must map regexes to numbers")
    pair = params.get("pair")
    if pair is not None and not (isinstance(pair, list) and len(pair) == 2 and all(p in values for p in pair)):
        errors.append("params.pair must name two of params.values")
    compute = params.get("compute")
    if compute is not None:
        if not isinstance(compute, dict):
            return errors + ["params.compute needs of: {value: power}"]
        errors += [f"unknown key '{k}' in params.compute (known: {', '.join(sorted(COMPUTE_KEYS))})"
                   for k in compute if k not in COMPUTE_KEYS]
        if not isinstance(compute.get("of"), dict):
            return errors + ["params.compute needs of: {value: power}"]
        errors += [f"params.compute.of names '{k}', which params.values does not declare"
                   for k in compute["of"] if k not in values]
    return errors


def _num(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)
