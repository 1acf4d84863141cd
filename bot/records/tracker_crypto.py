"""How conversation events are kept at rest: JSON, encrypted. Shared by the
Rasa tracker store (writing and reading) and the staff transcript view."""
from __future__ import annotations

import json

from bot.records import crypto


def encode_event(event: dict) -> str:
    return crypto.encrypt(json.dumps(event, ensure_ascii=False))


def decode_event(data: str) -> dict:
    return json.loads(crypto.decrypt(data))
