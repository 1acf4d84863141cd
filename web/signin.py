"""Staff sign-in and sign-out (/staff/login, /staff/logout): a password from
`python -m bot staff-user add`, then a TOTP code where one is set; and the
checks every staff page makes.

- The form carries its own token (also in a SameSite=Strict cookie), and a
  post from another site's page (its Origin, Sec-Fetch-Site) is refused: no
  cross-site sign-in.
- An unknown user name costs the same password hash as a known one, so the
  time of the answer does not tell which names exist.
- Failures slow down, never lock out: per user name and per address, a
  growing delay (bot/staff/auth.py Backoff); the answer says until when. A
  valid TOTP code passes the user name's delay (not the address's), so an
  attacker elsewhere cannot keep a coordinator out."""
from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import NoReturn, Optional, Tuple

from aiohttp import web

from bot import config
from bot.staff.auth import Backoff, dummy_hash, verify_password
from web.pages import render
from web.security import Form, client_address, del_cookie, read_form, same_origin, set_cookie
from web.state import in_thread, services

STAFF_COOKIE = "tb_staff"
FORM_COOKIE = "tb_login"  # the sign-in form's token, sent back by the form itself


def account_backoff() -> Backoff:
    # Per user name (known or not): five typos are free, then 1 s, 2 s, 4 s ... at most a minute.
    return Backoff(free=5, first_delay=1.0, max_delay=60.0)


def address_backoff() -> Backoff:
    # Per address: higher, for a shared hospital address; at most 5 minutes.
    return Backoff(free=20, first_delay=1.0, max_delay=300.0)


NO_MATCH = "That user name and password do not match."
FORM_REFUSED = ("This sign-in form has expired or was sent from another site. Please open the sign-in page again "
                "and sign in there.\n로그인 양식이 만료되었거나 다른 사이트에서 보낸 것이에요. 로그인 페이지를 다시 "
                "열어서 로그인해 주세요.")
# The wait, in English then Korean; {code} says that an authenticator code passes it (the user name's wait only).
WAIT = ("Too many failed sign-ins. Please try again after {at} (in {seconds} {unit}).{code_en}\n"
        "로그인 실패가 너무 많았어요. {at} 이후에({seconds}초 뒤) 다시 시도해 주세요.{code_ko}")
CODE_PASSES = (" If your account uses an authenticator app, you can sign in now with your password and its "
               "6-digit code.",
               " 인증 앱을 쓰는 계정이면 비밀번호와 6자리 코드로 지금 바로 로그인할 수 있어요.")


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


def _form_page(request: web.Request, http_status: int = 200, error: Optional[str] = None,
               step: str = "password", pending: str = "", code_field: bool = False) -> web.Response:
    """The sign-in page with this browser's form token (a new one if it has none)."""
    token = request.cookies.get(FORM_COOKIE, "")
    if not (30 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()):
        token = secrets.token_urlsafe(32)
    response = render("staff_login.html", http_status=http_status, error=error, step=step, pending=pending,
                      csrf=token, code_field=code_field)
    set_cookie(response, FORM_COOKIE, token, "/staff")
    return response


def _cross_site(request: web.Request, form: Form) -> bool:
    """True for a post that is not from this browser's own sign-in page."""
    token = request.cookies.get(FORM_COOKIE, "")
    return not (same_origin(request) and token and secrets.compare_digest(str(form.get("csrf", "")), token))


def _too_many(request: web.Request, wait: float, code_passes: bool) -> web.Response:
    seconds = max(1, math.ceil(wait))
    at = datetime.fromtimestamp(datetime.now(timezone.utc).timestamp() + seconds, config.site().tz())
    code_en, code_ko = CODE_PASSES if code_passes else ("", "")
    error = WAIT.format(at=at.strftime("%H:%M:%S"), seconds=seconds, unit="second" if seconds == 1 else "seconds",
                        code_en=code_en, code_ko=code_ko)
    response = _form_page(request, 429, error, code_field=code_passes)
    response.headers["Retry-After"] = str(seconds)
    return response


async def _failed(request: web.Request, username: str, why: str) -> None:
    account, address = _keys(request, username)
    s = services(request)
    s.limiter.failed(account)
    s.address_limiter.failed(address)
    await in_thread(s.store.audit, f"web:{username or '?'}", why)


async def _signed_in(request: web.Request, username: str) -> NoReturn:
    account, _ = _keys(request, username)
    s = services(request)
    s.limiter.succeeded(account)
    await in_thread(s.store.staff_logged_in, username)
    await in_thread(s.store.audit, f"web:{username}", "staff_login")
    response = web.HTTPFound("/staff")
    set_cookie(response, STAFF_COOKIE, s.sessions.start(username), "/staff")
    raise response


async def _code_is_valid(request: web.Request, username: str, code: str) -> bool:
    s = services(request)
    secret = await in_thread(s.store.staff_totp_secret, username)
    return bool(secret and code and s.totp.verify(username, secret, code))


async def login_page(request: web.Request) -> web.Response:
    return _form_page(request)


async def login(request: web.Request) -> web.Response:
    form = await read_form(request)
    if _cross_site(request, form):
        return _form_page(request, 403, FORM_REFUSED)
    username, password = str(form.get("username", ""))[:64], str(form.get("password", ""))[:256]
    code = str(form.get("code", ""))[:16].strip()
    account, address = _keys(request, username)
    s = services(request)
    if s.address_limiter.wait(address):
        return _too_many(request, s.address_limiter.wait(address), False)
    code_given = False
    if s.limiter.wait(account):  # only a valid code passes this name's delay
        if not code or not await _code_is_valid(request, username, code):
            if code:
                s.address_limiter.failed(address)  # code guessing is limited per address
            return _too_many(request, s.limiter.wait(account), True)
        code_given = True
    stored = await in_thread(s.store.staff_password_hash, username)
    # The same hash runs for a name that does not exist: the answer's time tells nothing.
    matches = await in_thread(verify_password, password, stored or dummy_hash())
    if stored is None or not matches:
        await _failed(request, username, "staff_login_failed")
        return _form_page(request, 401, NO_MATCH)
    has_code = await in_thread(s.store.staff_totp_secret, username) is not None
    if has_code and not code_given:
        return render("staff_login.html", step="code", pending=s.pending.start(username))
    await _signed_in(request, username)


async def login_code(request: web.Request) -> web.Response:
    form = await read_form(request)
    if not same_origin(request):  # the pending token, known only to this browser, is the form's token here
        return _form_page(request, 403, FORM_REFUSED)
    s = services(request)
    token = str(form.get("pending", ""))
    username = s.pending.user(token)
    if username is None:
        return _form_page(request, 401, "The sign-in took too long. Please enter your user name and password again.")
    _, address = _keys(request, username)
    if s.address_limiter.wait(address):
        s.pending.end(token)
        return _too_many(request, s.address_limiter.wait(address), False)
    if not await _code_is_valid(request, username, str(form.get("code", ""))[:16]):
        await _failed(request, username, "staff_code_failed")
        if s.pending.missed(token):
            return _form_page(request, 401, "That code was not right three times. Please sign in again.")
        return render("staff_login.html", http_status=401, step="code", pending=token,
                      error="That code is not right. Enter the 6-digit code your authenticator app shows now.")
    s.pending.end(token)
    await _signed_in(request, username)


async def logout(request: web.Request) -> web.Response:
    who = require_staff(request)
    check_csrf(await read_form(request), who.csrf)
    services(request).sessions.end(request.cookies.get(STAFF_COOKIE))
    response = web.HTTPFound("/staff/login")
    del_cookie(response, STAFF_COOKIE, "/staff")
    raise response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/staff/login", login_page)
    app.router.add_post("/staff/login", login)
    app.router.add_post("/staff/login/code", login_code)
    app.router.add_post("/staff/logout", logout)
