"""Staff sign-in and sign-out (/staff/login, /staff/logout): a password from
`python -m bot staff-user add`, then a TOTP code where one is set, limited
per account and per address; and the checks every staff page makes."""
from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import NoReturn, Tuple, Union

from aiohttp import web
from multidict import MultiDictProxy

from bot.staff.auth import verify_password
from web.pages import render
from web.security import client_address, del_cookie, set_cookie
from web.state import in_thread, services

STAFF_COOKIE = "tb_staff"
ACCOUNT_MAX_FAILURES = 5    # per account: that account waits 15 minutes
ADDRESS_MAX_FAILURES = 30   # per address: high enough for a shared hospital address
# A posted form, as request.post() reads it.
Form = MultiDictProxy[Union[str, bytes, web.FileField]]
TOO_MANY = "Too many failed attempts for this account or from this address. Please wait 15 minutes."


@dataclass(frozen=True)
class StaffMember:
    username: str
    csrf: str  # this sign-in's token, which every form sends back


def require_staff(request: web.Request) -> StaffMember:
    """Who is signed in; anyone else goes to the sign-in page."""
    who = services(request).sessions.user(request.cookies.get(STAFF_COOKIE))
    if who is None:
        raise web.HTTPFound("/staff/login")
    return StaffMember(*who)


def check_csrf(form: Form, csrf: str) -> None:
    if not secrets.compare_digest(str(form.get("csrf", "")), csrf):
        raise web.HTTPForbidden(text="Your session changed; please reload the page.")


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


async def _signed_in(request: web.Request, username: str) -> NoReturn:
    account, _ = _keys(request, username)
    s = services(request)
    s.limiter.succeeded(account)
    await in_thread(s.store.staff_logged_in, username)
    await in_thread(s.store.audit, f"web:{username}", "staff_login")
    response = web.HTTPFound("/staff")
    set_cookie(response, STAFF_COOKIE, s.sessions.start(username), "/staff")
    raise response


async def login_page(request: web.Request) -> web.Response:
    return render("staff_login.html", error=None, step="password")


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    username, password = str(form.get("username", ""))[:64], str(form.get("password", ""))[:256]
    if _blocked(request, username):
        return render("staff_login.html", http_status=429, error=TOO_MANY, step="password")
    s = services(request)
    stored = await in_thread(s.store.staff_password_hash, username)
    if stored is None or not await in_thread(verify_password, password, stored):
        await _failed(request, username, "staff_login_failed")
        return render("staff_login.html", http_status=401, error="That user name and password do not match.",
                      step="password")
    if await in_thread(s.store.staff_totp_secret, username):
        token = s.pending.start(username)
        return render("staff_login.html", error=None, step="code", pending=token)
    await _signed_in(request, username)


async def login_code(request: web.Request) -> web.Response:
    form = await request.post()
    s = services(request)
    token = str(form.get("pending", ""))
    username = s.pending.user(token)
    if username is None:
        return render("staff_login.html", http_status=401, step="password",
                      error="The sign-in took too long. Please enter your user name and password again.")
    if _blocked(request, username):
        s.pending.end(token)
        return render("staff_login.html", http_status=429, error=TOO_MANY, step="password")
    secret = await in_thread(s.store.staff_totp_secret, username)
    if not secret or not s.totp.verify(username, secret, str(form.get("code", ""))[:16]):
        await _failed(request, username, "staff_code_failed")
        return render("staff_login.html", http_status=401, step="code", pending=token,
                      error="That code is not right. Enter the 6-digit code your authenticator app shows now.")
    s.pending.end(token)
    await _signed_in(request, username)


async def logout(request: web.Request) -> web.Response:
    who = require_staff(request)
    check_csrf(await request.post(), who.csrf)
    services(request).sessions.end(request.cookies.get(STAFF_COOKIE))
    response = web.HTTPFound("/staff/login")
    del_cookie(response, STAFF_COOKIE, "/staff")
    raise response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/staff/login", login_page)
    app.router.add_post("/staff/login", login)
    app.router.add_post("/staff/login/code", login_code)
    app.router.add_post("/staff/logout", logout)
