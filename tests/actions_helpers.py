"""Building rasa-sdk trackers the way the Rasa server sends them."""
import asyncio
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[1] / "domain.yml").read_text(encoding="utf-8"))
SENDER = "test-sender-0001"


def tracker(slots: Optional[Dict[str, Any]] = None, text: str = "", intent: str = "inform",
            entities: Optional[List[dict]] = None, new_slots: Optional[Dict[str, Any]] = None,
            requested_slot: Optional[str] = None, active_loop: Optional[str] = None,
            sender: str = SENDER) -> Tracker:
    """`new_slots`: what the slot mappings just filled from this message,
    as the form sends them to its validation action."""
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots.update(slots or {})
    all_slots.update(new_slots or {})
    all_slots["requested_slot"] = requested_slot
    events = [{"event": "user", "text": text}] + [
        {"event": "slot", "name": k, "value": v} for k, v in (new_slots or {}).items()]
    return Tracker(sender, all_slots, {"text": text, "intent": {"name": intent, "confidence": 1.0},
                                       "entities": entities or []},
                   events, False, None, {"name": active_loop} if active_loop else {}, "action_listen")


def run(action, t: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, DOMAIN))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, events


def texts(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)
