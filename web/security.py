"""What every response carries (no software name, a strict CSP, HSTS behind
the TLS proxy), even a request the HTTP parser refused; the session cookies'
flags; the visitor's address; reading a posted form (not UTF-8: a clean 400)
and whether a post came from this site's own pages."""
from __future__ import annotations

import functools
from typing import Union
from urllib.parse import urlsplit

from aiohttp import web
from multidict import MultiDictProxy

from bot import config

# A posted form, as request.post() reads it.
Form = MultiDictProxy[Union[str, bytes, web.FileField]]
BAD_REQUEST = "Bad request.\n잘못된 요청이에요."

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'")


def behind_https() -> bool:
    return config.behind_https_proxy()


async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
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
    if behind_https():
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"


def client_address(request: web.Request) -> str:
    """The visitor's address; behind the TLS proxy, the one the proxy saw
    (the last X-Forwarded-For entry, the only one the proxy vouches for)."""
    if behind_https():
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()[:64]
    return request.remote or "?"


def set_cookie(response: web.StreamResponse, name: str, value: str, path: str) -> None:
    # No max-age: the cookie ends with the browser; the server also ends idle sessions.
    response.set_cookie(name, value, httponly=True, samesite="Strict", path=path, secure=behind_https() or None)


def del_cookie(response: web.StreamResponse, name: str, path: str) -> None:
    response.set_cookie(name, "", max_age=0, expires="Thu, 01 Jan 1970 00:00:00 GMT", httponly=True,
                        samesite="Strict", path=path, secure=behind_https() or None)


async def read_form(request: web.Request) -> Form:
    """The posted form; a body that is not UTF-8 is a clean 400, not a 500."""
    try:
        return await request.post()
    except (UnicodeDecodeError, ValueError):
        raise web.HTTPBadRequest(text=BAD_REQUEST) from None


def same_origin(request: web.Request) -> bool:
    """False for a post another site's page sent (the browser says so in
    Sec-Fetch-Site and Origin). Undecided here: clients that send neither
    (curl, old browsers) and `Origin: null`, which browsers send for our own
    pages too (Referrer-Policy: no-referrer); the form's token decides."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin", "null")
    if origin == "null":
        return True
    host = request.headers.get("X-Forwarded-Host", "") if behind_https() else ""
    return urlsplit(origin).netloc.lower() == (host or request.host).lower()


class _GuardedRequest(web.Request):
    """A request whose error answer carries the security headers even when
    aiohttp's HTTP parser refused it (a bad request line, an oversized
    header): no route was matched, so the application's on_response_prepare
    does not run, and aiohttp would answer with `Server: Python/3.10
    aiohttp/3.9.5` and the parser's message."""

    async def _prepare_hook(self, response: web.StreamResponse) -> None:
        if self._match_info is not None:  # routed: the application's signal adds the headers
            await super()._prepare_hook(response)
            return
        if isinstance(response, web.Response):
            body = BAD_REQUEST.encode() if response.status == 400 else f"Error {response.status}".encode()
            response.body = body
            response.headers["Content-Type"] = "text/plain; charset=utf-8"
            response.headers["Content-Length"] = str(len(body))
        await add_headers(self, response)


async def guarded_runner(app: web.Application) -> web.AppRunner:
    """The application's runner (set up), with the guarded requests."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    assert runner.server is not None
    # aiohttp has no public hook for the parser's errors; its request factory takes the class to build.
    runner.server.request_factory = functools.partial(app._make_request, _cls=_GuardedRequest)
    return runner
