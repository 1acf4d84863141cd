"""What a message that answers nothing means: a command (stop, go on, go
back, change an answer, delete, start over, a person), a question back, or
small talk; and the steps that destroy something, which ask first."""
from __future__ import annotations

from typing import Callable, Dict, List, Optional

from bot.conversation import check, consent, contact_steps, language, phrases, questions, steps, studies
from bot.conversation.core import Button, Turn
from bot.conversation.state import CONTACT_STEPS, Buttons, Stage, Step
from bot.eligibility.mentions import asks_about_the_study, find_question, new_value, terms_in
from bot.eligibility.reading import Reading
from bot.eligibility.readers import polarity
from bot.eligibility.session import read, reading_words
from bot.eligibility.text import is_question
from bot.records.effects import Abandoned, ConsentGiven, DataDeleted, Resumed, Stopped

GLOSSARY_WORDS = 3  # a question this short may be asking what a word means
_SMALL_TALK = {"greet": "greeting_again", "thanks": "thanks", "goodbye": "goodbye", "hold": "hold"}


def interpret(t: Turn) -> bool:
    key = t.clicked(Buttons.LANGUAGE)
    if key:
        if key != t.lang:
            language.switch(t, key)
        else:
            t.say("reask_plain")
        steps.reask_open(t)
        return True
    stopped = t.clicked(Buttons.STOPPED)
    if stopped:
        return _on_stopped_button(t, stopped)
    if t.payload:  # a button of an earlier question: nothing to do now
        t.say("reask_plain")
        steps.reask_open(t)
        return True
    m = phrases.meaning(t.text, t.suggestion, t.confidence)
    if t.state.stage == Stage.STOPPED and (m is None or m.kind != "command"):
        if _answers_paused(t):
            return True
        if m is None:
            say_still_stopped(t)
            return True
    if t.state.stage == Stage.DECLINED and (
            (m is not None and m.intent in ("resume", "start_over")) or polarity(t.text, agree=True).value == "yes"):
        consent.ask(t)
        return True
    return m is not None and act(t, m)


def act(t: Turn, m: phrases.Meaning) -> bool:
    if m.kind == "command" and m.intent not in ("human_handoff", "switch_language") and is_question(t.text):
        t.say("commands_help")  # "can I stop at any time?": yes, and how
        steps.reask_open(t)
        return True
    handler = _INTENTS.get(m.intent)
    if handler is not None:
        handler(t)
    elif m.kind == "question":
        answer_question(t, m.intent)
        steps.reask_open(t)
    elif m.intent in _SMALL_TALK or m.intent == "smalltalk":
        t.say(_SMALL_TALK.get(m.intent, "smalltalk"))
        steps.reask_open(t)
    else:
        return False
    return True


def answer_question(t: Turn, intent: str) -> None:
    tx, qid = t.texts(), t.slot or ""
    if intent == "ask_why":
        if qid in t.trial.questions:
            t.add(tx.q(qid, "why") + (" " + tx.q(qid, "help") if tx.q(qid, "help") else ""))
        else:
            t.say("why_contact" if qid in CONTACT_STEPS else "why_default")
    elif intent == "explain_term":
        _explain(t)
    elif intent == "chat_length":
        t.say("chat_length", remaining=len(t.screening().pending()))
    elif intent == "other_trials" and t.several:
        studies.other_trials(t)
    elif intent in ("study_dates", "not_for_chat", "other_trials", "who_are_you"):
        t.say(intent)


def _explain(t: Turn) -> None:
    tx, qid = t.texts(), t.slot or ""
    found = terms_in(t.trial, t.text, t.lang)
    if found:
        t.add(" ".join(found))
    elif asks_about_the_study(t.text):  # a question about the study gets what the study is, never a word list
        t.add(studies.describe(t) if t.several else str(t.trial.texts[t.lang].get("summary") or tx.say("who_are_you")))
    elif qid in t.trial.questions and tx.q(qid, "help"):
        t.add(tx.q(qid, "help"))
    elif t.advised_now:  # "a fever of 39, is that bad?": the urgent advice was the answer
        pass
    elif len(t.text.split()) <= GLOSSARY_WORDS:  # "meaning?", "what's that?": the words it can explain
        words = [t.trial.texts[t.lang]["terms"][k]["words"][0] for k in t.trial.terms]
        t.say("explain_which", terms=", ".join(words))
    else:  # a sentence never gets a word list: say what this assistant is and who can answer
        t.say("question_unknown")


# ---------------------------------------------------------------- commands

def _delete(t: Turn) -> None:
    # Before consent too: what was typed is erased with the conversation, so it asks first.
    ask_confirm(t, "delete")


def _erase(t: Turn) -> None:
    """'Deleted' must be true: the records, and the conversation itself (the
    tracker store drops every event of a conversation whose data_deleted is set)."""
    t.effect(DataDeleted())
    t.say("deleted")
    t.state = t.state.fresh()
    t.state.data_deleted = True


def _start_over(t: Turn) -> None:
    if not t.state.answers:
        steps.reask_open(t)
        return
    ask_confirm(t, "restart")


def _switch_language(t: Turn) -> None:
    to = phrases.wants_language(t.text)
    if to and to != t.lang:
        language.switch(t, to)
    steps.reask_open(t)


def _stop(t: Turn) -> None:
    if t.state.stage in (Stage.DONE, Stage.DECLINED, Stage.STOPPED):
        t.say("goodbye")
        return
    contact_steps.remember_resume(t)
    t.effect(Stopped())
    t.go(Stage.STOPPED)
    t.say("stopped", buttons=_stopped_buttons(t))


def _resume(t: Turn) -> None:
    if t.state.stage != Stage.STOPPED:
        steps.reask_open(t)
        return
    t.effect(Resumed())
    t.say("resumed")
    contact_steps.resume_after(t)


def _correct_answer(t: Turn) -> None:
    qid = find_question(t.trial, t.text, t.session().answered())
    if qid:
        change(t, qid, new_value(t.text))
    else:
        ask_which(t)


def go_back(t: Turn) -> None:
    answered = t.session().answered()
    if t.state.stage in (Stage.SUMMARY, Stage.DONE):
        ask_which(t)
        return
    if not answered:
        t.say("go_back_none")
        steps.reask_open(t)
        return
    last = answered[-1]
    _forget_with_what_follows(t, last)
    t.say("go_back")
    t.state.stage = Stage.SCREENING
    questions.ask(t, last)


_INTENTS: Dict[str, Callable[[Turn], None]] = {
    "delete_data": _delete, "start_over": _start_over, "switch_language": _switch_language, "stop": _stop,
    "resume": _resume, "human_handoff": contact_steps.offer_callback, "go_back": go_back,
    "correct_answer": _correct_answer,
}


# ---------------------------------------------------------------- stopped

def _stopped_buttons(t: Turn) -> List[Button]:
    titles = t.texts().buttons("stopped_buttons")
    return [(titles[k], f"/{Buttons.STOPPED.value}:{k}") for k in titles]


def say_still_stopped(t: Turn) -> None:
    t.say("still_stopped", buttons=_stopped_buttons(t))


def _on_stopped_button(t: Turn, key: str) -> bool:
    if key == "resume":
        t.effect(Resumed())
        t.say("resumed")
        contact_steps.resume_after(t)
    else:
        ask_confirm(t, "delete")
    return True


def _answers_paused(t: Turn) -> bool:
    """While stopped, an answer to the paused question resumes and counts."""
    back = t.state.resume
    qid = back.slot if back is not None else None
    if back is None or qid is None or qid not in t.trial.questions:
        return False
    answer = read(t.trial, qid, t.text, t.today)
    if not isinstance(answer, Reading):
        return False
    t.state.resume = None
    t.effect(Resumed())
    t.state.stage = back.stage
    check.accept(t, qid, t.text, answer)
    return True


# ---------------------------------------------------------------- destroying, with a question first

def ask_confirm(t: Turn, action: str) -> None:
    contact_steps.remember_resume(t)
    t.state.pending = action
    t.state.requested_slot = Step.CONFIRM.value
    buttons = t.yes_no_buttons(Step.CONFIRM, "confirm_buttons")
    if action == "delete":
        too = t.texts().say("confirm_delete_contact") if t.state.contact.given() else ""
        t.say("confirm_delete", buttons=buttons, contact_too=too)
    else:
        t.say("confirm_restart", buttons=buttons)


def ask_confirm_again(t: Turn) -> None:
    ask_confirm(t, t.state.pending or "delete")


def on_confirm(t: Turn) -> bool:
    action, answer = t.state.pending, t.agrees(Step.CONFIRM)
    t.state.pending = None
    if answer == "yes" and action == "delete":
        _erase(t)
    elif answer == "yes" and action == "restart":
        _restart(t)
    else:
        t.say("confirm_kept")
        contact_steps.resume_after(t)
    return True


def _restart(t: Turn) -> None:
    t.effect(Abandoned())
    s = t.state
    s.answers, s.readings, s.misses = {}, {}, {}
    s.contact = type(s.contact)()
    s.screening_outcome = s.handoff_reference = s.handoff_kind = s.heard = None
    s.screening_outcomes, s.offering, s.sharing, s.handoff_references = {}, [], [], {}
    s.resume, s.partial = None, None
    t.effect(ConsentGiven(t.lang))
    t.say("restarted")
    questions.next_question(t)


# ---------------------------------------------------------------- changing answers

def ask_which(t: Turn) -> None:
    answered = t.session().answered()
    if not answered:
        t.say("change_nothing")
        steps.reask_open(t)
        return
    contact_steps.remember_resume(t)
    t.state.requested_slot = Step.WHICH.value
    tx = t.texts()
    t.say("change_which", buttons=[(tx.q(q, "label"), f"/{Step.WHICH.value}:{q}") for q in answered])


def on_which(t: Turn) -> bool:
    qid = t.clicked(Step.WHICH) or (None if t.payload else find_question(t.trial, t.text, t.session().answered()))
    if qid is None:
        return False
    change(t, qid, None)
    return True


def which_miss(t: Turn) -> None:
    """No answer named: go on rather than ask the same again."""
    t.say("reask_plain")
    contact_steps.resume_after(t)


def change(t: Turn, qid: str, value: Optional[str]) -> None:
    """Changes one answer: with the new value when one was given and it
    reads, else by asking the question again. Then on to what follows."""
    t.state.resume = None
    tx = t.texts()
    if value:
        answer = read(t.trial, qid, value, t.today)
        if isinstance(answer, Reading) and check.needed(t, qid, value, answer):
            check.hold(t, qid, value, answer)  # a rule-out said in passing is said back first
            return
        if isinstance(answer, Reading):
            questions.record(t, qid, value, answer)
            t.say("changed", label=tx.q(qid, "label"), reading=reading_words(t.session(), qid, t.lang))
            questions.next_question(t)
            return
    _forget_with_what_follows(t, qid)
    t.say("change_to", label=tx.q(qid, "label"))
    t.state.stage = Stage.SCREENING
    questions.ask(t, qid)


def _forget_with_what_follows(t: Turn, qid: str) -> None:
    """Forgets an answer; who is answering also decides whose sex was asked."""
    questions.forget(t, qid)
    if qid == questions.RESPONDENT:
        questions.forget(t, "sex")
