"""Talking to the conversation engine in-process, as the action server does."""
from __future__ import annotations

from datetime import date
from typing import Dict, List, Optional

from bot import config
from bot.conversation.turn import Conversation, Reply
from bot.eligibility.model import load_trial

TODAY = date(2026, 11, 25)


class Chat:
    """One person's conversation with the engine; keeps the state between turns."""

    def __init__(self, today: date = TODAY):
        self.conv = Conversation(load_trial(), config.site(), today)
        self.state: Dict = {}
        self.replies: List[Reply] = []

    def say(self, text: str) -> Reply:
        reply = self.conv.turn(self.state, text)
        self.state = reply.state
        self.replies.append(reply)
        return reply

    def click(self, title_part: str) -> Reply:
        """Clicks the offered button whose title contains `title_part`."""
        for m in self.last.messages:
            for title, payload in m.buttons:
                if title_part.lower() in title.lower():
                    return self.say(payload)
        raise AssertionError(f"no button like {title_part!r} in {self.buttons()}")

    @property
    def last(self) -> Reply:
        return self.replies[-1]

    @property
    def slot(self) -> Optional[str]:
        return self.state.get("requested_slot")

    def text(self) -> str:
        return "\n".join(m.text for m in self.last.messages)

    def buttons(self) -> List[str]:
        return [t for m in self.last.messages for t, _ in m.buttons]

    def effects(self, kind: str) -> list:
        return [e for e in self.last.effects if e.kind == kind]

    def start(self, first: str = "hi", consent: str = "yes") -> "Chat":
        self.say(first)
        self.say(consent)
        assert self.slot == "respondent", self.text()
        return self
