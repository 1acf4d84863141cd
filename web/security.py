"""What every response carries (no software name, a strict CSP, HSTS behind
the TLS proxy), the session cookies' flags, and the visitor's address."""
from __future__ import annotations

from aiohttp import web

from bot import config

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
