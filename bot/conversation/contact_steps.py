"""Sharing with the study team and asking for a call-back: the contact
questions (name, phone or email, a good time, a language), the handoff, and
going back to where the person was."""
from __future__ import annotations

import re
from typing import Callable, Optional

from bot.conversation import phrases, steps, studies
from bot.conversation.contact import clean_language, clean_name, find_contact
from bot.conversation.core import Turn
from bot.conversation.state import Resume, Stage, Step, name_of
from bot.records.effects import ContactGiven, HandoffRequested

_LANGUAGES = {"ko": "Korean", "en": "English"}


def ask_contact(t: Turn, step: Optional[str], again: bool = False) -> None:
    t.go(Stage.CONTACT, step)
    if step == Step.CONTACT_LANGUAGE:
        titles = t.texts().buttons("contact_language_buttons")
        order = [t.lang] + [k for k in titles if k != t.lang]
        t.say("ask_contact_language", buttons=[(titles[k], f"/{Step.CONTACT_LANGUAGE.value}:{k}") for k in order])
        return
    t.say(("reask_" if again else "ask_") + (name_of(step) or ""))


def on_miss(t: Turn) -> None:
    ask_contact(t, t.slot, again=t.slot != Step.CONTACT_LANGUAGE)


def on_contact(t: Turn) -> bool:
    if t.slot == Step.CONTACT_LANGUAGE:
        return _on_language(t)
    if t.payload:
        return False
    meaning = phrases.meaning(t.text)
    command = meaning is not None and meaning.kind == "command"
    if command and (len(t.text.split()) <= 6 or t.slot == Step.CONTACT_TIME):
        return False  # "stop", "delete my data": commands, not contact details
    if t.slot == Step.CONTACT_NAME:
        name = clean_name(t.text)
        if not name or command:
            return _again(t)
        t.state.contact.name = name
        ask_contact(t, Step.CONTACT_DETAILS)
    elif t.slot == Step.CONTACT_DETAILS:
        found = find_contact(t.text)
        if not (found.phone or found.email):
            return _again(t)
        t.state.contact.phone, t.state.contact.email = found.phone, found.email
        ask_contact(t, Step.CONTACT_TIME)
    elif t.slot == Step.CONTACT_TIME:
        if not re.search(r"[A-Za-z0-9\uac00-\ud7a3]", t.text) or len(t.text) > 200:
            return _again(t)
        t.state.contact.time = t.text
        ask_contact(t, Step.CONTACT_LANGUAGE)
    return True


def _on_language(t: Turn) -> bool:
    key = t.clicked(Step.CONTACT_LANGUAGE)
    value = _LANGUAGES.get(key) if key else None
    if value is None and not t.payload:
        wanted = phrases.wants_language(t.text)
        meaning = phrases.meaning(t.text)
        if wanted:
            value = _LANGUAGES[wanted]
        elif not meaning or meaning.kind not in ("command", "question"):
            value = clean_language(t.text)
    if value is None:
        return False
    t.state.contact.language = value
    finish_handoff(t)
    return True


def _again(t: Turn) -> bool:
    ask_contact(t, t.slot, again=True)
    return True


def finish_handoff(t: Turn) -> None:
    kind = t.state.handoff_kind or "screening"
    tx, c = t.texts(), t.state.contact
    consent_text = tx.say("handoff_offer" if kind == "screening" else "callback_consent")
    given = ContactGiven(c.name or "", c.phone, c.email, c.time or "", c.language or "")
    if kind == "screening" and t.several:
        studies.finish_handoffs(t, given)
        return
    # A call-back goes to the team of the study the person may still fit best (the first listed before any answer).
    trial = t.screening().ranked()[0] if t.several else None
    t.effect(HandoffRequested(kind, given, t.lang, consent_text, trial))
    if kind == "callback":
        t.add(tx.say("callback_done", reference="{reference}"))
        resume_after(t)
        return
    lines = [tx.say("handoff_done", reference="{reference}"), tx.say("what_happens_next")]
    lines += [f"- {s}" for s in t.trial.texts[t.lang]["what_happens_next"]]
    t.add("\n".join(lines))
    t.go(Stage.DONE)


# ---------------------------------------------------------------- a person, call-backs

def offer_callback(t: Turn) -> None:
    tx = t.texts()
    if t.state.handoff_reference:
        t.add(tx.say("handoff_updated", reference=t.state.handoff_reference) + " " + tx.contact())
        steps.reask_open(t)
        return
    remember_resume(t)
    t.state.requested_slot = Step.CALLBACK.value
    offer_callback_again(t)


def offer_callback_again(t: Turn) -> None:
    t.say("human", buttons=t.yes_no_buttons(Step.CALLBACK, "human_buttons"), contact=t.texts().contact())


def on_callback(t: Turn) -> bool:
    return _callback_step(t, Step.CALLBACK, ask_callback_consent)


def on_callback_consent(t: Turn) -> bool:
    return _callback_step(t, Step.CALLBACK_CONSENT, _ask_callback_contact)


def _callback_step(t: Turn, step: Step, on_yes: Callable[[Turn], None]) -> bool:
    """A yes goes on with the call-back; a no goes back to where the person was."""
    answer = t.agrees(step)
    if answer == "yes":
        on_yes(t)
    elif answer == "no":
        t.say("callback_declined")
        resume_after(t)
    return answer is not None


def ask_callback_consent(t: Turn) -> None:
    t.state.requested_slot = Step.CALLBACK_CONSENT.value
    t.say("callback_consent", buttons=t.yes_no_buttons(Step.CALLBACK_CONSENT, "handoff_buttons"))


def _ask_callback_contact(t: Turn) -> None:
    t.state.handoff_kind = "callback"
    ask_contact(t, Step.CONTACT_NAME)


def remember_resume(t: Turn) -> None:
    if t.state.resume is None:
        t.state.resume = Resume(t.state.stage, t.slot)


def resume_after(t: Turn) -> None:
    back = t.state.resume or Resume(Stage.DONE, None)
    t.state.resume = None
    t.go(back.stage, back.slot)
    steps.reask_open(t)
