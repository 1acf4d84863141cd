"""An exception a criterion allows ("diabetes, except during pregnancy"),
declared in trial.yml on any question (`exception:`), applied after its reader:
a reading in `when` (e.g. yes) said with the exception's words reads as the
exception (`reads`), unless the message also says it happened beyond it
("... and again now": lexicon `exemption.beyond`, and the question's own
`beyond` words). A no stays a no; exception words alone ("only when I was
pregnant") read as the exception."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Tuple

from bot.eligibility.lexicon import EN, KO, Phrases, found
from bot.eligibility.reading import Reading, Result


def _phrases(words: Mapping[str, Any], language: str) -> Phrases:
    """Plain words of one language as phrases: English whole words, Korean anywhere."""
    return Phrases(tuple(re.escape(str(w).lower()) for w in words.get(language) or ()), language == "en")


@dataclass(frozen=True)
class Exemption:
    reads: str  # the reading the exception gives, e.g. "gestational"
    words: Tuple[Phrases, Phrases]  # en, ko
    beyond: Tuple[Phrases, Phrases] = (Phrases(), Phrases())
    when: Tuple[str, ...] = ("yes",)  # the readings it may turn

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> "Exemption":
        words, beyond = raw.get("words") or {}, raw.get("beyond") or {}
        return cls(str(raw["reads"]), (_phrases(words, "en"), _phrases(words, "ko")),
                   (_phrases(beyond, "en"), _phrases(beyond, "ko")), tuple(raw.get("when") or ("yes",)))

    def apply(self, result: Result, text: str) -> Result:
        low = text.lower()
        said = found(low, *self.words)
        if not said or (isinstance(result, Reading) and result.value not in self.when):
            return result
        if found(low, EN.exemption.beyond, KO.exemption.beyond, *self.beyond):
            return result  # beyond the exception too: the reader's answer stands
        at = low.find(said)  # the words as typed ("CD19 negative"), not lower-cased
        typed = text[at:at + len(said)] if at >= 0 and len(low) == len(text) else said
        return Reading(self.reads, typed, text, hedged=isinstance(result, Reading) and result.hedged)
