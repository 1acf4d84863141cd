"""Messages that answer nothing (tests/offtopic.yml, and tests/offtopic_ko.yml
when present) must be NoAnswer at every question that has a reader. No
exception: a lone "ok" answers no question, not even a yes/no one; the bot
asks again rather than put words in a person's mouth.

Known misreads keep the correct expectation and are xfail (strict), listed in
MISREADS with what the reader does wrong; remove an entry when its reader is
fixed."""
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.eligibility.model import load_trial
from bot.eligibility.reading import NoAnswer
from bot.eligibility.session import read
from tests.conversation_helpers import FOR_MOTHER, FOR_MOTHER_KO, Chat

TODAY = date(2026, 11, 25)
TRIAL = load_trial()
HERE = Path(__file__).parent
FILES = [p for p in (HERE / "offtopic.yml", HERE / "offtopic_ko.yml") if p.exists()]

# Messages a reader still takes for an answer: (message, question) -> why.
# Empty: every off-topic message is asked again at every question.
MISREADS = {}
KO_MISREADS = {}

for _message, (_reason, _qids) in KO_MISREADS.items():
    for _qid in _qids:
        MISREADS[(_message, _qid)] = _reason


def _messages():
    for path in FILES:
        messages = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(messages, list) and all(isinstance(m, str) for m in messages), path
        for i, m in enumerate(messages):
            yield path.name, i, m


def _cases():
    for name, i, message in _messages():
        for qid in TRIAL.asked_ids:
            reason = MISREADS.get((message, qid))
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            yield pytest.param(message, qid, marks=marks, id=f"{name}#{i}-{qid}")


def test_english_list_is_big_and_clean():
    messages = yaml.safe_load((HERE / "offtopic.yml").read_text(encoding="utf-8"))
    assert len(messages) >= 160
    assert len(set(messages)) == len(messages), "duplicates"
    assert any(len(m) > 1200 for m in messages), "a very long message"
    for must in ("ok", "hmm", "lol", "asdfgh", "👍", "🙂🙂", "<b>hi</b>", "is it safe?",
                 "how much does it cost?", "what does ECOG mean?", "my cat is orange"):
        assert must in messages, must


def test_every_misread_is_in_a_list():
    english = set(yaml.safe_load((HERE / "offtopic.yml").read_text(encoding="utf-8")))
    assert {m for m, _ in MISREADS if m not in KO_MISREADS} <= english


@pytest.mark.parametrize("message, qid", list(_cases()))
def test_offtopic_is_never_an_answer(message, qid):
    result = read(TRIAL, qid, message, TODAY)
    assert isinstance(result, NoAnswer), f"{message[:60]!r} read at {qid} as {result}"


# The same messages one after another in one conversation, as the live test
# sends them: what one message leaves behind (a part of an answer kept for
# the next) must not let a later one record anything.
def _walks():
    for path, answers, opening in ((HERE / "offtopic.yml", FOR_MOTHER, ("hi", "yes")),
                                   (HERE / "offtopic_ko.yml", FOR_MOTHER_KO, ("안녕하세요", "네"))):
        for qid in answers:
            yield pytest.param(path, answers, opening, qid, id=f"{path.name}-{qid}")


@pytest.mark.parametrize("path, answers, opening, qid", list(_walks()))
def test_offtopic_one_after_another_records_nothing(path, answers, opening, qid):
    chat = Chat()
    for text in opening:
        chat.say(text)
    for _ in range(30):
        if chat.slot == qid:
            break
        chat.say(answers[chat.slot])
    assert chat.slot == qid
    before = dict(chat.state["answers"])
    for message in yaml.safe_load(path.read_text(encoding="utf-8")):
        chat.say(message)
        assert chat.slot == qid and chat.state["answers"] == before, message
