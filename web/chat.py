"""The patient chat: the page (/) and its JSON API (/api/...), which passes
messages on to the Rasa server under a conversation id this server issued.

Every visitor gets a random conversation id in an HttpOnly cookie, which the
store remembers (as a hash): only an id it issued, that has not been ended
by the visitor ("End and clear this chat") and has not been idle longer than
the configured time, continues a conversation; any other cookie value gets
a new id."""
from __future__ import annotations

import json
import re
from typing import List, Optional

from aiohttp import web

from bot import config
from bot.eligibility.portfolio import site_portfolio
from bot.staff import review
from web import i18n, rasa
from web.pages import LANGUAGES, render
from web.replay import replay, shown_buttons
from web.limits import LIMITS
from web.once import REPLIES, valid_key
from web.security import client_address, del_cookie, set_cookie
from web.state import in_thread, services

CHAT_COOKIE = "tb_session"
MAX_MESSAGE = 2000
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
    live = await in_thread(services(request).store.chat_session_live, value, config.chat_idle_seconds())
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
    trials, site = site_portfolio(), config.site()
    trial = trials.first
    minutes = max(1, int(config.chat_idle_seconds() // 60))
    both = {lang: i18n.strings(lang, study=trial.id, minutes=minutes, hospital=site.hospital(lang))
            for lang in LANGUAGES}
    for lang, strings in both.items():  # the trial's own summary where it has one in that language
        strings["summary"] = review.trial_text(trial, lang, "summary", strings["summary"])
        if not trials.single:  # the studies it checks, each in a line of its own words
            strings["page_title"] = strings["page_title_several"]
            strings["about_title"] = strings["about_title_several"]
            strings["summary"] = " · ".join(f"{review.trial_text(tr, lang, 'short_title', tr.id)} ({tr.id})"
                                             for tr in trials.screened)
    title = both["en"]["page_title"] if not trials.single else review.trial_text(trial, "en", "title", trial.id)
    return render("patient.html", trial=trial, title=title, site=site, t=both["en"], idle_minutes=minutes,
                  strings_json=json.dumps(both, ensure_ascii=False))


def _reply_language(request: web.Request, body: dict) -> str:
    """The chat's language as the page knows it (it follows the conversation), else the browser's."""
    lang = body.get("lang")
    if lang in LANGUAGES:
        return str(lang)
    return "ko" if request.headers.get("Accept-Language", "").lower().startswith("ko") else "en"


def _own_reply(why: str, lang: str, status: int, retry_after: int = 0) -> web.Response:
    """This server's own answer when the message did not reach the bot: the
    page shows it as the reply and keeps the message to send again."""
    text = i18n.reply(why, lang, config.site().emergency_number)
    response = web.json_response({"error": why, "messages": [{"text": text, "buttons": []}], "lang": None},
                                 status=status)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


class _TooFast(Exception):
    pass


async def _send(request: web.Request, sender: str, message: str, key: Optional[str]) -> dict:
    """The message sent on to the bot (within the conversation's limit), and the page's view of the reply."""
    if not request.app[LIMITS].messages.allow(sender):
        raise _TooFast()
    replies = await rasa.webhook(request, sender, message, key)
    messages = [{"text": m.get("text", ""), "buttons": shown_buttons(m.get("buttons") or [])}
                for m in replies if m.get("text") or m.get("buttons")]
    return {"messages": messages, "lang": _language(replies)}


async def chat(request: web.Request) -> web.Response:
    _json_only(request)
    try:
        body = await request.json()
    except Exception:
        return web.json_response({"error": "bad request"}, status=400)
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message.strip():
        return web.json_response({"error": "empty message"}, status=400)
    message, lang, key = clean_text(message[:MAX_MESSAGE]), _reply_language(request, body), valid_key(body.get("id"))
    live = await _live_sender(request)
    if live is None:
        address = client_address(request)
        if not request.app[LIMITS].new_chats.allow(address):
            return _own_reply("too_many_chats", lang, 429, request.app[LIMITS].new_chats.retry_after(address))
    sender = live if live is not None else await in_thread(services(request).store.issue_chat_session)
    try:
        if key:
            reply = await request.app[REPLIES].once(sender, key, lambda: _send(request, sender, message, key))
        else:
            reply = await _send(request, sender, message, None)
    except _TooFast:
        response = _own_reply("too_fast", lang, 429, request.app[LIMITS].messages.retry_after(sender))
    except rasa.RasaRestarting:
        response = _own_reply("restarting", lang, 503)
    except rasa.RasaUnreachable:
        response = web.json_response(UNREACHABLE, status=503)
    else:
        response = web.json_response(dict(reply, new=live is None))
    if live is None:
        set_cookie(response, CHAT_COOKIE, sender, "/")
    return response


async def _known_contact(request: web.Request, sender: str) -> List[str]:
    """The contact details this conversation's handoff holds, for masking (a
    Korean number also as it is dialled at home)."""
    h = await in_thread(services(request).store.handoff_for_sender, sender)
    known = [h.name, h.phone, h.email] if h is not None else []
    if h is not None and h.phone and h.phone.startswith("+82"):
        known.append("0" + h.phone[3:])
    return [k for k in known if k]


async def history(request: web.Request) -> web.Response:
    sender = await _live_sender(request)
    if sender is None:
        response = web.json_response({"messages": [], "ended": bool(request.cookies.get(CHAT_COOKIE))})
        if request.cookies.get(CHAT_COOKIE):
            del_cookie(response, CHAT_COOKIE, "/")
        return response
    try:
        tracker = await rasa.tracker(request, sender)
    except rasa.RasaRestarting:
        return web.json_response({"error": "restarting"}, status=503)
    except rasa.RasaUnreachable:
        return web.json_response(UNREACHABLE, status=503)
    known = await _known_contact(request, sender)
    shown, lang = replay(tracker.get("events") or [], tracker.get("slots") or {}, known)
    return web.json_response({"messages": shown, "lang": lang})


async def end_chat(request: web.Request) -> web.Response:
    """'End and clear this chat': the web session ends and its cookie goes;
    the screening records stay for the study team."""
    _json_only(request)
    value = request.cookies.get(CHAT_COOKIE)
    if value:
        await in_thread(services(request).store.end_chat_session, value)
    response = web.json_response({"ended": True})
    del_cookie(response, CHAT_COOKIE, "/")
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", patient_page)
    app.router.add_post("/api/chat", chat)
    app.router.add_get("/api/history", history)
    app.router.add_post("/api/end", end_chat)
