"""The patient page and the staff page in a real browser: headless Chromium
(Debian's package) driven by Playwright, against the servers started by
scripts/run.sh. Screenshots go to artifacts/screenshots/ (git ignores it);
TRIALBOT_SCREENSHOT_DIR=docs/screenshots refreshes the copies the README links."""
import os
import re
import shutil
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
    expect(page.locator(".choices")).to_contain_text("Yes, let's start")
    click(page, "Yes, let's start")
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
             ("click", "Normal", "Is this all correct")]
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
    click(page, "Yes, please share")
    expect(last_bot(page)).to_contain_text("What name")
    type_answer(page, "Choi Yuna")
    expect(last_bot(page)).to_contain_text("phone number")
    type_answer(page, "010-2222-3333")
    expect(last_bot(page)).to_contain_text("good time")
    type_answer(page, "weekday mornings")
    click(page, "Korean")
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
    expect(page.locator(".choices")).to_contain_text("Yes, let's start")
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
    expect(page.locator("#message")).to_have_value("for myself")
    site.start()
    page.click("#retry")
    expect(last_bot(page)).to_contain_text("diagnosed")
    expect(page.locator("#problem")).to_be_hidden()
    expect(page.locator("#message")).to_have_value("")


def test_anonymous_visitors_cannot_reach_staff_pages(site):
    for path in ("/staff", "/staff/export?format=csv", "/staff/handoffs/SNU-AAAAAA"):
        r = requests.get(site.web + path, allow_redirects=False, timeout=10)
        assert r.status_code == 302 and r.headers["Location"] == "/staff/login", path
    r = requests.post(site.web + "/staff/handoffs/SNU-AAAAAA/status", data={"status": "enrolled"},
                      allow_redirects=False, timeout=10)
    assert r.status_code == 302 and r.headers["Location"] == "/staff/login"


def test_staff_logs_in_finds_the_handoff_and_changes_its_status(site, browser):
    refs = [h.reference for h in site.store.handoffs()]
    assert refs, "the patient test makes a handoff first"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site.web + "/staff")
    expect(page.locator("h1")).to_have_text("Study team sign-in")
    page.fill("#username", STAFF_USER)
    page.fill("#password", "wrong password!")
    page.click("button[type=submit]")
    expect(page.locator(".problem")).to_contain_text("do not match")
    page.fill("#username", STAFF_USER)
    page.fill("#password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Handoffs")
    page.screenshot(path=str(SHOTS / "staff-desktop.png"), full_page=True)
    page.click(f"text={refs[0]}")
    expect(page.locator("h1")).to_have_text(f"Handoff {refs[0]}")
    expect(page.locator("dl.contact")).to_contain_text("Choi Yuna")
    expect(page.locator(".transcript")).to_contain_text("weekday mornings")
    page.select_option("#new-status", "contacted")
    page.fill("#note", "called, visit booked")
    page.click("text=Save status")
    expect(page.locator("#current-status")).to_have_text("contacted")
    page.set_viewport_size({"width": 360, "height": 780})
    page.screenshot(path=str(SHOTS / "staff-phone.png"), full_page=True)
    changes = [a for a in site.store.audit_trail(refs[0]) if a.action == "status_changed"]
    assert [(a.actor, a.detail) for a in changes] == [(f"web:{STAFF_USER}", "new -> contacted; note: called, visit booked")]
    context.close()


def test_failed_logins_are_limited(site):
    s = requests.Session()
    codes = [s.post(site.web + "/staff/login", data={"username": "nobody", "password": "x" * 12},
                    allow_redirects=False, timeout=10).status_code for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
