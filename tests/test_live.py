"""Every behaviour through the live servers (scripts/run.sh, REST channel,
the real tracker store on SQLite), as people use it: the personas agree with
the evaluator, messages that answer nothing are never recorded, and each
interruption works. CI runs deterministic samples of the personas and of the
off-topic table; `make personas` and `make offtopic` run them all."""
import os
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.eligibility.model import load_trial
from tests.conversation_helpers import FOR_MOTHER, FOR_MOTHER_KO
from tests.fuzz import offtopic_messages
from tests.livechat import LiveChat, evaluator_for
from tests.servers import running_bot

pytestmark = pytest.mark.rasa
ROOT = Path(__file__).resolve().parents[1]
PERSONA_SAMPLE = int(os.environ.get("TRIALBOT_PERSONA_SAMPLE", "36"))  # 0: all
OFFTOPIC_ALL = os.environ.get("TRIALBOT_OFFTOPIC_ALL") == "1"


def personas():
    found = []
    for path in sorted((ROOT / "tests" / "personas").glob("*.yml")):
        for p in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if not p.get("pending_reader_fix"):
                found.append(p)
    if PERSONA_SAMPLE and len(found) > PERSONA_SAMPLE:
        step = len(found) / PERSONA_SAMPLE
        found = [found[int(i * step)] for i in range(PERSONA_SAMPLE)]
    return found


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    with running_bot(tmp, f"sqlite:///{tmp / 'trialbot.db'}") as b:
        yield b


@pytest.mark.parametrize("persona", personas(), ids=lambda p: p["id"])
def test_a_persona_gets_the_same_result_live_as_from_the_evaluator(bot, persona):
    chat = LiveChat(bot)
    slots = chat.run_persona(persona)
    session = evaluator_for(slots, date.today())
    assert slots["screening_outcome"] == persona["expect"]["outcome"], chat.text()
    assert session.outcome.value == slots["screening_outcome"]
    _, stored, _, _ = _rows(bot, chat.sender)
    assert {k: j.verdict.value for k, j in session.verdicts.items()} == {k: v for k, v in stored.items() if v}
    for qid, verdict in (persona["expect"].get("verdicts") or {}).items():
        assert stored.get(qid) == verdict, (qid, chat.text())
    if persona.get("language") == "ko":
        # In a Korean conversation every bot message is in Korean (drug names and the study number aside).
        for text in chat.all_bot_messages[1:]:
            assert re.search(r"[\uac00-\ud7a3]", text), text


def _rows(bot, sender):
    from tests.test_server import rows_for
    return rows_for(bot.store, sender)


FOR_FATHER = dict(FOR_MOTHER, respondent="I'm his daughter", male_barrier_contraception="yes",
                  age="he is 70")
FOR_FATHER_KO = dict(FOR_MOTHER_KO, respondent="아버지 대신 물어봐요", age="70세", male_barrier_contraception="네")


def _walk(walks):
    """(question id, the answers that lead to it) for every question."""
    from bot.eligibility.session import Session, read
    trial, seen, out = load_trial(), set(), []
    for answers in walks:
        readings = {}
        while True:
            qid = Session(trial, readings, date.today()).next_question()
            if qid is None:
                break
            if qid not in seen:
                seen.add(qid)
                out.append((qid, dict(answers)))
            readings[qid] = read(trial, qid, answers[qid], date.today())
    return out


WALKS = {"en": (FOR_MOTHER, FOR_FATHER, dict(FOR_MOTHER, childbearing_potential="yes", pregnancy_breastfeeding="no",
                                             childbearing_contraception="yes", age="she is 40")),
         "ko": (FOR_MOTHER_KO, FOR_FATHER_KO, dict(FOR_MOTHER_KO, childbearing_potential="네", pregnancy_breastfeeding="아니요",
                                                   childbearing_contraception="네", age="40세"))}


def _offtopic_cases():
    """(language, question, answers leading to it, message): Korean messages in
    a Korean conversation, the others in an English one."""
    messages = offtopic_messages()
    walks = {lang: _walk(w) for lang, w in WALKS.items()}
    cases = []
    for i, m in enumerate(messages):
        lang = "ko" if re.search(r"[\uac00-\ud7a3]", m) else "en"
        targets = walks[lang] if OFFTOPIC_ALL else [walks[lang][i % len(walks[lang])]]
        cases += [(lang, q, a, m) for q, a in targets]
    return cases


def test_messages_that_answer_nothing_are_never_recorded_never_urgent_always_the_question_again(bot):
    chats = {}
    failures = []
    for lang, qid, answers, message in _offtopic_cases():
        chat = chats.get((lang, qid))
        if chat is None:
            chat = chats[(lang, qid)] = LiveChat(bot).start(*(("안녕하세요", "네") if lang == "ko" else ("hi", "yes")))
            for _ in range(30):
                slot = chat.slot
                if slot == qid:
                    break
                chat.say(answers[slot])
            chat.question = chat.messages[-1]["text"]
            chat.answers = dict(chat.slots["answers"])
        chat.say(message)
        slots = chat.slots
        said = chat.text()
        if slots["requested_slot"] != qid or slots["answers"] != chat.answers:
            failures.append((qid, message, "recorded or moved on", said[:200]))
            chats.pop((lang, qid))
        elif "119" in said:
            failures.append((qid, message, "urgent advice", said[:200]))
        elif chat.messages[-1].get("text") != chat.question:
            failures.append((qid, message, "not the question again", said[:200]))
    assert not failures, failures[:8]


def test_a_caregiver_is_asked_about_the_patient_and_a_needs_review_names_the_earliest_date(bot):
    chat = LiveChat(bot).start()
    chat.say("I'm her son")
    assert "your mother" in chat.text()
    answers = dict(FOR_MOTHER, recent_chemo="she took hydrea 5 days ago")
    for _ in range(30):
        if chat.slot == "summary":
            break
        chat.say(answers[chat.slot])
    chat.click("Yes")
    assert chat.slots["screening_outcome"] == "needs_review"
    assert "possibly eligible" in chat.text() and "earliest start" in chat.text()


def test_who_the_first_message_names_is_confirmed_after_consent(bot):
    chat = LiveChat(bot).start(first="제 아버지가 골수섬유증에서 백혈병이 됐어요", consent="네")
    assert chat.slot == "respondent" and "아버지 대신 답하시는 건가요" in chat.text()
    assert not chat.slots["readings"]
    chat.click("네, 맞아요")
    assert chat.slot == "post_mpn_aml" and "아버지께서" in chat.text()
    assert chat.slots["readings"]["respondent"]["extra"] == {"relation": "father", "sex": "male"}
    chat2 = LiveChat(bot).start(first="my wife's MPN turned into AML", consent="yes")
    assert "You mentioned your wife" in chat2.text()
    chat2.say("no, it's for my mother")
    assert chat2.slot == "post_mpn_aml" and "your mother" in chat2.text()


def test_part_of_an_answer_is_read_with_the_next_message(bot):
    chat = LiveChat(bot).start()
    for _ in range(10):
        if chat.slot == "recent_chemo":
            break
        chat.say(FOR_MOTHER[chat.slot])
    chat.say("she took Hydrea")
    assert "part of the answer" in chat.text() and chat.slot == "recent_chemo"
    assert "recent_chemo" not in chat.slots["readings"]
    chat.say("5 days ago")
    assert chat.slot == "other_trial"
    assert chat.slots["answers"]["recent_chemo"] == "she took Hydrea 5 days ago"
    assert chat.slots["readings"]["recent_chemo"]["extra"] == {"drug": "Hydrea"}


def test_emergency_advice_once_then_the_question_again(bot):
    chat = LiveChat(bot).start()
    chat.say("for myself")
    chat.say("I'm running a temperature of 38.6")
    assert "119" in chat.text() and chat.slot == "post_mpn_aml"
    assert chat.messages[-1]["text"].startswith("Has a doctor diagnosed you")
    chat.say("still feverish, 38.6 again")  # still going on: the short advice, 119 first
    assert chat.messages[0]["text"] == "Please call 119 now, or go to the nearest emergency room. Don't wait for this chat."
    chat.say("the fever I had on Monday is gone")
    assert "119" not in chat.text()


def test_why_and_what_does_it_mean_then_the_question(bot):
    chat = LiveChat(bot).start()
    chat.say("for myself")
    chat.say("why do you ask?")
    assert "earlier MPN" in chat.text() and chat.slot == "post_mpn_aml"
    chat.say("what is polycythemia vera?")
    assert "red blood cells" in chat.text() and chat.slot == "post_mpn_aml"
    chat.say("how long does the study last?")
    assert "31 August 2024" in chat.text() and chat.slot == "post_mpn_aml"
    chat.say("how many more questions?")
    assert "About 5 minutes".lower() in chat.text().lower() and chat.slot == "post_mpn_aml"
    assert not chat.slots["readings"].get("post_mpn_aml")


def test_go_back_stop_continue_start_over(bot):
    chat = LiveChat(bot).start()
    for qid in ("respondent", "post_mpn_aml", "age"):
        chat.say(FOR_MOTHER[qid])
    chat.say("go back")
    assert chat.slot == "age"
    chat.say("67")
    chat.say("stop")
    assert chat.slots["stage"] == "stopped"
    chat.say("continue")
    assert chat.slot == "prior_ruxolitinib"
    chat.say("start over")
    assert chat.slot == "confirm"
    chat.click("Yes, erase")
    assert chat.slot == "respondent" and chat.slots["answers"] == {}


def test_declined_consent_stores_nothing(bot):
    chat = LiveChat(bot)
    chat.say("hello")
    chat.click("No, thanks")
    assert chat.text().startswith("That's fine. No health question has been asked and nothing about your health is "
                                  "stored. If you change your mind, just say 'start'.")
    assert _rows(bot, chat.sender) == ([], {}, 0, 0)  # the conversation itself is gone too


def test_a_korean_conversation_is_korean(bot):
    chat = LiveChat(bot)
    chat.say("안녕하세요")
    chat.say("네, 시작할게요")
    assert chat.slot == "respondent"
    chat.say("엄마 대신 물어보는 거예요")
    assert "어머니" in chat.text()
    for text in chat.all_bot_messages:
        assert re.search(r"[\uac00-\ud7a3]", text), text
    assert chat.slots["language"] == "ko"


def test_generated_conversations_through_the_live_servers(bot):
    """A sample of the fuzzer's conversations (`make fuzz` runs 300)."""
    from tests.fuzz import run

    n = int(os.environ.get("TRIALBOT_FUZZ_LIVE_N", "12"))

    def make(i):
        chat = LiveChat(bot)

        def say(text):
            replies = chat.say(text)
            return ([(m.get("text", ""), [(b["title"], b["payload"]) for b in m.get("buttons", [])]) for m in replies],
                    chat.slots)

        def stored():
            with bot.store.session() as s:
                import sqlalchemy as sa
                from bot.records.store import Screening
                row = s.execute(sa.select(Screening).where(Screening.sender_id == chat.sender,
                                                           Screening.status != "abandoned")).scalars().first()
                return {a.criterion_id: a.raw_text for a in row.answers if a.raw_text} if row else {}

        return say, stored

    results = run(make, n, seed=7)
    problems = [(i, p) for i, o in results for p in o.problems]
    assert not problems, problems[:5]


def _safety_sample(per_language: int = 14):
    """A deterministic sample of the safety vignettes, every class, both languages."""
    from scripts.safety_score import load
    rows = load(sorted((ROOT / "tests" / "safety").glob("*.jsonl")))
    out = []
    for lang in ("en", "ko"):
        mine = [v for v in rows if v.lang == lang]
        step = max(1, len(mine) // per_language)
        out += mine[::step][:per_language]
    return out


@pytest.mark.parametrize("step", ["consent", "respondent", "age"])
def test_safety_vignettes_live_at_three_questions(bot, step):
    """The same judgement live as in-process, typed at three different steps
    (`make safety` runs every batch)."""
    from scripts.safety_score import in_process, live, score
    sample = _safety_sample()
    assert len(sample) == 28
    here, there = score(sample, live(bot), [step]), score(sample, in_process(), [step])
    assert here["misses"] == there["misses"] and here["rows"] == there["rows"]
