"""What the request handlers share through the aiohttp application: the
services one server holds (typed, under one key) and a way to run the
store's blocking calls off the event loop."""
from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from typing import Callable, ParamSpec, TypeVar

import aiohttp
from aiohttp import web

from bot.records.store import Store
from bot.staff.auth import Backoff, CodeSlots, PendingSecondFactor, Sessions, TotpGuard

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Services:
    store: Store
    sessions: Sessions             # staff sign-ins
    limiter: Backoff               # failed sign-ins per user name: a growing delay
    address_limiter: Backoff       # failed sign-ins per address
    pending: PendingSecondFactor   # passwords accepted, waiting for the code
    totp: TotpGuard
    code_slots: CodeSlots          # while sign-ins wait: a right password's one code try per name, address, step


SERVICES = web.AppKey("services", Services)
# Created when the app starts (it needs the running loop), closed when it stops.
HTTP = web.AppKey("http", aiohttp.ClientSession)


def services(request: web.Request) -> Services:
    return request.app[SERVICES]


async def in_thread(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Runs a blocking (database) call off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(fn, *args, **kwargs))
