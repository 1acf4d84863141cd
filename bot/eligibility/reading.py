"""What a reader returns: a Reading (the answer, the words that carried it,
the text it came from) or NoAnswer (why the message does not answer)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Dict, Optional, Union


@dataclass(frozen=True)
class Reading:
    value: str  # a category: yes / no / unsure / value / none / confirmed / female / proxy ...
    evidence: str  # the words that carried it: "never", "63", "1.2 mg/dL", "can't work"
    text: str = ""  # what the person typed
    number: Optional[float] = None  # what a number rule compares: age, mg/dL, days ago, ECOG level
    number_max: Optional[float] = None  # upper end when the answer is a range (a birth year)
    when: Optional[str] = None  # ISO date of an event (the last dose), for "earliest start"
    hedged: bool = False  # "I think so": never enough to rule anyone out
    extra: Dict[str, Any] = field(default_factory=dict)  # e.g. relation and sex from "my mother"

    def as_dict(self) -> Dict[str, Any]:
        # Keep 0 (ECOG 0, "today"); drop what is empty.
        return {k: v for k, v in asdict(self).items()
                if not (v is None or v is False or (isinstance(v, (str, dict)) and not v))}

    @classmethod
    def from_dict(cls, raw: Dict[str, Any]) -> "Reading":
        return cls(**{k: raw[k] for k in cls.__dataclass_fields__ if k in raw})

    @property
    def when_date(self) -> Optional[date]:
        return date.fromisoformat(self.when) if self.when else None


@dataclass(frozen=True)
class NoAnswer:
    why: str  # "no yes/no word about taking part in a study", "negative creatinine"
    hint_key: str = ""  # a more specific hint the question has, e.g. "unit" or "when"
    partial: bool = False  # part of an answer (a medicine named, no time): the chat reads the next message with it


Result = Union[Reading, NoAnswer]
