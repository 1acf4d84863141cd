"""Staff sign-in and sign-out (/staff/login, /staff/logout): a password from
`python -m bot staff-user add`, then a TOTP code where one is set; the checks
every staff page makes; and the pages' language switch (/staff/language:
this session, or saved with the account).

- The form carries its own token (also in a SameSite=Strict cookie), and a
  post from another site's page (its Origin, Sec-Fetch-Site) is refused: no
  cross-site sign-in.
- An unknown user name costs the same password hash as a known one, so the
  time of the answer does not tell which names exist.
- Failures slow down, never lock out: per user name and per address, a
  growing delay (bot/staff/auth.py Backoff); the answer says until when, and
  that a password with an authenticator code signs in now. While either
  waits, a sign-in with a password and a code is checked in full (the
  password hash and the code, against a dummy hash and secret for a name
  that does not exist or has no code), and each one that does not sign in
  counts as a failure with the same answer; only a right password spends
  the one code try per user name and address per 30-second step
  (CodeSlots), and a second try in that step is refused. So wrong passwords
  under a coordinator's name, from anywhere including her ward's shared
  address, do not keep her out when she has her code, and someone with her
  password guesses at most one code per address per step.
- Every word on the page is from web/texts/staff.<lang>.yml, in the language
  chosen on the page (its hidden `lang` field), else the session's or the
  site's."""
from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Dict, NoReturn, Optional, Tuple

from aiohttp import web

from bot.staff.auth import Backoff, dummy_hash, dummy_totp_secret, verify_password
from web.security import Form, client_address, del_cookie, read_form, same_origin, set_cookie
from web.staff_pages import STAFF_COOKIE, StaffError, chosen_language, render_staff, request_language
from web.staff_texts import AUTONYMS, language_or_default, texts
from web.state import in_thread, services

__all__ = ["STAFF_COOKIE", "StaffMember", "require_staff", "check_csrf", "add_routes", "account_backoff",
           "address_backoff"]
FORM_COOKIE = "tb_login"  # the sign-in form's token, sent back by the form itself


def account_backoff() -> Backoff:
    # Per user name (known or not): five typos are free, then 1 s, 2 s, 4 s ... at most a minute.
    return Backoff(free=5, first_delay=1.0, max_delay=60.0)


def address_backoff() -> Backoff:
    # Per address: higher, for a shared hospital address; at most 5 minutes.
    return Backoff(free=20, first_delay=1.0, max_delay=300.0)


@dataclass(frozen=True)
class StaffMember:
    username: str
    csrf: str  # this sign-in's token, which every form sends back
    language: str  # the pages' language for this session


def require_staff(request: web.Request) -> StaffMember:
    """Who is signed in; anyone else goes to the sign-in page."""
    sessions, token = services(request).sessions, request.cookies.get(STAFF_COOKIE)
    who = sessions.user(token)
    if who is None:
        raise web.HTTPFound("/staff/login")
    return StaffMember(*who, language=language_or_default(sessions.language(token)))


def check_csrf(form: Form, csrf: str) -> None:
    if not secrets.compare_digest(str(form.get("csrf", "")), csrf):
        raise StaffError(403, "csrf")


def _keys(request: web.Request, username: str) -> Tuple[str, str]:
    return f"user:{username.lower()}", f"addr:{client_address(request)}"


def _wait(request: web.Request, username: str) -> float:
    """Seconds before this user name from this address may sign in with a password alone (0: now)."""
    account, address = _keys(request, username)
    s = services(request)
    return max(s.limiter.wait(account), s.address_limiter.wait(address))


def _form_language(form: Form) -> str:
    """The language chosen on the sign-in page, carried by its forms ("" for none)."""
    value = str(form.get("lang", ""))
    return value if value in AUTONYMS else ""


def _login(request: web.Request, chosen: str, error: str = "", http_status: int = 200, step: str = "password",
           pending: str = "", wait: int = 0, code_field: bool = False) -> web.Response:
    """The sign-in page in its language, with this browser's form token (a new
    one if it has none); `wait`: the seconds the error (texts `errors`) names."""
    language = chosen or request_language(request)
    token = request.cookies.get(FORM_COOKIE, "")
    if not (30 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()):
        token = secrets.token_urlsafe(32)
    response = render_staff(request, "staff_login.html", http_status=http_status, language=language,
                            error=error, error_values=_wait_words(language, wait), step=step, pending=pending,
                            chosen=chosen, csrf=token, code_field=code_field)
    set_cookie(response, FORM_COOKIE, token, "/staff")
    return response


def _wait_words(language: str, wait: int) -> Dict[str, str]:
    """Until when, in the site's time zone, and how long, in the page's words."""
    if not wait:
        return {}
    t = texts(language)
    return {"at": t.clock(datetime.now(timezone.utc) + timedelta(seconds=wait)), "seconds": t.seconds(wait)}


def _cross_site(request: web.Request, form: Form) -> bool:
    """True for a post that is not from this browser's own sign-in page."""
    token = request.cookies.get(FORM_COOKIE, "")
    return not (same_origin(request) and token and secrets.compare_digest(str(form.get("csrf", "")), token))


def _too_many(request: web.Request, chosen: str, wait: float) -> web.Response:
    """429 with when to try again, and the code field: a password with a code may sign in now."""
    seconds = max(1, math.ceil(wait))
    response = _login(request, chosen, "wait", 429, wait=seconds, code_field=True)
    response.headers["Retry-After"] = str(seconds)
    return response


async def _failed(request: web.Request, username: str, why: str) -> None:
    account, address = _keys(request, username)
    s = services(request)
    s.limiter.failed(account)
    s.address_limiter.failed(address)
    await in_thread(s.store.audit, f"web:{username or '?'}", why)


async def _signed_in(request: web.Request, username: str, chosen: str) -> NoReturn:
    """A choice made on the sign-in page wins for this session, then the account's, then the site's."""
    account, _ = _keys(request, username)
    s = services(request)
    s.limiter.succeeded(account)
    await in_thread(s.store.staff_logged_in, username)
    await in_thread(s.store.audit, f"web:{username}", "staff_login")
    language = chosen or language_or_default(await in_thread(s.store.staff_language, username))
    response = web.HTTPFound("/staff")
    set_cookie(response, STAFF_COOKIE, s.sessions.start(username, language=language), "/staff")
    raise response


async def _code_is_valid(request: web.Request, username: str, code: str) -> bool:
    s = services(request)
    secret = await in_thread(s.store.staff_totp_secret, username)
    return bool(secret and code and s.totp.verify(username, secret, code))


async def _password_and_code(request: web.Request, username: str, password: str,
                             code: str) -> Tuple[bool, Optional[int]]:
    """(password right, the step of the code if it is the account's), with the same work whether the name
    exists and has a code or not, and whether either is right. Nothing is spent here."""
    s = services(request)
    stored = await in_thread(s.store.staff_password_hash, username)
    secret = await in_thread(s.store.staff_totp_secret, username)
    matches = await in_thread(verify_password, password, stored or dummy_hash())
    step = s.totp.matching_step(secret or dummy_totp_secret(), code)
    return stored is not None and matches, step if secret is not None else None


async def _under_wait(request: web.Request, chosen: str, username: str, password: str, code: str) -> web.Response:
    """While the user name or the address waits, a password with a code: every such try does the whole check
    and, unless it signs in, counts as a failure and gets the same answer. Only a right password spends the
    step's one code try for the name from this address, so wrong passwords sent under her name from her own
    address do not take hers. A try without a password or a code waits, unchecked."""
    account, address = _keys(request, username)
    s = services(request)
    if password and code:
        password_ok, step = await _password_and_code(request, username, password, code)
        if not password_ok:
            why = "staff_login_failed"
        elif not s.code_slots.take(f"{account}|{address}"):
            why = "staff_code_second_try"  # answered like a wrong code: the wait tells nothing
        elif step is not None and s.totp.use(username, step):
            await _signed_in(request, username, chosen)
        else:
            why = "staff_code_failed"
        await _failed(request, username, why)
    return _too_many(request, chosen, _wait(request, username))


async def login_page(request: web.Request) -> web.Response:
    return _login(request, chosen_language(request))


async def login(request: web.Request) -> web.Response:
    form = await read_form(request)
    chosen = _form_language(form)
    if _cross_site(request, form):
        return _login(request, chosen, "form_refused", 403)
    username, password = str(form.get("username", ""))[:64], str(form.get("password", ""))[:256]
    code = str(form.get("code", ""))[:16].strip()
    if _wait(request, username):
        return await _under_wait(request, chosen, username, password, code)
    s = services(request)
    stored = await in_thread(s.store.staff_password_hash, username)
    # The same hash runs for a name that does not exist: the answer's time tells nothing.
    matches = await in_thread(verify_password, password, stored or dummy_hash())
    if stored is None or not matches:
        await _failed(request, username, "staff_login_failed")
        return _login(request, chosen, "bad_login", 401)
    if await in_thread(s.store.staff_totp_secret, username) is not None:
        return _login(request, chosen, step="code", pending=s.pending.start(username))
    await _signed_in(request, username, chosen)


async def login_code(request: web.Request) -> web.Response:
    form = await read_form(request)
    chosen = _form_language(form)
    if not same_origin(request):  # the pending token, known only to this browser, is the form's token here
        return _login(request, chosen, "form_refused", 403)
    s = services(request)
    token = str(form.get("pending", ""))
    username = s.pending.user(token)
    if username is None:
        return _login(request, chosen, "slow_login", 401)
    _, address = _keys(request, username)
    if s.address_limiter.wait(address):
        s.pending.end(token)
        return _too_many(request, chosen, s.address_limiter.wait(address))
    if not await _code_is_valid(request, username, str(form.get("code", ""))[:16]):
        await _failed(request, username, "staff_code_failed")
        if s.pending.missed(token):
            return _login(request, chosen, "code_tries", 401)
        return _login(request, chosen, "bad_code", 401, step="code", pending=token)
    s.pending.end(token)
    await _signed_in(request, username, chosen)


async def logout(request: web.Request) -> web.Response:
    who = require_staff(request)
    check_csrf(await read_form(request), who.csrf)
    services(request).sessions.end(request.cookies.get(STAFF_COOKIE))
    response = web.HTTPFound("/staff/login")
    del_cookie(response, STAFF_COOKIE, "/staff")
    raise response


def _back_to(value: str) -> str:
    """Where the switch was pressed: a staff path on this site, never elsewhere."""
    ok = value.startswith("/staff") and not value.startswith("/staff/language") and "//" not in value \
        and "\\" not in value and not any(c in value for c in "\r\n")
    return value if ok else "/staff"


async def set_language(request: web.Request) -> web.Response:
    """The switch on every page: this session's language, and the account's when asked."""
    who = require_staff(request)
    form = await read_form(request)
    check_csrf(form, who.csrf)
    language = str(form.get("language", ""))
    if language not in AUTONYMS:
        raise StaffError(400, "bad_language")
    s = services(request)
    s.sessions.set_language(request.cookies.get(STAFF_COOKIE), language)
    if form.get("remember"):
        await in_thread(s.store.set_staff_language, who.username, language, f"web:{who.username}")
    raise web.HTTPFound(_back_to(str(form.get("next", ""))))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/staff/login", login_page)
    app.router.add_post("/staff/login", login)
    app.router.add_post("/staff/login/code", login_code)
    app.router.add_post("/staff/logout", logout)
    app.router.add_post("/staff/language", set_language)
