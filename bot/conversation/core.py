"""The working parts of one turn that every step uses: the state, the message
as typed and as a button, what to say, what to record, and the screening as
read so far. The steps themselves live in modules of their own."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, FrozenSet, List, Optional, Tuple, Union

from bot.config import Site
from bot.conversation.state import Buttons, ConversationState, Stage, Step, name_of
from bot.conversation.texts import Texts
from bot.eligibility.model import Trial
from bot.eligibility.portfolio import Portfolio, Screening
from bot.eligibility.reading import NoAnswer
from bot.eligibility.readers import polarity
from bot.eligibility.session import Session
from bot.eligibility.several import Also
from bot.eligibility.text import TYPED_SLASH, clean
from bot.records.effects import Effect
from bot.safety import Finding

Button = Tuple[str, str]  # (title, payload)


@dataclass
class Message:
    text: str
    buttons: List[Button] = field(default_factory=list)


@dataclass(frozen=True)
class Setting:
    """What stays the same for every turn: the site's trials, the site and today."""
    portfolio: Portfolio
    site: Site
    today: date
    terms: FrozenSet[str]  # the trials' own English words, which never switch a Korean chat to English

    @property
    def trial(self) -> Trial:
        """The questions asked: the one trial's, or every screened trial's by concept."""
        return self.portfolio.merged


_PAYLOAD_LIKE = re.compile(r"^/?[a-z_]+:[a-z_]+$")


class Turn:
    def __init__(self, setting: Setting, state: ConversationState, raw: str, suggestion: Optional[str],
                 confidence: float):
        self.setting, self.trial, self.today = setting, setting.trial, setting.today
        self.state = ConversationState() if state.data_deleted else state
        self.raw = raw or ""
        stripped = self.raw.strip().replace(TYPED_SLASH, "")
        self.payload = stripped if stripped in state.offered else None
        self.payload_typed = self.payload is None and bool(_PAYLOAD_LIKE.match(stripped))  # not offered: only text
        self.text = clean(self.raw)
        self.suggestion, self.confidence = suggestion, confidence
        self.messages: List[Message] = []
        self.effects: List[Effect] = []
        self.finding: Optional[Finding] = None  # the safety scan of this message
        self.advised_now = False  # urgent advice was given in this turn: it was the reply
        self.after_crisis = False  # the last reply was the crisis reply
        self.first_part = False  # this message was the first part of an answer: not a miss
        self.kept_else = False  # this message's words answered other questions and were kept: not a miss
        self.last_miss: Optional[NoAnswer] = None  # why the open question's reader found no answer
        self.also: Tuple[Also, ...] = ()  # answers to other questions said beside the open one's
        self._screening: Optional[Screening] = None
        self._screening_key: Optional[tuple] = None

    @property
    def lang(self) -> str:
        return self.state.language or "en"

    @property
    def slot(self) -> Optional[str]:
        return self.state.requested_slot

    def go(self, stage: Optional[Stage], slot: Union[Step, str, None] = None) -> None:
        self.state.stage, self.state.requested_slot = stage, name_of(slot)

    def session(self) -> Session:
        """The screening as read so far, by the questions the chat asks."""
        return self.screening().merged

    @property
    def several(self) -> bool:
        """The site screens for more than one trial in this conversation."""
        return not self.setting.portfolio.single

    def screening(self) -> Screening:
        """Every screened trial's session over the readings so far; built again
        only when the readings change (a reading is replaced, never changed in place)."""
        key = tuple((k, id(v)) for k, v in self.state.readings.items())
        if self._screening is None or self._screening_key != key:
            self._screening = Screening(self.setting.portfolio, dict(self.state.readings), self.today)
            self._screening_key = key
        return self._screening

    def texts(self) -> Texts:
        return Texts(self.lang, self.trial, self.setting.site, self.session())

    def say(self, key: str, buttons: Optional[List[Button]] = None, **fields: Any) -> None:
        self.messages.append(Message(self.texts().say(key, **fields), buttons or []))

    def add(self, text: str, buttons: Optional[List[Button]] = None) -> None:
        self.messages.append(Message(text, buttons or []))

    def effect(self, effect: Effect) -> None:
        self.effects.append(effect)

    def yes_no_buttons(self, step: Union[Step, Buttons, str], key: str) -> List[Button]:
        titles = self.texts().buttons(key)
        return [(titles[k], f"/{name_of(step)}:{k}") for k in titles]

    def clicked(self, step: Union[Step, Buttons, str]) -> Optional[str]:
        """The key of the offered button for `step` that was clicked."""
        if self.payload and self.payload.startswith(f"/{name_of(step)}:"):
            return self.payload.split(":", 1)[1]
        return None

    def agrees(self, step: Union[Step, Buttons, str], words: Optional[str] = None) -> Optional[str]:
        """'yes' / 'no' for a yes-or-no step: a button, or the words (`words`: the part of the message
        that answers the step, when the rest answers something else)."""
        key = self.clicked(step)
        if key in ("yes", "no"):
            return key
        text = self.text if words is None else words
        if self.payload:
            return None
        if not text or re.search(r"\?\s*$", text):
            return None
        p = polarity(text, agree=True)
        return p.value if p.value in ("yes", "no") else None
