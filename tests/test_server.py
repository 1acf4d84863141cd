"""The whole bot, running: the Rasa server and the action server started by
scripts/run.sh, a real database (SQLite, and PostgreSQL where configured),
conversations over the REST channel as the website sends them, and the
records read back through the real tracker store and tables."""
from datetime import date

import pytest
import requests
import sqlalchemy as sa

from tests.livechat import LiveChat, evaluator_for
from tests.servers import database_url, running_bot

pytestmark = pytest.mark.rasa

NAME, PHONE_TYPED, PHONE_DIGITS, EMAIL = "Lee Jisoo", "010-9876-5432", "98765432", "jisoo.lee@example.com"
UNIQUE_ANSWER = "my essential thrombocythemia became AML in the spring"
DAUGHTER = {  # a daughter answering for her mother, who could still become pregnant
    "respondent": "I'm asking for my mom", "post_mpn_aml": UNIQUE_ANSWER, "age": "she's 44",
    "prior_ruxolitinib": "no, she never had it", "recent_chemo": "she stopped hydroxyurea a month ago",
    "other_trial": "no other studies", "ecog": "she can do everything she used to do",
    "fit_for_induction": "no, the doctors think she can handle it", "other_malignancy": "no other cancers",
    "cardiac_function": "nothing like that", "hepatic_renal_function": "none at all", "serious_conditions": "no",
    "childbearing_potential": "yes she could", "pregnancy_breastfeeding": "no",
    "childbearing_contraception": "yes that's fine", "creatinine": "1.0 mg/dL",
    "liver_enzymes": "ALT 35 and AST 30, both under the limit of 40"}


@pytest.fixture(scope="module")
def bot(request, tmp_path_factory):
    """One pair of servers per database backend for this module."""
    tmp = tmp_path_factory.mktemp("bot")
    url = database_url(request.param, tmp)
    with running_bot(tmp, url) as b:
        yield b


def pytest_generate_tests(metafunc):
    if "bot" in metafunc.fixturenames:
        from tests.conftest import _backends
        metafunc.parametrize("bot", list(_backends()), indirect=True, scope="module")


def rows_for(store, sender):
    with store.engine.connect() as conn:
        sid = conn.execute(sa.text("SELECT id FROM screenings WHERE sender_id = :s"), {"s": sender}).scalars().all()
        answers = conn.execute(sa.text("SELECT criterion_id, verdict FROM answers WHERE screening_id IN "
                                       "(SELECT id FROM screenings WHERE sender_id = :s)"), {"s": sender}).all()
        handoffs = conn.execute(sa.text("SELECT count(*) FROM handoffs WHERE screening_id IN "
                                        "(SELECT id FROM screenings WHERE sender_id = :s)"), {"s": sender}).scalar()
        events = conn.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()
    return sid, dict(answers), handoffs, events


def screen_and_hand_off(bot) -> LiveChat:
    chat = LiveChat(bot)
    slots = chat.run_persona({"id": "daughter", "answers": DAUGHTER})
    assert slots["screening_outcome"] == "likely_eligible"
    assert "likely eligible" in chat.text() and "share these answers" in chat.text()
    assert "What happens next" not in chat.text()  # only after the choice
    chat.say("yes please do")
    assert "What name" in chat.text()
    chat.say(NAME)
    chat.say("12345")  # invalid: asked again, never stored
    assert "complete phone number" in chat.text()
    chat.say(f"{PHONE_TYPED} or {EMAIL}")
    chat.say("evenings")
    chat.click("Korean")
    assert "reference code is SNU-" in chat.text() and "What happens next" in chat.text()
    return chat


def test_full_screening_and_handoff_store_the_right_rows(bot):
    chat = screen_and_hand_off(bot)
    reference = chat.text().split("reference code is ")[1][:10]
    slots = chat.slots
    assert slots["answers"]["age"] == "she's 44" and slots["handoff_reference"] == reference
    assert "age" not in slots  # what was typed is kept per id in `answers`, never in a slot of the trial
    assert slots["readings"]["age"]["number"] == 44
    _, answers, handoffs, events = rows_for(bot.store, chat.sender)
    assert answers["age"] == "pass" and answers["post_mpn_aml"] == "pass" and answers["recent_chemo"] == "pass"
    assert answers["life_expectancy"] == "deferred" and answers["male_barrier_contraception"] == "not_applicable"
    assert handoffs == 1 and events > 20
    h = bot.store.handoff(reference)
    assert (h.name, h.phone, h.email, h.preferred_language) == (NAME, "+821098765432", EMAIL, "Korean")
    assert h.screening.outcome == "likely_eligible" and h.screening.language == "en"
    age_row = next(a for a in h.screening.answers if a.criterion_id == "age")
    assert age_row.raw_text == "she's 44" and age_row.reading["number"] == 44 and "44" in age_row.reason
    # What is stored equals what the tracker holds.
    stored = {a.criterion_id: a.raw_text for a in h.screening.answers if a.raw_text}
    assert stored == {k: v for k, v in slots["answers"].items()}
    with bot.store.engine.connect() as conn:
        raw = " ".join(str(v) for t in ("handoffs", "answers", "events", "screenings")
                       for row in conn.execute(sa.text(f"SELECT * FROM {t}")) for v in row)
    for secret in (NAME, PHONE_DIGITS, EMAIL, UNIQUE_ANSWER, "within the study's limit"):
        assert secret not in raw, f"{secret!r} stored in clear text"
    # The evaluator agrees with the chat on what was typed.
    session = evaluator_for(slots, date.today())
    assert session.outcome.value == slots["screening_outcome"]
    assert {k: j.verdict.value for k, j in session.verdicts.items()} == {k: v for k, v in answers.items() if v}


def test_no_name_phone_email_or_answer_in_the_logs(bot):
    screen_and_hand_off(bot)
    logs = bot.log_path.read_text(errors="replace")
    logs += "".join(p.read_text(errors="replace") for p in (bot.log_path.parent / "var" / "logs").glob("*.log"))
    assert "Rasa server" in logs or "action" in logs  # the logs were really read
    for secret in (NAME, PHONE_TYPED, PHONE_DIGITS, EMAIL, UNIQUE_ANSWER, "hydroxyurea a month ago", "she's 44"):
        assert secret not in logs, f"{secret!r} written to a log"


def test_a_restart_mid_screening_loses_no_answer(bot):
    chat = LiveChat(bot).start()
    for qid in ("respondent", "post_mpn_aml", "age"):
        assert chat.slot == qid
        chat.say(DAUGHTER[qid])
    bot.stop()
    bot.start()
    chat.say("hello again")
    assert chat.slot == "prior_ruxolitinib" and "ruxolitinib" in chat.text()
    chat.say(DAUGHTER["prior_ruxolitinib"])
    slots = chat.slots
    assert slots["answers"]["respondent"] == DAUGHTER["respondent"] and slots["answers"]["age"] == "she's 44"
    _, answers, _, _ = rows_for(bot.store, chat.sender)
    assert {"respondent", "post_mpn_aml", "age", "prior_ruxolitinib"} <= set(answers)


def test_likely_ineligible_is_told_why_and_can_correct(bot):
    chat = LiveChat(bot).start()
    chat.say("for myself")
    chat.say("I only have myelofibrosis, no leukemia")
    assert chat.slot == "summary"
    chat.say("yes that's right")
    assert "likely not eligible" in chat.text() and "no AML so far" in chat.text()
    assert chat.slots["screening_outcome"] == "likely_ineligible"
    chat.say("change my diagnosis to AML after myelofibrosis")
    assert chat.slot == "age" and "How old" in chat.text()


def test_delete_my_data_asks_first_then_leaves_no_row(bot):
    chat = screen_and_hand_off(bot)
    assert rows_for(bot.store, chat.sender)[2] == 1
    chat.say("please delete my data")
    assert "can't be undone" in chat.text() and rows_for(bot.store, chat.sender)[2] == 1
    chat.click("Yes, erase")
    assert "deleted" in chat.text()
    ids, answers, handoffs, events = rows_for(bot.store, chat.sender)
    assert (ids, answers, handoffs, events) == ([], {}, 0, 0)


def test_the_http_api_needs_the_token(bot):
    r = requests.get(f"{bot.url}/conversations/anyone/tracker", timeout=10)
    assert r.status_code in (401, 403)
    r = requests.get(f"{bot.url}/conversations/anyone/tracker", params={"token": "wrong"}, timeout=10)
    assert r.status_code in (401, 403)


@pytest.mark.parametrize("text", [" ", "x" * 5000, "<script>alert(1)</script>", "🙂🙂", "/restart", "\ud800broken"])
def test_bad_input_gets_a_kind_reply_and_nothing_stored_is_lost(bot, text):
    chat = LiveChat(bot).start()
    chat.say(DAUGHTER["respondent"])
    chat.say(text)
    assert chat.messages, "no reply at all"
    # The question again ("/restart" is words asking to start over: a question first); nothing destroyed.
    assert chat.slot == ("confirm" if text == "/restart" else "post_mpn_aml")
    assert chat.slots["answers"] == {"respondent": DAUGHTER["respondent"]}
