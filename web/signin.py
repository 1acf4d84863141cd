"""Staff sign-in and sign-out (/staff/login, /staff/logout): a password from
`python -m bot staff-user add`, then a TOTP code where one is set, limited
per account and per address; the checks every staff page makes; and the
pages' language switch (/staff/language: this session, or saved with the
account)."""
from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import NoReturn, Tuple, Union

from aiohttp import web
from multidict import MultiDictProxy

from bot.staff.auth import verify_password
from web.security import client_address, del_cookie, set_cookie
from web.staff_pages import STAFF_COOKIE, StaffError, chosen_language, render_staff, request_language
from web.staff_texts import AUTONYMS, language_or_default
from web.state import in_thread, services

__all__ = ["STAFF_COOKIE", "StaffMember", "require_staff", "check_csrf", "add_routes"]
ACCOUNT_MAX_FAILURES = 5    # per account: that account waits 15 minutes
ADDRESS_MAX_FAILURES = 30   # per address: high enough for a shared hospital address
# A posted form, as request.post() reads it.
Form = MultiDictProxy[Union[str, bytes, web.FileField]]


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


def _blocked(request: web.Request, username: str) -> bool:
    account, address = _keys(request, username)
    s = services(request)
    return s.limiter.blocked(account) or s.address_limiter.blocked(address)


async def _failed(request: web.Request, username: str, why: str) -> None:
    account, address = _keys(request, username)
    s = services(request)
    s.limiter.failed(account)
    s.address_limiter.failed(address)
    await in_thread(s.store.audit, f"web:{username or '?'}", why)
    # Slow down guessing: each failure on this account waits a little longer (at most 2 s).
    await asyncio.sleep(min(2.0, 0.2 * s.limiter.count(account)))


def _form_language(form: Form) -> str:
    """The language chosen on the sign-in page, carried by its forms ("" for none)."""
    value = str(form.get("lang", ""))
    return value if value in AUTONYMS else ""


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


def _login(request: web.Request, chosen: str, error: str = "", http_status: int = 200, step: str = "password",
           pending: str = "") -> web.Response:
    language = chosen or request_language(request)
    return render_staff(request, "staff_login.html", http_status=http_status, language=language,
                        error=error, step=step, pending=pending, chosen=chosen)


async def login_page(request: web.Request) -> web.Response:
    return _login(request, chosen_language(request))


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    chosen = _form_language(form)
    username, password = str(form.get("username", ""))[:64], str(form.get("password", ""))[:256]
    if _blocked(request, username):
        return _login(request, chosen, "too_many", 429)
    s = services(request)
    stored = await in_thread(s.store.staff_password_hash, username)
    if stored is None or not await in_thread(verify_password, password, stored):
        await _failed(request, username, "staff_login_failed")
        return _login(request, chosen, "bad_login", 401)
    if await in_thread(s.store.staff_totp_secret, username):
        return _login(request, chosen, step="code", pending=s.pending.start(username))
    await _signed_in(request, username, chosen)


async def login_code(request: web.Request) -> web.Response:
    form = await request.post()
    chosen = _form_language(form)
    s = services(request)
    token = str(form.get("pending", ""))
    username = s.pending.user(token)
    if username is None:
        return _login(request, chosen, "slow_login", 401)
    if _blocked(request, username):
        s.pending.end(token)
        return _login(request, chosen, "too_many", 429)
    secret = await in_thread(s.store.staff_totp_secret, username)
    if not secret or not s.totp.verify(username, secret, str(form.get("code", ""))[:16]):
        await _failed(request, username, "staff_code_failed")
        return _login(request, chosen, "bad_code", 401, step="code", pending=token)
    s.pending.end(token)
    await _signed_in(request, username, chosen)


async def logout(request: web.Request) -> web.Response:
    who = require_staff(request)
    check_csrf(await request.post(), who.csrf)
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
    form = await request.post()
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
