"""The one action: every message is a turn of bot.conversation. This adapter
only translates: slots -> the conversation's state, the turn's messages ->
the dispatcher, its records -> the store, the new state -> slots."""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot import config
from bot.conversation.turn import STATE_KEYS, Conversation
from bot.eligibility.portfolio import site_portfolio
from bot.records.effects import LanguageSet, apply
from bot.records.store import default_store

TRIALS = site_portfolio()  # the site's trials (config/site.yml), or TRIALBOT_TRIAL alone
SCREENED = tuple(trial.id for trial in TRIALS.screened)
# Warm the readers and the Korean analyser now, not on a patient's first answer.
for _hello in ("hello", "안녕하세요"):
    Conversation(TRIALS, config.site(), date.today()).turn({}, _hello)


class ActionTurn(Action):
    def name(self) -> Text:
        return "action_turn"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        state = {k: tracker.get_slot(k) for k in STATE_KEYS}
        message = tracker.latest_message or {}
        intent = message.get("intent") or {}
        reply = Conversation(TRIALS, config.site(), date.today()).turn(
            state, message.get("text") or "", intent.get("name"), float(intent.get("confidence") or 0.0))
        references = apply(default_store(), tracker.sender_id, SCREENED, reply.effects)
        if references:
            reply.state["handoff_reference"] = next(iter(references.values()))
            reply.state["handoff_references"] = {**(reply.state.get("handoff_references") or {}), **references}
        if any(isinstance(e, LanguageSet) for e in reply.effects):
            dispatcher.utter_message(json_message={"lang": reply.state["language"]})
        for m in reply.messages:
            text = with_references(m.text, reply.state)
            dispatcher.utter_message(text=text, buttons=[{"title": t, "payload": p} for t, p in m.buttons])
        return _slot_events(state, reply.state)


def with_references(text: str, state: Dict[str, Any]) -> str:
    """The reference codes the store made, where the reply left their places
    ({reference}, or {reference@<trial id>} for one study team's)."""
    for trial_id, reference in (state.get("handoff_references") or {}).items():
        text = text.replace("{reference@" + trial_id + "}", reference)
    return text.replace("{reference}", state.get("handoff_reference") or "")


def _slot_events(before: Dict[str, Any], after: Dict[str, Any]) -> List[EventType]:
    """The changed state. What was typed per question id is the `answers`
    slot (the tracker contract), so no slot depends on the trial."""
    return [SlotSet(k, after.get(k)) for k in STATE_KEYS if after.get(k) != before.get(k)]
