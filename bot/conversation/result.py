"""The end of a screening: the summary of what was understood, the result
and why, and the offer to share it with the study team."""
from __future__ import annotations

from typing import Iterable

from bot.conversation import commands, contact_steps, corrections, questions, studies
from bot.eligibility import who
from bot.conversation.core import Turn
from bot.conversation.state import Stage, Step
from bot.eligibility.model import Outcome
from bot.eligibility.session import Judgement, reading_words, reason
from bot.records.effects import ScreeningFinished


def show_summary(t: Turn) -> None:
    session, tx = t.session(), t.texts()
    lines = [tx.say("summary_intro")]
    for qid in session.answered():
        lines.append(tx.say("summary_line", label=tx.q(qid, "label"), reading=reading_words(session, qid, t.lang),
                            text=t.state.answers.get(qid, "")))
    t.add("\n".join(lines))
    t.go(Stage.SUMMARY, Step.SUMMARY)
    t.say("summary_question", buttons=t.yes_no_buttons(Step.SUMMARY, "summary_buttons"))


def reask_summary(t: Turn) -> None:
    t.say("summary_reask", buttons=t.yes_no_buttons(Step.SUMMARY, "summary_buttons"))


def on_summary(t: Turn) -> bool:
    fix = None if t.payload else who.correction(t.text)
    if fix and questions.fixes_who(t, fix):  # "sorry, it's my father, not my husband"
        return True
    if not t.payload and corrections.take(t):  # "actually she's 64, not 67"
        return True
    if not t.payload and len(t.text.split()) > 5:
        return False  # "yes, but PV became AML": more than a yes; read as a change
    answer = t.agrees(Step.SUMMARY)
    if answer == "yes":
        show_result(t)
        return True
    if answer == "no":
        commands.ask_which(t)
        return True
    return False


def show_result(t: Turn) -> None:
    if t.several:
        studies.show_results(t)
        return
    session, tx = t.session(), t.texts()
    outcome = session.outcome
    t.state.screening_outcome = outcome.value
    t.effect(ScreeningFinished(outcome.value, studies.final_verdicts(session, t.lang)))
    if outcome == Outcome.LIKELY_INELIGIBLE:
        t.add(tx.say("result_unlikely") + "\n" + _points(t, session.points()))
        t.add(tx.say("result_correct") + " " + tx.say("result_contact", contact=tx.contact()))
        t.go(Stage.DONE)
        return
    if outcome == Outcome.NEEDS_REVIEW:
        t.add(tx.say("result_possible") + "\n" + _points(t, session.points()))
    else:
        t.add(tx.say("result_likely"))
    if t.state.handoff_reference:
        t.say("handoff_updated", reference=t.state.handoff_reference)
        t.go(Stage.DONE)
        return
    t.go(Stage.HANDOFF, Step.HANDOFF)
    t.say("handoff_offer", buttons=t.yes_no_buttons(Step.HANDOFF, "handoff_buttons"))


def _points(t: Turn, judgements: Iterable[Judgement]) -> str:
    tx, session = t.texts(), t.session()
    return "\n".join(tx.say("result_point", label=tx.q(j.criterion, "label"),
                            reason=reason(session, j.criterion, t.lang)) for j in judgements)


def reask_handoff(t: Turn) -> None:
    t.say("handoff_reask", buttons=t.yes_no_buttons(Step.HANDOFF, "handoff_buttons"))


def on_handoff(t: Turn) -> bool:
    answer = t.agrees(Step.HANDOFF)
    if answer == "yes":
        t.state.handoff_kind = "screening"
        contact_steps.ask_contact(t, Step.CONTACT_NAME)
        return True
    if answer == "no":
        t.say("handoff_declined", contact=t.texts().contact())
        t.go(Stage.DONE)
        return True
    return False
