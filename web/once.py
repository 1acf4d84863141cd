"""A message is sent on once, whatever the network does: the chat page gives
every message a random key and sends the same key again when it retries.

This server remembers the reply to each (conversation, key) for two minutes
(at most 2,000 of them), in memory only: a retry, or the same request arriving
twice at once, gets the first reply again and is never sent to the bot a
second time. The window is short so that the server's memory stays flat under
load (a 15-minute window held every reply of a 10-minute soak, +27 MB); a later
retry is answered by the Rasa server's guard below, with the same replies. A send that
failed is forgotten, so its retry goes through. The Rasa server keeps the key
with the message too (addons/turn_guard.py), which covers what memory
cannot: a retry after this server restarted, or after a reply that was lost
on its way back."""
from __future__ import annotations

import asyncio
import re
import time
from collections import OrderedDict
from typing import Awaitable, Callable, Optional, Tuple

from aiohttp import web

_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def valid_key(value: object) -> Optional[str]:
    """The message key the page sent, if it is one (random, 16-64 URL-safe characters)."""
    return value if isinstance(value, str) and _KEY.fullmatch(value) else None


class Replies:
    def __init__(self, keep_seconds: float = 120.0, max_entries: int = 2000):
        self.keep_seconds, self.max_entries = keep_seconds, max_entries
        self._seen: "OrderedDict[Tuple[str, str], Tuple[float, asyncio.Future]]" = OrderedDict()

    async def once(self, sender: str, key: str, send: Callable[[], Awaitable[dict]]) -> dict:
        """The reply to this message: sent on by the first request with this
        key; every other request with it waits for that one's reply."""
        self._forget_old(time.monotonic())
        found = self._seen.get((sender, key))
        if found is not None:
            return dict(await asyncio.shield(found[1]))
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._seen[(sender, key)] = (time.monotonic(), future)
        try:
            reply = await send()
        except BaseException as exc:
            self._seen.pop((sender, key), None)  # failed: a retry sends it again
            future.set_exception(exc)
            future.exception()  # retrieved here, whether or not another request waits
            raise
        future.set_result(reply)
        return dict(reply)

    def _forget_old(self, now: float) -> None:
        while self._seen:
            (when, future) = next(iter(self._seen.values()))
            if len(self._seen) <= self.max_entries and (now - when < self.keep_seconds or not future.done()):
                break
            self._seen.popitem(last=False)

    def __len__(self) -> int:
        return len(self._seen)


REPLIES = web.AppKey("replies", Replies)
