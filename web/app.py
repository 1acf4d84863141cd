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
from bot.records.keys import key_warnings
from bot.records.store import Store
from bot.staff.auth import CodeSlots, PendingSecondFactor, Sessions, TotpGuard
from bot.staff.review import purge_exports
from web import chat, signin, staff_views
from web.limits import LIMITS, ChatLimits
from web.once import REPLIES, Replies
from web.pages import HERE
from web.rasa import rasa_url_order
from web.replay import replay
from web.security import add_headers, guarded_runner
from web.staff_pages import staff_errors
from web.staff_texts import check as check_staff_texts
from web.state import HTTP, SERVICES, Services, in_thread

# Imported from here by the tests and scripts.
__all__ = ["create_app", "main", "rasa_url_order", "replay", "serving_app", "warn_operator"]

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
                             pending=PendingSecondFactor(), totp=TotpGuard(), code_slots=CodeSlots())
    app[LIMITS], app[REPLIES] = ChatLimits.from_site(), Replies()
    app.cleanup_ctx.append(_client)
    chat.add_routes(app)
    signin.add_routes(app)
    staff_views.add_routes(app)
    app.router.add_static("/static", HERE / "static")
    return app


async def _retention(app: web.Application) -> AsyncIterator[None]:
    """The consent text promises deletion after retention_days: the web
    server, the one process always running, purges at start and then daily."""
    task = asyncio.create_task(_purge_daily(app[SERVICES].store))
    yield
    task.cancel()


async def _purge_daily(store: Store) -> None:
    while True:
        try:
            days = config.site().retention_days
            done = await in_thread(store.purge, days, "retention")
            files = await in_thread(purge_exports, days)
            log.info("retention purge: %s screenings, %s conversation events, %s export files", done["screenings"],
                     done["events"], files)
        except Exception as exc:  # the next day tries again; the class only: messages may hold data
            log.warning("retention purge failed: %s", exc.__class__.__name__)
        await asyncio.sleep(PURGE_EVERY_SECONDS)


PURGE_EVERY_SECONDS = 24 * 3600


def warn_operator() -> List[str]:
    """Logs (for the operator, never the patient) what the site has not configured,
    and an encryption key a copy of the data folder would take with it."""
    warnings = config.site_warnings()
    for w in warnings:
        log.warning("site config (%s): %s", config.site_file(), w)
    for w in key_warnings():
        log.warning("%s", w)
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
    asyncio.run(serve(serving_app(), host, port))


def serving_app(store: Optional[Store] = None) -> web.Application:
    """The application as `python -m web` serves it: with the daily retention purge."""
    app = create_app(store)
    app.cleanup_ctx.append(_retention)
    return app


if __name__ == "__main__":
    main()
