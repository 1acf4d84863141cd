"""The web pages: the patient chat (/) and the staff review (/staff).

The chat talks to the Rasa server through this server, which issues every
visitor a random session id in an HttpOnly cookie: the browser never picks
its own id, and the Rasa server is not exposed to the internet. Staff pages
need a login (accounts from `python -m bot staff-user add`)."""
from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
from pathlib import Path
from typing import List, Optional

import aiohttp
import jinja2
from aiohttp import web

from bot import config, staff
from bot.auth import LoginLimiter, Sessions, verify_password
from bot.store import HANDOFF_STATUSES, Store, handoff_as_json
from bot.trial import load_trial

HERE = Path(__file__).resolve().parent
CHAT_COOKIE = "tb_session"
STAFF_COOKIE = "tb_staff"
MAX_MESSAGE = 2000
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")

templates = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)


def render(name: str, http_status: int = 200, **context) -> web.Response:
    return web.Response(text=templates.get_template(name).render(**context), status=http_status,
                        content_type="text/html", charset="utf-8")


@web.middleware
async def security_headers(request: web.Request, handler):
    response = await handler(request)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    if request.path.startswith("/staff") or request.path.startswith("/api"):
        response.headers["Cache-Control"] = "no-store"
    return response


def rasa_urls() -> List[str]:
    """The Rasa servers: TRIALBOT_RASA_URLS (comma-separated) when scaled out,
    else TRIALBOT_RASA_URL, else localhost on TRIALBOT_RASA_PORT."""
    many = [u.strip().rstrip("/") for u in os.environ.get("TRIALBOT_RASA_URLS", "").split(",") if u.strip()]
    return many or [os.environ.get("TRIALBOT_RASA_URL")
                    or f"http://127.0.0.1:{os.environ.get('TRIALBOT_RASA_PORT', '5005')}"]


def rasa_url(sender: Optional[str] = None) -> str:
    """The Rasa server for a conversation: a stable hash of the sender id picks
    one of several, so each conversation stays on one server while it is up.
    Any server can serve any conversation (they share the tracker store, and
    Redis's lock store keeps one conversation's messages in order)."""
    return rasa_url_order(sender)[0]


def rasa_url_order(sender: Optional[str] = None) -> List[str]:
    """The servers to try for a conversation: its own first, then the rest."""
    urls = rasa_urls()
    if len(urls) == 1 or not sender:
        return urls
    first = int.from_bytes(hashlib.sha256(sender.encode("utf-8")).digest()[:8], "big") % len(urls)
    return urls[first:] + urls[:first]


# ---------------------------------------------------------------- patient chat

class RasaUnreachable(Exception):
    pass


async def _rasa(request: web.Request, method: str, path: str, timeout: float, sender: Optional[str] = None,
                **kwargs):
    """One call to the conversation's Rasa server; any failure is 'cannot be
    reached'. A server that refuses the connection (down) never got the
    message, so the next one is tried."""
    for url in rasa_url_order(sender):
        try:
            async with request.app["http"].request(method, f"{url}{path}",
                                                   timeout=aiohttp.ClientTimeout(total=timeout), **kwargs) as r:
                if r.status != 200:
                    raise RasaUnreachable(f"status {r.status}")
                return await r.json()
        except aiohttp.ClientConnectorError as exc:
            error = exc
        except (aiohttp.ClientError, OSError, TimeoutError, asyncio.TimeoutError) as exc:  # 3.10: two kinds
            raise RasaUnreachable(str(exc)) from None
    raise RasaUnreachable(str(error))


UNREACHABLE = {"error": "the assistant cannot be reached"}

def _sender(request: web.Request) -> Optional[str]:
    value = request.cookies.get(CHAT_COOKIE, "")
    return value if 20 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum() else None


def _with_session(request: web.Request, response: web.StreamResponse, sender: str) -> web.StreamResponse:
    if request.cookies.get(CHAT_COOKIE) != sender:
        response.set_cookie(CHAT_COOKIE, sender, max_age=30 * 24 * 3600, httponly=True, samesite="Strict", path="/")
    return response


async def patient_page(request: web.Request) -> web.Response:
    return render("patient.html", trial=load_trial())


async def chat(request: web.Request) -> web.Response:
    try:
        body = await request.json()
    except Exception:
        return web.json_response({"error": "bad request"}, status=400)
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message.strip():
        return web.json_response({"error": "empty message"}, status=400)
    sender = _sender(request) or secrets.token_urlsafe(24)
    try:
        replies = await _rasa(request, "POST", "/webhooks/rest/webhook", 60, sender,
                              json={"sender": sender, "message": message[:MAX_MESSAGE]})
    except RasaUnreachable:
        return web.json_response(UNREACHABLE, status=503)
    messages = [{"text": m.get("text", ""), "buttons": [{"title": b.get("title", ""), "payload": b.get("payload", "")}
                                                        for b in m.get("buttons") or []]} for m in replies]
    return _with_session(request, web.json_response({"messages": messages}), sender)


async def history(request: web.Request) -> web.Response:
    sender = _sender(request)
    if sender is None:
        return web.json_response({"messages": []})
    try:
        tracker = await _rasa(request, "GET", f"/conversations/{sender}/tracker", 30, sender,
                              params={"token": os.environ.get("TRIALBOT_API_TOKEN", "")})
    except RasaUnreachable:
        return web.json_response(UNREACHABLE, status=503)
    shown, offered = [], {}
    for e in tracker.get("events") or []:
        if e.get("event") == "user" and e.get("text"):
            # A clicked button is shown by its title, as it was when clicked.
            shown.append({"from": "user", "text": offered.get(e["text"], e["text"])})
            offered = {}
        elif e.get("event") == "bot" and (e.get("text") or (e.get("data") or {}).get("buttons")):
            offered.update({b.get("payload", ""): b.get("title", "") for b in (e.get("data") or {}).get("buttons") or []})
            shown.append({"from": "bot", "text": e.get("text") or "",
                          "buttons": [{"title": b.get("title", ""), "payload": b.get("payload", "")}
                                      for b in (e.get("data") or {}).get("buttons") or []]})
    return web.json_response({"messages": shown})


# ---------------------------------------------------------------- staff

def _staff(request: web.Request):
    return request.app["sessions"].user(request.cookies.get(STAFF_COOKIE))


def _require_staff(request: web.Request):
    who = _staff(request)
    if who is None:
        raise web.HTTPFound("/staff/login")
    return who


def _check_csrf(request: web.Request, form, csrf: str) -> None:
    if not secrets.compare_digest(str(form.get("csrf", "")), csrf):
        raise web.HTTPForbidden(text="Your session changed; please reload the page.")


async def login_page(request: web.Request) -> web.Response:
    return render("staff_login.html", error=None)


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    username, password = str(form.get("username", ""))[:64], str(form.get("password", ""))[:256]
    limiter: LoginLimiter = request.app["limiter"]
    keys = (f"user:{username.lower()}", f"addr:{request.remote}")
    if limiter.blocked(*keys):
        return render("staff_login.html", http_status=429, error="Too many failed attempts. Please wait 15 minutes.")
    store: Store = request.app["store"]
    stored = store.staff_password_hash(username)
    if stored is None or not verify_password(password, stored):
        limiter.failed(*keys)
        store.audit(f"web:{username or '?'}", "staff_login_failed")
        return render("staff_login.html", http_status=401, error="That user name and password do not match.")
    limiter.succeeded(*keys)
    store.staff_logged_in(username)
    store.audit(f"web:{username}", "staff_login")
    response = web.HTTPFound("/staff")
    response.set_cookie(STAFF_COOKIE, request.app["sessions"].start(username), httponly=True, samesite="Strict",
                        path="/staff")
    raise response


async def logout(request: web.Request) -> web.Response:
    who = _require_staff(request)
    _check_csrf(request, await request.post(), who[1])
    request.app["sessions"].end(request.cookies.get(STAFF_COOKIE))
    response = web.HTTPFound("/staff/login")
    response.del_cookie(STAFF_COOKIE, path="/staff")
    raise response


async def staff_list(request: web.Request) -> web.Response:
    username, csrf = _require_staff(request)
    status = request.query.get("status") or None
    if status not in (None, *HANDOFF_STATUSES):
        status = None
    store: Store = request.app["store"]
    funnel = store.funnel()
    peak = max([1] + [row["started"] for row in funnel])
    return render("staff_list.html", user=username, csrf=csrf, handoffs=store.handoffs(status), status=status,
                  statuses=HANDOFF_STATUSES, funnel=funnel, peak=peak, counts=store.counts())


async def staff_handoff(request: web.Request) -> web.Response:
    username, csrf = _require_staff(request)
    store: Store = request.app["store"]
    h = store.handoff(request.match_info["ref"])
    if h is None:
        raise web.HTTPNotFound(text="No such handoff.")
    store.audit(f"web:{username}", "handoff_viewed", h.reference)
    trial = load_trial(h.screening.trial_id)
    labels = {q.id: q.label for q in trial.profile + trial.criteria}
    return render("staff_handoff.html", user=username, csrf=csrf, h=h, labels=labels,
                  transcript=store.transcript(h.screening.sender_id), statuses=HANDOFF_STATUSES)


async def staff_status(request: web.Request) -> web.Response:
    username, csrf = _require_staff(request)
    form = await request.post()
    _check_csrf(request, form, csrf)
    ref = request.match_info["ref"]
    try:
        request.app["store"].set_status(ref, str(form.get("status", "")), str(form.get("note", ""))[:2000],
                                        f"web:{username}")
    except (ValueError, LookupError) as exc:
        raise web.HTTPBadRequest(text=str(exc))
    raise web.HTTPFound(f"/staff/handoffs/{ref}")


async def staff_export(request: web.Request) -> web.Response:
    username, _ = _require_staff(request)
    fmt = request.query.get("format", "csv")
    if fmt not in ("csv", "json"):
        raise web.HTTPBadRequest(text="format must be csv or json")
    store: Store = request.app["store"]
    rows = [handoff_as_json(h) for h in store.handoffs()]
    body = staff.render_export(rows, fmt)
    store.audit(f"web:{username}", "handoffs_exported", detail=f"{len(rows)} handoffs as {fmt} (download)")
    return web.Response(body=body.encode("utf-8"), content_type="text/csv" if fmt == "csv" else "application/json",
                        headers={"Content-Disposition": f'attachment; filename="handoffs.{fmt}"'})


# ---------------------------------------------------------------- app

async def _client(app: web.Application):
    app["http"] = aiohttp.ClientSession()
    yield
    await app["http"].close()


def create_app(store: Optional[Store] = None) -> web.Application:
    app = web.Application(middlewares=[security_headers], client_max_size=64 * 1024)
    app["store"] = store or Store()
    app["sessions"] = Sessions()
    app["limiter"] = LoginLimiter()
    app.cleanup_ctx.append(_client)
    app.router.add_get("/", patient_page)
    app.router.add_post("/api/chat", chat)
    app.router.add_get("/api/history", history)
    app.router.add_get("/staff/login", login_page)
    app.router.add_post("/staff/login", login)
    app.router.add_post("/staff/logout", logout)
    app.router.add_get("/staff", staff_list)
    app.router.add_get("/staff/handoffs/{ref}", staff_handoff)
    app.router.add_post("/staff/handoffs/{ref}/status", staff_status)
    app.router.add_get("/staff/export", staff_export)
    app.router.add_static("/static", HERE / "static")
    return app


def main() -> None:
    port = int(os.environ.get("TRIALBOT_WEB_PORT", "8000"))
    config.data_dir().mkdir(parents=True, exist_ok=True)
    web.run_app(create_app(), host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    main()
