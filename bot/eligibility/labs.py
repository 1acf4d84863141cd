"""Lab readers: one value with its unit (converted to the rule's unit), and
values against the upper limit of normal (ULN) for several analytes.

The number and unit patterns stay in code: they are grammar (a number, a
range, a unit the trial's parameters give), not vocabulary."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Set, Tuple

from bot.eligibility.answers import Context, polarity, unreadable
from bot.eligibility.lexicon import EN, KO, either, found
from bot.eligibility.reading import NoAnswer, Reading, Result
from bot.eligibility.text import korean_decimals, words_to_digits

_NUMBER = r"(\d+(?:\.\d+)?)"
_DECIMAL_COMMA = re.compile(r"(\d),(\d{1,2})(?!\d)")
_NEGATIVE = re.compile(r"(?<![\d\w.])-\s*\d")
_ANY_DIGIT = re.compile(r"\d")
# "normal range 0.5-1.2" is the report's range, not a result.
_REF_RANGE = re.compile(r"\(?\s*(?:" + either(EN.lab.reference, KO.lab.reference)
                        + r")\s*(?:range|is|:)?\s*(?:is\s*)?\d+(?:\.\d+)?\s*(?:-|–|~|to)\s*\d+(?:\.\d+)?\s*\)?")
_DATES = re.compile(r"(?:" + either(EN.lab.dates, KO.lab.dates) + r")", re.I)
_KO_TIMES = re.compile(r"(?<![가-힣])(" + either(tuple(KO.lab.times)) + r")\s*배")
_ULN = re.compile(r"(?:" + either(EN.lab.upper_limit, KO.lab.upper_limit) + r")"
                  r"[^\d]{0,20}?(?:\d+(?:\.\d+)?\s*(?:-|to|–|~)\s*)?" + _NUMBER)
_TIMES = re.compile(r"(\d+(?:\.\d+)?|" + either(tuple(EN.lab.times), EN.lab.times_half) + r")\s*(?:"
                    + either(EN.lab.times_words, KO.lab.times_words) + r")\s*(?:the\s+)?(?:"
                    + either(EN.lab.limit_words, KO.lab.limit_words) + r")?")
_TIMES_WORD = re.compile(r"\b(" + either(tuple(EN.lab.times)) + r")\b")
_VALUE_AFTER_NAME = re.compile(r"[^\d]{0,15}?" + _NUMBER)
_OTHER_TESTS = tuple(EN.lab.other_tests + KO.lab.other_tests)
_COUNT = r"\d+(?:\.\d+)?(?:\s*[만천백](?:\s*\d+(?:\.\d+)?\s*[만천백]?)*)?"  # "8.2", "2만 5천"


@lru_cache(maxsize=32)
def _test_patterns(names: Tuple[str, ...]) -> Tuple[Optional[re.Pattern], Optional[re.Pattern]]:
    """For a question's names (its terms): the asked test with its number, and every other test with its
    number. Built once per question, not per message."""
    asked = [re.escape(n.lower()) for n in names if n]
    others = [t for t in _OTHER_TESTS if not any(re.fullmatch(t, n.lower()) for n in names)]
    return (re.compile(r"(?<![a-z])(?:" + "|".join(asked) + r")(?![a-z])[^\d]{0,15}?\d+(?:\.\d+)?[^\d,;]*")
            if asked else None,
            re.compile(r"(?<![a-z가-힣])(?:" + "|".join(others) + r")(?![a-z])[^\d]{0,15}?" + _COUNT)
            if others else None)


def plain_numbers(text: str) -> str:
    """The lowercased message with decimal commas as points, and the report's reference range and the
    dates ("11월에 0.7": when the test was done) taken out."""
    return _DATES.sub(" ", _REF_RANGE.sub(" ", _DECIMAL_COMMA.sub(r"\1.\2", text.lower())))


def without_other_tests(low: str, names: Tuple[str, ...]) -> str:
    """The message without the numbers other tests name ("potassium 4.2") or the upper limit of normal gives."""
    others = _test_patterns(names)[1]
    return _ULN.sub(" ", others.sub(" ", low) if others else low)


def _only_the_asked_test(low: str, names: Tuple[str, ...]) -> str:
    """Which number answers: numbers named by another test ("potassium 4.2", "칼륨 5.6") or given as the
    upper limit ("정상 상한이 1.2") never do; when the asked test is named with a number, only that one does."""
    asked, others = _test_patterns(names)
    m = asked.search(low) if asked else None
    if m:
        return m.group(0)
    if others:
        low = others.sub(" ", low)
    return _ULN.sub(" ", low)


def lab_words(low: str) -> Optional[Tuple[str, str]]:
    """("high" or "normal", the words) for a result given in words."""
    evidence = found(low, EN.lab.high, KO.lab.high)
    if evidence:
        return "high", evidence
    evidence = found(low, EN.lab.normal, KO.lab.normal)
    if evidence:
        return "normal", evidence
    return None


def unknown_lab(text: str, low: str) -> Optional[Reading]:
    answer = polarity(text)
    never = found(low, EN.lab.never, KO.lab.never)
    said = (lab_words(low) or ("",))[0]
    # "a little raised, nothing specific", "nothing to worry about": the words say how the result was
    if said == "high" or (said and answer.value == "no"):
        return None
    if (answer.value in ("unsure", "no") or never) and not _ANY_DIGIT.search(low):
        return Reading("unknown", never or answer.evidence, text)
    return None


def read_lab(text: str, ctx: Context) -> Result:
    """One lab value with its unit. Params: `unit` (the rule's unit, e.g.
    mg/dL), `units` (regexes of other units -> factor to the rule's unit, or
    [factor, offset]: HbA1c % = 0.0915 x mmol/mol + 2.15),
    `unit_regex` (the rule's unit), `bare_range` ([lo, hi]: a number without a
    unit is read in the rule's unit only inside it), `plausible` ([lo, hi])."""
    text, bad = unreadable(text)
    if bad:
        return bad
    params = ctx.params
    low = _only_the_asked_test(plain_numbers(korean_decimals(text)), tuple(ctx.names))  # "영점칠": 0.7
    unknown = unknown_lab(text, low)
    if unknown:
        return unknown
    if _NEGATIVE.search(low):
        return NoAnswer("a negative value", "impossible")
    unit_alts = [(params["unit_regex"], (1.0, 0.0))]
    unit_alts += [(rx, conversion(f)) for rx, f in params.get("units", {}).items()]
    units = "|".join(rx for rx, _ in unit_alts)
    # "2+" is a grade on a dipstick scale (urine protein), never a value in a unit.
    values = [(float(m[1]), m[2], m.group(0).strip())
              for m in re.finditer(r"(?<![\w.])(\d+(?:\.\d+)?)(?!\d|\.\d|\s*\+)\s*(" + units + r")?", low)]
    if not values:
        word = lab_words(low)
        if word:
            return Reading(word[0], word[1], text)
        if re.search(r"(?<![\w/])(?:" + units + r")(?![\w/])", low):
            return NoAnswer("a unit without its number", partial=True)  # "mg/dL", after "1.1"
        # "yes please": no number at all gets the question's own hint, not "which unit?"
        return NoAnswer("no number with a unit", "unit" if _ANY_DIGIT.search(low) else "")
    with_unit = [v for v in values if v[1]]
    if len({v for v, _, _ in values}) > 1 and len(with_unit) != 1:
        return NoAnswer("more than one number", "one")
    number, unit, words = (with_unit or values)[0]
    if unit:
        factor, offset = next(f for rx, f in unit_alts if re.fullmatch(rx, unit))
        value = round(number * factor + offset, 3)
    elif params["bare_range"][0] <= number <= params["bare_range"][1]:
        value = number
    else:
        return NoAnswer("a number without its unit", "unit", partial=True)
    if not params["plausible"][0] <= value <= params["plausible"][1]:
        return NoAnswer("not a real result", "impossible")
    return Reading("value", words, text, number=value, extra={"unit": params["unit"]})


def conversion(raw: Any) -> Tuple[float, float]:
    """A unit's conversion to the rule's unit: a factor, or [factor, offset]."""
    if isinstance(raw, (list, tuple)):
        return float(raw[0]), float(raw[1])
    return float(raw), 0.0


# ------------------------------------------------------------------ against the upper limit of normal

class _UlnFindings:
    """What each analyte's piece of the message said: a ratio to the ULN, or
    words ("high", "normal"); `shown` is the evidence."""

    def __init__(self) -> None:
        self.ratios: Dict[str, float] = {}
        self.words: Dict[str, Tuple[str, str]] = {}
        self.shown: List[str] = []


def _times_ratio(raw: str) -> float:
    return EN.lab.times.get(raw) or (1.5 if "half" in raw else float(raw))


def _read_piece(piece: str, enzyme: re.Pattern, alias: Mapping[str, str], names: List[str], ulns: List[float],
                out: _UlnFindings, said: Optional[Tuple[str, str]] = None) -> Optional[NoAnswer]:
    """One analyte's part of the message, into `out`; a NoAnswer when it cannot be read. `said`: what the
    message says of the results in words ("ALT 30, AST 28, normal"): a value without its upper limit
    takes it."""
    em = enzyme.match(piece)
    targets = [alias[em[1]]] if em else names
    body = piece[em.end():] if em else piece
    mult = _TIMES.search(body) or _TIMES_WORD.search(body)
    if mult:
        for n in targets:
            out.ratios[n] = _times_ratio(mult[1])
        out.shown.append(mult.group(0).strip())
        return None
    value = _VALUE_AFTER_NAME.match(body) if em else None
    if value:
        own = _ULN.search(body[value.end():])
        uln = float(own[1]) if own else (ulns[0] if len(set(ulns)) == 1 else None)
        if not uln and said:
            out.words[targets[0]] = said
            out.shown.append(f"{targets[0]} {float(value[1]):g}")
            return None
        if not uln:
            return NoAnswer("no upper limit of normal", "uln")
        if float(value[1]) <= 0 or uln <= 0:
            return NoAnswer("not a real result", "impossible")
        out.ratios[targets[0]] = round(float(value[1]) / uln, 3)
        out.shown.append(f"{targets[0]} {float(value[1]):g}/{uln:g}")
        return None
    word = lab_words(body)
    if word:
        for n in targets:
            out.words[n] = word
    return None


def _names_another_test(piece: str, ours: Set[str]) -> bool:
    """"Her bilirubin was a bit high": words about a test that is not one of ours (no analyte named)."""
    return any(re.search(r"(?<![a-z가-힣])(?:" + t + r")(?![a-z])", piece) and not any(re.fullmatch(t, o) for o in ours)
               for t in _OTHER_TESTS)


def _uln_result(out: _UlnFindings, names: List[str], text: str, low: str) -> Result:
    ratios, words, shown = out.ratios, out.words, ", ".join(out.shown)
    if any(r > 1.5 for r in ratios.values()):
        return Reading("value", shown, text, number=max(ratios.values()))
    if any(w[0] == "high" for w in words.values()):
        return Reading("high", next(w[1] for w in words.values() if w[0] == "high"), text)
    if ratios:
        if all(n in ratios or words.get(n, ("",))[0] == "normal" for n in names):
            return Reading("value", shown, text, number=max(ratios.values()))
        return Reading("partial", shown, text, number=max(ratios.values()))
    if words:
        return Reading("normal", next(iter(words.values()))[1], text)
    if _ANY_DIGIT.search(low):
        return NoAnswer("numbers without the test name or the upper limit", "uln")
    return NoAnswer("no result, 'normal' or 'don't know'")


def read_lab_uln(text: str, ctx: Context) -> Result:
    """Lab values compared with the upper limit of normal (ULN), for several
    analytes. Params: `analytes` ({name: [aliases]}), `names_ko` (Korean words
    for the group, e.g. 간수치)."""
    text, bad = unreadable(text)
    if bad:
        return bad
    params: Mapping[str, Any] = ctx.params
    low = words_to_digits(text.lower())
    low = _KO_TIMES.sub(lambda m: f"{KO.lab.times[m[1]]:g}배", low)
    unknown = unknown_lab(text, low)
    if unknown:
        return unknown
    if _NEGATIVE.search(low):
        return NoAnswer("a negative value", "impossible")
    alias = {a.lower(): name for name, aliases in params["analytes"].items() for a in aliases}
    # not \b: a Korean particle typed onto the name ("AST가 130") is a word character too
    enzyme = re.compile(r"(?<![a-z])(" + "|".join(sorted(map(re.escape, alias), key=len, reverse=True)) + r")(?![a-z])")
    cuts = [m.start() for m in enzyme.finditer(low)] or [0]
    pieces = [low[:cuts[0]]] + [low[a:b] for a, b in zip(cuts, cuts[1:] + [len(low)])]
    ulns = [float(m[1]) for m in _ULN.finditer(low)]
    names = list(params["analytes"])
    ours = set(alias) | {n.lower() for n in names} | {n.lower() for n in ctx.names}
    out = _UlnFindings()
    kept = [p for p in pieces if enzyme.match(p) or not _names_another_test(p, ours)]
    said = lab_words(" ".join(kept))
    for piece in kept:
        problem = _read_piece(piece, enzyme, alias, names, ulns, out, said)
        if problem:
            return problem
    return _uln_result(out, names, text, low)
