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
from typing import FrozenSet, List

FEVER_C = 38.0
BODY_MAX_C = 42.5  # above this a temperature is the air, a bath or an oven, not a person
LOW_OXYGEN = 92.0
_NUMBER = r"(\d{2,3}(?:[.,]\d{1,2})?)(?![\d])"
_UNIT = r"\s*(°\s*[cf]?|℃|℉|도|degrees?(?:\s*(?:c|f|celsius|fahrenheit))?|c\b|f\b|celsius|fahrenheit)"
_WITH_UNIT = re.compile(_NUMBER + _UNIT, re.I)
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
    if "f" in unit or "℉" in unit or (not re.search(r"c|℃|도", unit) and 93 <= value <= 110):
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


def temperatures(text: str, words: FrozenSet[str], labs: FrozenSet[str] = frozenset()) -> List[Temperature]:
    out: List[Temperature] = []
    taken = set()
    for m in _WITH_UNIT.finditer(text):
        out.append(Temperature(_celsius(m.group(1), m.group(2)), m.start(), m.end()))
        taken.add(m.start())
    for m in _BARE.finditer(text):
        body = _BODY.fullmatch(m.group(1)) is not None and not _NOT_BODY_UNIT.match(text, m.end())
        near = _near_word(text, m.start(), m.end(), words) or body
        if m.start() not in taken and near and not _after_lab(text, m.start(), labs):
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


def saturations(text: str, words: FrozenSet[str]) -> List[Saturation]:
    """Only a number right after an oxygen word ("sat 96%", "산소포화도 85"): in "BP 102/64, HR 98, O2
    sat 96%" the 64 and the 98 are not saturations."""
    out = []
    for m in _PERCENT.finditer(text):
        before = re.findall(r"[a-z0-9]+|[\uac00-\ud7a3]+", text[max(0, m.start() - 50):m.start()].lower())[-6:]
        if 50 <= float(m.group(1)) <= 100 and any(w in words or w.startswith(("spo2", "산소포화도")) for w in before):
            out.append(Saturation(float(m.group(1)), m.start(), m.end()))
    return out
