"""The web server's calls to the Rasa servers: which server a conversation
goes to, and failover to the next one when a server is down."""
from __future__ import annotations

import asyncio
import hashlib
from typing import Any, List, Optional

import aiohttp
from aiohttp import web

from bot import config
from web.state import HTTP


class RasaUnreachable(Exception):
    pass


class RasaRestarting(RasaUnreachable):
    """The Rasa server is down (refused or dropped the connection), or it
    said its action server is (503 from addons/rest_channel.py): `make run`
    is restarting it (scripts/run.sh)."""


def rasa_url_order(sender: Optional[str] = None) -> List[str]:
    """The servers to try for a conversation: its own first, then the rest.
    A stable hash of the sender id picks its own, so each conversation stays
    on one server while it is up. Any server can serve any conversation (they
    share the tracker store, and Redis's lock store keeps one conversation's
    messages in order)."""
    urls = list(config.settings().rasa_urls)  # read on every call: the tests change them while it runs
    if len(urls) == 1 or not sender:
        return urls
    first = int.from_bytes(hashlib.sha256(sender.encode("utf-8")).digest()[:8], "big") % len(urls)
    return urls[first:] + urls[:first]


async def call(request: web.Request, method: str, path: str, timeout: float, sender: Optional[str] = None,
               **kwargs: Any) -> Any:
    """One call to the conversation's Rasa server, answering its JSON. A
    server that refuses the connection (down) never got the message, so the
    next one is tried; none up, a dropped connection or a 503 from the channel
    (its action server is down) is a restart (RasaRestarting); any other
    failure is 'cannot be reached'."""
    error: Optional[Exception] = None
    for url in rasa_url_order(sender):
        try:
            async with request.app[HTTP].request(method, f"{url}{path}",
                                                 timeout=aiohttp.ClientTimeout(total=timeout), **kwargs) as r:
                if r.status == 503:
                    raise RasaRestarting("the action server is down")
                if r.status != 200:
                    raise RasaUnreachable(f"status {r.status}")
                return await r.json()
        except aiohttp.ClientConnectorError as exc:
            error = exc
        except aiohttp.ClientConnectionError as exc:  # it died while answering, or on a kept-alive connection
            raise RasaRestarting(str(exc)) from None
        except (aiohttp.ClientError, OSError, TimeoutError, asyncio.TimeoutError) as exc:  # 3.10: two kinds
            raise RasaUnreachable(str(exc)) from None
    raise RasaRestarting(str(error))


async def webhook(request: web.Request, sender: str, message: str, key: Optional[str] = None) -> List[dict]:
    """The bot's replies to one message (Rasa's REST channel). The message's
    key goes with it: Rasa answers a key it already has with the first reply
    (addons/turn_guard.py)."""
    body = {"sender": sender, "message": message}
    if key:
        body["message_id"] = key
    # The channel answers only callers with the token (addons/rest_channel.py).
    headers = {"Authorization": f"Bearer {config.settings().api_token}"}
    replies: List[dict] = await call(request, "POST", "/webhooks/rest/webhook", 60, sender, headers=headers,
                                     json=body)
    return replies


async def tracker(request: web.Request, sender: str) -> dict:
    """The conversation so far (Rasa's HTTP API)."""
    found: dict = await call(request, "GET", f"/conversations/{sender}/tracker", 30, sender,
                             params={"token": config.settings().api_token})
    return found
