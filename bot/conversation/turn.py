"""One turn of the conversation: the state so far and a message in; what to
say, the new state and what to record out. Pure: no Rasa, no database.

The order (conversation-design.md): every message is checked for emergency
signs; then, while a question is open, its reader sees the message first;
only a message that answers nothing is a command, a question back or small
talk (the phrase table); a message that is none of these gets the question
again, with a hint. Buttons act only when they were offered in the bot's
last reply; anything typed is text. The open step's handlers are in the step
table (steps.py)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Dict, List, Mapping, Optional, Union

from bot.config import Site
from bot.conversation import commands, consent, language, safety_steps, steps
from bot.conversation.core import Message, Setting, Turn
from bot.conversation.state import SLOT_NAMES, ConversationState, Buttons, Stage
from bot.eligibility.model import Trial
from bot.eligibility.reading import Reading
from bot.eligibility.readers import polarity
from bot.eligibility.session import read
from bot.eligibility.text import clean, clean_lines
from bot.eligibility.portfolio import Portfolio, single
from bot.records.effects import Effect
from bot.safety import scan

STATE_KEYS = SLOT_NAMES  # the tracker's slots for the conversation's state


@dataclass
class Reply:
    messages: List[Message]
    state: Dict[str, Any]  # as slots (ConversationState.to_slots)
    effects: List[Effect]


class Conversation:
    def __init__(self, trials: Union[Trial, Portfolio], site: Site, today: date):
        portfolio = trials if isinstance(trials, Portfolio) else single(trials)
        self.setting = Setting(portfolio, site, today, language.english_terms(portfolio.merged))

    def turn(self, state: Optional[Mapping[str, Any]], raw: str, suggestion: Optional[str] = None,
             confidence: float = 0.0) -> Reply:
        t = Turn(self.setting, ConversationState.from_slots(state), raw, suggestion, confidence)
        run(t)
        t.state.offered = [payload for m in t.messages for _, payload in m.buttons]
        return Reply(t.messages, t.state.to_slots(), t.effects)


def run(t: Turn) -> None:
    if safety_first(t):
        return
    if t.state.stage is None:
        consent.welcome(t)
        return
    if _about_the_crisis(t):
        safety_steps.still_here(t)
        return
    spec = steps.step_for(t)
    if spec is not None and spec.on_message(t):
        return
    if commands.interpret(t):
        return
    steps.not_understood(t)


def _about_the_crisis(t: Turn) -> bool:
    """Right after the crisis lines, a yes or a no alone ("yes, right now") answers them, never the open
    question; words that answer the question ("Yes, AML after PV") still do."""
    if not t.after_crisis or t.payload:
        return False
    said = polarity(t.text)
    if said.value not in ("yes", "no"):
        return False
    if t.slot is None or t.slot not in t.trial.questions:
        return True
    reading = read(t.trial, t.slot, t.text, t.today)
    return not isinstance(reading, Reading) or reading.evidence.strip().lower() == (said.evidence or "").strip().lower()


def safety_first(t: Turn) -> bool:
    """The safety scan runs before anything else on every typed message; True
    when it decided the turn (or a safety button was clicked)."""
    if t.payload:
        if t.clicked(Buttons.SAFETY_NOW) or t.clicked(Buttons.SAFETY_GO_ON):
            safety_steps.on_safety_button(t)
            return True
        return False
    if t.state.stage is not None:
        language.check(t)
    switched, t.messages = t.messages, []
    finding = scan(clean_lines(t.raw))
    t.finding = replace(finding, rest=clean(finding.rest))
    decided = safety_steps.safety_step(t, t.finding)
    # The advice comes first; "let's continue in Korean" after it.
    t.messages = t.messages + switched if decided else switched + t.messages
    return decided


__all__ = ["Conversation", "Reply", "Message", "STATE_KEYS", "Stage"]
