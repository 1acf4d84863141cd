"""Staff sign-in: scrypt password hashes, a password policy (length and
zxcvbn strength), an optional TOTP second factor, expiring sessions, a
growing delay after failed sign-ins per account and per address (never a
lockout), and while one waits, one authenticator-code try per user name and
address per 30-second TOTP step, spent only by a right password
(CodeSlots). Sessions, delays and code slots are kept in memory by the one
web-server process: a restart signs everyone out, which is the safe
direction."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, Optional, Set, Tuple

_N, _R, _P = 2 ** 14, 8, 1
TOTP_STEP = 30  # seconds: each authenticator code's time step (RFC 6238's default, which the apps use)
MIN_PASSWORD_LENGTH = 10
MIN_PASSWORD_SCORE = 3  # zxcvbn: 3 = "safely unguessable: moderate protection from offline attacks"


class WeakPassword(ValueError):
    """A password the policy refuses; the message says why and what to do."""


def _site_words():
    """The site's own names, which make weak passwords."""
    from bot import config

    site = config.site()
    return [w.lower() for w in (site.institution_short, site.study_id) if w]


def check_password(password: str, username: str = "") -> None:
    """Refuses short, common and trivial passwords (zxcvbn score below 3)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"a staff password needs at least {MIN_PASSWORD_LENGTH} characters")
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:100], user_inputs=[username, "trialbot", *_site_words()])
    if result["score"] < MIN_PASSWORD_SCORE:
        feedback = result.get("feedback") or {}
        why = (feedback.get("warning") or "").rstrip(".")
        raise WeakPassword("that password is too easy to guess" + (f" ({why})" if why else "") +
                           ". Use a longer passphrase of several unrelated words.")


def hash_password(password: str, username: str = "", check: bool = True) -> str:
    if check:
        check_password(password, username)
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    encoded = (base64.b64encode(salt).decode(), base64.b64encode(digest).decode())
    return "scrypt${}${}${}${}${}".format(_N, _R, _P, *encoded)


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A hash of a random password, checked for user names that do not
    exist, so that a sign-in takes as long whether the name exists or not."""
    return hash_password(secrets.token_urlsafe(16), check=False)


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
class Backoff:
    """Failed sign-ins per key (a user name, an address): the first `free`
    failures cost nothing; from then on each failure makes the next attempt
    wait twice as long (first_delay, 2x, 4x ...) but never longer than
    `max_delay`, so an attacker is slowed and nobody is locked out. A success
    clears the key; failures are forgotten after `forget` quiet seconds."""
    free: int = 5
    first_delay: float = 1.0
    max_delay: float = 60.0
    forget: float = 15 * 60
    max_keys: int = 100_000  # made-up user names must not fill the memory
    _state: Dict[str, Tuple[int, float]] = field(default_factory=dict)  # key -> (failures, last failure)

    def _delay(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return min(self.max_delay, self.first_delay * 2 ** min(failures - self.free, 32))

    def _live(self, key: str, now: float) -> Tuple[int, float]:
        failures, last = self._state.get(key, (0, 0.0))
        if failures and now - last > self.forget:
            self._state.pop(key, None)
            return 0, 0.0
        return failures, last

    def wait(self, key: str, now: Optional[float] = None) -> float:
        """Seconds before `key` may try again (0: now)."""
        now = time.time() if now is None else now
        failures, last = self._live(key, now)
        return max(0.0, last + self._delay(failures) - now) if failures else 0.0

    def failed(self, key: str, now: Optional[float] = None) -> None:
        now = time.time() if now is None else now
        failures, _ = self._live(key, now)
        if key not in self._state and len(self._state) >= self.max_keys:
            self._state = {k: v for k, v in self._state.items() if now - v[1] <= self.forget}
        self._state[key] = (failures + 1, now)

    def succeeded(self, key: str) -> None:
        self._state.pop(key, None)


@dataclass
class Sessions:
    """Random session tokens that expire after `idle` seconds without use
    and `absolute` seconds after sign-in, each with its CSRF token."""
    idle: float = 30 * 60
    absolute: float = 8 * 3600
    _live: Dict[str, Tuple[str, float, float, str]] = field(default_factory=dict)
    _languages: Dict[str, str] = field(default_factory=dict)  # the pages' language chosen for a session

    def start(self, username: str, now: Optional[float] = None, language: str = "") -> str:
        now = time.time() if now is None else now
        token = secrets.token_urlsafe(32)
        self._live[token] = (username, now, now, secrets.token_urlsafe(24))
        if language:
            self._languages[token] = language
        return token

    def language(self, token: Optional[str]) -> str:
        """The staff pages' language for this session ("" until one is chosen)."""
        return self._languages.get(token or "", "") if token in self._live else ""

    def set_language(self, token: Optional[str], language: str) -> None:
        if token and token in self._live:
            self._languages[token] = language

    def user(self, token: Optional[str], now: Optional[float] = None) -> Optional[Tuple[str, str]]:
        """(user name, CSRF token) for a live session, refreshing its idle time."""
        now = time.time() if now is None else now
        entry = self._live.get(token) if token else None
        if token is None or entry is None:
            return None
        username, started, last, csrf = entry
        if now - last > self.idle or now - started > self.absolute:
            self.end(token)
            return None
        self._live[token] = (username, started, now, csrf)
        return username, csrf

    def end(self, token: Optional[str]) -> None:
        self._live.pop(token or "", None)
        self._languages.pop(token or "", None)


# ---------------------------------------------------------------- second factor (TOTP)

def new_totp_secret() -> str:
    import pyotp

    return pyotp.random_base32()


def totp_uri(secret: str, username: str, issuer: str = "Study team") -> str:
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


@lru_cache(maxsize=1)
def dummy_totp_secret() -> str:
    """A secret nobody holds, checked for names without one (or that do not
    exist), so that a code takes as long to check either way."""
    return new_totp_secret()


@dataclass
class CodeSlots:
    """While sign-ins wait: one code try per key (a user name and an address)
    per TOTP step, spent only by a try whose password is right (the caller
    takes the slot after the password check). Guessing codes with a known
    password from one address is then one try per 30 seconds per name, and
    wrong passwords sent under a colleague's name from her own address, however
    many, leave her slot to her. Slots of past steps are dropped when a new
    step begins."""
    _step: int = -1
    _taken: Set[str] = field(default_factory=set)  # keys that tried in `_step`

    def take(self, key: str, now: Optional[float] = None) -> bool:
        """True (and the slot is used) if `key` has not tried in this step."""
        step = int((time.time() if now is None else now) // TOTP_STEP)
        if step > self._step:
            self._step, self._taken = step, set()
        if key in self._taken or step < self._step:  # a clock set back gets no fresh slots
            return False
        self._taken.add(key)
        return True

    def __len__(self) -> int:
        return len(self._taken)


@dataclass
class TotpGuard:
    """Checks a 6-digit code (one 30-second step of clock drift allowed) and
    refuses a code already used by that account."""
    _last_step: Dict[str, int] = field(default_factory=dict)

    @staticmethod
    def matching_step(secret: str, code: str, now: Optional[float] = None) -> Optional[int]:
        """The step whose code `code` is (None: none of them), spending nothing. The three codes are
        computed and compared for any input, so the check takes as long whatever was sent."""
        import pyotp

        digits = "".join(ch for ch in (code or "") if ch.isdigit())
        typed = digits if len(digits) == 6 else ""  # compare_digest of unequal lengths is False
        now = time.time() if now is None else now
        totp, here = pyotp.TOTP(secret), int(now // TOTP_STEP)
        steps = [here + drift for drift in (0, -1, 1)]
        matches = [hmac.compare_digest(totp.at(step * TOTP_STEP), typed) for step in steps]
        return next((step for step, hit in zip(steps, matches) if hit), None)

    def use(self, username: str, step: int) -> bool:
        """Spends the account's code of `step`; False if it (or a later one) was already used: a replay."""
        if step <= self._last_step.get(username, -1):
            return False
        self._last_step[username] = step
        return True

    def verify(self, username: str, secret: str, code: str, now: Optional[float] = None) -> bool:
        step = self.matching_step(secret, code, now)
        return step is not None and self.use(username, step)


@dataclass
class PendingSecondFactor:
    """Between a correct password and the code: a short-lived random token
    that allows `tries` wrong codes (then the password is asked again, and
    the account's delay applies to it)."""
    ttl: float = 5 * 60
    tries: int = 3
    _pending: Dict[str, Tuple[str, float]] = field(default_factory=dict)
    _misses: Dict[str, int] = field(default_factory=dict)

    def start(self, username: str, now: Optional[float] = None) -> str:
        now = time.time() if now is None else now
        self._pending = {k: v for k, v in self._pending.items() if now - v[1] < self.ttl}
        self._misses = {k: v for k, v in self._misses.items() if k in self._pending}
        token = secrets.token_urlsafe(32)
        self._pending[token] = (username, now)
        return token

    def user(self, token: Optional[str], now: Optional[float] = None) -> Optional[str]:
        now = time.time() if now is None else now
        entry = self._pending.get(token or "")
        if entry is None or now - entry[1] >= self.ttl:
            return None
        return entry[0]

    def missed(self, token: str) -> bool:
        """Counts a wrong code; True when this token has no tries left (it is then ended)."""
        self._misses[token] = self._misses.get(token, 0) + 1
        if self._misses[token] >= self.tries:
            self.end(token)
            return True
        return False

    def end(self, token: Optional[str]) -> None:
        self._pending.pop(token or "", None)
        self._misses.pop(token or "", None)
