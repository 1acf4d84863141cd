"""The REST channel the website uses (POST /webhooks/rest/webhook), made safe
for any input and for any caller:
- only the web server may post: it sends `Authorization: Bearer <token>`
  (TRIALBOT_API_TOKEN, the Rasa server's own API token); any other caller,
  local ones included, gets 401 and nothing is stored, so the web server's
  sessions and limits cannot be bypassed. Without a configured token every
  post is refused;
- the body must be UTF-8 JSON {"sender": str, "message": str}; text that
  cannot be read (invalid UTF-8, lone surrogates such as "\\ud800", NUL and
  other control characters) is never passed to the bot, stored or logged:
  the person gets a kind reply asking them to type it again;
- a turn that fails answers kindly instead of with nothing, and is logged
  as the exception's type only (Rasa's own channel logs the text and a
  traceback with local variables);
- a message's key (`message_id`, from the web page) is kept with it, and a
  turn is handled once and abandoned when the action server is down
  (addons/turn_guard.py): that answers 503 {"error": "restarting"};
- importing it installs addons/log_privacy.py in the Rasa server.

Named in credentials.yml as `addons.rest_channel.PrivateRestInput:` in place
of `rest:`. The URL stays /webhooks/rest/webhook."""
from __future__ import annotations

import hmac
import json
import logging
import re
import unicodedata
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Optional, Text, Tuple

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

import addons.log_privacy  # noqa: F401  (installs the log filter in the Rasa server)
from addons import turn_guard

from bot import config
from bot.eligibility.text import TYPED_SLASH

logger = logging.getLogger(__name__)

MAX_MESSAGE = 2000
MAX_SENDER = 128
UNREADABLE = ("Sorry, I couldn't read that message: some of its characters were garbled on the way. "
              "Could you type it again?\n"
              "죄송해요, 메시지의 일부 글자가 깨져서 읽지 못했어요. 다시 입력해 주시겠어요?")
FAILED = ("Sorry, something went wrong on my side. Please send your message again.\n"
          "죄송해요, 처리 중에 문제가 생겼어요. 메시지를 다시 보내 주세요.")
_MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_BAD_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_body(raw: bytes) -> Tuple[Optional[dict], bool]:
    """(the JSON object, whether its text was readable). Invalid UTF-8 is
    decoded with replacement characters only to find the sender."""
    readable = True
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text, readable = raw.decode("utf-8", errors="replace"), False
    try:
        data = json.loads(text)
    except ValueError:
        return None, readable
    return (data if isinstance(data, dict) else None), readable


def authorised(header: str, token: str) -> bool:
    """The caller sent `Authorization: Bearer <token>` (compared in constant time)."""
    given = header[len("Bearer "):] if header.startswith("Bearer ") else ""
    return bool(token) and hmac.compare_digest(given.encode("utf-8", "replace"), token.encode())


def clean_message(message: str) -> Optional[str]:
    """The message ready for the bot, or None if it cannot be read safely."""
    if _SURROGATE.search(message) or "\ufffd" in message or _BAD_CONTROL.search(message):
        return None
    message = unicodedata.normalize("NFC", message)[:MAX_MESSAGE + 1]  # the bot says when it is too long
    # A typed leading "/" stays words: Rasa would take "/restart" for an intent.
    # Only the buttons the bot offered act (bot/conversation/turn.py).
    return TYPED_SLASH + message if message.lstrip().startswith("/") else message


def message_id(data: dict) -> Optional[str]:
    """The message's key from the web page, if it sent one of the right shape."""
    value = data.get("message_id")
    return value if isinstance(value, str) and _MESSAGE_ID.fullmatch(value) else None


turn_guard.apply()


class PrivateRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("private_rest_webhook", __name__)
        token = config.settings().api_token
        if not token:
            logger.error("rest: TRIALBOT_API_TOKEN is not set: the chat endpoint refuses every caller")

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not authorised(request.headers.get("Authorization", ""), token):
                return response.json({"error": "not authorised"}, status=401)
            data, readable = read_body(request.body or b"")
            if data is None:
                return response.json({"error": "expected a JSON object {\"sender\": ..., \"message\": ...}"},
                                     status=400)
            sender, message = data.get("sender"), data.get("message")
            if not isinstance(sender, str) or not sender or len(sender) > MAX_SENDER or clean_message(sender) is None:
                return response.json({"error": "sender must be a short text id"}, status=400)
            if message is not None and not isinstance(message, str):
                return response.json({"error": "message must be text"}, status=400)
            text = clean_message(message or "") if readable else None
            if text is None:
                logger.info("rest: a message that could not be read was answered with a request to retype it")
                return response.json([{"recipient_id": sender, "text": UNREADABLE}])
            metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else None
            collector = turn_guard.GuardedCollector()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(),
                                                 metadata=metadata, message_id=message_id(data)))
            except turn_guard.TurnAbandoned as stop:  # nothing of this turn was stored
                logger.error("rest: a turn was abandoned (%s)", stop)
                if stop.down:
                    return response.json({"error": "restarting"}, status=503)
                return response.json([{"recipient_id": sender, "text": FAILED}])
            except CancelledError:
                logger.error("rest: a turn timed out")
            except Exception as exc:  # the text and locals are never logged
                logger.error("rest: a turn failed (%s)", exc.__class__.__name__)
                if not collector.messages:
                    collector.messages.append({"recipient_id": sender, "text": FAILED})
            return response.json(collector.messages)

        return hook
