"""The web server spreading conversations over several Rasa servers
(TRIALBOT_RASA_URLS): each conversation always goes to the same server, the
conversations are spread over all of them, and a server that is down is
passed over. The two "Rasa servers" here are small aiohttp servers that
answer the REST channel and record who wrote; the whole set-up with real
Rasa servers is tests/test_scale.py."""
import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from web.app import create_app


class FakeRasa:
    def __init__(self, name: str):
        self.name, self.senders = name, []
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self.webhook)
        self.server = TestServer(app, host="127.0.0.1")

    async def webhook(self, request):
        body = await request.json()
        self.senders.append(body["sender"])
        return web.json_response([{"recipient_id": body["sender"], "text": f"from {self.name}"}])

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")


async def _visitor(web_server, messages=3):
    """One browser: its own cookie jar; returns the session id and who answered."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        answered = []
        for i in range(messages):
            async with session.post(web_server.make_url("/api/chat"), json={"message": f"hello {i}"}) as r:
                assert r.status == 200, await r.text()
                answered.append((await r.json())["messages"][0]["text"])
        sender = next(c.value for c in session.cookie_jar if c.key == "tb_session")
        return sender, answered


@pytest.fixture
async def setup(bot_env, monkeypatch):
    a, b = FakeRasa("A"), FakeRasa("B")
    await a.server.start_server()
    await b.server.start_server()
    monkeypatch.setenv("TRIALBOT_RASA_URLS", f"{a.url}, {b.url}/")
    site = TestServer(create_app(bot_env), host="127.0.0.1")
    await site.start_server()
    yield a, b, site
    await site.close()
    await a.server.close()
    await b.server.close()


async def test_each_conversation_stays_on_one_server_and_all_servers_get_some(setup):
    a, b, site = setup
    results = [await _visitor(site) for _ in range(16)]
    for sender, answered in results:
        assert len(set(answered)) == 1, f"a conversation moved between servers: {answered}"
        home = a if answered[0] == "from A" else b
        assert home.senders.count(sender) == 3
    assert a.senders and b.senders, "the conversations were not spread over both servers"


async def test_a_server_that_is_down_is_passed_over(setup):
    a, b, site = setup
    await a.server.close()
    results = [await _visitor(site, messages=2) for _ in range(8)]
    assert all(answered == ["from B", "from B"] for _, answered in results)


async def test_no_server_up_is_a_restart_the_page_is_told_about(setup):
    a, b, site = setup
    await a.server.close()
    await b.server.close()
    async with TestClient(site) as client:
        r = await client.post("/api/chat", json={"message": "hello"})
        assert r.status == 503 and await r.json() == {
            "error": "restarting", "lang": None, "messages": [{
                "text": "The assistant is restarting and should be back within a minute. Your message is kept and "
                        "will be sent again on its own. If this is an emergency, call 119 now.", "buttons": []}]}
