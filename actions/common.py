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
from bot.screening import understand
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


def clear_answer(qid: str, tracker: Tracker) -> List[EventType]:
    """Forgets an answer so the form asks it again; dropping the respondent
    also drops the sex it implied."""
    events: List[EventType] = [SlotSet(qid, None)]
    if qid == "respondent":
        events += [SlotSet("relation", None), SlotSet("sex", None)]
    misses: Dict[str, Any] = dict(tracker.get_slot("misses") or {})
    if misses.pop(qid, None) is not None:
        events.append(SlotSet("misses", misses))
    store().forget_answer(tracker.sender_id, qid)
    return events
