"""How conversation events are kept at rest: JSON, encrypted. Shared by the
Rasa tracker store (writing and reading) and the staff transcript view."""
from __future__ import annotations

import json

from bot.records import crypto


def encode_event(event: dict) -> str:
    return crypto.encrypt(json.dumps(event, ensure_ascii=False))


def event_json(data: str) -> str:
    """The stored event decrypted, still as JSON text."""
    return crypto.decrypt(data)


def decode_event(data: str) -> dict:
    return json.loads(event_json(data))
