"""The screening conversation: welcome, consent, the form over the trial's
questions, interruptions, corrections, the summary and the result."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import common
from bot import dialogue, safety
from bot.screening import evaluate, form_slots, understand, understand_all


class ActionWelcome(Action):
    def name(self) -> Text:
        return "action_welcome"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot("stage") in ("screening", "stopped"):
            dispatcher.utter_message(text=dialogue.welcome_back(common.trial(), None) +
                                     " Would you like to continue where you left off, or start over?",
                                     buttons=[{"title": "Continue", "payload": "/resume"},
                                              {"title": "Start over", "payload": "/start_over"}])
            return []
        return _welcome(dispatcher)


def _welcome(dispatcher: CollectingDispatcher) -> List[EventType]:
    dispatcher.utter_message(text=dialogue.welcome(common.trial(), common.today()))
    dispatcher.utter_message(text=dialogue.consent_request(common.site()), buttons=dialogue.CONSENT_BUTTONS)
    return [SlotSet("stage", "consent")]


class ActionWelcomeBack(Action):
    def name(self) -> Text:
        return "action_welcome_back"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=dialogue.welcome_back(common.trial(), tracker.get_slot("requested_slot")))
        return []


class ActionStartScreening(Action):
    def name(self) -> Text:
        return "action_start_screening"

    async def run(self, dispatcher, tracker, domain):
        common.store().start_screening(tracker.sender_id, common.trial().id)
        dispatcher.utter_message(text="Thank you. Let's begin; you can say \"not sure\" to any question.")
        return [SlotSet("consent_screening", True), SlotSet("stage", "screening")]


class ActionDeclineConsent(Action):
    def name(self) -> Text:
        return "action_decline_consent"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=dialogue.no_consent(common.site()))
        return [SlotSet("consent_screening", False), SlotSet("stage", "done")]


class ValidateScreeningForm(FormValidationAction):
    """One validator for every question: `validate_<id>` resolves to
    `_validate` for each question of the trial file."""

    def name(self) -> Text:
        return "validate_screening_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        return form_slots(common.trial(), common.texts_from(tracker), common.today())

    def __getattr__(self, name: str):
        qid = name[len("validate_"):] if name.startswith("validate_") else None
        if qid and qid in common.trial().question_ids:
            return lambda value, dispatcher, tracker, domain: self._validate(qid, value, dispatcher, tracker)
        raise AttributeError(name)

    def _validate(self, qid: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        trial, text = common.trial(), str(value or "")
        question = trial.question(qid)
        answer = understand(question, text, common.today())
        misses = dict(tracker.get_slot("misses") or {})
        if not answer.understood and not misses.get(qid):
            misses[qid] = 1
            dispatcher.utter_message(text=dialogue.reask(trial, qid, answer))
            return {qid: None, "misses": misses}
        if not answer.understood:
            dispatcher.utter_message(text=dialogue.second_miss())
        common.record_answer(tracker, qid, text[:2000], answer)
        slots: Dict[Text, Any] = {qid: text[:2000]}
        if qid == "respondent" and answer.understood:
            slots["relation"] = answer.extra.get("relation")
            common.store().set_respondent(tracker.sender_id, trial.id, answer.value, answer.extra.get("relation"))
            if answer.extra.get("sex") and tracker.get_slot("sex") is None:
                slots["sex"] = answer.extra["sex"]  # "my mother": no need to ask her sex
        return slots


def _make_ask_action(qid: str) -> type:
    class AskQuestion(Action):
        def name(self) -> Text:
            return f"action_ask_{qid}"

        async def run(self, dispatcher, tracker, domain):
            text, buttons = dialogue.prompt(common.trial(), qid, common.respondent(tracker))
            dispatcher.utter_message(text=text, buttons=buttons)
            return []

    AskQuestion.__name__ = f"ActionAsk_{qid}"
    return AskQuestion


# One ask action per question of the trial file (rasa-sdk finds subclasses).
ASK_ACTIONS = [_make_ask_action(q) for q in common.trial().ask_order]


class ActionExplainWhy(Action):
    def name(self) -> Text:
        return "action_explain_why"

    async def run(self, dispatcher, tracker, domain):
        qid = tracker.get_slot("requested_slot")
        if qid and qid.startswith("contact_"):
            dispatcher.utter_message(text="The study team needs a way to reach you; it is shared only with them "
                                          "and kept encrypted.")
        else:
            dispatcher.utter_message(text=dialogue.why(common.trial(), qid))
        return []


class ActionExplainTerm(Action):
    def name(self) -> Text:
        return "action_explain_term"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=dialogue.explain(common.trial(), common.latest_text(tracker),
                                                       tracker.get_slot("requested_slot")))
        return []


class ActionEmergency(Action):
    def name(self) -> Text:
        return "action_emergency"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=dialogue.emergency(safety.emergency_signs(common.latest_text(tracker))))
        return []


class ActionOutOfScope(Action):
    def name(self) -> Text:
        return "action_out_of_scope"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=dialogue.out_of_scope())
        return []


class ActionHumanContact(Action):
    def name(self) -> Text:
        return "action_human_contact"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=dialogue.human_contact(common.site()))
        return []


class ActionGoBack(Action):
    def name(self) -> Text:
        return "action_go_back"

    async def run(self, dispatcher, tracker, domain):
        answered = common.answered_in_order(tracker)
        if not answered:
            dispatcher.utter_message(text="We're at the first question, so there is nothing to go back to.")
            return []
        last = answered[-1]
        dispatcher.utter_message(text=f"Okay, let's go back to: {common.trial().question(last).label}.")
        return common.clear_answer(last, tracker)


class ActionCorrectAnswer(Action):
    """'change my age to 64', a button naming the answer, or a plain
    'I want to change an answer' (then: which one?)."""

    def name(self) -> Text:
        return "action_correct_answer"

    async def run(self, dispatcher, tracker, domain):
        trial, text = common.trial(), common.latest_text(tracker)
        answered = common.answered_in_order(tracker)
        qid = common.entity(tracker, "criterion") or dialogue.find_question(trial, text, answered)
        if qid not in trial.question_ids or not trial.question(qid).asked:
            message, buttons = dialogue.which_answer(trial, answered)
            dispatcher.utter_message(text=message, buttons=buttons)
            return [SlotSet("correction_found", False)]
        back_to_form = [SlotSet("stage", "screening"), SlotSet("correction_found", True)]
        # A new respondent changes wording and implied sex: ask it again instead.
        value = None if text.startswith("/") or qid == "respondent" else dialogue.new_value(text)
        answer = understand(trial.question(qid), value, common.today()) if value else None
        if answer is not None and answer.understood:
            common.record_answer(tracker, qid, value, answer)
            dispatcher.utter_message(text=f"Done: {trial.question(qid).label} is now \"{value}\".")
            return [SlotSet(qid, value)] + common.reset_misses(qid, tracker) + back_to_form
        dispatcher.utter_message(text=f"Okay, let's change: {trial.question(qid).label}.")
        return common.clear_answer(qid, tracker) + back_to_form


class ActionStartOver(Action):
    def name(self) -> Text:
        return "action_start_over"

    async def run(self, dispatcher, tracker, domain):
        common.store().abandon_screening(tracker.sender_id)
        dispatcher.utter_message(text="Okay, let's start again from the beginning.")
        return [ActiveLoop(None), AllSlotsReset()]


class ActionStop(Action):
    def name(self) -> Text:
        return "action_stop"

    async def run(self, dispatcher, tracker, domain):
        common.store().stop_screening(tracker.sender_id)
        dispatcher.utter_message(text=dialogue.stopped(common.site()),
                                 buttons=[{"title": "Continue", "payload": "/resume"},
                                          {"title": "Delete my data", "payload": "/delete_data"}])
        stage = tracker.get_slot("stage")
        return [ActiveLoop(None), SlotSet("requested_slot", None),
                SlotSet("stage", "stopped" if stage in ("screening", "summary", None) else stage)]


class ActionResume(Action):
    def name(self) -> Text:
        return "action_resume"

    async def run(self, dispatcher, tracker, domain):
        if not tracker.get_slot("consent_screening"):
            dispatcher.utter_message(text=dialogue.consent_request(common.site()), buttons=dialogue.CONSENT_BUTTONS)
            return [SlotSet("stage", "consent")]
        dispatcher.utter_message(text="Let's continue.")
        return [SlotSet("stage", "screening")]


class ActionShowSummary(Action):
    def name(self) -> Text:
        return "action_show_summary"

    async def run(self, dispatcher, tracker, domain):
        trial, texts = common.trial(), common.texts_from(tracker)
        answers = understand_all(trial, texts, common.today())
        dispatcher.utter_message(text=dialogue.summary(trial, texts, answers), buttons=dialogue.SUMMARY_BUTTONS)
        return [SlotSet("stage", "summary")]


class ActionShowResult(Action):
    def name(self) -> Text:
        return "action_show_result"

    async def run(self, dispatcher, tracker, domain):
        trial, site = common.trial(), common.site()
        evaluation = evaluate(trial, common.texts_from(tracker), common.today())
        common.store().finish_screening(tracker.sender_id, trial.id, evaluation.outcome,
                                        {k: (v.verdict, v.reason) for k, v in evaluation.verdicts.items()})
        dispatcher.utter_message(text=dialogue.result(trial, evaluation, common.respondent(tracker), site))
        events: List[EventType] = [SlotSet("screening_outcome", evaluation.outcome)]
        if evaluation.outcome == "likely_ineligible":
            dispatcher.utter_message(text=dialogue.ineligible_goodbye())
            return events + [SlotSet("stage", "done")]
        dispatcher.utter_message(text=dialogue.what_happens_next(trial))
        reference = tracker.get_slot("handoff_reference")
        if reference:
            dispatcher.utter_message(text=f"Your answers are updated for the study team (reference {reference}).")
            return events + [SlotSet("stage", "done")]
        dispatcher.utter_message(text=dialogue.handoff_consent_request(trial, site), buttons=dialogue.HANDOFF_BUTTONS)
        return events + [SlotSet("stage", "handoff_offer")]


class ActionFallback(Action):
    """Rasa's fallback convention: revert the message so the bot listens again
    (without it the fallback is predicted over and over). A first message
    that is not a plain greeting still gets the welcome."""

    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("stage") is None:
            return [UserUtteranceReverted()] + _welcome(dispatcher)
        dispatcher.utter_message(text=dialogue.not_understood_here())
        return [UserUtteranceReverted()]
