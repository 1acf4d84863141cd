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

TODAY = date(2026, 11, 25)
TRIAL = load_trial()
HERE = Path(__file__).parent
FILES = [p for p in (HERE / "offtopic.yml", HERE / "offtopic_ko.yml") if p.exists()]

_GOOD = "reader: 'good' with no lab named or number is read as a normal result"
_ME = "reader: the object pronoun 'me' is read as 'for myself'"
_OK = "reader: a lone 'ok' is read as an answer"
MISREADS = {
    ("good morning", "creatinine"): _GOOD,
    ("good morning", "liver_enzymes"): _GOOD,
    ("good afternoon", "creatinine"): _GOOD,
    ("good afternoon", "liver_enzymes"): _GOOD,
    ("good evening", "creatinine"): _GOOD,
    ("good evening", "liver_enzymes"): _GOOD,
    ("good bot", "creatinine"): _GOOD,
    ("good bot", "liver_enzymes"): _GOOD,
    ("have a good one", "creatinine"): _GOOD,
    ("have a good one", "liver_enzymes"): _GOOD,
    ("have a good one", "age"): "reader: the word 'one' is read as an age of 1 (-> fail, under 18)",
    ("one moment please", "age"): "reader: 'one moment' is read as an age of 1 (-> fail, under 18)",
    ("lovely weather today", "recent_chemo"): "reader: 'today' with no medicine and no yes is read as a last dose today",
    ("I will be back in a few days", "recent_chemo"):
        "reader: 'in a few days' (future, no medicine) is read as a last dose 3 days ago",
    ("excuse me", "respondent"): _ME,
    ("let me think", "respondent"): _ME,
    ("tell me about the study", "respondent"): _ME,
    ("give me a moment to find the papers", "respondent"): _ME,
    ("let me look for the papers", "respondent"): _ME,
    ("Me gusta mucho el café con leche.", "respondent"): _ME + " (Spanish 'me')",
    ("the papers are in the other room", "sex"): "reader: the word 'other' anywhere is read as sex 'unsure'",
    ("ok", "childbearing_contraception"): _OK + " (agreement to birth control)",
    ("ok", "male_barrier_contraception"): _OK + " (agreement to condoms)",
    ("ok", "creatinine"): _OK + " (a normal creatinine)",
    ("ok", "liver_enzymes"): _OK + " (normal liver tests)",
    ("/start", "childbearing_contraception"): "reader: a typed '/start' command is read as agreeing to birth control",
    ("/start", "male_barrier_contraception"): "reader: a typed '/start' command is read as agreeing to condoms",
}


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
    for must in ("ok", "hmm", "lol", "asdfgh", "👍", "🙂🙂", "/restart", "<b>hi</b>", "is it safe?",
                 "how much does it cost?", "what does ECOG mean?", "my cat is orange"):
        assert must in messages, must


def test_every_misread_is_in_a_list():
    messages = {m for _, _, m in _messages()}
    assert {m for m, _ in MISREADS} <= messages


@pytest.mark.parametrize("message, qid", list(_cases()))
def test_offtopic_is_never_an_answer(message, qid):
    result = read(TRIAL, qid, message, TODAY)
    assert isinstance(result, NoAnswer), f"{message[:60]!r} read at {qid} as {result}"
