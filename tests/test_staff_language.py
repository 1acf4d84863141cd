"""The staff pages in the coordinators' language. A coordinator signed in
with Korean (the site's default) walks every staff page: the queue and its
weekly and monthly funnels, a handoff with everything on it (points to check,
flags, contact, notes, criteria, corrections, calls, transcript, history), a
call-back, the safety events, the agreement per criterion, the sign-in page in
every state (a wrong password, a form from another site, a form that cannot be
read, the wait for a user name and for an address with until when, the code
step and its errors) and the error pages (those of a correction too). Nothing
on any of them may be a string of the English staff texts or a program name
with an underscore. Then the language switch (per session, per account, on the
sign-in page) and the safety events list, whole rows, in both languages.

The real web server runs in this process against a real database
(tests/test_web.py's fixture); the browser runs are in tests/test_browser.py."""
import asyncio
import re
from datetime import datetime
from html.parser import HTMLParser
from typing import List

import pyotp
import pytest
import sqlalchemy as sa

from bot import config
from bot.records.effects import (AnswerRecorded, ConsentGiven, ContactGiven, EmergencyFlag, FinalVerdict,
                                 HandoffRequested, RespondentSet, ScreeningFinished, UnreadFlag, apply)
from bot.records.store import Handoff, SafetyEvent, Screening
from tests.test_store_staff import add_events
from tests.test_web import sign_in, signed_in, start_web
from web.staff_texts import table

TRIAL = "NCT03558607"


@pytest.fixture
async def client(bot_env, monkeypatch):
    c = await start_web(bot_env, monkeypatch)
    yield c
    await c.close()


# ---------------------------------------------------------------- what a person sees on a page

class _Visible(HTMLParser):
    """The text a person reads or hears: text nodes (the title too), and the
    labels screen readers announce. Text marked as another language (the
    language switch's "English") is set apart; scripts and styles are not text."""

    def __init__(self, page_lang: str):
        super().__init__(convert_charrefs=True)
        self.page_lang, self.stack, self.out, self.other = page_lang, [], [], []  # type: ignore[var-annotated]

    def _foreign(self) -> bool:
        langs = [lang for _, lang in self.stack if lang]
        return bool(langs) and langs[-1] != self.page_lang

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        void = tag in ("input", "meta", "link", "br", "img", "hr")
        if not void:
            self.stack.append((tag, a.get("lang") or ""))
        for name in ("aria-label", "title", "placeholder", "alt"):
            if a.get(name):
                (self.other if self._foreign() else self.out).append(a[name])
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.out.append(a["value"])

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] in ("script", "style"):
            return
        if data.strip():
            (self.other if self._foreign() else self.out).append(data.strip())


def visible_text(html: str, lang: str) -> List[str]:
    p = _Visible(lang)
    p.feed(html)
    return p.out


def _strings(value) -> List[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value]


def _fragments(language: str) -> List[re.Pattern]:
    """Every piece of every text of a language's staff texts, placeholders cut out."""
    pieces = set()
    for text in _strings(table(language)):
        for piece in re.split(r"\{[^}]*\}", text):
            piece = piece.strip(" .,:;()·–-→")
            if re.search(r"[A-Za-z]{2}" if language == "en" else r"[가-힣]", piece):
                pieces.add(piece)
    return [re.compile(r"(?<![A-Za-z0-9가-힣])" + re.escape(p) + r"(?![A-Za-z0-9가-힣])") for p in sorted(pieces)]


IDENTIFIER = re.compile(r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\b")


def words_out_of_place(html: str, lang: str) -> List[str]:
    """What a coordinator reading `lang` should never meet: a string of the
    other language's staff texts, or an identifier with an underscore."""
    assert f'<html lang="{lang}">' in html
    other = "en" if lang == "ko" else "ko"
    found = []
    for text in visible_text(html, lang):
        found += [f"{p.pattern!r} in {text!r}" for p in _fragments(other) if p.search(text)]
        found += [f"identifier {m.group(0)!r} in {text!r}" for m in IDENTIFIER.finditer(text)]
    return found


# ---------------------------------------------------------------- a day's queue, in Korean words

# The same conversation in each language: what the person typed and what the bot stored in that language.
CONVERSATION = {
    "ko": {"sender": "ko-walk-1", "q_age": "어머니 연세가 어떻게 되세요?", "age": "예순일곱이에요", "r_age": "나이 67세는 괜찮아요.",
           "q_ecog": "평소 하루를 어떻게 보내세요?", "ecog": "그냥 그래요", "r_ecog": "답만으로는 알 수 없어요.",
           "q_chemo": "마지막 항암제는 언제 드셨어요?", "chemo": "일주일 전", "r_chemo": "14일이 지나지 않았어요.",
           "r_life": "연구 담당 의사가 판단해요.", "name": "김민지", "time": "평일 아침", "consent": "연구팀에 전달할게요",
           "note": "음성 메시지 남김"},
    "en": {"sender": "en-walk-1", "q_age": "How old is your mother?", "age": "sixty-seven", "r_age": "Age 67 is fine.",
           "q_ecog": "What is a usual day like for her?", "ecog": "so-so", "r_ecog": "The answer does not settle this.",
           "q_chemo": "When did she last take a cancer medicine?", "chemo": "a week ago",
           "r_chemo": "Less than 14 days ago.", "r_life": "Judged by the study doctor.", "name": "Mia Kim",
           "time": "weekday mornings", "consent": "We will pass this on", "note": "left a voicemail"},
}


def _conversation(store, lang: str = "ko") -> str:
    """A whole conversation through the effects a turn records: consent, who
    is answering, answers, an emergency and a crisis, an unread answer, the
    result and the handoff; then a coordinator's work on it."""
    c = CONVERSATION[lang]
    sender = c["sender"]
    apply(store, sender, TRIAL, [
        ConsentGiven(lang),
        RespondentSet("proxy", "mother"),
        AnswerRecorded("age", c["q_age"], c["age"], {"value": 67}, "pass", c["r_age"]),
        AnswerRecorded("ecog", c["q_ecog"], c["ecog"], {}, "unknown", c["r_ecog"]),
        EmergencyFlag(("fever",)),
        EmergencyFlag(("self_harm",)),
        UnreadFlag("ecog"),
        AnswerRecorded("recent_chemo", c["q_chemo"], c["chemo"], {}, "fail", c["r_chemo"], "2026-12-09"),
        ScreeningFinished("needs_review", {
            "age": FinalVerdict("pass", c["r_age"]),
            "ecog": FinalVerdict("unknown", c["r_ecog"]),
            "recent_chemo": FinalVerdict("fail", c["r_chemo"], "2026-12-09"),
            "life_expectancy": FinalVerdict("deferred", c["r_life"]),
            "informed_consent": FinalVerdict("not_applicable", None)}),
        HandoffRequested("screening", ContactGiven(c["name"], "+821012345678", "minji@example.com", c["time"],
                                                   "Korean"), lang, c["consent"]),
    ])
    add_events(store, sender, [("bot", c["q_age"]), ("user", c["age"])])
    ref = store.handoff_for_sender(sender).reference
    store.assign(ref, "bob", "web:bob")
    store.set_follow_up(ref, datetime(2026, 12, 10).date(), "web:bob")
    store.set_status(ref, "contacted", c["note"], "web:bob")
    store.record_correction(ref, "ecog", "pass", c["note"], "web:bob")
    store.record_contact(ref, "reached", datetime(2026, 12, 1).date(), "web:bob")
    return ref


def _callback(store, lang: str = "ko") -> str:
    sender = f"{lang}-walk-2"
    name, time = ("한서준", "오후에") if lang == "ko" else ("Han Seojun", "afternoons")
    apply(store, sender, TRIAL, [ConsentGiven(lang), HandoffRequested(
        "callback", ContactGiven(name, None, "seojun@example.com", time, "Korean and English"), lang, "ok")])
    return store.handoff_for_sender(sender).reference


async def _get(client, path, status=200, **kw):
    r = await client.get(path, allow_redirects=False, **kw)
    page = await r.text()
    assert r.status == status, (path, r.status, page[:300])
    return page


async def _post(client, path, data, status):
    r = await client.post(path, data=data, allow_redirects=False)
    page = await r.text()
    assert r.status == status, (path, r.status, page[:300])
    return page


def _csrf(page):
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


async def _walk_signed_out(client) -> dict:
    pages = {"sign-in": await _get(client, "/staff/login"),
             "no such page, signed out": await _get(client, "/staff/no-such-page", 404)}
    pages["wrong password"] = await (await sign_in(client, "alice", "wrong password!")).text()
    for _ in range(5):
        await sign_in(client, "nobody-here", "x" * 12)
    r = await sign_in(client, "nobody-here", "x" * 12)
    assert r.status == 429
    pages["too many attempts"] = await r.text()
    client.store.add_staff_user("carol", client.store.staff_password_hash("alice"))
    client.store.set_staff_totp("carol", pyotp.random_base32())
    pages["code step"] = await (await sign_in(client, "carol")).text()
    pending = re.search(r'name="pending" value="([^"]+)"', pages["code step"]).group(1)
    pages["wrong code"] = await _post(client, "/staff/login/code", {"pending": pending, "code": "000000"}, 401)
    await _post(client, "/staff/login/code", {"pending": pending, "code": "000001"}, 401)
    pages["three wrong codes"] = await _post(client, "/staff/login/code", {"pending": pending, "code": "000002"}, 401)
    pages["sign-in took too long"] = await _post(client, "/staff/login/code", {"pending": "made-up", "code": "1"}, 401)
    pages["form from another site"] = await _post(client, "/staff/login", {"username": "alice", "csrf": "forged"}, 403)
    r = await client.post("/staff/login", data=b"username=\xff", allow_redirects=False,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 400
    pages["form not readable"] = await r.text()
    pages["too many from this address"] = await _address_waits(client)
    return pages


async def _address_waits(client) -> str:
    """Failures from one address under many names, until the address waits; then the wait passes."""
    for i in range(25):
        r = await sign_in(client, f"guess-{i}", "x" * 12)
        if r.status == 429:
            page = await r.text()
            assert 'name="code"' in page  # a password with an authenticator code may sign in now
            await asyncio.sleep(int(r.headers["Retry-After"]) + 0.1)
            return page
        assert r.status == 401
    raise AssertionError("25 failed sign-ins from one address and no wait")


async def _walk_signed_in(client, ref, callback) -> dict:
    csrf = _csrf(await _get(client, "/staff"))
    pages = {
        "queue": await _get(client, "/staff"),
        "queue, filtered": await _get(client, "/staff", params={"status": "contacted", "outcome": "needs_review",
                                                             "language": "ko", "sort": "oldest"}),
        "queue, no match": await _get(client, "/staff", params={"q": "없는 사람"}),
        "handoff": await _get(client, f"/staff/handoffs/{ref}"),
        "call-back": await _get(client, f"/staff/handoffs/{callback}"),
        "safety events": await _get(client, "/staff/safety"),
        "agreement": await _get(client, "/staff/corrections"),
        "no such handoff": await _get(client, "/staff/handoffs/SNU-ZZZZZZ", 404),
        "no such page": await _get(client, "/staff/nothing/here", 404),
        "wrong method": await _get(client, "/staff/logout", 405),
        "export format": await _get(client, "/staff/export", 400, params={"format": "xml"}),
        "forged form": await _post(client, f"/staff/handoffs/{ref}/status", {"csrf": "forged", "status": "new"}, 403),
        "unknown status": await _post(client, f"/staff/handoffs/{ref}/status", {"csrf": csrf, "status": "done_done"},
                                      400),
        "bad date": await _post(client, f"/staff/handoffs/{ref}/follow-up", {"csrf": csrf, "follow_up_on": "soon"},
                                400),
        "unknown coordinator": await _post(client, f"/staff/handoffs/{ref}/assign",
                                           {"csrf": csrf, "assigned_to": "mallory"}, 400),
        "change to a deleted handoff": await _post(client, "/staff/handoffs/SNU-ZZZZZZ/assign",
                                                   {"csrf": csrf, "assigned_to": "bob"}, 404),
        "unknown language": await _post(client, "/staff/language", {"csrf": csrf, "language": "fr"}, 400),
        "correction, same verdict": await _post(client, f"/staff/handoffs/{ref}/correction",
                                                {"csrf": csrf, "criterion": "age", "verdict": "pass"}, 400),
        "correction, unknown verdict": await _post(client, f"/staff/handoffs/{ref}/correction",
                                                   {"csrf": csrf, "criterion": "age", "verdict": "not_applicable"},
                                                   400),
    }
    return pages


async def test_a_coordinator_meets_no_english_and_no_program_name_in_korean(client):
    empty = {"queue, empty": None, "safety events, empty": None}
    await signed_in(client, "bob")
    empty["queue, empty"] = await _get(client, "/staff")
    empty["safety events, empty"] = await _get(client, "/staff/safety")
    empty["agreement, empty"] = await _get(client, "/staff/corrections")
    client.session.cookie_jar.clear()
    ref, callback = _conversation(client.store), _callback(client.store)
    pages = {**empty, **await _walk_signed_out(client)}
    await signed_in(client)  # alice: no language of her own, so the site's (Korean)
    pages.update(await _walk_signed_in(client, ref, callback))
    problems = {name: found for name, page in pages.items() if (found := words_out_of_place(page, "ko"))}
    assert problems == {}
    # The walk saw the things it is about, in Korean words.
    handoff = " | ".join(visible_text(pages["handoff"], "ko"))
    for words in ("연결 요청 " + ref, "참여 가능성 있음, 검토 필요", "연락함", "응급 안내함: 발열",
                  "위기 상담전화 안내함: 자해 생각", "챗봇이 읽지 못한 답변: 평소 하루 생활(ECOG)",
                  "가장 빠른 날짜: 2026년 12월 9일 (수)", "대신 답한 분 (환자의 어머니)", "연구 담당 의사가 판단",
                  "해당 없음", "(묻지 않음)", "새 요청 → 연락함; 메모: 음성 메시지 남김", "없음 → bob",
                  "- → 2026년 12월 10일 (목)", "본인이 연결 요청함", "판정 바로잡음",
                  "평소 하루 생활(ECOG): 챗봇 판정은 ‘알 수 없음’, 맞는 판정은 ‘충족’이에요: 음성 메시지 남김",
                  "2026년 12월 1일 (화): 전화 연락, 통화함 · bob", "전화 연락 기록", "시간은 한국 표준시 기준이에요.", "사용자:", "도우미:"):
        assert words in handoff, words
    assert "한국어 · 영어" in " | ".join(visible_text(pages["call-back"], "ko"))
    assert "없는 화면이에요." in visible_text(pages["no such page, signed out"], "ko")


async def test_the_english_pages_show_no_korean_texts_and_no_program_name(client):
    ref, callback = _conversation(client.store, "en"), _callback(client.store, "en")
    pages = await _walk_signed_out(client)
    client.session.cookie_jar.clear()
    pages = {name + " (signed out)": page for name, page in pages.items()}
    pages["sign-in, English chosen"] = await _get(client, "/staff/login", params={"lang": "en"})
    client.store.set_staff_language("alice", "en", "test")
    await signed_in(client)
    pages.update(await _walk_signed_in(client, ref, callback))
    english = {name: page for name, page in pages.items() if '<html lang="en">' in page}
    assert set(english) == {"sign-in, English chosen"} | {n for n in pages if "signed out" not in n}
    problems = {name: found for name, page in english.items() if (found := words_out_of_place(page, "en"))}
    assert problems == {}
    handoff = " | ".join(visible_text(pages["handoff"], "en"))
    for words in ("Handoff " + ref, "possibly eligible, needs review", "Urgent advice given: fever",
                  "Crisis lines given: thoughts of self-harm", "someone for the patient (the patient's mother)",
                  "Earliest date: Wed 9 Dec 2026", "new → contacted; note: left a voicemail",
                  "Times are in Korea Standard Time."):
        assert words in handoff, words


# ---------------------------------------------------------------- choosing the language

def _lang(page):
    return re.search(r'<html lang="(\w+)">', page).group(1)


async def test_the_switch_changes_this_session_and_saves_for_the_account_only_when_asked(client):
    csrf = await signed_in(client)
    assert _lang(await _get(client, "/staff/safety")) == "ko"
    r = await client.post("/staff/language", data={"csrf": csrf, "language": "en", "next": "/staff/safety"},
                       allow_redirects=False)
    assert r.status == 302 and r.headers["Location"] == "/staff/safety"
    page = await _get(client, "/staff/safety")
    assert _lang(page) == "en" and "<h1>Safety events</h1>" in page
    assert '<button type="submit" name="language" value="en" lang="en"\n        aria-pressed="true">English</button>' \
        in page
    assert client.store.staff_language("alice") is None  # this session only
    client.session.cookie_jar.clear()
    await signed_in(client)
    assert _lang(await _get(client, "/staff")) == "ko"  # a new sign-in: the site's language again

    csrf = _csrf(await _get(client, "/staff"))
    r = await client.post("/staff/language", data={"csrf": csrf, "language": "en", "remember": "1", "next": "/staff"},
                       allow_redirects=False)
    assert r.status == 302 and client.store.staff_language("alice") == "en"
    assert [(a.actor, a.detail) for a in client.store.audit_trail() if a.action == "staff_language_set"] == \
        [("web:alice", "alice: en")]
    client.session.cookie_jar.clear()
    await signed_in(client)
    assert _lang(await _get(client, "/staff")) == "en"  # the account's language at every sign-in
    assert _lang(await _get(client, "/staff/login")) == "en"  # signed in: the session's language everywhere
    client.session.cookie_jar.clear()
    await signed_in(client, "bob")
    assert _lang(await _get(client, "/staff")) == "ko"  # bob chose nothing


async def test_the_command_line_sets_an_accounts_language(client, capsys):
    from bot.cli import main

    assert main(["staff-user", "language", "bob", "en"]) == 0
    assert capsys.readouterr().out == "staff pages for bob: en\n"
    await signed_in(client, "bob")
    assert _lang(await _get(client, "/staff")) == "en"
    assert main(["staff-user", "language", "bob", "site"]) == 0 and client.store.staff_language("bob") is None
    assert main(["staff-user", "language", "nobody-here", "en"]) == 2
    assert "no staff account named 'nobody-here'" in capsys.readouterr().err


async def test_a_language_chosen_on_the_sign_in_page_carries_into_the_session(client):
    page = await _get(client, "/staff/login", params={"lang": "en"})
    assert _lang(page) == "en" and "<h1>Study team sign-in</h1>" in page
    assert '<input type="hidden" name="lang" value="en">' in page
    assert '<a href="/staff/login?lang=ko" lang="ko"\n        >한국어</a>' in page
    r = await sign_in(client, "alice", "wrong password!", lang="en")
    assert r.status == 401 and "That user name and password do not match." in await r.text()
    await signed_in(client, lang="en")
    assert _lang(await _get(client, "/staff")) == "en"
    client.session.cookie_jar.clear()
    client.store.set_staff_language("bob", "en", "test")
    await signed_in(client, "bob", lang="ko")  # chosen now, for this session, over the account's
    assert _lang(await _get(client, "/staff")) == "ko"
    assert _lang(await _get(client, "/staff/login", params={"lang": "nonsense"})) == "ko"


async def test_the_switch_goes_back_only_to_a_staff_page_and_needs_the_form_token(client):
    csrf = await signed_in(client)
    for evil in ("https://evil.example/", "//evil.example/staff", "/staff//evil.example", "/chat",
                 "/staff/language", "/staff\r\nSet-Cookie: x=1"):
        r = await client.post("/staff/language", data={"csrf": csrf, "language": "ko", "next": evil},
                           allow_redirects=False)
        assert (r.status, r.headers["Location"]) == (302, "/staff"), evil
    r = await client.post("/staff/language", data={"csrf": "forged", "language": "en", "remember": "1"},
                       allow_redirects=False)
    page = await r.text()
    assert r.status == 403 and '<p class="problem" role="alert" id="error">로그인 상태가 바뀌었어요. 화면을 새로 고친 뒤 ' \
        '다시 시도해 주세요.</p>' in page
    assert client.store.staff_language("alice") is None


async def test_the_site_chooses_the_default_and_a_wrong_one_stops_the_start(client, tmp_path, monkeypatch):
    site = (config.ROOT / "config" / "site.yml").read_text(encoding="utf-8")
    assert 'staff_language: "ko"' in site
    english = tmp_path / "site-en.yml"
    english.write_text(site.replace('staff_language: "ko"', 'staff_language: "en"'), encoding="utf-8")
    monkeypatch.setenv("TRIALBOT_SITE_CONFIG", str(english))
    page = await _get(client, "/staff/login")
    assert _lang(page) == "en" and "<h1>Study team sign-in</h1>" in page
    wrong = tmp_path / "site-fr.yml"
    wrong.write_text(site.replace('staff_language: "ko"', 'staff_language: "fr"'), encoding="utf-8")
    with pytest.raises(ValueError, match="staff_language must be one of ko, en"):
        config.site(wrong)


def test_the_two_texts_files_must_have_the_same_keys(tmp_path, monkeypatch):
    import web.staff_texts as staff_texts

    for lang in ("en", "ko"):
        text = (staff_texts._DIR / f"staff.{lang}.yml").read_text(encoding="utf-8")
        if lang == "ko":
            text = text.replace('  self_harm: "자해 생각"\n', "")
        (tmp_path / f"staff.{lang}.yml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(staff_texts, "_DIR", tmp_path)
    staff_texts.table.cache_clear()
    try:
        with pytest.raises(ValueError, match="staff.ko.yml must have exactly the keys of staff.en.yml"):
            staff_texts.check()
    finally:
        staff_texts.table.cache_clear()


# ---------------------------------------------------------------- safety events

def _rows(page):
    table_html = page[page.index('id="safety-events"'):page.index("</table>", page.index('id="safety-events"'))]
    body = table_html[table_html.index("<tbody>"):]
    return [" | ".join(visible_text(row, "ko")) for row in re.findall(r"<tr[^>]*>.*?</tr>", body, re.S)]


def _at(store, sender, when):
    with store.session() as s:
        ids = s.execute(sa.select(Screening.id).where(Screening.sender_id == sender)).scalars().all()
        for e in s.execute(sa.select(SafetyEvent).where(SafetyEvent.screening_id.in_(ids))).scalars():
            e.at = when


async def test_safety_events_list_when_and_which_sign_never_the_words_and_link_the_handoff(client):
    ref = _conversation(client.store)  # fever, then self-harm; contact details given
    _at(client.store, "ko-walk-1", datetime(2026, 12, 2, 6, 5))  # 15:05 in Seoul
    apply(client.store, "en-walk-3", TRIAL, [ConsentGiven("en"), EmergencyFlag(("chest_pain", "breathing"))])
    _at(client.store, "en-walk-3", datetime(2026, 12, 1, 23, 30))  # 08:30 on the 2nd in Seoul
    apply(client.store, "before-consent", TRIAL, [EmergencyFlag(("bleeding",))])  # nothing is stored before consent
    add_events(client.store, "en-walk-3", [("user", "my chest really hurts and I cannot breathe")])
    await signed_in(client, "bob")
    page = await _get(client, "/staff/safety")
    assert _rows(page) == [  # newest first (the later of two at the same minute first)
        f"2026년 12월 2일 (수) 오후 3:05 | 위기 상담전화 | 자해 생각 | 한국어 | {ref} | 연락함",
        f"2026년 12월 2일 (수) 오후 3:05 | 응급 안내 | 발열 | 한국어 | {ref} | 연락함",
        "2026년 12월 2일 (수) 오전 8:30 | 응급 안내 | 호흡 곤란 | 영어 | 남기지 않음 | -",
        "2026년 12월 2일 (수) 오전 8:30 | 응급 안내 | 가슴 통증 | 영어 | 남기지 않음 | -",
    ]
    assert f'<a href="/staff/handoffs/{ref}">{ref}</a>' in page
    assert "chest really hurts" not in page and "예순일곱" not in page
    assert [a.detail for a in client.store.audit_trail() if a.action == "safety_events_viewed"] == ["4 events"]
    with client.store.engine.connect() as conn:  # the sign is health data: encrypted at rest
        stored = str(conn.execute(sa.text("SELECT * FROM safety_events")).all())
    assert "self_harm" not in stored and "fever" not in stored

    client.session.cookie_jar.clear()
    client.store.set_staff_language("alice", "en", "test")
    await signed_in(client)
    rows = _rows(await _get(client, "/staff/safety"))
    assert rows[0] == f"Wed 2 Dec 2026, 3:05 pm | Crisis lines | thoughts of self-harm | Korean | {ref} | contacted"
    assert rows[3] == "Wed 2 Dec 2026, 8:30 am | Urgent advice | chest pain | English | None given | -"

    client.store.delete_person("ko-walk-1")  # 'delete my data': the events go with everything else
    client.store.delete_person("en-walk-3")
    assert _rows(await _get(client, "/staff/safety")) == ["No safety events recorded."]
    with client.store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM safety_events")).scalar() == 0


async def test_a_fault_behind_a_staff_page_is_a_page_in_words_without_the_fault(client, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("could not decrypt the row of 김민지 010-1234-5678")

    monkeypatch.setattr(client.store, "safety_events", broken)
    await signed_in(client)
    r = await client.get("/staff/safety")
    page = await r.text()
    assert r.status == 500 and _lang(page) == "ko"
    assert '<p class="problem" role="alert" id="error">서버에 문제가 생겼어요. 다시 시도해 주세요. 또 생기면 시스템 ' \
        '관리자에게 알려 주세요.</p>' in page
    assert "김민지" not in page + caplog.text and "RuntimeError" not in page and "Traceback" not in page
    assert "staff page /staff/safety failed: RuntimeError" in caplog.text


async def test_anonymous_visitors_cannot_see_safety_events(client):
    r = await client.get("/staff/safety", allow_redirects=False)
    assert (r.status, r.headers["Location"]) == (302, "/staff/login")
    r = await client.post("/staff/language", data={"language": "en"}, allow_redirects=False)
    assert (r.status, r.headers["Location"]) == (302, "/staff/login")


def test_a_handoff_made_after_the_advice_is_linked_too(bot_env):
    """Advice first, contact details later in the same conversation: the event links to the handoff."""
    apply(bot_env, "later", TRIAL, [ConsentGiven("ko"), EmergencyFlag(("fainting",))])
    assert [e.reference for e in bot_env.safety_events()] == [None]
    apply(bot_env, "later", TRIAL, [HandoffRequested("callback", ContactGiven("이름", "+821011112222", None, "아무때나",
                                                                              "Korean"), "ko", "동의")])
    ref = bot_env.handoff_for_sender("later").reference
    with bot_env.session() as s:
        assert s.execute(sa.select(Handoff.status).where(Handoff.reference == ref)).scalar() == "new"
    assert [(e.sign, e.crisis, e.reference, e.handoff_status) for e in bot_env.safety_events()] == \
        [("fainting", False, ref, "new")]
