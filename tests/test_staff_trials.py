"""Staff work across several trials: a conversation makes one screening per
trial and one handoff per trial the person shares with. The queue shows each
handoff's trial and filters by it (with the other filters), both funnels
count per trial, and the handoff page and the exports name the trial. The
screenings and handoffs are written straight to a real database; the real
web server runs in this process."""
import csv
import io
import json
import re
from dataclasses import asdict
from datetime import timedelta
from typing import List, Optional

import pytest

from bot.records import crypto
from bot.records.store import AnswerRow, Handoff, Screening, utcnow
from bot.staff import review
from tests.test_staff_language import _get, visible_text, words_out_of_place
from tests.test_web import signed_in, start_web

AML, CART = "NCT03558607", "NCT05210907"
CART_TITLE_KO = "재발했거나 치료에 반응하지 않는 급성림프모구백혈병(ALL) 소아·청소년에게 병원에서 만든 CD19 CAR-T 세포를 쓰는 연구"
CART_TITLE_EN = ("CD19 CAR-T cells made at the hospital, for children and young people whose ALL has come back or "
                 "not responded to treatment")


def _screening(store, sender: str, trial: str, outcome: Optional[str], ref: str = "") -> None:
    """One trial's screening of a conversation (finished when it has an outcome), handed off under `ref` if given."""
    with store.session() as s:
        sc = Screening(sender_id=sender, trial_id=trial, language="ko", status="finished" if outcome else "in_progress",
                       outcome=outcome)
        s.add(sc)
        if ref:
            s.add(Handoff(screening=sc, reference=ref, consent_at=utcnow(), consent_text="ok",
                          name_enc=crypto.encrypt(f"name {ref}"), phone_enc=crypto.encrypt("+821012345678"),
                          preferred_language="Korean"))
            s.add(AnswerRow(screening=sc, criterion_id="age", question="age?", raw_text_enc=crypto.encrypt("12"),
                            verdict="pass"))
            if trial == CART:
                s.add(AnswerRow(screening=sc, criterion_id="cd19_documented", question="CD19?",
                                raw_text_enc=crypto.encrypt("네, CD19 양성"), verdict="pass"))


def _two_trials(store) -> None:
    """By hand, per trial: started, finished, likely eligible, needs review, handed off.
    NCT03558607: 2, 2, 1, 0, 1 (SNU-AMLAA2).  NCT05210907: 3, 2, 0, 2, 2 (SNU-CARTB3, SNU-CARTC4)."""
    _screening(store, "conv-1", AML, "likely_eligible", "SNU-AMLAA2")  # one conversation, both trials shared
    _screening(store, "conv-1", CART, "needs_review", "SNU-CARTB3")
    _screening(store, "conv-2", AML, "likely_ineligible")
    _screening(store, "conv-3", CART, None)  # still answering
    _screening(store, "conv-4", CART, "needs_review", "SNU-CARTC4")


WEEK_AML = {"started": 2, "finished": 2, "likely_eligible": 1, "needs_review": 0, "handed_off": 1}
WEEK_CART = {"started": 3, "finished": 2, "likely_eligible": 0, "needs_review": 2, "handed_off": 2}
WEEK_ALL = {"started": 5, "finished": 4, "likely_eligible": 1, "needs_review": 2, "handed_off": 3}
NOTHING = dict.fromkeys(WEEK_ALL, 0)


def _weeks(rows) -> List[dict]:
    return [{k: v for k, v in row.items() if k != "week"} for row in rows]


def _month(m) -> dict:
    return {k: v for k, v in asdict(m).items() if k in ("trial", "started", "finished", "likely_eligible",
                                                        "possibly_eligible", "handed_off")}


def _month_expected(trial: str, week: dict) -> dict:
    """The same counts as a month's row names them (needs review is "possibly eligible" there)."""
    return {"trial": trial, **{("possibly_eligible" if k == "needs_review" else k): n for k, n in week.items()}}


# ---------------------------------------------------------------- the records

def test_find_handoffs_by_trial_together_with_the_other_filters(bot_env):
    _two_trials(bot_env)
    bot_env.set_status("SNU-CARTC4", "contacted", "", "test")

    def refs(**wanted):
        return sorted(h.reference for h in bot_env.find_handoffs(**wanted))

    assert refs(trial=CART) == ["SNU-CARTB3", "SNU-CARTC4"]
    assert refs(trial=AML) == ["SNU-AMLAA2"]
    assert refs() == ["SNU-AMLAA2", "SNU-CARTB3", "SNU-CARTC4"]
    assert refs(trial=CART, status="contacted") == ["SNU-CARTC4"]
    assert refs(trial=AML, status="contacted") == []
    assert refs(trial=CART, outcome="likely_eligible") == []
    assert refs(trial="NCT99999999") == []
    assert bot_env.handoff_trials() == [AML, CART]


def test_the_weekly_and_monthly_funnels_count_per_trial(bot_env):
    _two_trials(bot_env)
    for trial, week in ((AML, WEEK_AML), (CART, WEEK_CART), (None, WEEK_ALL), ("NCT99999999", NOTHING)):
        assert _weeks(bot_env.funnel(trial=trial)) == [NOTHING] * 7 + [week], trial
    assert [_month(m) for m in bot_env.monthly_funnel(trial=CART)] == [_month_expected(CART, WEEK_CART)]
    assert [_month(m) for m in bot_env.monthly_funnel()] == [_month_expected(AML, WEEK_AML),
                                                             _month_expected(CART, WEEK_CART)]
    assert bot_env.monthly_funnel(trial="NCT99999999") == []


def test_the_exports_name_each_handoffs_trial_and_keep_its_answers(bot_env):
    _two_trials(bot_env)
    rows = [json.loads(review.render_export([review.handoff_as_json(h)], "json"))[0] for h in bot_env.handoffs()]
    assert sorted((r["reference"], r["trial_id"]) for r in rows) == [("SNU-AMLAA2", AML), ("SNU-CARTB3", CART),
                                                                     ("SNU-CARTC4", CART)]
    text = review.render_export([review.handoff_as_json(h) for h in bot_env.handoffs()], "csv")
    table = {r["reference"]: r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))}
    assert {ref: r["trial_id"] for ref, r in table.items()} == {"SNU-AMLAA2": AML, "SNU-CARTB3": CART,
                                                                "SNU-CARTC4": CART}
    # The second trial's own criterion has its column, filled for its handoffs only.
    assert [table[ref]["cd19_documented.answer"] for ref in ("SNU-AMLAA2", "SNU-CARTB3")] == ["", "네, CD19 양성"]
    assert "post_mpn_aml.verdict" in table["SNU-AMLAA2"]


# ---------------------------------------------------------------- the staff pages

@pytest.fixture
async def client(bot_env, monkeypatch):
    c = await start_web(bot_env, monkeypatch)
    yield c
    await c.close()


def _refs(page: str) -> List[str]:
    return re.findall(r'href="/staff/handoffs/([A-Z0-9-]+)"', page)


def _this_week(page: str, lang: str) -> str:
    table = page[page.index('id="funnel-title"'):page.index("</table>", page.index('id="funnel-title"'))]
    return " | ".join(visible_text(re.findall(r"<tr>.*?</tr>", table, re.S)[-1], lang))


def _week_row_ko(counts: dict) -> str:
    """This week's funnel row as the Korean page shows it: the week's Monday (UTC), then the counts."""
    today = utcnow().date()
    monday = today - timedelta(days=today.weekday())
    return " | ".join([f"{monday.month}월 {monday.day}일"] + [str(counts[k]) for k in WEEK_ALL])


async def test_the_korean_queue_filters_by_trial_and_counts_that_trials_funnel(client):
    _two_trials(client.store)
    await signed_in(client)  # the site's language: Korean
    page = await _get(client, "/staff", params={"trial": CART})
    assert sorted(_refs(page)) == ["SNU-CARTB3", "SNU-CARTC4"]
    assert '<label for="trial">연구</label>' in page and '<option value="">모든 연구</option>' in page
    assert f'<option value="{CART}" selected>{CART} · {CART_TITLE_KO}</option>' in page
    assert f'<td class="trial">{CART}<br><span class="hint">{CART_TITLE_KO}</span></td>' in page
    assert "사전 확인 건수는 NCT05210907 연구만 세었어요." in visible_text(page, "ko")
    assert _this_week(page, "ko") == _week_row_ko(WEEK_CART)
    months = page[page.index('id="month-table"'):page.index("</table>", page.index('id="month-table"'))]
    assert [row.split(" | ")[1] for row in (" | ".join(visible_text(r, "ko"))
                                            for r in re.findall(r"<tr>.*?</tr>", months, re.S)[1:])] == [CART]
    assert words_out_of_place(page, "ko") == []
    everything = await _get(client, "/staff")
    assert sorted(_refs(everything)) == ["SNU-AMLAA2", "SNU-CARTB3", "SNU-CARTC4"]
    assert "사전 확인 건수는 모든 연구를 합쳐 세었어요. 한 대화에서 여러 연구를 확인했으면 연구마다 한 건씩 세었어요." \
        in visible_text(everything, "ko")
    assert _this_week(everything, "ko") == _week_row_ko(WEEK_ALL)


async def test_the_trial_filter_works_with_the_others_and_an_unknown_trial_finds_nothing(client):
    _two_trials(client.store)
    client.store.set_status("SNU-CARTC4", "contacted", "", "test")
    await signed_in(client)
    assert _refs(await _get(client, "/staff", params={"trial": CART, "status": "contacted"})) == ["SNU-CARTC4"]
    assert _refs(await _get(client, "/staff", params={"trial": AML, "status": "contacted"})) == []
    assert _refs(await _get(client, "/staff", params={"trial": AML, "q": "SNU-AMLAA2"})) == ["SNU-AMLAA2"]
    unknown = await _get(client, "/staff", params={"trial": '<b>"NCT9"'})
    assert _refs(unknown) == [] and "조건에 맞는 연결 요청이 없어요." in visible_text(unknown, "ko")
    assert "<b>" not in unknown and '<option value="&lt;b&gt;&#34;NCT9&#34;" selected>' in unknown
    r = await client.get("/staff/funnel.csv", params={"trial": CART})
    assert [line.split(",")[1] for line in (await r.text()).splitlines()[1:]] == [CART]


async def test_the_handoff_page_names_its_trial_in_the_staff_language(client):
    _two_trials(client.store)
    await signed_in(client)
    page = await _get(client, "/staff/handoffs/SNU-CARTB3")
    assert f"연구: {CART} ({CART_TITLE_KO})" in " ".join(visible_text(page, "ko"))
    assert f'<strong id="trial">{CART}</strong>' in page
    client.store.set_staff_language("alice", "en", "test")
    client.session.cookie_jar.clear()
    await signed_in(client)
    page = await _get(client, "/staff/handoffs/SNU-CARTB3")
    assert f"Study: {CART} ({CART_TITLE_EN})" in " ".join(visible_text(page, "en"))
    queue = await _get(client, "/staff", params={"trial": AML})
    assert _refs(queue) == ["SNU-AMLAA2"]
    assert '<label for="trial">Study</label>' in queue and '<option value="">all studies</option>' in queue
    assert words_out_of_place(queue, "en") == []
