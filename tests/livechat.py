"""Talking to the running bot over the REST channel, as the website does,
and reading what it holds through the HTTP API (token)."""
from __future__ import annotations

import re
from typing import Dict, List, Optional

from bot.eligibility.model import load_trial
from bot.eligibility.session import Session
from tests.servers import Bot, new_sender

# Python reprs, None, braces (an unfilled template) and tracebacks never reach a person.
PROGRAM_TEXT = re.compile(r"\bNone\b|[{}]|Traceback|<[A-Za-z_.]+ object|\b[A-Z][A-Za-z]+\(\w+=|\bnull\b")


class LiveChat:
    def __init__(self, bot: Bot, sender: Optional[str] = None):
        self.bot, self.sender = bot, sender or new_sender()
        self.messages: List[dict] = []
        self.all_bot_messages: List[str] = []

    def say(self, text: str) -> List[dict]:
        self.messages = [m for m in self.bot.say(self.sender, text) if "text" in m or "buttons" in m]
        for m in self.messages:  # every reply of every live test: never program text
            shown = m.get("text", "") + " ".join(b["title"] for b in m.get("buttons", []))
            assert not PROGRAM_TEXT.search(shown), (text, shown)
        self.all_bot_messages += [m.get("text", "") for m in self.messages]
        return self.messages

    def click(self, title_part: str) -> List[dict]:
        for m in self.messages:
            for b in m.get("buttons", []):
                if title_part.lower() in b["title"].lower():
                    return self.say(b["payload"])
        raise AssertionError(f"no button like {title_part!r} in {self.buttons()}")

    def text(self) -> str:
        return "\n".join(m.get("text", "") for m in self.messages)

    def buttons(self) -> List[str]:
        return [b["title"] for m in self.messages for b in m.get("buttons", [])]

    @property
    def slots(self) -> Dict:
        return self.bot.tracker(self.sender)["slots"]

    @property
    def slot(self) -> Optional[str]:
        return self.slots.get("requested_slot")

    def start(self, first: str = "hi", consent: str = "yes") -> "LiveChat":
        self.say(first)
        self.say(consent)
        return self

    def run_persona(self, persona: dict, limit: int = 60) -> Dict:
        """Answers whatever question is open from the persona's answers, then
        confirms the summary. Returns the tracker's slots at the end."""
        answers = persona["answers"]
        self.start("안녕하세요" if persona.get("language") == "ko" else "hello", "네" if persona.get("language") == "ko" else "yes")
        slots = self.slots
        for _ in range(limit):
            slot = slots.get("requested_slot")
            if slot == "summary":
                self.click("")  # the first button: "yes, show the result"
                return self.slots
            if slot == "check_answer":  # "Just to check: ..." a rule-out said back: the persona meant it
                self.click("")  # the first button: "yes, that's right"
                slots = self.slots
                continue
            if slot not in answers:
                raise AssertionError(f"{persona['id']}: asked {slot!r}, which the persona does not answer;"
                                     f" bot said: {self.text()}")
            self.say(answers[slot])
            slots = self.slots
            if slots.get("requested_slot") == slot:
                raise AssertionError(f"{persona['id']}: {answers[slot]!r} was not read at {slot}: {self.text()}")
        raise AssertionError(f"{persona['id']}: no summary after {limit} turns")


def evaluator_for(slots: Dict, today) -> Session:
    """The evaluator on exactly what the chat recorded (what was typed)."""
    trial = load_trial()
    typed = {qid: text for qid, text in (slots.get("answers") or {}).items() if qid in trial.asked_ids}
    return Session.from_texts(trial, typed, today)
