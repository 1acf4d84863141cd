"""Shared helpers for the core's tests: a fixed 'today' so dates are exact."""
from datetime import date

from bot.rules import judge
from bot.screening import understand
from bot.trial import load_trial

TODAY = date(2026, 11, 24)
TRIAL = load_trial()


def read(qid: str, text: str):
    return understand(TRIAL.question(qid), text, TODAY)


def verdict_of(qid: str, text: str) -> str:
    return judge(TRIAL.question(qid), read(qid, text)).verdict


def reason_of(qid: str, text: str) -> str:
    return judge(TRIAL.question(qid), read(qid, text)).reason
