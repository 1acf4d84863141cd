"""Emergency signs in any message: the sign lexicon (signs.yml) read with
negation, past and hypothetical context (bot.eligibility.nlp), plus body
temperatures as numbers (38.0 °C / 100.4 °F or more). Only what is happening
now counts: 'no fever', 'the fever I had on Monday is gone' and 'what if she
gets a fever?' are not emergencies."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

from bot import yaml_files
from bot.eligibility import nlp
from bot.eligibility.readers import PAST_EN, PAST_KO
from bot.eligibility.text import clean, has, has_ko

_PATH = Path(__file__).with_name("signs.yml")
FEVER_C = 38.0
SELF_HARM = "self_harm"
_OVER_EN = PAST_EN + [r"gone", r"went down", r"came down", r"normal now", r"back to normal", r"resolved", r"better now"]
_OVER_KO = PAST_KO + [r"내렸", r"떨어졌", r"정상으로", r"괜찮아졌", r"나았"]
_TEMP = re.compile(
    r"(?:(?:temperature|temp|fever|열|체온)\D{0,12}?(\d{2,3}(?:[.,]\d{1,2})?)(?!\d)\s*(°\s*[cf]?|℃|℉|도|degrees?(?:\s*(?:c|f|celsius|fahrenheit))?)?)"
    r"|(?:(\d{2,3}(?:[.,]\d{1,2})?)\s*(°\s*[cf]?|℃|℉|도|degrees?(?:\s*(?:c|f|celsius|fahrenheit))?))", re.I)


@lru_cache(maxsize=1)
def signs() -> Dict[str, Dict[str, List[str]]]:
    return yaml_files.read(_PATH)


def temperature_c(text: str) -> Optional[float]:
    """The highest body temperature named in `text`, in °C; None if none."""
    best = None
    for m in _TEMP.finditer(text):
        raw, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if not (m.group(1) or unit):
            continue
        value = float(raw.replace(",", "."))
        unit = (unit or "").lower()
        if "f" in unit or "℉" in unit or (not re.search(r"c|℃", unit) and 93 <= value <= 110):
            value = round((value - 32) * 5 / 9, 1)
        if 30 <= value <= 45:
            best = value if best is None else max(best, value)
    return best


def scan(text: str, vocab_key: str) -> List[str]:
    """The emergency signs happening now, in signs.yml's order."""
    text = clean(text)
    if not text or len(text) > 5000:
        return []
    low = text.lower()
    found = set()
    for m in nlp.mentions(text, vocab_key, signs()):
        if m.label == nlp.CUE and m.affirmed and not m.past:
            found.add(m.id)
    temp = temperature_c(low)
    if temp is not None:
        over = has(_OVER_EN, low) or has_ko(_OVER_KO, low)
        denied = re.search(r"\bno fever\b|열(?:은|이)?\s?(?:없|안\s?나)", low)
        if temp >= FEVER_C and not over and not denied:
            found.add("fever")
        elif "fever" in found and temp < FEVER_C:
            found.discard("fever")  # "a temperature of 37.2": the number decides
    return [s for s in signs() if s in found]
