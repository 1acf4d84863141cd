"""Limits per visitor on the patient chat, kept in this server's memory:
new conversations per client address, and messages per conversation.

Each limit is a token bucket: a burst of `per_period` is allowed, then one
more every `period / per_period` seconds. Beyond it the chat answers with a
kind reply and HTTP 429, and nothing is sent on to the bot (web/chat.py).
Buckets that have filled up again are forgotten, so memory stays bounded by
the visitors of the last period."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Dict, Tuple

from aiohttp import web

from bot import config


@dataclass
class TokenBucket:
    per_period: int
    period: float  # seconds
    clock: Callable[[], float] = time.monotonic
    _buckets: Dict[str, Tuple[float, float]] = field(default_factory=dict)  # key -> (tokens, when)
    _next_sweep: float = 0.0

    def allow(self, key: str) -> bool:
        """Takes one token for `key`; False (and nothing taken) when none is left."""
        now = self.clock()
        self._sweep(now)
        tokens = self._tokens(key, now)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        return True

    def retry_after(self, key: str) -> int:
        """Whole seconds until `key` has a token again."""
        missing = 1 - self._tokens(key, self.clock())
        return max(1, int(missing * self.period / self.per_period + 0.999))

    def _tokens(self, key: str, now: float) -> float:
        tokens, when = self._buckets.get(key, (float(self.per_period), now))
        return min(float(self.per_period), tokens + (now - when) * self.per_period / self.period)

    def _sweep(self, now: float) -> None:
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.period
        full = [k for k in self._buckets if self._tokens(k, now) >= self.per_period]
        for k in full:
            del self._buckets[k]

    def __len__(self) -> int:
        return len(self._buckets)


@dataclass(frozen=True)
class ChatLimits:
    new_chats: TokenBucket  # per client address
    messages: TokenBucket   # per conversation

    @classmethod
    def from_site(cls) -> "ChatLimits":
        site = config.site()
        return cls(new_chats=TokenBucket(site.new_chats_per_address_per_hour, 3600.0),
                   messages=TokenBucket(site.messages_per_chat_per_minute, 60.0))


LIMITS = web.AppKey("limits", ChatLimits)
