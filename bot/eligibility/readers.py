"""Readers: free text -> a Reading, or NoAnswer when the words do not answer
the question. One reader per kind of question, parameterised by the trial's
data (its vocabulary, cue phrases, units, limits), in English and Korean;
each lives in the module of its concern, and READERS names them for trial.yml.

The evidence rule: a reader returns a Reading only when the message answers
its question: a yes/no/not-sure word tied to it, an item of the question's
own vocabulary, a value with a plausible unit, or a time. A question back is
never an answer. Impossible values are NoAnswer, never stored.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, FrozenSet, Mapping, Optional

from bot.eligibility.answers import Context, Polarity, polarity
from bot.eligibility.diagnosis import read_condition_window, read_diagnosis
from bot.eligibility.labs import read_lab, read_lab_uln
from bot.eligibility.measures import read_age, read_ecog
from bot.eligibility.medicines import read_last_dose
from bot.eligibility.profile import read_childbearing, read_respondent, read_sex, respondent_reading
from bot.eligibility.quantities import read_measure
from bot.eligibility.reading import Result
from bot.eligibility.scores import scale_ids
from bot.eligibility.yes_no import read_yes_no

__all__ = ["ABOUT_NOW", "READERS", "PARAMS", "ReaderParams", "Context", "Polarity", "polarity", "respondent_reading",
           "values_read"]

READERS: Dict[str, Callable[[str, Context], Result]] = {
    "yes_no": read_yes_no,
    "age": read_age,
    "last_dose": read_last_dose,
    "diagnosis": read_diagnosis,
    "ecog": read_ecog,
    "condition_window": read_condition_window,
    "lab": read_lab,
    "lab_uln": read_lab_uln,
    "measure": read_measure,
    "respondent": read_respondent,
    "sex": read_sex,
    "childbearing": read_childbearing,
}

# Kinds that ask about now: a value at an earlier episode does not answer them (timing.py).
ABOUT_NOW = frozenset({"lab", "lab_uln", "ecog", "measure"})


@dataclass(frozen=True)
class ReaderParams:
    """The `params` a reader kind takes in trial.yml: a key outside these is a
    misspelling (it would load as nothing), a required one missing an error."""
    required: FrozenSet[str] = frozenset()
    optional: FrozenSet[str] = frozenset()

    @property
    def known(self) -> FrozenSet[str]:
        return self.required | self.optional


PARAMS: Dict[str, ReaderParams] = {
    "yes_no": ReaderParams(optional=frozenset({"drug", "present", "topic", "options", "intent", "others"})),
    "age": ReaderParams(),
    "last_dose": ReaderParams(optional=frozenset({"not_counted"})),
    "diagnosis": ReaderParams(frozenset({"disease", "precursors"}),
                              frozenset({"combined", "other_precursors", "review", "vague", "hints", "different",
                                         "drug"})),
    "ecog": ReaderParams(),
    "condition_window": ReaderParams(frozenset({"label"}),
                                     frozenset({"exempt", "vague_exempt", "generic", "qualifies_exempt", "window",
                                                "when_only"})),
    "lab": ReaderParams(frozenset({"unit", "unit_regex", "bare_range", "plausible"}), frozenset({"units"})),
    "lab_uln": ReaderParams(frozenset({"analytes"})),
    "measure": ReaderParams(frozenset({"values"}), frozenset({"pair", "compute"})),
    "respondent": ReaderParams(),
    "sex": ReaderParams(),
    "childbearing": ReaderParams(),
}


def values_read(kind: Optional[str], params: Mapping[str, Any]) -> FrozenSet[str]:
    """The named values a reader kind may read, each judged by a rule's part (`value: <name>`): the measure
    reader's declared values; the ecog reader's scales (its own grade and those of its lexicon)."""
    if kind == "measure" and isinstance(params.get("values"), dict):
        return frozenset(params["values"])
    if kind == "ecog":
        return scale_ids()
    return frozenset()
