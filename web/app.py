"""The web pages: the patient chat (/) and the staff review (/staff).

The chat talks to the Rasa server through this server. The server issues
every visitor a random conversation id in an HttpOnly cookie and remembers
it (as a hash) in the database: only an id it issued, that has not been
ended by the visitor ("End and clear this chat") and has not been idle
longer than the configured time, continues a conversation; any other cookie
value gets a new id. A replayed conversation never shows contact details.
Staff pages need a login (accounts from `python -m bot staff-user add`),
optionally with a TOTP code."""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import secrets
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import aiohttp
import jinja2
from aiohttp import web

from bot import config
from bot.conversation.texts import table as conversation_texts
from bot.eligibility.text import TYPED_SLASH
from bot.staff import review as staff
from bot.staff.auth import LoginLimiter, PendingSecondFactor, Sessions, TotpGuard, verify_password
from bot.records.store import HANDOFF_STATUSES, OUTCOMES, Store, handoff_as_json
from web import i18n

HERE = Path(__file__).resolve().parent
CHAT_COOKIE = "tb_session"
STAFF_COOKIE = "tb_staff"
MAX_MESSAGE = 2000
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'")
ACCOUNT_MAX_FAILURES = 5    # per account: that account waits 15 minutes
ADDRESS_MAX_FAILURES = 30   # per address: high enough for a shared hospital address
LANGUAGES = {"en": "English", "ko": "한국어"}
log = logging.getLogger("web")

templates = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)


def _local(dt: Optional[datetime], fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time in the hospital's time zone (site config time_zone)."""
    if dt is None:
        return "-"
    return dt.replace(tzinfo=timezone.utc).astimezone(config.site().tz()).strftime(fmt)


templates.filters["local"] = _local


def render(name: str, http_status: int = 200, **context) -> web.Response:
    context.setdefault("tz_name", config.site().time_zone)
    return web.Response(text=templates.get_template(name).render(**context), status=http_status,
                        content_type="text/html", charset="utf-8")


def _secure() -> bool:
    return config.behind_https_proxy()


async def _headers(request: web.Request, response: web.StreamResponse) -> None:
    """On every response, errors included: no software name or version, a
    strict CSP, and HSTS when served over HTTPS through the proxy."""
    response.headers.popall("Server", None)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if request.path == "/" or request.path.startswith("/staff") or request.path.startswith("/api"):
        response.headers["Cache-Control"] = "no-store"
    if _secure():
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"


def client_address(request: web.Request) -> str:
    """The visitor's address; behind the TLS proxy, the one the proxy saw
    (the last X-Forwarded-For entry, the only one the proxy vouches for)."""
    if _secure():
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()[:64]
    return request.remote or "?"


def _set_cookie(response: web.StreamResponse, name: str, value: str, path: str) -> None:
    # No max-age: the cookie ends with the browser; the server also ends idle sessions.
    response.set_cookie(name, value, httponly=True, samesite="Strict", path=path, secure=_secure() or None)


def _del_cookie(response: web.StreamResponse, name: str, path: str) -> None:
    response.set_cookie(name, "", max_age=0, expires="Thu, 01 Jan 1970 00:00:00 GMT", httponly=True,
                        samesite="Strict", path=path, secure=_secure() or None)


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


async def _db(request: web.Request, fn, *args, **kwargs):
    """Runs a (blocking) database call off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, lambda: fn(*args, **kwargs))


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


UNREACHABLE = {"error": "unreachable"}
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """What may be passed on: no lone surrogates (they cannot be stored or
    logged as UTF-8) and no control characters other than tab and newline."""
    return _CONTROL.sub("", _SURROGATES.sub("\ufffd", text))


async def _live_sender(request: web.Request) -> Optional[str]:
    """The conversation id from the cookie, if this server issued it and it is still live."""
    value = request.cookies.get(CHAT_COOKIE, "")
    if not (20 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum()):
        return None
    live = await _db(request, request.app["store"].chat_session_live, value, config.chat_idle_seconds())
    return value if live else None


def _json_only(request: web.Request) -> None:
    # A cross-site form cannot send application/json without a CORS preflight, which is refused.
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="JSON only")


def _language(messages: List[dict]) -> Optional[str]:
    """The language a reply switches to (`"custom": {"lang": "ko"}`), if any."""
    found = None
    for m in messages:
        custom = m.get("custom")
        if isinstance(custom, dict) and custom.get("lang") in LANGUAGES:
            found = custom["lang"]
    return found


async def patient_page(request: web.Request) -> web.Response:
    trial, site = staff.load_trial(), config.site()
    minutes = max(1, int(config.chat_idle_seconds() // 60))
    both = {lang: i18n.strings(lang, study=trial.id, minutes=minutes) for lang in LANGUAGES}
    for lang, strings in both.items():  # the trial's own summary where it has one in that language
        strings["summary"] = staff.trial_text(trial, lang, "summary", strings["summary"])
    return render("patient.html", trial=trial, title=staff.trial_text(trial, "en", "title", trial.id), site=site,
                  t=both["en"], idle_minutes=minutes,
                  strings_json=json.dumps(both, ensure_ascii=False))


async def chat(request: web.Request) -> web.Response:
    _json_only(request)
    try:
        body = await request.json()
    except Exception:
        return web.json_response({"error": "bad request"}, status=400)
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message.strip():
        return web.json_response({"error": "empty message"}, status=400)
    message = clean_text(message[:MAX_MESSAGE])
    sender = await _live_sender(request)
    fresh = sender is None
    if fresh:
        sender = await _db(request, request.app["store"].issue_chat_session)
    try:
        replies = await _rasa(request, "POST", "/webhooks/rest/webhook", 60, sender,
                              json={"sender": sender, "message": message})
    except RasaUnreachable:
        response = web.json_response(UNREACHABLE, status=503)
    else:
        messages = [{"text": m.get("text", ""), "buttons": [{"title": b.get("title", ""), "payload": b.get("payload", "")}
                                                            for b in m.get("buttons") or []]}
                    for m in replies if m.get("text") or m.get("buttons")]
        response = web.json_response({"messages": messages, "lang": _language(replies), "new": fresh})
    if fresh:
        _set_cookie(response, CHAT_COOKIE, sender, "/")
    return response


# Phone numbers (Korean and international, 9+ digits, or 8+ starting with 0 or +) and emails.
_PHONE = re.compile(r"(?<![\w.])\+?\(?\d[\d\s().\-]{6,}\d(?![\w.])")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(\.[\w\-]+)+")
MASK = "••••"
CONTACT_SLOTS = ("contact_name", "contact_details")


def _mask_patterns(text: str) -> Tuple[str, bool]:
    changed = False

    def phone(m: re.Match) -> str:
        nonlocal changed
        digits = sum(ch.isdigit() for ch in m.group(0))
        if digits >= 9 or (digits >= 8 and m.group(0).lstrip("(")[0] in "0+"):
            changed = True
            return MASK
        return m.group(0)

    text = _PHONE.sub(phone, text)
    text, n = _EMAIL.subn(MASK, text)
    return text, changed or n > 0


def mask_contact(text: str, known: List[str]) -> Tuple[str, bool]:
    """The text with phone numbers, emails and the known contact values
    (the name, phone and email given in this conversation) hidden."""
    changed = False
    for value in sorted({k.strip() for k in known if k and len(k.strip()) >= 2}, key=len, reverse=True):
        pattern = re.compile(re.escape(value), re.IGNORECASE)
        text, n = pattern.subn(MASK, text)
        changed = changed or n > 0
    text, more = _mask_patterns(text)
    return text, changed or more


def replay(events: List[dict], slots: Dict[str, object], known: List[str]) -> Tuple[List[dict], Optional[str]]:
    """The conversation as the page shows it again after a reload: contact
    details masked, a message typed in answer to a contact question hidden
    whole, and the conversation's language."""
    known = list(known)

    def remember(name: object, value: object) -> None:
        if name in CONTACT_SLOTS and value:
            known.append(str(value))
        elif name == "contact" and isinstance(value, dict):  # {"name", "phone", "email", "time", "language"}
            known.extend(str(value[k]) for k in ("name", "phone", "email") if value.get(k))

    for name, value in slots.items():
        remember(name, value)
    for e in events:
        if e.get("event") == "slot":
            remember(e.get("name"), e.get("value"))
    shown, offered, asking, lang = [], {}, None, None
    for e in events:
        kind = e.get("event")
        if kind == "slot" and e.get("name") == "requested_slot":
            asking = e.get("value")
        elif kind == "active_loop" and not e.get("name"):
            asking = None
        elif kind == "user" and e.get("text"):
            text = e["text"].replace(TYPED_SLASH, "")  # the channel's mark on typed "/" text is not shown
            # A clicked button is shown by its title, as it was when clicked.
            text = offered.get(text, text)
            if asking in CONTACT_SLOTS:
                text, masked = MASK, True
            else:
                text, masked = mask_contact(text, known)
            shown.append({"from": "user", "text": text, "masked": masked})
            offered = {}
        elif kind == "bot":
            data = e.get("data") or {}
            custom = data.get("custom") if isinstance(data.get("custom"), dict) else {}
            if custom.get("lang") in LANGUAGES:
                lang = custom["lang"]
            buttons = data.get("buttons") or []
            if not (e.get("text") or buttons):
                continue
            offered.update({b.get("payload", ""): b.get("title", "") for b in buttons})
            text, masked = mask_contact(e.get("text") or "", known)
            shown.append({"from": "bot", "text": text, "masked": masked,
                          "buttons": [{"title": b.get("title", ""), "payload": b.get("payload", "")} for b in buttons]})
    return shown, lang


async def history(request: web.Request) -> web.Response:
    sender = await _live_sender(request)
    if sender is None:
        response = web.json_response({"messages": [], "ended": bool(request.cookies.get(CHAT_COOKIE))})
        if request.cookies.get(CHAT_COOKIE):
            _del_cookie(response, CHAT_COOKIE, "/")
        return response
    try:
        tracker = await _rasa(request, "GET", f"/conversations/{sender}/tracker", 30, sender,
                              params={"token": os.environ.get("TRIALBOT_API_TOKEN", "")})
    except RasaUnreachable:
        return web.json_response(UNREACHABLE, status=503)
    h = await _db(request, request.app["store"].handoff_for_sender, sender)
    known = [h.name, h.phone, h.email] if h is not None else []
    if h is not None and h.phone and h.phone.startswith("+82"):
        known.append("0" + h.phone[3:])
    shown, lang = replay(tracker.get("events") or [], tracker.get("slots") or {}, [k for k in known if k])
    return web.json_response({"messages": shown, "lang": lang})


async def end_chat(request: web.Request) -> web.Response:
    """'End and clear this chat': the web session ends and its cookie goes;
    the screening records stay for the study team."""
    _json_only(request)
    value = request.cookies.get(CHAT_COOKIE)
    if value:
        await _db(request, request.app["store"].end_chat_session, value)
    response = web.json_response({"ended": True})
    _del_cookie(response, CHAT_COOKIE, "/")
    return response


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
    return render("staff_login.html", error=None, step="password")


def _keys(request: web.Request, username: str) -> Tuple[str, str]:
    return f"user:{username.lower()}", f"addr:{client_address(request)}"


def _blocked(request: web.Request, username: str) -> bool:
    account, address = _keys(request, username)
    return request.app["limiter"].blocked(account) or request.app["address_limiter"].blocked(address)


async def _failed(request: web.Request, username: str, why: str) -> None:
    account, address = _keys(request, username)
    request.app["limiter"].failed(account)
    request.app["address_limiter"].failed(address)
    await _db(request, request.app["store"].audit, f"web:{username or '?'}", why)
    # Slow down guessing: each failure on this account waits a little longer (at most 2 s).
    await asyncio.sleep(min(2.0, 0.2 * request.app["limiter"].count(account)))


TOO_MANY = "Too many failed attempts for this account or from this address. Please wait 15 minutes."


async def _signed_in(request: web.Request, username: str) -> None:
    account, _ = _keys(request, username)
    request.app["limiter"].succeeded(account)
    store: Store = request.app["store"]
    await _db(request, store.staff_logged_in, username)
    await _db(request, store.audit, f"web:{username}", "staff_login")
    response = web.HTTPFound("/staff")
    _set_cookie(response, STAFF_COOKIE, request.app["sessions"].start(username), "/staff")
    raise response


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    username, password = str(form.get("username", ""))[:64], str(form.get("password", ""))[:256]
    if _blocked(request, username):
        return render("staff_login.html", http_status=429, error=TOO_MANY, step="password")
    store: Store = request.app["store"]
    stored = await _db(request, store.staff_password_hash, username)
    if stored is None or not await _db(request, verify_password, password, stored):
        await _failed(request, username, "staff_login_failed")
        return render("staff_login.html", http_status=401, error="That user name and password do not match.",
                      step="password")
    if await _db(request, store.staff_totp_secret, username):
        token = request.app["pending"].start(username)
        return render("staff_login.html", error=None, step="code", pending=token)
    await _signed_in(request, username)


async def login_code(request: web.Request) -> web.Response:
    form = await request.post()
    pending: PendingSecondFactor = request.app["pending"]
    token = str(form.get("pending", ""))
    username = pending.user(token)
    if username is None:
        return render("staff_login.html", http_status=401, step="password",
                      error="The sign-in took too long. Please enter your user name and password again.")
    if _blocked(request, username):
        pending.end(token)
        return render("staff_login.html", http_status=429, error=TOO_MANY, step="password")
    secret = await _db(request, request.app["store"].staff_totp_secret, username)
    if not secret or not request.app["totp"].verify(username, secret, str(form.get("code", ""))[:16]):
        await _failed(request, username, "staff_code_failed")
        return render("staff_login.html", http_status=401, step="code", pending=token,
                      error="That code is not right. Enter the 6-digit code your authenticator app shows now.")
    pending.end(token)
    await _signed_in(request, username)


async def logout(request: web.Request) -> web.Response:
    who = _require_staff(request)
    _check_csrf(request, await request.post(), who[1])
    request.app["sessions"].end(request.cookies.get(STAFF_COOKIE))
    response = web.HTTPFound("/staff/login")
    _del_cookie(response, STAFF_COOKIE, "/staff")
    raise response


def _day(value: str) -> Optional[date]:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


SORTS = {"waiting": "waiting longest first", "newest": "newest first", "oldest": "oldest first"}


async def staff_list(request: web.Request) -> web.Response:
    username, csrf = _require_staff(request)
    q = request.query
    f = {"q": q.get("q", "").strip()[:100], "status": q.get("status") or "", "outcome": q.get("outcome") or "",
         "language": q.get("language") or "", "from": q.get("from") or "", "to": q.get("to") or "",
         "sort": q.get("sort") if q.get("sort") in SORTS else "waiting"}
    if f["status"] not in HANDOFF_STATUSES:
        f["status"] = ""
    if f["outcome"] not in (*OUTCOMES, "callback"):
        f["outcome"] = ""
    if f["language"] not in LANGUAGES:
        f["language"] = ""
    store: Store = request.app["store"]
    site = config.site()
    rows = await _db(request, store.find_handoffs, f["q"], f["status"] or None, f["outcome"] or None,
                     f["language"] or None, None, _day(f["from"]), _day(f["to"]), f["sort"], site.tz())
    funnel = await _db(request, store.funnel)
    peak = max([1] + [row["started"] for row in funnel])
    filtered = any(f[k] for k in ("q", "status", "outcome", "language", "from", "to"))
    return render("staff_list.html", user=username, csrf=csrf, handoffs=rows, f=f, filtered=filtered,
                  statuses=HANDOFF_STATUSES, outcomes=OUTCOMES, languages=LANGUAGES, sorts=SORTS,
                  funnel=funnel, peak=peak, now=datetime.utcnow())


_MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december"], 1)}
_DATE_PATTERNS = [
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), lambda m: date(int(m[1]), int(m[2]), int(m[3]))),
    (re.compile(r"\b(\d{1,2}) (January|February|March|April|May|June|July|August|September|October|November|"
                r"December) (\d{4})\b", re.IGNORECASE), lambda m: date(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))),
    (re.compile(r"(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일"), lambda m: date(int(m[1]), int(m[2]), int(m[3]))),
]


def earliest_date(reason: Optional[str]) -> Optional[date]:
    """The earliest date a reason names (e.g. 'the earliest start would be
    9 December 2026'), or None."""
    found = []
    for pattern, make in _DATE_PATTERNS:
        for m in pattern.finditer(reason or ""):
            try:
                found.append(make(m))
            except ValueError:
                pass
    return min(found) if found else None


def points_to_check(h) -> List[dict]:
    """Unknown and deferred criteria with their reasons, and any answer whose
    reason names a date (a temporary exclusion: from when it may be fine)."""
    points = []
    for a in h.screening.answers:
        reason = a.reason or ""
        when = earliest_date(reason)
        if a.verdict in ("unknown", "deferred") or (a.verdict == "fail" and when):
            points.append({"criterion": a.criterion_id, "verdict": a.verdict, "reason": reason, "from": when})
    return points


async def staff_handoff(request: web.Request) -> web.Response:
    username, csrf = _require_staff(request)
    store: Store = request.app["store"]
    h = await _db(request, store.handoff, request.match_info["ref"])
    if h is None:
        raise web.HTTPNotFound(text="No such handoff.")
    await _db(request, store.audit, f"web:{username}", "handoff_viewed", h.reference)
    labels = staff.trial_labels(staff.load_trial(h.screening.trial_id))
    transcript = await _db(request, store.transcript, h.screening.sender_id)
    trail = await _db(request, store.audit_trail, h.reference)
    users = await _db(request, store.staff_users)
    phone_link = "tel:" + re.sub(r"[^\d+]", "", h.phone) if h.phone else None
    return render("staff_handoff.html", user=username, csrf=csrf, h=h, labels=labels, transcript=transcript,
                  statuses=HANDOFF_STATUSES, points=points_to_check(h), flags=h.screening.flags, trail=trail,
                  staff_users=users, phone_link=phone_link, languages=LANGUAGES,
                  sign_names=conversation_texts("en")["signs"], saved=request.query.get("saved"))


async def _staff_change(request: web.Request, change) -> web.Response:
    username, csrf = _require_staff(request)
    form = await request.post()
    _check_csrf(request, form, csrf)
    ref = request.match_info["ref"]
    try:
        await _db(request, change, request.app["store"], ref, form, f"web:{username}")
    except (ValueError, LookupError) as exc:
        raise web.HTTPBadRequest(text=str(exc))
    raise web.HTTPFound(f"/staff/handoffs/{ref}")


async def staff_status(request: web.Request) -> web.Response:
    return await _staff_change(request, lambda store, ref, form, actor: store.set_status(
        ref, str(form.get("status", "")), str(form.get("note", ""))[:2000], actor))


async def staff_assign(request: web.Request) -> web.Response:
    return await _staff_change(request, lambda store, ref, form, actor: store.assign(
        ref, str(form.get("assigned_to", ""))[:64], actor))


def _follow_up(store: Store, ref: str, form, actor: str):
    value = str(form.get("follow_up_on", "")).strip()
    when = None
    if value:
        when = _day(value)
        if when is None:
            raise ValueError("the follow-up date must be a date (YYYY-MM-DD)")
    return store.set_follow_up(ref, when, actor)


async def staff_follow_up(request: web.Request) -> web.Response:
    return await _staff_change(request, _follow_up)


async def staff_export(request: web.Request) -> web.Response:
    username, _ = _require_staff(request)
    fmt = request.query.get("format", "csv")
    if fmt not in ("csv", "json"):
        raise web.HTTPBadRequest(text="format must be csv or json")
    store: Store = request.app["store"]
    rows = [handoff_as_json(h) for h in await _db(request, store.handoffs)]
    body = staff.render_export(rows, fmt)
    await _db(request, store.audit, f"web:{username}", "handoffs_exported",
              detail=f"{len(rows)} handoffs as {fmt} (download)")
    return web.Response(body=body.encode("utf-8"),
                        content_type="text/csv" if fmt == "csv" else "application/json", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="handoffs.{fmt}"'})


# ---------------------------------------------------------------- app

async def _client(app: web.Application):
    app["http"] = aiohttp.ClientSession()
    yield
    await app["http"].close()


def create_app(store: Optional[Store] = None) -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    app.on_response_prepare.append(_headers)
    app["store"] = store or Store()
    app["sessions"] = Sessions()
    app["limiter"] = LoginLimiter(max_failures=ACCOUNT_MAX_FAILURES)
    app["address_limiter"] = LoginLimiter(max_failures=ADDRESS_MAX_FAILURES)
    app["pending"] = PendingSecondFactor()
    app["totp"] = TotpGuard()
    app.cleanup_ctx.append(_client)
    app.router.add_get("/", patient_page)
    app.router.add_post("/api/chat", chat)
    app.router.add_get("/api/history", history)
    app.router.add_post("/api/end", end_chat)
    app.router.add_get("/staff/login", login_page)
    app.router.add_post("/staff/login", login)
    app.router.add_post("/staff/login/code", login_code)
    app.router.add_post("/staff/logout", logout)
    app.router.add_get("/staff", staff_list)
    app.router.add_get("/staff/handoffs/{ref}", staff_handoff)
    app.router.add_post("/staff/handoffs/{ref}/status", staff_status)
    app.router.add_post("/staff/handoffs/{ref}/assign", staff_assign)
    app.router.add_post("/staff/handoffs/{ref}/follow-up", staff_follow_up)
    app.router.add_get("/staff/export", staff_export)
    app.router.add_static("/static", HERE / "static")
    return app


def warn_operator() -> List[str]:
    """Logs (for the operator, never the patient) what the site has not configured."""
    warnings = config.site_warnings()
    for w in warnings:
        log.warning("site config (%s): %s", config.site_file(), w)
    return warnings


def main() -> None:
    import addons.log_privacy  # noqa: F401  (no request text in this server's log either)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    port = int(os.environ.get("TRIALBOT_WEB_PORT", "8000"))
    config.ensure_private_dir(config.data_dir())
    warn_operator()
    web.run_app(create_app(), host="127.0.0.1", port=port, access_log=None, print=None)


if __name__ == "__main__":
    main()
