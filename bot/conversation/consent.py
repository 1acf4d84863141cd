"""The opening: the welcome, who a first message is about, and consent."""
from __future__ import annotations

from bot.conversation import questions, studies
from bot.conversation.core import Turn
from bot.conversation.state import Buttons, Stage, Step
from bot.eligibility import relations
from bot.eligibility.text import language_of
from bot.records.effects import ConsentGiven, DataDeleted, LanguageSet


def welcome(t: Turn) -> None:
    t.state.language = language_of(t.text) or t.state.language or "en"
    t.state.stage = Stage.CONSENT
    t.effect(LanguageSet(t.lang))
    tx = t.texts()
    if t.several:
        text = studies.welcome(t)
    else:
        text = tx.say("welcome")
        if t.today > t.trial.end_date:
            text += " " + tx.say("closed_note")
        text += studies.closed_lines(t)
    t.add(text)
    hear_who(t)
    other = "en" if t.lang == "ko" else "ko"
    t.say("language_offer", buttons=[(tx.say("other_language_button"), f"/{Buttons.LANGUAGE.value}:{other}")])
    ask(t)


def ask(t: Turn) -> None:
    t.go(Stage.CONSENT, Step.CONSENT)
    key = "consent_request_several" if t.several else "consent_request"
    t.say(key, buttons=t.yes_no_buttons(Step.CONSENT, "consent_buttons"))


def reask(t: Turn) -> None:
    t.say("consent_reask", buttons=t.yes_no_buttons(Step.CONSENT, "consent_buttons"))


def hear_who(t: Turn) -> None:
    """Keeps who a message said before consent is about ("my mother has
    AML", "아버지 때문에 문의드려요", even as a question): the first question
    then asks whether that is who the answers are for."""
    if t.payload or not t.text:
        return
    found = relations.read_relation(t.text)
    if found and found[0] not in ("self", "patient"):
        t.state.heard = t.text


def on_consent(t: Turn) -> bool:
    if t.clicked(Buttons.LANGUAGE):
        return False
    hear_who(t)
    answer = t.agrees(Step.CONSENT)
    if answer == "yes":
        t.effect(ConsentGiven(t.lang))
        t.say("begin")
        t.state.stage = Stage.SCREENING
        questions.next_question(t)
        return True
    if answer == "no":
        # "Nothing about your health is stored" must be true of what was typed
        # before the answer too: the conversation goes (the tracker store drops
        # it), and 'start' begins a new one.
        t.effect(DataDeleted())
        t.say("consent_declined", contact=t.texts().contact())
        t.state = t.state.fresh()
        t.go(Stage.DECLINED)
        t.state.data_deleted = True
        return True
    return False
