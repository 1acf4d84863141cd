"""What every staff page shares: its language (the session's, else one
chosen on the sign-in page, else the site's staff_language), rendering in
that language, and error pages in words (never a bare status line or a
program's message), for every path under /staff."""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Optional

from aiohttp import web

from web.pages import render
from web.staff_texts import AUTONYMS, StaffTexts, language_or_default, texts
from web.state import services

STAFF_COOKIE = "tb_staff"
log = logging.getLogger("web.staff")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class StaffError(Exception):
    """A request a staff page cannot do, with the words that say why (texts `errors`)."""

    def __init__(self, status: int, key: str):
        super().__init__(key)
        self.status, self.key = status, key


def signed_in(request: web.Request) -> Optional[str]:
    who = services(request).sessions.user(request.cookies.get(STAFF_COOKIE))
    return who[0] if who else None


def chosen_language(request: web.Request) -> str:
    """A language chosen on the sign-in page (?lang=), or "" for none."""
    value = request.query.get("lang", "")
    return value if value in AUTONYMS else ""


def request_language(request: web.Request) -> str:
    session = services(request).sessions.language(request.cookies.get(STAFF_COOKIE))
    return session or language_or_default(chosen_language(request))


def render_staff(request: web.Request, name: str, http_status: int = 200, language: str = "",
                 **context: Any) -> web.Response:
    lang = language or request_language(request)
    t: StaffTexts = texts(lang)
    return render(name, http_status, lang=lang, t=t, autonyms=AUTONYMS, here=request.path_qs,
                  tz_label=t.tz_name(), **context)


def error_page(request: web.Request, status: int, key: str) -> web.Response:
    return render_staff(request, "staff_error.html", http_status=status, key=key,
                        user=signed_in(request))


# 400: a form that cannot be read (web.security.read_form: not UTF-8).
_KEYS = {400: "bad_request", 403: "csrf", 404: "not_found", 405: "not_allowed"}


@web.middleware
async def staff_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not (request.path == "/staff" or request.path.startswith("/staff/")):
        return await handler(request)
    try:
        return await handler(request)
    except StaffError as e:
        return error_page(request, e.status, e.key)
    except web.HTTPException as e:
        if e.status < 400:
            raise
        return error_page(request, e.status, _KEYS.get(e.status, "other"))
    except Exception as e:  # never a traceback or a program's message on a page; the log keeps the type only
        log.error("staff page %s failed: %s", request.path, type(e).__name__)
        return error_page(request, 500, "server")
