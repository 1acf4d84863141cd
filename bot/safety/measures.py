"""Numbers that are signs: body temperatures (°C, fever from 38.0) and
oxygen saturation (breathing trouble below 92%).

A number is a temperature when it carries a unit (°C, °F, ℃, 도, degrees,
a C or F stuck to it) or stands within four words of a temperature word of
the lexicon ("temp 102", "101.8 on the thermometer", "체온 38.5"); Fahrenheit
is converted, and what is not a plausible body temperature (30-45 °C) is left
out. A saturation is a number of 50-100 near an oxygen word ("SpO2 88%",
"산소포화도 85")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import FrozenSet, List, Set, Tuple

FEVER_C = 38.0
BODY_MAX_C = 42.5  # above this a temperature is the air, a bath or an oven, not a person
LOW_OXYGEN = 92.0
_NUMBER = r"(\d{2,3}(?:[.,]\d{1,2})?)(?![\d])"
_UNIT = r"\s*(°\s*[cf]?|℃|℉|도|degrees?(?:\s*(?:c|f|celsius|fahrenheit))?|c\b|f\b|celsius|fahrenheit)"
_WITH_UNIT = re.compile(_NUMBER + _UNIT, re.I)
_UNIT_AT = re.compile(_UNIT, re.I)
# A number said in words followed by these counts something else ("forty minutes", "사십대", "thirty nine years")
_NOT_TEMPERATURE = re.compile(r"\s*(?:대|살|세|분|시간|년|개월|개|명|번|층|kg|lbs?|mg|%|cm|mm|킬로|키로|years?|"
                              r"minutes?|mins?|hours?|pounds?|percent|times)", re.I)
_BARE = re.compile(_NUMBER, re.I)
# One decimal in the body's range, with no unit after it: "she's been at 38.9".
_BODY = re.compile(r"3[5-9][.,]\d|4[0-2][.,]\d")
_NOT_BODY_UNIT = re.compile(r"\s*(?:kg|lbs?|mg|g/dl|%|cm|mm|세|살|킬로|키로|년생)", re.I)


@dataclass(frozen=True)
class Temperature:
    celsius: float
    start: int
    end: int

    @property
    def fever(self) -> bool:
        return FEVER_C <= self.celsius <= BODY_MAX_C


def _celsius(raw: str, unit: str) -> float:
    value = float(raw.replace(",", "."))
    unit = unit.lower()
    # "도" and "degrees" say no scale: 93-110 of them is Fahrenheit ("화씨 102.2도"), as no body is 102 °C
    if "f" in unit or "℉" in unit or (not re.search(r"c|℃", unit) and 93 <= value <= 110):
        value = round((value - 32) * 5 / 9, 1)
    return value


def _near_word(text: str, start: int, end: int, words: FrozenSet[str]) -> bool:
    """A temperature word within four words of the number ("temp is 102", "101.8 on the thermometer",
    "열이 38.5", "38.6으로 올라갔어요")."""
    def found(ws: List[str]) -> bool:
        return any(w in words or any(w.startswith(k) for k in words if re.match(r"[\uac00-\ud7a3]", k))
                   for w in ws)
    word = r"[a-z]+|[\uac00-\ud7a3]+"
    window = text[max(0, start - 12):end + 12]
    if any(w in window for w in words if not w.isalnum()):  # 🌡️ 38.4
        return True
    return found(re.findall(word, text[max(0, start - 40):start].lower())[-4:]) or \
        found(re.findall(word, text[end:end + 40].lower())[1:5] if re.match(r"[\uac00-\ud7a3]", text[end:end + 1])
              else re.findall(word, text[end:end + 40].lower())[:4])


def _after_lab(text: str, start: int, labs: FrozenSet[str]) -> bool:
    """A lab name just before the number ("혈소판이 38", "WBC 38.5"): a count, not a temperature."""
    before = re.findall(r"[a-z0-9]+|[\uac00-\ud7a3]+", text[max(0, start - 20):start].lower())[-2:]
    return any(w in labs or any(w.startswith(lab) for lab in labs if len(lab) > 1) for w in before)


_EN_ONES = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                                        "thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_EN_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())
            if i > 1}
_EN_WORD = "|".join(sorted(list(_EN_ONES) + list(_EN_TENS) + ["hundred", "and", "a", "point", "oh"],
                           key=len, reverse=True))
_EN_RUN = re.compile(rf"\b(?:{_EN_WORD})(?:[\s-]+(?:{_EN_WORD}))*\b", re.I)
_KO_DIGIT = {c: i for i, c in enumerate("영일이삼사오육칠팔구")}
# 삼십구, 삼십팔 점 오, 38점5, 삼십팔도 칠부 (부: tenths of a degree), 38도 7부. After digits, 점 takes a digit:
# in "란스키 40점이래요" 점 is a score's points and 이 the copula, not 40.2.
_KO_RUN = re.compile(r"(?:([이삼사오육칠팔구]?십[일이삼사오육칠팔구]?)(?:\s*점\s*([영일이삼사오육칠팔구\d]))?"
                     r"|(\d{2})(?:\s*점\s*(\d))?)(?:(\s*도)\s*([일이삼사오육칠팔구\d])\s*부)?")


def _english_number(run: str) -> str:
    """"one hundred and one point four" -> "101.4", "thirty-eight point nine" -> "38.9"; "" when the
    words are no number of two digits or more."""
    words = [w for w in re.split(r"[\s-]+", run.lower()) if w]
    whole, decimals, point = 0, "", False
    for w in words:
        if point:
            if w not in _EN_ONES and w != "oh":
                break
            decimals += str(_EN_ONES.get(w, 0))
        elif w == "point":
            point = whole > 0
        elif w == "hundred":
            whole = max(whole, 1) * 100
        elif w in _EN_TENS or w in _EN_ONES:
            whole += _EN_TENS.get(w, _EN_ONES.get(w, 0))
    return f"{whole}.{decimals}" if decimals else (str(whole) if whole >= 20 else "")


def _korean_number(m: "re.Match[str]") -> str:
    head = m.group(1) or m.group(3)
    if head.isdigit():
        whole = int(head)
    else:
        tens, _, ones = head.partition("십")
        whole = 10 * (_KO_DIGIT[tens] if tens else 1) + (_KO_DIGIT[ones] if ones else 0)
    tenth = m.group(2) or m.group(4) or m.group(6) or ""
    return f"{whole}.{_KO_DIGIT.get(tenth, tenth)}" if tenth else (str(whole) if not head.isdigit() else "")


def spelled_numbers(text: str) -> List[Tuple[str, int, int]]:
    """Numbers said in words ("a hundred and two", "삼십구 도", "38도 7부") as digits, with where they are."""
    out = [(n, m.start(), m.end()) for m in _EN_RUN.finditer(text) for n in [_english_number(m.group(0))] if n]
    return out + [(n, m.start(), m.end()) for m in _KO_RUN.finditer(text) for n in [_korean_number(m)] if n]


def temperatures(text: str, words: FrozenSet[str], labs: FrozenSet[str] = frozenset()) -> List[Temperature]:
    out: List[Temperature] = []
    taken: Set[int] = set()
    for n, start, end in spelled_numbers(text):
        unit = _UNIT_AT.match(text, end)
        unit_text = unit.group(1) if unit else ("도" if "도" in text[start:end] else "")
        if _NOT_TEMPERATURE.match(text, end) or _after_lab(text, start, labs):
            continue  # "forty minutes", "사십대"
        if unit_text or _near_word(text, start, end, words) or _BODY.fullmatch(n):
            out.append(Temperature(_celsius(n, unit_text), start, end))
            taken.update(range(start, end))
    for m in _WITH_UNIT.finditer(text):
        if m.start() not in taken:
            out.append(Temperature(_celsius(m.group(1), m.group(2)), m.start(), m.end()))
            taken.add(m.start())
    for m in _BARE.finditer(text):
        body = _BODY.fullmatch(m.group(1)) is not None and not _NOT_BODY_UNIT.match(text, m.end())
        near = _near_word(text, m.start(), m.end(), words) or body
        if m.start() not in taken and near and not _after_lab(text, m.start(), labs) and \
                not _NOT_TEMPERATURE.match(text, m.end()):  # "his body weighs 103 kg"
            out.append(Temperature(_celsius(m.group(1), ""), m.start(), m.end()))
    return [t for t in out if 30 <= t.celsius <= 45]


@dataclass(frozen=True)
class Saturation:
    percent: float
    start: int
    end: int

    @property
    def low(self) -> bool:
        return self.percent < LOW_OXYGEN


_PERCENT = re.compile(r"(\d{2,3})(?:\s*%)?(?![\d.])")


def saturations(text: str, words: FrozenSet[str], trend: FrozenSet[str] = frozenset()) -> List[Saturation]:
    """Only a number right after an oxygen word ("sat 96%", "산소포화도 85"): in "BP 102/64, HR 98, O2
    sat 96%" the 64 and the 98 are not saturations."""
    out = []
    for m in _PERCENT.finditer(text):
        before = re.findall(r"[a-z0-9]+|[\uac00-\ud7a3]+", text[max(0, m.start() - 50):m.start()].lower())[-6:]
        label = max((i for i, w in enumerate(before) if w in words or w.startswith(("spo2", "산소포화도"))), default=-1)
        # The reading is the first number after its label, or one a trend word leads on to ("sats 94 then 88"):
        # in "saturation 98%, BP 122/78" the 78 is the blood pressure's
        after = before[label + 1:]
        last_number = max((i for i, w in enumerate(after) if w.isdigit()), default=-1)
        led_on = last_number < 0 or (after[last_number + 1:] and all(w in trend for w in after[last_number + 1:]))
        if 50 <= float(m.group(1)) <= 100 and label >= 0 and led_on:
            out.append(Saturation(float(m.group(1)), m.start(), m.end()))
    return out
