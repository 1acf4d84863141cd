"""Staff sign-in: scrypt password hashes, expiring sessions, and a limit on
failed logins. Kept in memory per web-server process: a restart signs
everyone out, which is the safe direction."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

_N, _R, _P = 2 ** 14, 8, 1


def hash_password(password: str) -> str:
    if len(password) < 10:
        raise ValueError("a staff password needs at least 10 characters")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "scrypt${}${}${}${}${}".format(_N, _R, _P, base64.b64encode(salt).decode(), base64.b64encode(digest).decode())


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=32)
        return hmac.compare_digest(got, base64.b64decode(digest))
    except (ValueError, TypeError):
        return False


@dataclass
class LoginLimiter:
    """At most `max_failures` failed logins per key (user name, address)
    within `window` seconds; then that key waits until the window passes."""
    max_failures: int = 5
    window: float = 15 * 60
    _failures: Dict[str, List[float]] = field(default_factory=dict)

    def _recent(self, key: str, now: float) -> List[float]:
        times = [t for t in self._failures.get(key, []) if now - t < self.window]
        self._failures[key] = times
        return times

    def blocked(self, *keys: str, now: Optional[float] = None) -> bool:
        now = time.time() if now is None else now
        return any(len(self._recent(k, now)) >= self.max_failures for k in keys)

    def failed(self, *keys: str, now: Optional[float] = None) -> None:
        now = time.time() if now is None else now
        for k in keys:
            self._recent(k, now).append(now)

    def succeeded(self, *keys: str) -> None:
        for k in keys:
            self._failures.pop(k, None)


@dataclass
class Sessions:
    """Random session tokens that expire after `idle` seconds without use
    and `absolute` seconds after sign-in, each with its CSRF token."""
    idle: float = 30 * 60
    absolute: float = 8 * 3600
    _live: Dict[str, Tuple[str, float, float, str]] = field(default_factory=dict)

    def start(self, username: str, now: Optional[float] = None) -> str:
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(32)
        self._live[token] = (username, now, now, secrets.token_urlsafe(24))
        return token

    def user(self, token: Optional[str], now: Optional[float] = None) -> Optional[Tuple[str, str]]:
        """(user name, CSRF token) for a live session, refreshing its idle time."""
        now = time.time() if now is None else now
        entry = self._live.get(token or "")
        if entry is None:
            return None
        username, started, last, csrf = entry
        if now - last > self.idle or now - started > self.absolute:
            self._live.pop(token, None)
            return None
        self._live[token] = (username, started, now, csrf)
        return username, csrf

    def end(self, token: Optional[str]) -> None:
        self._live.pop(token or "", None)
