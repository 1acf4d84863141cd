"""The web server (`python -m web`): the patient chat (/, web/chat.py) and
the staff review (/staff, web/signin.py and web/staff_views.py) in one
aiohttp application, with the security headers on every response
(web/security.py). This module builds the application and runs it."""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from typing import AsyncIterator, List, Optional

import aiohttp
from aiohttp import web

from bot import config
from bot.records.store import Store
from bot.staff.auth import PendingSecondFactor, Sessions, TotpGuard
from web import chat, signin, staff_views
from web.pages import HERE
from web.rasa import rasa_url_order
from web.replay import replay
from web.security import add_headers, guarded_runner
from web.staff_pages import staff_errors
from web.staff_texts import check as check_staff_texts
from web.state import HTTP, SERVICES, Services

# Imported from here by the tests and scripts.
__all__ = ["create_app", "main", "rasa_url_order", "replay", "warn_operator"]

log = logging.getLogger("web")


async def _client(app: web.Application) -> AsyncIterator[None]:
    app[HTTP] = aiohttp.ClientSession()
    yield
    await app[HTTP].close()


def create_app(store: Optional[Store] = None) -> web.Application:
    check_staff_texts()
    app = web.Application(client_max_size=64 * 1024, middlewares=[staff_errors])
    # aiohttp 3.9 types this signal for aiosignal < 1.4; the handler has the signal's real signature.
    app.on_response_prepare.append(add_headers)  # type: ignore[arg-type]
    app[SERVICES] = Services(store=store or Store(), sessions=Sessions(),
                             limiter=signin.account_backoff(), address_limiter=signin.address_backoff(),
                             pending=PendingSecondFactor(), totp=TotpGuard())
    app.cleanup_ctx.append(_client)
    chat.add_routes(app)
    signin.add_routes(app)
    staff_views.add_routes(app)
    app.router.add_static("/static", HERE / "static")
    return app


def warn_operator() -> List[str]:
    """Logs (for the operator, never the patient) what the site has not configured."""
    warnings = config.site_warnings()
    for w in warnings:
        log.warning("site config (%s): %s", config.site_file(), w)
    return warnings


def _port() -> int:
    return config.settings().web_port


async def serve(app: web.Application, host: str, port: int) -> None:
    """Serves until SIGTERM or SIGINT (then closes cleanly)."""
    runner = await guarded_runner(app)
    await web.TCPSite(runner, host, port).start()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main() -> None:
    import addons.log_privacy  # noqa: F401  (no request text in this server's log either)

    parser = argparse.ArgumentParser(prog="python -m web")
    parser.add_argument("--host", default="127.0.0.1", help="in a container: 0.0.0.0 (default 127.0.0.1)")
    host = parser.parse_args().host
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    port = _port()
    config.ensure_private_dir(config.data_dir())
    warn_operator()
    asyncio.run(serve(create_app(), host, port))


if __name__ == "__main__":
    main()
