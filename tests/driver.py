"""Drives whole screenings over HTTP without knowing the questions' wording,
by what the tracker says is open. Shared by `make bench` (scripts/bench.py)
and the scale test (tests/test_scale.py).

The contract it relies on (the Rasa HTTP API, stable across redesigns of the
conversation):
- `GET /conversations/<id>/tracker?token=...` has the slot `requested_slot`
  (the id of the open question: a criterion id, a profile slot or a
  conversation step) and `screening_outcome` once the result is given;
- a bot message with buttons offers payloads.

The loop: say "hi"; then read the tracker; if buttons were offered and one
matches the scripted choice for the open question, click it (send its
payload); otherwise type the scripted answer for the open question; with no
scripted answer, click an agreeing button ("yes", "continue", ...), else the
first button, else say "not sure". Stop when `screening_outcome` is set and no
question is open (after the share step when `share=True`), or after
`max_turns`.

Transports: `RasaRest` (the Rasa REST channel, sender id chosen here) and
`WebChat` (the web server's /api/chat, sender id issued by the web server in
its cookie). Both read the tracker from a Rasa server's HTTP API."""
from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import aiohttp

ROOT = Path(__file__).resolve().parents[1]

# Answers for steps that examples/answers.json does not hold (profile slots
# and contact details). Everyday English, as a person would type it.
EXTRA_ANSWERS = {
    "sex": "female",
    "language": "English",
    "consent": "yes",
    "contact_name": "Kim Minji",
    "contact_details": "010-2345-6789",
    "contact_time": "weekday mornings",
    "contact_language": "English",
}
# Button titles/payloads taken for a step without a scripted answer
# (consent, a summary to confirm, the offer to share the answers).
AGREE = ("yes", "agree", "continue", "start", "correct", "right", "ok", "share", "english", "sure")
SHARE_STEP_WORDS = ("share", "study team", "contact")


LIMIT_KEYS = ("new_chats_per_address_per_hour", "messages_per_chat_per_minute")


def site_without_limits(folder: Path, room: int = 100000) -> Path:
    """config/site.yml with the per-visitor limits raised out of the way
    (web/limits.py), for load runs whose simulated patients all come from
    one address and answer at once: they measure the bot, not the limits
    (tests/test_load.py checks those). Set it as TRIALBOT_SITE_CONFIG."""
    lines = [line for line in (ROOT / "config" / "site.yml").read_text(encoding="utf-8").splitlines()
             if not line.startswith(LIMIT_KEYS)]
    lines += [f"{key}: {room}" for key in LIMIT_KEYS]
    path = Path(folder) / "site-without-limits.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load_answers(path: Optional[Path] = None) -> Dict[str, str]:
    data = json.loads(Path(path or ROOT / "examples" / "answers.json").read_text(encoding="utf-8"))
    answers = dict(EXTRA_ANSWERS)
    answers.update({k: str(v) for k, v in data["answers"].items()})
    return answers


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (s or "").lower()).strip()


def buttons_of(replies: Sequence[dict]) -> List[dict]:
    """The buttons of the last message that offered any."""
    for m in reversed(list(replies)):
        if m.get("buttons"):
            return list(m["buttons"])
    return []


def matching_button(buttons: Sequence[dict], wanted: str) -> Optional[dict]:
    w = _norm(wanted)
    if not w:
        return None
    for b in buttons:  # exact title or payload first
        if w in (_norm(b.get("title", "")), _norm(b.get("payload", ""))):
            return b
    for b in buttons:  # "no" matches "No", "no, never"; "yes, I'd use condoms" does not match "Yes" loosely
        t = _norm(b.get("title", ""))
        if t and (t.split()[0] == w or w.split()[0] == t):
            return b
    return None


def agreeing_button(buttons: Sequence[dict]) -> Optional[dict]:
    for word in AGREE:
        for b in buttons:
            if word in _norm(b.get("title", "")).split() or _norm(b.get("title", "")).startswith(word):
                return b
    return None


@dataclass
class Turn:
    open_question: Optional[str]
    sent: str              # what went over the wire (text or payload)
    typed: Optional[str]   # the free text typed, None for a click
    seconds: float         # reply time of this message


@dataclass
class Screening:
    sender: str = ""
    turns: List[Turn] = field(default_factory=list)
    outcome: Optional[str] = None
    reference: Optional[str] = None
    finished: bool = False
    error: Optional[str] = None

    @property
    def typed_answers(self) -> Dict[str, str]:
        """The last free text typed for each open question."""
        out: Dict[str, str] = {}
        for t in self.turns:
            if t.open_question and t.typed is not None:
                out[t.open_question] = t.typed
        return out


class RasaRest:
    """Messages to a Rasa server's REST channel; the sender id is chosen here."""

    def __init__(self, session: aiohttp.ClientSession, rasa_url: str, token: str, sender: Optional[str] = None,
                 tracker_url: Optional[str] = None):
        self.session, self.url, self.token = session, rasa_url.rstrip("/"), token
        self.sender = sender or uuid.uuid4().hex
        self.tracker_url = (tracker_url or rasa_url).rstrip("/")

    async def say(self, text: str) -> List[dict]:
        async with self.session.post(f"{self.url}/webhooks/rest/webhook", json={"sender": self.sender, "message": text},
                                     headers={"Authorization": f"Bearer {self.token}"},  # the channel's secret
                                     timeout=aiohttp.ClientTimeout(total=120)) as r:
            r.raise_for_status()
            return await r.json()

    async def tracker(self) -> dict:
        async with self.session.get(f"{self.tracker_url}/conversations/{self.sender}/tracker",
                                    params={"token": self.token}, timeout=aiohttp.ClientTimeout(total=60)) as r:
            r.raise_for_status()
            return await r.json()


class WebChat(RasaRest):
    """Messages to the web server's /api/chat as the chat page sends them; the
    web server issues the sender id (its session cookie), which is sent back
    with every later message, as a browser does (kept here, not in the
    session's cookie jar, which refuses cookies from IP addresses)."""

    COOKIE = "tb_session"

    def __init__(self, session: aiohttp.ClientSession, web_url: str, token: str, tracker_url: str):
        super().__init__(session, web_url, token, sender="-", tracker_url=tracker_url)
        self.sender = ""

    async def say(self, text: str) -> List[dict]:
        cookies = {self.COOKIE: self.sender} if self.sender else None
        async with self.session.post(f"{self.url}/api/chat", json={"message": text}, cookies=cookies,
                                     timeout=aiohttp.ClientTimeout(total=120)) as r:
            r.raise_for_status()
            body = await r.json()
            issued = r.cookies.get(self.COOKIE)
        if issued is not None:
            self.sender = issued.value
        if not self.sender:
            raise RuntimeError("the web server issued no session cookie")
        return body["messages"]


async def screen(transport: RasaRest, answers: Dict[str, str], max_turns: int = 60, share: bool = False,
                 click: bool = True, first: str = "hi") -> Screening:
    """One whole screening. `click=False` types every scripted answer even
    when a button matches (the scale test compares stored answers with what
    was typed). `share=True` goes on past the result through the offer to
    share the answers and the contact questions."""
    result = Screening()

    async def send(open_q: Optional[str], sent: str, typed: Optional[str]) -> List[dict]:
        start = time.perf_counter()
        replies = await transport.say(sent)
        result.turns.append(Turn(open_q, sent, typed, time.perf_counter() - start))
        result.sender = transport.sender
        return replies

    try:
        replies = await send(None, first, first)
        asked: Dict[Optional[str], int] = {}
        shared = False
        for _ in range(max_turns):
            slots = (await transport.tracker()).get("slots") or {}
            open_q, outcome = slots.get("requested_slot"), slots.get("screening_outcome")
            result.outcome, result.reference = outcome, slots.get("handoff_reference")
            buttons = buttons_of(replies)
            if outcome and not open_q:
                offer = " ".join(_norm(m.get("text", "")) for m in replies)
                if share and not shared and buttons and any(w in offer for w in SHARE_STEP_WORDS):
                    b = agreeing_button(buttons)
                    if b:
                        shared = True
                        replies = await send(None, b.get("payload") or b.get("title", ""), None)
                        continue
                result.finished = True
                return result
            asked[open_q] = asked.get(open_q, 0) + 1
            scripted = answers.get(open_q) if open_q else None
            if scripted is not None and asked[open_q] > 2:
                scripted = None  # read twice without moving on: take a button or "not sure"
            b = matching_button(buttons, scripted) if (scripted is not None and click) else None
            if b:
                replies = await send(open_q, b.get("payload") or b.get("title", ""), None)
            elif scripted is not None:
                replies = await send(open_q, scripted, scripted)
            else:
                b = agreeing_button(buttons) or (buttons[0] if buttons else None)
                if b:
                    replies = await send(open_q, b.get("payload") or b.get("title", ""), None)
                else:
                    replies = await send(open_q, "not sure", "not sure")
        result.error = f"not finished after {max_turns} turns"
    except Exception as exc:  # reported by the caller; one screening's failure must not stop the others
        result.error = f"{exc.__class__.__name__}: {exc}"
    return result


async def scripted(transport: RasaRest, messages: Sequence[str], read_tracker: bool = True) -> Screening:
    """A fixed script (the reference bot): the same per-turn pattern as
    `screen` (send, then read the tracker)."""
    result = Screening()
    try:
        for text in messages:
            start = time.perf_counter()
            await transport.say(text)
            result.turns.append(Turn(None, text, text, time.perf_counter() - start))
            result.sender = transport.sender
            if read_tracker:
                await transport.tracker()
        result.finished = True
    except Exception as exc:
        result.error = f"{exc.__class__.__name__}: {exc}"
    return result
