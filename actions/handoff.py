"""After a likely or possible result: consent to share, contact details,
the reference code; and 'delete my data' at any time."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import common
from bot import contact, dialogue


class ActionStartHandoff(Action):
    def name(self) -> Text:
        return "action_start_handoff"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="Thank you. A few details so the team can reach you.")
        return [SlotSet("handoff_consent_at", datetime.utcnow().isoformat(timespec="seconds")),
                SlotSet("stage", "handoff")]


def _make_contact_ask(slot: str) -> type:
    class AskContact(Action):
        def name(self) -> Text:
            return f"action_ask_{slot}"

        async def run(self, dispatcher, tracker, domain):
            text, buttons = dialogue.CONTACT_QUESTIONS[slot]
            dispatcher.utter_message(text=text, buttons=buttons)
            return []

    AskContact.__name__ = f"ActionAsk_{slot}"
    return AskContact


CONTACT_ASKS = [_make_contact_ask(slot) for slot in dialogue.CONTACT_QUESTIONS]


class ActionDeclineHandoff(Action):
    def name(self) -> Text:
        return "action_decline_handoff"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=dialogue.handoff_declined(common.site()))
        return [SlotSet("stage", "done")]


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_handoff_form"

    def validate_contact_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[Text, Any]:
        name = contact.clean_name(str(value or ""))
        if name is None:
            dispatcher.utter_message(text="Sorry, that doesn't look like a name. Please type the name only, "
                                          "for example \"Kim Minji\".")
            return {"contact_name": None}
        return {"contact_name": name}

    def validate_contact_details(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        text = str(value or "")
        found = contact.find_contact(text)
        if not (found.phone or found.email):
            dispatcher.utter_message(text=f"Sorry, {found.problem}. Please type a phone number such as "
                                          "010-1234-5678 or +82 10 1234 5678, and/or an email such as "
                                          "name@example.com.")
            return {"contact_details": None}
        # Kept in normalized form: what was typed is not needed again.
        return {"contact_details": " ".join(x for x in (found.phone, found.email) if x)}

    def validate_contact_time(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[Text, Any]:
        text = " ".join(str(value or "").split())
        if not text or len(text) > 200 or "<" in text:
            dispatcher.utter_message(text="Please say briefly when suits you, for example \"weekday mornings\".")
            return {"contact_time": None}
        return {"contact_time": text}

    def validate_contact_language(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> Dict[Text, Any]:
        language = contact.clean_language(str(value or ""))
        if language is None:
            dispatcher.utter_message(text="Please name a language, for example Korean or English.")
            return {"contact_language": None}
        return {"contact_language": language}


class ActionSubmitHandoff(Action):
    def name(self) -> Text:
        return "action_submit_handoff"

    async def run(self, dispatcher, tracker, domain):
        found = contact.find_contact(tracker.get_slot("contact_details") or "")
        trial = common.trial()
        reference = common.store().create_handoff(
            tracker.sender_id, trial.id, dialogue.HANDOFF_CONSENT_WORDING,
            name=tracker.get_slot("contact_name"), phone=found.phone, email=found.email,
            preferred_time=tracker.get_slot("contact_time") or "",
            preferred_language=tracker.get_slot("contact_language") or "")
        dispatcher.utter_message(text=dialogue.handoff_done(trial, reference))
        return [SlotSet("handoff_reference", reference), SlotSet("stage", "done")]


class ActionDeleteMyData(Action):
    """Deletes every record of this person. The tracker store sees
    `data_deleted` and removes the conversation instead of saving it."""

    def name(self) -> Text:
        return "action_delete_my_data"

    async def run(self, dispatcher, tracker, domain):
        common.store().delete_person(tracker.sender_id)
        dispatcher.utter_message(text=dialogue.deleted())
        return [ActiveLoop(None), AllSlotsReset(), SlotSet("data_deleted", True)]
