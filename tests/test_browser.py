"""The patient page and the staff page in a real browser: headless Chromium
(Debian's package) driven by Playwright, against the servers started by
scripts/run.sh. Screenshots go to artifacts/screenshots/ (git ignores it);
TRIALBOT_SCREENSHOT_DIR=docs/screenshots refreshes the copies the README links."""
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.servers import running_bot

pytestmark = pytest.mark.rasa
ROOT = Path(__file__).resolve().parents[1]
SHOTS = Path(os.environ.get("TRIALBOT_SCREENSHOT_DIR") or ROOT / "artifacts" / "screenshots")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STAFF_USER, STAFF_PASSWORD = "coordinator", "correct horse battery"

if not os.path.exists(CHROMIUM):
    if os.environ.get("TRIALBOT_REQUIRE_BROWSER") == "1":
        raise RuntimeError("TRIALBOT_REQUIRE_BROWSER=1 but Debian's chromium is not installed")
    pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def _add_staff_user(env):
    added = subprocess.run([sys.executable, "-m", "bot", "staff-user", "add", STAFF_USER, "--password-stdin"],
                           input=STAFF_PASSWORD + "\n", text=True, capture_output=True, cwd=ROOT, env=env)
    assert added.returncode == 0, added.stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web")
    with running_bot(tmp, f"sqlite:///{tmp / 'trialbot.db'}", web=True, before_start=_add_staff_user) as bot:
        yield bot


@pytest.fixture(scope="module")
def browser():
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def last_bot(page):
    return page.locator(".msg.bot").last


def _settled(page, bot_messages_before):
    """Waits for the reply: more bot messages than before, and no typing indicator."""
    page.wait_for_function("n => document.querySelectorAll('.msg.bot').length > n", arg=bot_messages_before)
    expect(page.locator("#typing")).to_be_hidden()


def click(page, title):
    before = page.locator(".msg.bot").count()
    # exact title: "Male" must not pick "Female"
    page.locator(".choices button").filter(has_text=re.compile(rf"^{re.escape(title)}$")).first.click(timeout=30_000)
    _settled(page, before)


def type_answer(page, text):
    before = page.locator(".msg.bot").count()
    page.fill("#message", text)
    page.press("#message", "Enter")
    _settled(page, before)


def start(page, site):
    page.goto(site.web)
    expect(page.locator("h1")).to_contain_text("Ruxolitinib")
    page.click("#start")
    expect(page.locator(".choices")).to_contain_text("Yes, let's begin")
    click(page, "Yes, let's begin")
    expect(last_bot(page)).to_contain_text("answering for yourself")


def test_patient_completes_a_screening_by_buttons_and_typing(site, page):
    page.goto(site.web)
    page.screenshot(path=str(SHOTS / "patient-desktop.png"), full_page=True)
    start(page, site)
    steps = [("click", "For myself", "diagnosed"), ("click", "Yes, AML after an MPN", "How old"),
             ("type", "58", "ruxolitinib"), ("click", "No, never", "chemotherapy"),
             ("type", "I stopped hydrea a month ago", "clinical study"), ("click", "No", "usual day"),
             ("click", "Fully active, no limits", "strong enough"), ("click", "No", "other cancer"),
             ("click", "No", "heart"), ("click", "No", "liver or kidney"), ("click", "No", "serious illness"),
             ("click", "No", "sex"),
             ("click", "Male", "condoms"), ("click", "Yes", "creatinine"), ("type", "1.0 mg/dL", "ALT and AST"),
             ("click", "Normal", "Is this right")]
    for how, what, expect_next in steps:
        try:
            click(page, what) if how == "click" else type_answer(page, what)
            expect(last_bot(page)).to_contain_text(expect_next)
        except Exception:
            page.screenshot(path=str(SHOTS / "failed-step.png"), full_page=True)
            raise AssertionError(f"step {what!r}: the chat shows\n{page.inner_text('#log')[-1500:]}")
    click(page, "Yes, show the result")
    expect(last_bot(page)).to_contain_text("share these answers")
    expect(page.locator("#log")).to_contain_text("you are likely eligible")
    click(page, "Yes, share them")
    expect(last_bot(page)).to_contain_text("What name")
    type_answer(page, "Choi Yuna")
    expect(last_bot(page)).to_contain_text("phone number")
    type_answer(page, "010-2222-3333")
    expect(last_bot(page)).to_contain_text("good time")
    type_answer(page, "weekday mornings")
    click(page, "한국어 (Korean)")
    expect(page.locator("#log")).to_contain_text("reference code is SNU-")
    page.screenshot(path=str(SHOTS / "patient-result-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 780})
    page.screenshot(path=str(SHOTS / "patient-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_reload_resumes_the_conversation(site, page):
    start(page, site)
    click(page, "For myself")
    expect(last_bot(page)).to_contain_text("diagnosed")
    page.reload()
    expect(page.locator(".msg.user", has_text="For myself")).to_be_visible()
    expect(page.locator(".choices")).to_contain_text("Yes, AML after an MPN")
    click(page, "Yes, AML after an MPN")
    expect(last_bot(page)).to_contain_text("How old")


def test_markup_is_shown_as_text_never_run(site, page):
    start(page, site)
    attack = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    type_answer(page, attack)
    expect(page.locator(".msg.user").last).to_have_text("You: " + attack)
    expect(last_bot(page)).to_contain_text("answering for yourself")
    assert page.evaluate("window.__xss") is None
    assert page.locator("#log img, #log script").count() == 0


def test_works_by_keyboard_and_is_announced(site, page):
    page.goto(site.web)
    assert page.get_attribute("#log", "aria-live") == "polite"
    page.focus("#start")
    page.keyboard.press("Enter")
    expect(page.locator(".choices")).to_contain_text("Yes, let's begin")
    page.locator(".choices button").first.focus()
    page.keyboard.press("Enter")
    expect(last_bot(page)).to_contain_text("answering for yourself")
    page.set_viewport_size({"width": 640, "height": 450})  # 1280 px at 200% zoom
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_server_down_shows_retry_and_delivers_after_restart(site, page):
    start(page, site)
    site.stop()
    page.fill("#message", "for myself")
    page.press("#message", "Enter")
    expect(page.locator("#problem")).to_be_visible()
    expect(page.locator("#problem-text")).to_have_text(
        "We couldn't reach the assistant. Your message is kept below; please try again. "
        "If this is an emergency, call 119 now.")
    expect(page.locator("#message")).to_have_value("for myself")
    # Send while the first message waits for Retry is not silently ignored: the page says why.
    page.fill("#message", "something else")
    page.press("#message", "Enter")
    expect(page.locator("#problem-text")).to_contain_text("has not been sent yet")
    expect(page.locator("#retry")).to_be_focused()
    expect(page.locator("#message")).to_have_value("something else")
    page.fill("#message", "for myself")
    site.start()
    page.click("#retry")
    expect(last_bot(page)).to_contain_text("diagnosed")
    expect(page.locator("#problem")).to_be_hidden()
    expect(page.locator("#message")).to_have_value("")


def test_a_restarting_assistant_is_said_plainly_and_the_message_goes_on_its_own(site, page):
    start(page, site)
    pids = site.log_path.parent / "var" / "pids"
    old = int((pids / "actions.pid").read_text())
    os.kill(old, signal.SIGKILL)
    page.fill("#message", "for myself")
    page.press("#message", "Enter")
    expect(page.locator("#problem-text")).to_have_text(
        "The assistant is restarting and should be back within a minute. Your message is kept and will be sent "
        "again on its own. If this is an emergency, call 119 now.")
    expect(page.locator("#message")).to_have_value("for myself")
    # run.sh starts the action server again; the page sends the message again by itself, once.
    expect(last_bot(page)).to_contain_text("diagnosed", timeout=180_000)
    expect(page.locator("#problem")).to_be_hidden()
    assert int((pids / "actions.pid").read_text()) != old
    assert page.locator(".msg.user").filter(has_text=re.compile("^(You: )?for myself$")).count() == 1


def test_anonymous_visitors_cannot_reach_staff_pages(site):
    for path in ("/staff", "/staff/export?format=csv", "/staff/handoffs/SNU-AAAAAA"):
        r = requests.get(site.web + path, allow_redirects=False, timeout=10)
        assert r.status_code == 302 and r.headers["Location"] == "/staff/login", path
    r = requests.post(site.web + "/staff/handoffs/SNU-AAAAAA/status", data={"status": "enrolled"},
                      allow_redirects=False, timeout=10)
    assert r.status_code == 302 and r.headers["Location"] == "/staff/login"


def test_staff_logs_in_finds_the_handoff_and_changes_its_status(site, browser):
    """In English, chosen on the sign-in page (the site's default is Korean); then back to Korean by the switch."""
    refs = [h.reference for h in site.store.handoffs()]
    assert refs, "the patient test makes a handoff first"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site.web + "/staff")
    expect(page.locator("h1")).to_have_text("연구팀 로그인")
    page.click("#language-switch a[lang=en]")
    expect(page.locator("h1")).to_have_text("Study team sign-in")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.fill("#username", STAFF_USER)
    page.fill("#password", "wrong password!")
    page.click("button[type=submit]")
    expect(page.locator(".problem")).to_have_text("That user name and password do not match.")
    page.fill("#username", STAFF_USER)
    page.fill("#password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Handoffs")
    page.screenshot(path=str(SHOTS / "staff-desktop-en.png"), full_page=True)
    page.click(f"text={refs[0]}")
    expect(page.locator("h1")).to_have_text(f"Handoff {refs[0]}")
    expect(page.locator("dl.contact")).to_contain_text("Choi Yuna")
    expect(page.locator(".transcript")).to_contain_text("weekday mornings")
    expect(page.locator("#outcome")).to_have_text("likely eligible")
    page.select_option("#new-status", "contacted")
    page.fill("#note", "called, visit booked")
    page.click("text=Save status")
    expect(page.locator("#current-status")).to_have_text("contacted")
    page.click("#language-switch button[lang=ko]")
    expect(page.locator("h1")).to_have_text(f"연결 요청 {refs[0]}")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("#current-status")).to_have_text("연락함")
    expect(page.locator("#outcome")).to_have_text("참여 가능성 높음")
    page.screenshot(path=str(SHOTS / "staff-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 780})
    page.screenshot(path=str(SHOTS / "staff-phone.png"), full_page=True)
    changes = [a for a in site.store.audit_trail(refs[0]) if a.action == "status_changed"]
    assert [(a.actor, a.detail) for a in changes] == [(f"web:{STAFF_USER}", "new -> contacted; note: called, visit booked")]
    assert site.store.staff_language(STAFF_USER) is None  # the session's choice only
    context.close()


def test_failed_logins_are_slowed(site):
    s = requests.Session()
    token = re.search(r'name="csrf" value="([^"]+)"', s.get(site.web + "/staff/login", timeout=10).text).group(1)
    codes = [s.post(site.web + "/staff/login", data={"username": "nobody", "password": "x" * 12, "csrf": token},
                    allow_redirects=False, timeout=10) for _ in range(6)]
    assert [r.status_code for r in codes] == [401] * 5 + [429] and codes[5].headers["Retry-After"] == "1"


# ---------------------------------------------------------------- page behaviour that does not depend on wording

AXE_DIR = Path(os.environ.get("TRIALBOT_AXE_DIR") or ROOT / ".cache" / "axe")


def axe_script() -> Path:
    """axe-core from the npm registry, installed once into a cache folder (nothing committed)."""
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        assert shutil.which("npm"), "the accessibility scan needs npm to fetch axe-core (Debian: apt-get install npm)"
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR),
                               "axe-core@4"], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0 and script.exists(), done.stderr[-2000:]
    return script


def serious_axe_findings(page):
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def answer_anything(page):
    """One step of the conversation, whatever it asks: the first button, or a typed answer."""
    before = page.locator(".msg.bot").count()
    buttons = page.locator(".choices button")
    if buttons.count():
        buttons.first.click()
    else:
        page.fill("#message", "yes")
        page.press("#message", "Enter")
    _settled(page, before)


def begin(page, site):
    page.goto(site.web)
    before = page.locator(".msg.bot").count()
    page.click("#start")
    _settled(page, before)


def sender_of(page):
    return next(c["value"] for c in page.context.cookies() if c["name"] == "tb_session")


def test_on_a_phone_the_newest_message_stays_in_view(site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    page.set_default_timeout(60_000)
    begin(page, site)
    for _ in range(4):
        answer_anything(page)
        newest = page.locator("#log > *").last
        expect(newest).to_be_in_viewport()
        expect(page.locator(".msg.bot").last).to_be_in_viewport(ratio=0.1)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(SHOTS / "patient-phone-newest.png"))
    context.close()


def test_focus_stays_in_the_chat_and_typing_is_announced(site, page):
    page.goto(site.web)
    status = page.locator("#typing").locator("xpath=..")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    page.evaluate("""() => { window.__typing = [];
        new MutationObserver(() => window.__typing.push(document.getElementById('typing').textContent))
          .observe(document.getElementById('typing'), {childList: true, characterData: true, subtree: true}); }""")
    before = page.locator(".msg.bot").count()
    page.click("#start")
    _settled(page, before)
    assert any(t.strip() for t in page.evaluate("window.__typing")), "the typing indicator never had text"
    expect(page.locator("#message")).to_be_focused()
    for _ in range(2):
        if not page.locator(".choices button").count():
            break
        before = page.locator(".msg.bot").count()
        page.locator(".choices button").first.click()
        _settled(page, before)
        expect(page.locator("#message")).to_be_focused()


def test_the_skip_link_lands_on_the_chat_input(site, page):
    page.goto(site.web)
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#message")).to_be_focused()


def test_a_reload_hides_contact_details_and_end_clears_the_chat(site, page):
    begin(page, site)
    type_answer(page, "please call me on 010-2323-4545 or write to minseo.k@example.org")
    expect(page.locator(".msg.user").last).to_contain_text("010-2323-4545")  # shown as typed, before a reload
    page.reload()
    expect(page.locator(".msg.user").first).to_be_visible()
    log = page.inner_text("#log")
    assert "2323" not in log and "4545" not in log and "example.org" not in log
    assert "hidden for privacy" in page.inner_text(".msg.user >> nth=-1")  # said to screen readers
    sender = sender_of(page)
    page.click("#end-chat")
    expect(page.locator(".msg")).to_have_count(0)
    expect(page.locator("#notice")).to_contain_text("ended")
    expect(page.locator("#start")).to_be_focused()
    assert not any(c["name"] == "tb_session" and c["value"] for c in page.context.cookies())
    page.reload()
    expect(page.locator("#start")).to_be_visible()
    assert page.locator(".msg").count() == 0
    with site.store.engine.connect() as conn:  # the records stay for the study team
        import sqlalchemy as sa
        assert conn.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar() > 0


def test_the_page_follows_the_conversation_language(site, page):
    begin(page, site)
    sender = sender_of(page)
    # What the bot sends to switch language: a message with {"custom": {"lang": "ko"}}.
    r = requests.post(f"{site.url}/conversations/{sender}/tracker/events",
                      params={"token": site.env["TRIALBOT_API_TOKEN"]},
                      json={"event": "bot", "text": None, "data": {"custom": {"lang": "ko"}}}, timeout=30)
    assert r.status_code == 200, r.text
    count = page.locator(".msg").count()
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("#send")).to_have_text("보내기")
    expect(page.locator("#end-chat")).to_have_text("채팅 끝내고 지우기")
    expect(page.locator("label[for=message]")).to_have_text("답변")
    expect(page.locator("#about-title")).to_have_text("이 임상시험에 대해")
    assert page.locator(".msg").count() == count  # the language message itself is not shown
    assert page.get_attribute("#log", "aria-label") == "사전 확인 도우미와의 대화"
    page.screenshot(path=str(SHOTS / "patient-korean.png"), full_page=True)


def test_patient_page_has_no_serious_accessibility_findings(site, browser):
    for viewport in ({"width": 1280, "height": 900}, {"width": 360, "height": 780}):
        context = browser.new_context(viewport=viewport, bypass_csp=True)  # to inject axe; the CSP is tested elsewhere
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(site.web)
        assert serious_axe_findings(page) == []
        begin(page, site)
        answer_anything(page)
        assert serious_axe_findings(page) == [], viewport
        context.close()


def _callback_handoff(site):
    import json as _json

    from bot.records import crypto
    from bot.records.store import Screening

    sender = "browser-callback-" + os.urandom(4).hex()
    ref = site.store.create_handoff(sender, "NCT03558607", "consent v1", "Han Seojun", "+821077778888",
                                    "seojun@example.com", "afternoons", "Korean", kind="callback")
    with site.store.session() as s:
        sc = s.query(Screening).filter(Screening.sender_id == sender).one()
        sc.language = "ko"
        sc.flags_enc = crypto.encrypt(_json.dumps({"emergencies": ["chest_pain"], "unread": []}))
    return ref


def _staff_on_a_phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 780}, bypass_csp=True)  # to inject axe
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


def _sign_in_by_keyboard(page, site):
    page.goto(site.web + "/staff/login")
    assert serious_axe_findings(page) == []
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    expect(page.locator("#username")).to_be_focused()
    page.keyboard.type(STAFF_USER)
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF_PASSWORD)
    page.keyboard.press("Enter")


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_staff_pages_by_keyboard_on_a_phone_without_serious_findings(site, browser):
    """In Korean, the site's default."""
    ref = _callback_handoff(site)
    context, page = _staff_on_a_phone(browser)
    _sign_in_by_keyboard(page, site)
    expect(page.locator("h1")).to_have_text("연결 요청")
    assert serious_axe_findings(page) == []
    _fits(page)
    page.fill("#q", ref)
    page.keyboard.press("Enter")
    link = page.locator(f"a[href='/staff/handoffs/{ref}']")
    expect(link).to_have_count(1)
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(f"연결 요청 {ref}")
    expect(page.locator("#kind")).to_have_text("전화 요청")
    expect(page.locator("#language")).to_have_text("한국어")
    expect(page.locator("#flags")).to_contain_text("응급 안내함: 가슴 통증")
    expect(page.locator("a[href='tel:+821077778888']")).to_be_visible()
    expect(page.locator("a[href='mailto:seojun@example.com']")).to_be_visible()
    assert serious_axe_findings(page) == []
    page.select_option("#assigned-to", STAFF_USER)
    page.locator("#assigned-to").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the Assign button, by keyboard
    expect(page.locator("#history")).to_contain_text(re.compile(rf"{STAFF_USER}\s*담당자 지정\s*없음 → {STAFF_USER}"))
    _fits(page)
    page.screenshot(path=str(SHOTS / "staff-handoff-phone.png"), full_page=True)
    context.close()


def test_safety_events_and_the_language_switch_by_keyboard_on_a_phone(site, browser):
    """The safety events page in Korean, then in English by the switch, keyboard only, at 360 px."""
    from bot.records.effects import EmergencyFlag, apply

    ref = _callback_handoff(site)
    sender = next(h.screening.sender_id for h in site.store.handoffs() if h.reference == ref)
    apply(site.store, sender, "NCT03558607", [EmergencyFlag(("self_harm",))])
    context, page = _staff_on_a_phone(browser)
    _sign_in_by_keyboard(page, site)
    expect(page.locator("h1")).to_have_text("연결 요청")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # the handoffs
    page.keyboard.press("Tab")
    expect(page.locator("a[href='/staff/safety']")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("안전 기록")
    row = page.locator("#safety-events tbody tr", has=page.locator(f"a[href='/staff/handoffs/{ref}']"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(re.compile(r"위기 상담전화\s*자해 생각\s*한국어"))
    assert serious_axe_findings(page) == []
    _fits(page)
    page.screenshot(path=str(SHOTS / "staff-safety-phone.png"), full_page=True)
    english = page.locator("#language-switch button[lang=en]")
    english.focus()
    expect(english).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Safety events")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#language-switch button[lang=en]")).to_have_attribute("aria-pressed", "true")
    expect(row).to_contain_text(re.compile(r"Crisis lines\s*thoughts of self-harm\s*Korean"))
    assert serious_axe_findings(page) == []
    _fits(page)
    row.locator(f"a[href='/staff/handoffs/{ref}']").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(f"Handoff {ref}")
    expect(page.locator("#flags")).to_contain_text("Crisis lines given: thoughts of self-harm")
    assert serious_axe_findings(page) == []
    context.close()


def test_patient_chat_by_keyboard_only_on_a_phone(site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(site.web)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link
    expect(page.locator("#message")).to_be_focused()
    before = page.locator(".msg.bot").count()
    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    _settled(page, before)
    expect(page.locator("#message")).to_be_focused()
    for _ in range(2):
        if not page.locator(".choices button").count():
            break
        before = page.locator(".msg.bot").count()
        page.keyboard.press("Shift+Tab")  # back from the input to the last suggested answer
        expect(page.locator(".choices button").last).to_be_focused()
        page.keyboard.press("Enter")
        _settled(page, before)
        expect(page.locator("#message")).to_be_focused()
        expect(page.locator("#log > *").last).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    context.close()


def _screened_handoff(site):
    """A Korean screening handed off, with the pass the reader gives today to a mother who still breastfeeds."""
    from bot.records.effects import (AnswerRecorded, ConsentGiven, ContactGiven, FinalVerdict, HandoffRequested,
                                     ScreeningFinished, apply)

    sender = "browser-correction-" + os.urandom(4).hex()
    apply(site.store, sender, "NCT03558607", [
        ConsentGiven("ko"),
        AnswerRecorded("age", "나이가 어떻게 되세요?", "예순일곱이에요", {"value": 67}, "pass", "나이 67세는 괜찮아요."),
        AnswerRecorded("pregnancy_breastfeeding", "임신 중이시거나 수유 중이세요?", "아니요. 아 근데 사실 자기 전에는 아직 젖 물려요.",
                       {"value": "no"}, "pass", "임신이나 수유 중이 아니에요."),
        ScreeningFinished("likely_eligible", {"age": FinalVerdict("pass", None),
                                              "pregnancy_breastfeeding": FinalVerdict("pass", None)}),
        HandoffRequested("screening", ContactGiven("Kim Minji", "+821012345678", None, "10-12", "Korean"), "ko", "ok"),
    ])
    return site.store.handoff_for_sender(sender).reference


def test_a_verdict_is_corrected_by_keyboard_on_a_phone_and_counted_in_both_languages(site, browser):
    """Korean first: choose the criterion, the right verdict and a note with the keyboard only, at 360 px;
    the correction is listed on the handoff and counted on the agreement page, then the same page in English."""
    ref = _screened_handoff(site)
    context, page = _staff_on_a_phone(browser)
    _sign_in_by_keyboard(page, site)
    expect(page.locator("h1")).to_have_text("연결 요청")
    page.goto(f"{site.web}/staff/handoffs/{ref}")
    expect(page.locator("#correct-title")).to_have_text("판정 바로잡기")
    assert serious_axe_findings(page) == []
    _fits(page)
    page.locator("#correct-criterion").focus()
    page.keyboard.press("ArrowDown")  # the second criterion the assistant judged
    expect(page.locator("#correct-criterion")).to_have_value("pregnancy_breastfeeding")
    page.keyboard.press("Tab")  # the first right verdict
    page.keyboard.press("ArrowRight")  # the second: not met
    expect(page.locator("input[name=verdict][value=fail]")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#correction-note")).to_be_focused()
    page.keyboard.type("자기 전에 아직 수유 중이세요")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # three choices and a note, then save
    expect(page.locator("#correction-list li")).to_have_count(1)
    expect(page.locator("#correction-list li")).to_contain_text(
        "임신 또는 수유: 챗봇 판정은 ‘충족’, 맞는 판정은 ‘충족 안 됨’이에요: 자기 전에 아직 수유 중이세요")
    expect(page.locator("#history")).to_contain_text(re.compile(rf"{STAFF_USER}\s*판정 바로잡음"))
    assert serious_axe_findings(page) == []
    _fits(page)
    page.screenshot(path=str(SHOTS / "staff-correction-phone.png"), full_page=True)
    page.locator("a[href='/staff/corrections']").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("연구팀과 챗봇의 판정 일치율")
    row = page.locator("#agreement tbody tr", has_text="임신 또는 수유")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(re.compile(r"임신 또는 수유\s*NCT03558607\s*\d+\s*\d+\s*\d+%"))
    assert serious_axe_findings(page) == []
    _fits(page)
    page.locator("#language-switch button[lang=en]").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Agreement with the study team")
    expect(page.locator("#agreement tbody tr", has_text="Pregnant or breastfeeding")).to_have_count(1)
    assert serious_axe_findings(page) == []
    _fits(page)
    context.close()


def test_after_the_call_by_keyboard_on_a_phone_and_the_monthly_funnel(site, browser):
    """A call that reached the person, then 'not eligible' with the criterion: keyboard only, at 360 px, in
    Korean; then the month-by-month funnel on the queue, with its chart, fits the phone."""
    ref = _screened_handoff(site)
    context, page = _staff_on_a_phone(browser)
    _sign_in_by_keyboard(page, site)
    expect(page.locator("h1")).to_have_text("연결 요청")
    expect(page.locator("#months-title")).to_have_text("월별 흐름 (등록까지)")
    expect(page.locator("svg.chart-svg title")).to_contain_text("표시한 모든 달 합계: 시작")
    assert serious_axe_findings(page) == []
    _fits(page)
    page.goto(f"{site.web}/staff/handoffs/{ref}")
    page.locator("#after-call button[value=reached]").focus()  # the date stays today's
    page.keyboard.press("Enter")  # one key
    expect(page.locator("#after-events li")).to_have_count(1)
    expect(page.locator("#after-events li")).to_contain_text(re.compile(rf"전화 연락, 통화함 · {STAFF_USER}$"))
    expect(page.locator("#current-status")).to_have_text("연락함")
    page.locator("#not-eligible-criterion").focus()
    page.keyboard.press("End")  # the last criterion on the list
    page.keyboard.press("Tab")
    expect(page.locator("#after-call button[value=not_eligible]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#after-events li")).to_have_count(2)
    expect(page.locator("#after-events li").last).to_contain_text(
        re.compile(rf"연구팀 선별, 대상 아님 \(지금 참여 중인 다른 임상시험\) · {STAFF_USER}$"))
    expect(page.locator("#current-status")).to_have_text("대상 아님")
    assert serious_axe_findings(page) == []
    _fits(page)
    page.screenshot(path=str(SHOTS / "staff-after-call-phone.png"), full_page=True)
    context.close()
