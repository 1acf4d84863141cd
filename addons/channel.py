"""Rasa's REST channel, with the text made safe before anything reads it:
invalid Unicode replaced, control characters dropped, very long messages cut
(the bot says so), and a typed leading "/" marked so that Rasa never takes
typed text for an intent ("/restart" is words; only the bot's own offered
buttons act, decided by bot.conversation). Same URL: /webhooks/rest/webhook."""
from __future__ import annotations

import unicodedata
from typing import Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.request import Request

from bot.eligibility.text import TYPED_SLASH

MAX_CHARS = 5000


def safe_text(raw: object) -> str:
    if not isinstance(raw, str):
        raw = "" if raw is None else str(raw)
    text = raw.encode("utf-8", "replace").decode("utf-8", "replace")  # lone surrogates -> '?'
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs", "Co"))
    text = text[:MAX_CHARS + 1]
    return TYPED_SLASH + text if text.lstrip().startswith("/") else text


class RestChannel(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def _extract_message(self, req: Request) -> Optional[Text]:
        return safe_text((req.json or {}).get("message"))
