"""Limits per visitor on the patient chat, played as the visitor who floods
it: the real web server (aiohttp, started in this process on a free port) on
a real database. Rasa is not needed to count what the web server lets
through: the chat points at a closed port, which the page is told is a
restart (503), as it is when `make run` restarts the Rasa server.
The live faults (kills, retries through the real servers) are in
tests/test_faults.py."""
import sqlalchemy as sa
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import config
from bot.records.store import ChatSession
from tests.servers import free_port
from web.app import create_app
from web.limits import TokenBucket

TOO_MANY_CHATS = {
    "en": "Many new chats have been started from this connection in a short time, so a new one can't start just "
          "now. Please try again in a few minutes. If this is an emergency, call 119 now.",
    "ko": "이 연결에서 짧은 시간에 새 채팅이 많이 시작되어 지금은 새 채팅을 시작할 수 없어요. 몇 분 뒤에 다시 시도해 "
          "주세요. 응급 상황이면 지금 바로 119에 전화하세요.",
}
TOO_FAST = {
    "en": "Messages are arriving faster than I can answer them. Please wait a moment, then send your message again; "
          "what you typed is kept. If this is an emergency, call 119 now.",
    "ko": "메시지가 너무 빨리 와서 답을 드리지 못했어요. 잠시 기다렸다가 다시 보내 주세요. 입력하신 내용은 그대로 "
          "있어요. 응급 상황이면 지금 바로 119에 전화하세요.",
}


@pytest.fixture
async def web(bot_env, monkeypatch):
    monkeypatch.setenv("TRIALBOT_RASA_URL", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    monkeypatch.delenv("TRIALBOT_BEHIND_HTTPS_PROXY", raising=False)
    client = TestClient(TestServer(create_app(bot_env)))
    await client.start_server()
    client.store = bot_env
    yield client
    await client.close()


def conversations(store) -> int:
    with store.session() as s:
        return s.execute(sa.select(sa.func.count()).select_from(ChatSession)).scalar()


async def post_without_cookie(web, body, **headers):
    web.session.cookie_jar.clear()
    return await web.post("/api/chat", json=body, headers=headers)


async def test_new_conversations_per_address_are_limited_with_a_kind_reply(web):
    assert config.site().new_chats_per_address_per_hour == 30  # the default in config/site.yml
    codes = [(await post_without_cookie(web, {"message": "hi"})).status for _ in range(100)]
    assert codes == [503] * 30 + [429] * 70  # the first 30 reach the (restarting) bot, no more
    assert conversations(web.store) == 30
    for lang in ("en", "ko"):
        r = await post_without_cookie(web, {"message": "hi", "lang": lang})
        assert r.status == 429 and "tb_session" not in r.cookies and int(r.headers["Retry-After"]) >= 60
        assert await r.json() == {"error": "too_many_chats", "lang": None,
                                  "messages": [{"text": TOO_MANY_CHATS[lang], "buttons": []}]}
    r = await post_without_cookie(web, {"message": "안녕하세요"}, **{"Accept-Language": "ko-KR,ko;q=0.9"})
    assert (await r.json())["messages"][0]["text"] == TOO_MANY_CHATS["ko"]
    assert conversations(web.store) == 30  # nothing was stored for the refused ones


async def test_a_forged_forwarded_address_does_not_escape_the_limit(web, monkeypatch):
    for i in range(30):
        await post_without_cookie(web, {"message": "hi"}, **{"X-Forwarded-For": f"203.0.113.{i}"})
    r = await post_without_cookie(web, {"message": "hi"}, **{"X-Forwarded-For": "198.51.100.7"})
    assert r.status == 429  # not behind the proxy: the header is the visitor's own words
    monkeypatch.setenv("TRIALBOT_BEHIND_HTTPS_PROXY", "1")  # behind it, the address the proxy saw counts
    r = await post_without_cookie(web, {"message": "hi"}, **{"X-Forwarded-For": "198.51.100.7"})
    assert r.status == 503 and r.cookies["tb_session"].value
    assert conversations(web.store) == 31


async def test_a_conversation_already_going_is_not_stopped_by_the_address_limit(web):
    first = await post_without_cookie(web, {"message": "hi"})
    cookie = first.cookies["tb_session"].value
    for _ in range(29):
        await post_without_cookie(web, {"message": "hi"})
    assert (await post_without_cookie(web, {"message": "hi"})).status == 429
    web.session.cookie_jar.update_cookies({"tb_session": cookie})
    r = await web.post("/api/chat", json={"message": "for myself"})
    assert r.status == 503 and "tb_session" not in r.cookies  # its own conversation, sent on to the bot


async def test_messages_per_conversation_are_limited_with_a_kind_reply(web):
    r = await web.post("/api/chat", json={"message": "hi"})
    mine = r.cookies["tb_session"].value
    codes = [(await web.post("/api/chat", json={"message": f"message {i}", "lang": "ko"})).status for i in range(40)]
    assert codes == [503] * 29 + [429] * 11  # 30 a minute, the first one included
    r = await web.post("/api/chat", json={"message": "one more", "lang": "ko"})
    assert r.status == 429 and 1 <= int(r.headers["Retry-After"]) <= 2
    assert await r.json() == {"error": "too_fast", "lang": None, "messages": [{"text": TOO_FAST["ko"], "buttons": []}]}
    r = await web.post("/api/chat", json={"message": "one more", "lang": "en"})
    assert (await r.json())["messages"][0]["text"] == TOO_FAST["en"]
    # Another visitor's conversation is not held up by this one.
    web.session.cookie_jar.clear()
    r = await web.post("/api/chat", json={"message": "hi"})
    assert r.status == 503 and r.cookies["tb_session"].value != mine


def test_a_limit_refills_evenly_after_its_burst():
    now = [1000.0]
    bucket = TokenBucket(30, 60.0, clock=lambda: now[0])
    assert all(bucket.allow("chat") for _ in range(30)) and not bucket.allow("chat")
    now[0] += 1.0
    assert not bucket.allow("chat") and bucket.retry_after("chat") == 1
    now[0] += 1.0
    assert bucket.allow("chat") and not bucket.allow("chat")
    now[0] += 3600
    bucket.allow("other")  # the next sweep forgets buckets that have filled up again
    assert len(bucket) == 1


@pytest.mark.parametrize("value", [0, -3, "many", True])
def test_a_wrong_limit_in_the_site_file_stops_the_start(tmp_path, monkeypatch, value):
    site = tmp_path / "site.yml"
    site.write_text(f"messages_per_chat_per_minute: {value!r}\n".replace("'", '"'), encoding="utf-8")
    monkeypatch.setenv("TRIALBOT_SITE_CONFIG", str(site))
    with pytest.raises(ValueError, match="messages_per_chat_per_minute must be a whole number of at least 1"):
        config.site()
