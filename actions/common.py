"""Reading the tracker for bot/: answers typed so far, who is answering,
today, the trial, the site and the store."""
from __future__ import annotations

import os
from datetime import date
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from bot import config
from bot.answers import Answer
from bot.rules import judge
from bot.screening import question_text, understand
from bot.store import Store, default_store
from bot.trial import Trial, load_trial


def trial() -> Trial:
    return load_trial(os.environ.get("TRIALBOT_TRIAL") or "NCT03558607")


def site() -> config.Site:
    return config.site()


def store() -> Store:
    return default_store()


def today() -> date:
    return date.today()


def texts_from(tracker: Tracker) -> Dict[str, str]:
    """What the person typed for each question answered so far."""
    return {qid: tracker.get_slot(qid) for qid in trial().question_ids
            if trial().question(qid).asked and tracker.get_slot(qid) is not None}


def respondent(tracker: Tracker) -> Optional[Answer]:
    text = tracker.get_slot("respondent")
    return understand(trial().question("respondent"), text, today()) if text else None


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def entity(tracker: Tracker, name: str) -> Optional[str]:
    return next(tracker.get_latest_entity_values(name), None)


def answered_in_order(tracker: Tracker) -> List[str]:
    texts = texts_from(tracker)
    return [q for q in trial().ask_order if q in texts]


def record_answer(tracker: Tracker, qid: str, text: str, answer: Answer) -> None:
    """Stores an answer as the staff see it: the question as shown, what was
    typed, how it was read, and (for a criterion) its verdict and reason."""
    question = trial().question(qid)
    shown = question_text(question, respondent(tracker) if qid != "respondent" else None)
    verdict = judge(question, answer) if question.is_criterion else None
    store().record_answer(tracker.sender_id, trial().id, qid, shown, text,
                          {"value": answer.value, "detail": answer.detail} if answer.understood else None,
                          verdict.verdict if verdict else None, verdict.reason if verdict else None)


def reset_misses(qid: str, tracker: Tracker) -> List[EventType]:
    misses: Dict[str, Any] = dict(tracker.get_slot("misses") or {})
    return [SlotSet("misses", misses)] if misses.pop(qid, None) is not None else []


def clear_answer(qid: str, tracker: Tracker) -> List[EventType]:
    """Forgets an answer so the form asks it again; dropping the respondent
    also drops the sex it implied."""
    events: List[EventType] = [SlotSet(qid, None)]
    if qid == "respondent":
        events += [SlotSet("relation", None), SlotSet("sex", None)]
    store().forget_answer(tracker.sender_id, qid)
    return events + reset_misses(qid, tracker)
