"""A conversation as the patient page shows it again after a reload, read
from the Rasa tracker: contact details (names, phone numbers, emails) are
masked, so a shared or borrowed browser never shows them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Optional, Tuple

from bot.eligibility.text import TYPED_SLASH
from web.pages import LANGUAGES

# Phone numbers (Korean and international, 9+ digits, or 8+ starting with 0 or +) and emails.
_PHONE = re.compile(r"(?<![\w.])\+?\(?\d[\d\s().\-]{6,}\d(?![\w.])")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(\.[\w\-]+)+")
MASK = "••••"
CONTACT_SLOTS = ("contact_name", "contact_details")


def _mask_patterns(text: str) -> Tuple[str, bool]:
    changed = False

    def phone(m: re.Match[str]) -> str:
        nonlocal changed
        digits = sum(ch.isdigit() for ch in m.group(0))
        if digits >= 9 or (digits >= 8 and m.group(0).lstrip("(")[0] in "0+"):
            changed = True
            return MASK
        return m.group(0)

    text = _PHONE.sub(phone, text)
    text, n = _EMAIL.subn(MASK, text)
    return text, changed or n > 0


def mask_contact(text: str, known: List[str]) -> Tuple[str, bool]:
    """The text with phone numbers, emails and the known contact values
    (the name, phone and email given in this conversation) hidden."""
    changed = False
    for value in sorted({k.strip() for k in known if k and len(k.strip()) >= 2}, key=len, reverse=True):
        pattern = re.compile(re.escape(value), re.IGNORECASE)
        text, n = pattern.subn(MASK, text)
        changed = changed or n > 0
    text, more = _mask_patterns(text)
    return text, changed or more


def _contact_values(events: Iterable[dict], slots: Mapping[str, object], known: List[str]) -> List[str]:
    """The given known values plus every contact value the slots and slot events hold."""
    found = list(known)

    def remember(name: object, value: object) -> None:
        if name in CONTACT_SLOTS and value:
            found.append(str(value))
        elif name == "contact" and isinstance(value, dict):  # {"name", "phone", "email", "time", "language"}
            found.extend(str(value[k]) for k in ("name", "phone", "email") if value.get(k))

    for name, value in slots.items():
        remember(name, value)
    for e in events:
        if e.get("event") == "slot":
            remember(e.get("name"), e.get("value"))
    return found


def shown_buttons(buttons: List[dict]) -> List[Dict[str, str]]:
    """A message's buttons as the page gets them: only their titles and payloads."""
    return [{"title": b.get("title", ""), "payload": b.get("payload", "")} for b in buttons]


@dataclass
class _Replay:
    """Walks the events in order, keeping what the next message depends on."""
    known: List[str]
    shown: List[dict] = field(default_factory=list)
    offered: Dict[str, str] = field(default_factory=dict)  # the last buttons: payload -> title
    asking: object = None  # the slot the bot's form is asking for
    lang: Optional[str] = None

    def event(self, e: dict) -> None:
        kind = e.get("event")
        if kind == "slot" and e.get("name") == "requested_slot":
            self.asking = e.get("value")
        elif kind == "active_loop" and not e.get("name"):
            self.asking = None
        elif kind == "user" and e.get("text"):
            self.user(e["text"])
        elif kind == "bot":
            self.bot(e)

    def user(self, typed: str) -> None:
        text = typed.replace(TYPED_SLASH, "")  # the channel's mark on typed "/" text is not shown
        # A clicked button is shown by its title, as it was when clicked.
        text = self.offered.get(text, text)
        if self.asking in CONTACT_SLOTS:  # typed in answer to a contact question: hidden whole
            text, masked = MASK, True
        else:
            text, masked = mask_contact(text, self.known)
        self.shown.append({"from": "user", "text": text, "masked": masked})
        self.offered = {}

    def bot(self, e: dict) -> None:
        data = e.get("data") or {}
        custom = data.get("custom")
        if not isinstance(custom, dict):
            custom = {}
        if custom.get("lang") in LANGUAGES:
            self.lang = custom["lang"]
        buttons = data.get("buttons") or []
        if not (e.get("text") or buttons):
            return
        self.offered.update({b.get("payload", ""): b.get("title", "") for b in buttons})
        text, masked = mask_contact(e.get("text") or "", self.known)
        self.shown.append({"from": "bot", "text": text, "masked": masked, "buttons": shown_buttons(buttons)})


def replay(events: List[dict], slots: Dict[str, object], known: List[str]) -> Tuple[List[dict], Optional[str]]:
    """The conversation as the page shows it again after a reload: contact
    details masked, a message typed in answer to a contact question hidden
    whole, and the conversation's language."""
    state = _Replay(_contact_values(events, slots, known))
    for e in events:
        state.event(e)
    return state.shown, state.lang
