"""What happened after the call: on a handoff, each call (reached / no
answer / wrong number) and the study team's screening (eligible / not
eligible with the criterion / declined with a reason / enrolled), with its
date, each in one to three clicks; the funnel per month on the queue page (a
table, an SVG drawn on the server, the reasons for the rest) and as CSV, in
Korean and English. The real web server in this process, a real database."""
import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from bot import config
from bot.records.effects import (AnswerRecorded, ConsentGiven, ContactGiven, FinalVerdict, HandoffRequested,
                                 ScreeningFinished, apply)
from bot.records.store import HandoffEvent
from tests.test_staff_language import _get, _post, visible_text, words_out_of_place
from tests.test_web import signed_in, start_web

TRIAL = "NCT03558607"


@pytest.fixture
async def client(bot_env, monkeypatch):
    c = await start_web(bot_env, monkeypatch)
    yield c
    await c.close()


def _handed_off(store, sender, outcome="likely_eligible") -> str:
    apply(store, sender, TRIAL, [
        ConsentGiven("ko"),
        AnswerRecorded("age", "나이가 어떻게 되세요?", "예순일곱", {"value": 67}, "pass", "괜찮아요."),
        ScreeningFinished(outcome, {"age": FinalVerdict("pass", None)}),
        HandoffRequested("screening", ContactGiven("김민지", "+821012345678", None, "10-12", "Korean"), "ko", "ok"),
    ])
    return store.handoff_for_sender(sender).reference


def _today():
    return datetime.now(config.site().tz()).date()


def _section(page, lang, anchor):
    start = page.index(f'id="{anchor}"')
    start = page.index(">", start) + 1
    return " | ".join(visible_text(page[start:page.index("</section>", start)], lang))


async def test_a_call_and_the_study_teams_result_in_korean_with_their_dates(client):
    ref = _handed_off(client.store, "after-1")
    csrf = await signed_in(client)
    page = await _get(client, f"/staff/handoffs/{ref}")
    assert _section(page, "ko", "after-call") == (
        "통화 후 결과 | 날짜 | 전화 연락 | 통화함 | 받지 않음 | 잘못된 번호 | 날짜 | 연구팀 선별 검사 결과 | 적격 | 등록함 | "
        "대상 아님: 충족하지 않은 기준 | 진단: 골수증식종양(MPN) 뒤에 생긴 급성골수성백혈병(AML) | 평소 하루 생활(ECOG) | "
        "집중 항암치료를 견딜 체력 | 나이 | 심각한 심장 문제 | 심각한 간이나 신장(콩팥) 질환 | 크레아티닌 | ALT와 AST(간 수치) | "
        "기대 여명 | 연구 참여 동의서 | 피임 | 콘돔 사용 | 최근 2년 안의 다른 암 | 임신 또는 수유 | 다른 심각한 병 | "
        "예전에 룩솔리티닙 복용 | 최근 2주 안의 항암제 | 지금 참여 중인 다른 임상시험"
        " | 대상 아님 | 참여 거절: 이유 | 관심 없음 | 병원이 너무 멂 | 방문할 시간이 없음 | 건강이 나빠짐 | 가족이 반대함 | "
        "다른 치료를 선택함 | 다른 이유 | 참여 거절 | 기록된 결과 | 연결 후 기록된 결과가 아직 없어요.")
    assert f'value="{_today().isoformat()}" max="{_today().isoformat()}"' in page  # today, the site's
    # One click: a call nobody answered, then one that reached them (yesterday).
    yesterday = (_today() - timedelta(days=1)).isoformat()
    await _post(client, f"/staff/handoffs/{ref}/contact", {"csrf": csrf, "on": "", "result": "no_answer"}, 302)
    await _post(client, f"/staff/handoffs/{ref}/contact", {"csrf": csrf, "on": yesterday, "result": "reached"}, 302)
    # Two clicks and a button: not eligible, with the criterion.
    await _post(client, f"/staff/handoffs/{ref}/result",
                {"csrf": csrf, "on": "", "criterion": "age", "reason": "not_interested", "result": "not_eligible"}, 302)
    page = await _get(client, f"/staff/handoffs/{ref}")
    events = [" | ".join(visible_text(li, "ko")) for li in
              re.findall(r"<li>.*?</li>", page[page.index('id="after-events"'):], re.S)[:3]]
    day, yday = _day_ko(_today()), _day_ko(_today() - timedelta(days=1))
    assert events == [f"{yday}: 전화 연락, 통화함 · alice", f"{day}: 전화 연락, 받지 않음 · alice",
                      f"{day}: 연구팀 선별, 대상 아님 (나이) · alice"]
    assert re.search(r'<strong id="current-status">대상 아님</strong>', page)
    history = " | ".join(visible_text(page[page.index('id="history"'):], "ko"))
    for words in ("전화 연락 기록", "연구팀 선별 결과 기록", "새 요청 → 연락함", "연락함 → 대상 아님"):
        assert words in history, words
    assert words_out_of_place(page, "ko") == []


def _day_ko(d):
    return f"{d.year}년 {d.month}월 {d.day}일 ({'월화수목금토일'[d.weekday()]})"


async def test_what_the_after_call_forms_refuse_is_said_in_words_and_nothing_is_stored(client):
    ref = _handed_off(client.store, "after-2")
    csrf = await signed_in(client)
    tomorrow = (_today() + timedelta(days=1)).isoformat()
    wrong = [("contact", {"result": "reached", "on": tomorrow}), ("contact", {"result": "hung_up"}),
             ("contact", {"result": "reached", "on": "어제"}), ("result", {"result": "declined", "reason": "bored"}),
             ("result", {"result": "not_eligible", "criterion": ""}),
             ("result", {"result": "not_eligible", "criterion": "favourite_colour"}), ("result", {"result": "done"})]
    for path, form in wrong:
        page = await _post(client, f"/staff/handoffs/{ref}/{path}", {"csrf": csrf, **form}, 400)
        assert '<p class="problem" role="alert" id="error">화면의 결과와 목록의 기준이나 이유, 그리고 날짜를 골라 주세요.</p>' \
            in page, form
    await _post(client, f"/staff/handoffs/{ref}/contact", {"csrf": "forged", "result": "reached"}, 403)
    assert client.store.handoff_events(ref) == []


async def test_the_funnel_per_month_on_the_queue_and_as_csv_in_both_languages(client):
    refs = [_handed_off(client.store, f"after-f{n}", "needs_review" if n % 2 else "likely_eligible") for n in range(5)]
    apply(client.store, "after-f-alone", TRIAL, [ConsentGiven("ko")])  # started, never finished
    s = client.store
    today = _today()
    s.record_contact(refs[0], "reached", today, "web:bob")
    s.record_screening_result(refs[0], "enrolled", today, "web:bob")
    s.record_contact(refs[1], "reached", today, "web:bob")
    s.record_screening_result(refs[1], "not_eligible", today, "web:bob", criterion="age")
    s.record_contact(refs[2], "reached", today, "web:bob")
    s.record_screening_result(refs[2], "declined", today, "web:bob", reason="too_far")
    s.record_contact(refs[3], "wrong_number", today, "web:bob")
    await signed_in(client)
    page = await _get(client, "/staff")
    month = f"{today.year}년 {today.month}월"
    row = [" | ".join(visible_text(r, "ko")) for r in re.findall(r"<tr>.*?</tr>", page[page.index('id="month-table"'):
                                                                                    page.index("</table>", page.index('id="month-table"'))], re.S)]
    assert row == ["월 | 연구 | 시작 | 완료 | 참여 가능성 높음 | 참여 가능성 있음 | 연구팀 연결 | 연락됨 | 연구팀 선별 완료 | 등록",
                   f"{month} | NCT03558607 | 6 | 5 | 3 | 2 | 5 | 3 | 2 | 1"]
    stopped = [" | ".join(visible_text(li, "ko")) for li in re.findall(r"<li>.*?</li>", page[page.index('id="stopped"'):
                                                                                          page.index("</ul>", page.index('id="stopped"'))], re.S)]
    assert stopped == ["참여 거절: 병원이 너무 멂: 1", "대상 아님: 나이: 1", "아직 연락 안 됨: 1", "잘못된 번호: 1"]
    assert '<title id="chart-title">표시한 모든 달 합계: 시작 6, 완료 5, 참여 가능성 높음 3, 참여 가능성 있음 2, 연구팀 연결 5, ' \
        '연락됨 3, 연구팀 선별 완료 2, 등록 1</title>' in page
    assert re.search(r'<rect x="214" y="4" width="360.0" height="22" fill="#0b57a4"></rect>', page)  # the longest bar
    assert words_out_of_place(page, "ko") == []
    r = await client.get("/staff/funnel.csv")
    assert r.status == 200 and r.headers["Content-Disposition"] == 'attachment; filename="funnel.csv"'
    assert await r.text() == (
        "\ufeff월,연구,시작,완료,참여 가능성 높음,참여 가능성 있음,연구팀 연결,연락됨,연구팀 선별 완료,등록,"
        "참여 거절: 병원이 너무 멂,대상 아님: 나이,아직 연락 안 됨,잘못된 번호\r\n"
        f"{month},NCT03558607,6,5,3,2,5,3,2,1,1,1,1,1\r\n")
    client.store.set_staff_language("alice", "en", "test")
    client.session.cookie_jar.clear()
    await signed_in(client)
    page = await _get(client, "/staff")
    assert "<h2 id=\"months-title\">Month by month, to enrolment</h2>" in page
    stopped = [" | ".join(visible_text(li, "en")) for li in re.findall(r"<li>.*?</li>", page[page.index('id="stopped"'):
                                                                                          page.index("</ul>", page.index('id="stopped"'))], re.S)]
    assert stopped == ["declined: lives too far away: 1", "not eligible: Age: 1", "not reached yet: 1",
                       "wrong number: 1"]
    assert words_out_of_place(page, "en") == []
    csv_en = await (await client.get("/staff/funnel.csv")).text()
    assert csv_en.splitlines()[0] == (
        "\ufeffMonth,Study,started,finished,likely eligible,possibly eligible,handed off,contacted,screened by the team,"
        "enrolled,declined: lives too far away,not eligible: Age,not reached yet,wrong number")


async def test_what_happened_after_the_call_is_deleted_with_the_persons_data(client):
    ref = _handed_off(client.store, "after-gone")
    client.store.record_contact(ref, "reached", _today(), "web:bob")
    client.store.delete_person("after-gone")
    with client.store.session() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(HandoffEvent)).scalar() == 0


async def test_after_the_call_in_english(client):
    ref = _handed_off(client.store, "after-en")
    client.store.set_staff_language("alice", "en", "test")
    csrf = await signed_in(client)
    await _post(client, f"/staff/handoffs/{ref}/contact", {"csrf": csrf, "on": "", "result": "wrong_number"}, 302)
    await _post(client, f"/staff/handoffs/{ref}/result",
                {"csrf": csrf, "on": "", "criterion": "age", "reason": "health_worse", "result": "declined"}, 302)
    page = await _get(client, f"/staff/handoffs/{ref}")
    d = _today()
    day = f"{'Mon Tue Wed Thu Fri Sat Sun'.split()[d.weekday()]} {d.day} {d.strftime('%b')} {d.year}"
    section = _section(page, "en", "after-call")
    assert section.startswith("After the call | On | A call | reached | no answer | wrong number | On | "
                              "The study team's screening | eligible | enrolled | Not eligible: the criterion not met | "
                              "Diagnosis: AML after an MPN | ")
    assert section.endswith("Not eligible | Declined: the reason | not interested | lives too far away | "
                            "no time for the visits | health got worse | the family decided against it | "
                            "chose another treatment | another reason | Declined | What happened | "
                            f"{day}: call, wrong number · alice | {day}: study screening, declined (health got worse) · alice")
    assert '<strong id="current-status">withdrawn</strong>' in page
    assert words_out_of_place(page, "en") == []
    r = await client.post(f"/staff/handoffs/{ref}/contact", data={"csrf": csrf, "result": "busy"},
                          allow_redirects=False)
    assert r.status == 400 and '<p class="problem" role="alert" id="error">Please choose a result from the page, ' \
        'a criterion or a reason from the lists, and a date.</p>' in await r.text()


def test_the_shell_shows_and_exports_what_happened_after_the_call_and_the_corrections(bot_env, tmp_path):
    import json
    import os
    from datetime import date

    from bot.staff import review
    from tests.test_store_staff import run_cli

    ref = _handed_off(bot_env, "after-shell")
    bot_env.record_contact(ref, "no_answer", date(2026, 11, 30), "coordinator.kim")
    bot_env.record_contact(ref, "reached", date(2026, 12, 1), "coordinator.kim")
    bot_env.record_screening_result(ref, "not_eligible", date(2026, 12, 2), "coordinator.kim", criterion="age")
    bot_env.record_correction(ref, "age", "fail", "67 is fine, but the birth year said 1951", "coordinator.kim")
    shown = run_cli("handoffs", "show", ref, env=dict(os.environ, TRIALBOT_STAFF_USER="coordinator.lee")).stdout
    assert ("After the call\n"
            "  2026-11-30 contact: no_answer  by coordinator.kim\n"
            "  2026-12-01 contact: reached  by coordinator.kim\n"
            "  2026-12-02 screening: not_eligible (Age)  by coordinator.kim\n\n"
            "Corrections\n"
            "  Age [age]: pass -> fail  by coordinator.kim: 67 is fine, but the birth year said 1951") in shown
    exported = json.loads(review.export(bot_env, "json", tmp_path / "h.json").read_text(encoding="utf-8"))
    row = next(r for r in exported if r["reference"] == ref)
    assert [(e["kind"], e["result"], e["on"]) for e in row["after_call"]] == [
        ("contact", "no_answer", "2026-11-30"), ("contact", "reached", "2026-12-01"),
        ("screening", "not_eligible", "2026-12-02")]
    assert row["corrections"][0]["verdict_expected"] == "fail"
    csv_text = review.export(bot_env, "csv", tmp_path / "h.csv").read_text(encoding="utf-8-sig")
    assert ("2026-11-30 contact: no_answer; 2026-12-01 contact: reached; 2026-12-02 screening: not_eligible (age)"
            in csv_text and "age: pass -> fail" in csv_text)
