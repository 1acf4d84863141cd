"""addons.lock_store.AtomicRedisLockStore against a real Redis (skipped when
none answers; TRIALBOT_TEST_REDIS_URL, default redis://127.0.0.1:6379/3):
several "servers" (one store object each, as each Rasa server has) asking
for the same conversation's lock at the same moment get distinct tickets and
never hold the lock together."""
import asyncio
import os
import secrets
import threading

import pytest

from addons.lock_store import AtomicRedisLockStore
from rasa.utils.endpoints import EndpointConfig

pytestmark = pytest.mark.scale


@pytest.fixture
def redis_settings():
    import redis

    url = os.environ.get("TRIALBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001
        if os.environ.get("TRIALBOT_REQUIRE_REDIS") == "1":  # CI: a missing Redis is a failure, not a skip
            pytest.fail(f"TRIALBOT_REQUIRE_REDIS=1 but Redis at {url} does not answer: {exc}")
        pytest.skip(f"needs Redis at {url}: {exc}")
    kw = client.connection_pool.connection_kwargs
    prefix = "locktest" + secrets.token_hex(4)
    yield dict(host=kw.get("host", "127.0.0.1"), port=kw.get("port", 6379), db=kw.get("db", 3),
               password=kw.get("password"), key_prefix=prefix)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_it_is_built_from_endpoints_as_rasa_builds_lock_stores(redis_settings):
    s = redis_settings
    cfg = EndpointConfig(url=s["host"], type="addons.lock_store.AtomicRedisLockStore", port=str(s["port"]),
                         db=str(s["db"]), password=s["password"] or "", key_prefix=s["key_prefix"])
    from rasa.core.lock_store import LockStore

    store = LockStore.create(cfg)
    assert isinstance(store, AtomicRedisLockStore)
    assert store.key_prefix.startswith(s["key_prefix"] + ":")


def test_tickets_issued_at_once_by_many_servers_are_all_distinct(redis_settings):
    stores = [AtomicRedisLockStore(**redis_settings) for _ in range(8)]
    conversation, tickets, start = secrets.token_hex(8), [], threading.Barrier(8)

    def server(store):
        start.wait()
        for _ in range(10):
            tickets.append(store.issue_ticket(conversation, 60))

    threads = [threading.Thread(target=server, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(tickets) == list(range(80))  # Rasa numbers tickets from 0
    assert len(stores[0].get_lock(conversation).tickets) == 80


def test_two_servers_never_hold_one_conversation_at_once(redis_settings):
    a, b = AtomicRedisLockStore(**redis_settings), AtomicRedisLockStore(**redis_settings)
    conversation, inside, overlaps, served = secrets.token_hex(8), [0], [0], []

    async def handle(store, n):
        async with store.lock(conversation, 60, wait_time_in_seconds=0.01):
            inside[0] += 1
            overlaps[0] += inside[0] > 1
            await asyncio.sleep(0.01)
            served.append(n)
            inside[0] -= 1

    async def both():
        await asyncio.gather(*(handle(a if n % 2 else b, n) for n in range(20)))

    asyncio.run(asyncio.wait_for(both(), 60))
    assert overlaps[0] == 0 and sorted(served) == list(range(20))
    assert a.get_lock(conversation) is None, "the lock is deleted when nobody waits"
