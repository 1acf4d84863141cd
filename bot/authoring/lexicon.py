"""The drafter's words (lexicon.en.yml) as frozen dataclasses. An unknown or
missing key is an error naming the file and the key."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple

from bot import yaml_files

PATH = Path(__file__).with_name("lexicon.en.yml")


@dataclass(frozen=True)
class Lab:
    id: str
    words: Tuple[str, ...]
    unit: str
    unit_regex: str
    units: Mapping[str, float]
    bare_range: Tuple[float, float]
    plausible: Tuple[float, float]
    count: bool = False
    uln_name: Optional[str] = None
    uln_words: Tuple[str, ...] = ()

    def params(self) -> Dict[str, Any]:
        """The lab reader's parameters (bot/eligibility/labs.py)."""
        out: Dict[str, Any] = {"unit": self.unit, "unit_regex": self.unit_regex}
        if self.units:
            out["units"] = dict(self.units)
        out["bare_range"] = list(self.bare_range)
        out["plausible"] = list(self.plausible)
        return out


@dataclass(frozen=True)
class Lexicon:
    sections: Mapping[str, Tuple[str, ...]]
    lead_in: Tuple[str, ...]
    examples: Tuple[str, ...]
    deferred: Tuple[str, ...]
    judgement: Tuple[str, ...]
    present: Tuple[str, ...]
    pregnancy: Tuple[str, ...]
    contraception: Tuple[str, ...]
    women: Tuple[str, ...]
    both_sexes: Tuple[str, ...]
    treatment: Tuple[str, ...]
    event: Tuple[str, ...]
    window_anchor_now: Tuple[str, ...]
    planned: Tuple[str, ...]
    prior_drug: Tuple[str, ...]
    number_words: Mapping[str, int]
    time_units: Mapping[str, float]
    uln: Tuple[str, ...]
    labs: Mapping[str, Lab]
    vocabulary: Mapping[str, Mapping[str, Tuple[str, ...]]]  # label -> id -> English words

    def first(self, words: Tuple[str, ...], low: str) -> Optional[re.Match]:
        """The first of `words` in `low`, as a whole word (a trailing prefix
        like "pregnan" matches "pregnant" and "pregnancy")."""
        return words_rx(words).search(low)


@lru_cache(maxsize=None)
def words_rx(words: Tuple[str, ...]) -> re.Pattern:
    alts = sorted((re.escape(w) + (r"\w*" if w.endswith(("pregnan", "contracepti", "laborator")) else "")
                   for w in words), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w])")


_KEYS = frozenset(Lexicon.__dataclass_fields__)
_LAB_KEYS = frozenset(Lab.__dataclass_fields__) - {"id"}


def _lab(lab_id: str, raw: Mapping[str, Any]) -> Lab:
    unknown = set(raw) - _LAB_KEYS
    if unknown:
        raise ValueError(f"{PATH}: labs.{lab_id} has unknown key(s) {', '.join(sorted(unknown))}")
    return Lab(id=lab_id, words=tuple(raw["words"]), unit=str(raw["unit"]), unit_regex=raw["unit_regex"],
               units={k: float(v) for k, v in (raw.get("units") or {}).items()},
               bare_range=tuple(raw["bare_range"]), plausible=tuple(raw["plausible"]),
               count=bool(raw.get("count")), uln_name=raw.get("uln_name"),
               uln_words=tuple(raw.get("uln_words") or ()))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    raw = yaml_files.read(PATH)
    if set(raw) != _KEYS:
        raise ValueError(f"{PATH}: keys differ from the known ones: unknown {sorted(set(raw) - _KEYS)}, "
                         f"missing {sorted(_KEYS - set(raw))}")
    plain = {k: tuple(v) for k, v in raw.items() if isinstance(v, list)}
    return Lexicon(
        **plain,
        sections={k: tuple(v) for k, v in raw["sections"].items()},
        number_words=dict(raw["number_words"]), time_units={k: float(v) for k, v in raw["time_units"].items()},
        labs={k: _lab(k, v) for k, v in raw["labs"].items()},
        vocabulary={label: {i: tuple(w) for i, w in ids.items()} for label, ids in raw["vocabulary"].items()},
    )
