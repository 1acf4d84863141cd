"""The whole bot, running: the Rasa server and the action server started by
scripts/run.sh, a real database (SQLite, and PostgreSQL where configured),
conversations over the REST channel as the website sends them."""

import pytest
import requests
import sqlalchemy as sa

from tests.servers import joined, new_sender, running_bot

pytestmark = pytest.mark.rasa

NAME, PHONE_TYPED, PHONE_DIGITS, EMAIL = "Lee Jisoo", "010-9876-5432", "98765432", "jisoo.lee@example.com"
UNIQUE_ANSWER = "my essential thrombocythemia became AML in the spring"

ELIGIBLE_ANSWERS = [
    ("for myself", "diagnosed"), (UNIQUE_ANSWER, "How old"), ("I'm 58", "ruxolitinib"),
    ("no, I never had it", "chemotherapy"), ("I stopped hydroxyurea a month ago", "clinical study"),
    ("no other studies", "usual day"), ("I can do everything I used to do", "strong enough"),
    ("no, the doctors think I can handle it", "other cancer"), ("no other cancers", "heart"),
    ("nothing like that", "liver or kidney"), ("none at all", "serious illness"), ("no", "sex"),
    ("male", "condoms"), ("yes, I'd use condoms", "creatinine"), ("1.0 mg/dL", "ALT and AST"),
    ("ALT 35 and AST 30, both under the limit of 40", "Here is what you told me"),
]


@pytest.fixture(scope="module")
def bot(request, tmp_path_factory):
    """One pair of servers per database backend for this module."""
    from tests.conftest import POSTGRES_URL, _reset_postgres

    tmp = tmp_path_factory.mktemp("bot")
    url = f"sqlite:///{tmp / 'trialbot.db'}"
    if request.param == "postgres":
        _reset_postgres(POSTGRES_URL)
        url = POSTGRES_URL
    with running_bot(tmp, url) as b:
        yield b


def pytest_generate_tests(metafunc):
    if "bot" in metafunc.fixturenames:
        from tests.conftest import _backends
        metafunc.parametrize("bot", list(_backends()), indirect=True, scope="module")


def start_screening(bot, sender):
    assert "NCT03558607" in joined(bot.say(sender, "hi, can you tell me if I can join?"))
    said = joined(bot.say(sender, "yes that's fine"))
    assert "answering for yourself" in said


def answer_all(bot, sender, answers):
    for text, expect in answers:
        said = joined(bot.say(sender, text))
        assert expect in said, f"after {text!r} expected {expect!r}, got:\n{said}"


def rows_for(store, sender):
    with store.engine.connect() as conn:
        sid = conn.execute(sa.text("SELECT id FROM screenings WHERE sender_id = :s"), {"s": sender}).scalars().all()
        answers = conn.execute(sa.text("SELECT criterion_id, verdict FROM answers WHERE screening_id IN "
                                       "(SELECT id FROM screenings WHERE sender_id = :s)"), {"s": sender}).all()
        handoffs = conn.execute(sa.text("SELECT count(*) FROM handoffs WHERE screening_id IN "
                                        "(SELECT id FROM screenings WHERE sender_id = :s)"), {"s": sender}).scalar()
        events = conn.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()
    return sid, dict(answers), handoffs, events


def test_full_screening_and_handoff_store_the_right_rows(bot):
    sender = new_sender()
    start_screening(bot, sender)
    answer_all(bot, sender, ELIGIBLE_ANSWERS)
    said = joined(bot.say(sender, "yes all good"))
    assert "you are likely eligible" in said and "What happens next" in said
    assert "share these answers" in said
    said = joined(bot.say(sender, "yes please do"))
    assert "What name" in said
    assert "phone number" in joined(bot.say(sender, NAME))
    said = joined(bot.say(sender, "12345"))  # invalid: asked again, never stored
    assert "does not look complete" in said
    assert "good time" in joined(bot.say(sender, f"{PHONE_TYPED} or {EMAIL}"))
    assert "language" in joined(bot.say(sender, "evenings"))
    said = joined(bot.say(sender, "Korean please"))
    assert "reference code is SNU-" in said
    reference = said.split("reference code is ")[1][:10]

    slots = bot.tracker(sender)["slots"]
    assert slots["screening_outcome"] == "likely_eligible" and slots["consent_screening"] is True
    assert slots["age"] == "I'm 58" and slots["handoff_reference"] == reference

    _, answers, handoffs, events = rows_for(bot.store, sender)
    assert answers["age"] == "pass" and answers["post_mpn_aml"] == "pass" and answers["recent_chemo"] == "pass"
    assert answers["life_expectancy"] == "deferred" and answers["pregnancy_breastfeeding"] == "not_applicable"
    assert handoffs == 1 and events > 20
    h = bot.store.handoff(reference)
    assert (h.name, h.phone, h.email, h.preferred_language) == (NAME, "+821098765432", EMAIL, "Korean")
    assert h.screening.outcome == "likely_eligible"
    with bot.store.engine.connect() as conn:
        raw = " ".join(str(v) for t in ("handoffs", "answers", "events")
                       for row in conn.execute(sa.text(f"SELECT * FROM {t}")) for v in row)
    for secret in (NAME, PHONE_DIGITS, EMAIL, UNIQUE_ANSWER):
        assert secret not in raw, f"{secret!r} stored in clear text"


def test_no_name_phone_email_or_answer_in_the_logs(bot):
    test_full_screening_and_handoff_store_the_right_rows(bot)
    logs = bot.log_path.read_text(errors="replace")
    logs += "".join(p.read_text(errors="replace") for p in (bot.log_path.parent / "var" / "logs").glob("*.log"))
    assert "Rasa server" in logs or "action" in logs  # the logs were really read
    for secret in (NAME, PHONE_TYPED, PHONE_DIGITS, EMAIL, UNIQUE_ANSWER, "hydroxyurea a month ago"):
        assert secret not in logs, f"{secret!r} written to a log"


def test_a_restart_mid_screening_loses_no_answer(bot):
    sender = new_sender()
    start_screening(bot, sender)
    answer_all(bot, sender, ELIGIBLE_ANSWERS[:4])
    bot.stop()
    bot.start()
    said = joined(bot.say(sender, "hello again"))
    assert "Welcome back" in said and "chemotherapy" in said
    answer_all(bot, sender, ELIGIBLE_ANSWERS[4:6])
    slots = bot.tracker(sender)["slots"]
    assert slots["respondent"] == "for myself" and slots["age"] == "I'm 58" and slots["other_trial"] == "no other studies"
    _, answers, _, _ = rows_for(bot.store, sender)
    assert {"respondent", "post_mpn_aml", "age", "prior_ruxolitinib", "recent_chemo", "other_trial"} <= set(answers)


def test_likely_ineligible_is_told_why_and_can_correct(bot):
    sender = new_sender()
    start_screening(bot, sender)
    answer_all(bot, sender, [("for myself", "diagnosed"), ("I only have myelofibrosis, no leukemia", "Here is what")])
    said = joined(bot.say(sender, "yes that's right"))
    assert "likely not eligible" in said and "no AML so far" in said
    said = joined(bot.say(sender, "change my diagnosis to AML after myelofibrosis"))
    assert "How old" in said
    assert bot.tracker(sender)["slots"]["screening_outcome"] == "likely_ineligible"


def test_delete_my_data_leaves_no_row(bot):
    sender = new_sender()
    start_screening(bot, sender)
    answer_all(bot, sender, ELIGIBLE_ANSWERS)
    bot.say(sender, "yes all good")
    bot.say(sender, "yes please do")
    for text in (NAME, EMAIL, "mornings", "English"):
        bot.say(sender, text)
    assert rows_for(bot.store, sender)[2] == 1
    said = joined(bot.say(sender, "please delete my data"))
    assert "deleted" in said
    ids, answers, handoffs, events = rows_for(bot.store, sender)
    assert (ids, answers, handoffs, events) == ([], {}, 0, 0)


def test_the_http_api_needs_the_token(bot):
    r = requests.get(f"{bot.url}/conversations/anyone/tracker", timeout=10)
    assert r.status_code in (401, 403)
    r = requests.get(f"{bot.url}/conversations/anyone/tracker", params={"token": "wrong"}, timeout=10)
    assert r.status_code in (401, 403)


@pytest.mark.parametrize("text", ["", " ", "x" * 5000, "<script>alert(1)</script>", "🙂🙂", "나이는 예순입니다"])
def test_bad_input_gets_a_kind_reply_and_nothing_breaks(bot, text):
    sender = new_sender()
    start_screening(bot, sender)
    said = joined(bot.say(sender, text)) if text.strip() else "skipped"
    if text.strip():
        assert said, "no reply at all"
    answer_all(bot, sender, ELIGIBLE_ANSWERS[:2])
