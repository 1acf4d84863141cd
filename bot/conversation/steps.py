"""The step table: for each open step, what reads a message, how the step is
asked again (no miss counted) and what a message that says nothing to it gets.
A new step is one entry here and one module with its functions (README)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Dict, Optional

from bot.conversation import check, commands, consent, contact_steps, questions, result, safety_steps, studies
from bot.conversation.core import Turn
from bot.conversation.state import CONTACT_STEPS, Stage, Step
from bot.eligibility.answers import text_problem


@dataclass(frozen=True)
class StepSpec:
    on_message: Callable[[Turn], bool]  # True when the message was for this step
    reask: Callable[[Turn], None]
    on_miss: Optional[Callable[[Turn], None]] = None  # None: counted, with help every second time


@lru_cache(maxsize=1)
def table() -> Dict[str, StepSpec]:
    """The step table (built on first use: the step modules import this one)."""
    contact = StepSpec(contact_steps.on_contact, lambda t: contact_steps.ask_contact(t, t.slot), contact_steps.on_miss)
    return {
        Step.CONSENT.value: StepSpec(consent.on_consent, consent.reask),
        Step.SUMMARY.value: StepSpec(result.on_summary, result.reask_summary),
        Step.HANDOFF.value: StepSpec(result.on_handoff, result.reask_handoff),
        Step.SHARE.value: StepSpec(studies.on_share, studies.reask_share),
        Step.CALLBACK.value: StepSpec(contact_steps.on_callback, contact_steps.offer_callback_again),
        Step.CALLBACK_CONSENT.value: StepSpec(contact_steps.on_callback_consent, contact_steps.ask_callback_consent),
        Step.CONFIRM.value: StepSpec(commands.on_confirm, commands.ask_confirm_again),
        Step.WHICH.value: StepSpec(commands.on_which, commands.ask_which, commands.which_miss),
        Step.CHECK.value: StepSpec(check.on_message, check.ask),
        **{s.value: contact for s in CONTACT_STEPS},
        # The trial's own questions: one entry for all of them (step_for).
        QUESTION: StepSpec(questions.on_question, lambda t: questions.ask(t, t.slot or ""), questions.on_miss),
    }


QUESTION = "_question"


def step_for(t: Turn) -> Optional[StepSpec]:
    if t.slot in t.trial.questions:
        return table()[QUESTION]
    return table().get(t.slot or "")


def reask_open(t: Turn) -> None:
    """The open step again, as it was asked (no miss counted)."""
    spec = step_for(t)
    if t.state.stage == Stage.STOPPED:
        commands.say_still_stopped(t)
    elif spec is not None:
        spec.reask(t)
    elif t.state.stage == Stage.DECLINED:
        t.say("consent_declined", contact=t.texts().contact())
    elif t.state.stage == Stage.DONE:
        t.say("screening_done")


def not_understood(t: Turn) -> None:
    """Nothing in the message answers, commands or asks: the step again, with
    help (the question's hint the first time, its buttons after)."""
    if t.advised_now and step_for(t) is not None:
        t.say("after_emergency")  # the advice was the reply; no miss counted
        reask_open(t)
        return
    if t.after_crisis:  # never "use the buttons" to someone who was just given the crisis lines
        safety_steps.still_here(t)
        return
    if t.finding is not None and t.finding.unwell:  # never "I couldn't read that" to someone feeling ill
        t.say("safety_unwell")
        reask_open(t)
        return
    problem = text_problem(t.text)
    if problem:
        t.say(problem)
    spec = step_for(t)
    if spec is not None and spec.on_miss is not None:
        spec.on_miss(t)
    elif t.state.stage == Stage.DONE:
        misses = t.state.misses["_done"] = t.state.misses.get("_done", 0) + 1
        t.say("screening_done" if misses % 2 else "result_contact", contact=t.texts().contact())
    else:
        key = t.slot or "_"
        misses = t.state.misses[key] = t.state.misses.get(key, 0) + 1
        if misses % 2 == 0:
            t.say("step_help")
        reask_open(t)
