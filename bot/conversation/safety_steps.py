"""Safety, before anything else: a live sign outranks every command and
answer. Advice first, then only an answer said apart from the sign; a sign
named without time or severity gets one question ("is this happening now?")."""
from __future__ import annotations

from typing import List, Sequence

from bot.conversation import check, consent, contact_steps, steps
from bot.conversation.core import Turn
from bot.conversation.state import CONTACT_STEPS, Buttons, SafetyMemory
from bot.eligibility.reading import Reading
from bot.eligibility.session import read
from bot.eligibility.text import language_of
from bot.eligibility import who
from bot.records.effects import EmergencyFlag
from bot.safety import Finding, Sign


def safety_step(t: Turn, found: Finding) -> bool:
    """True when the turn is decided here."""
    memory = t.state.safety or SafetyMemory()
    asking, just_advised = memory.asking, memory.advised_last
    t.after_crisis = Sign.SELF_HARM.value in just_advised
    t.state.safety = None
    if t.state.stage is None and found.any:  # the first message: reply in its language
        t.state.language = language_of(t.text) or t.state.language
    if found.live:
        advise(t, found.live, found.rest)
        return True
    fresh = [s for s in found.unclear if s.value not in t.state.advised]
    if fresh:
        ask_now(t, fresh)
        return True
    if found.unclear:  # named again after advice: it is still going on
        advise(t, found.unclear, "")
        return True
    return _answer_or_follow_up(t, found, asking, just_advised)


def _answer_or_follow_up(t: Turn, found: Finding, asking: List[str], just_advised: List[str]) -> bool:
    """A reply to "is this happening now?", or what follows advice ("it's getting worse", "he's fine now")."""
    answer = t.agrees(Buttons.SAFETY_NOW) if asking else None
    if answer == "yes":
        advise(t, [Sign(s) for s in asking], "")
        return True
    if answer == "no":
        t.say(_not_now(asking))
        steps.reask_open(t)
        return True
    if just_advised and found.escalation:
        advise(t, [Sign(s) for s in just_advised], "")
        return True
    if just_advised and found.help_coming:  # "the ambulance is on its way": that is right; no question now
        t.say("safety_help_coming")
        t.advised_now = True
        return True
    if just_advised and found.better:  # glad, and the question again without a miss
        t.say("safety_better")
        t.advised_now = True
    return False


def advise(t: Turn, signs: Sequence[Sign], rest: str) -> None:
    new = [s for s in signs if s.value not in t.state.advised]
    t.state.advised += [s.value for s in new]
    t.state.safety = SafetyMemory(advised_last=[s.value for s in signs])
    t.advised_now = True
    if new:
        t.effect(EmergencyFlag(tuple(s.value for s in new)))
    tx = t.texts()
    crisis = Sign.SELF_HARM in signs
    if crisis:
        t.say("crisis", crisis_lines=tx.crisis_lines())
    others = [s for s in new if s != Sign.SELF_HARM]
    if others:
        t.say("emergency", signs=", ".join(tx.table["signs"][s.value] for s in others))
    elif not crisis:
        t.say("emergency_again")  # the same sign again, or worse: short, 119 first
    if crisis:
        t.say("crisis_go_on", buttons=[(tx.say("crisis_go_on_button"), f"/{Buttons.SAFETY_GO_ON.value}:yes")])
        return  # the person chooses when to go on
    after_advice(t, rest)


def still_here(t: Turn) -> None:
    """After the crisis reply, a message that answers nothing: the lines again, kindly, and the way on."""
    tx = t.texts()
    t.say("crisis_still", crisis_lines=tx.crisis_lines(),
          buttons=[(tx.say("crisis_go_on_button"), f"/{Buttons.SAFETY_GO_ON.value}:yes")])
    t.state.safety = SafetyMemory(advised_last=[Sign.SELF_HARM.value])  # still just after it


def after_advice(t: Turn, rest: str) -> None:
    """An answer said apart from the sign is recorded ("52, and my chest
    really hurts"); otherwise the open step again."""
    if t.state.stage is None:
        consent.welcome(t)
        return
    slot = t.slot or ""
    if rest and slot in t.trial.questions and who.correction(rest) is None:
        result = read(t.trial, slot, rest, t.today)
        if isinstance(result, Reading):
            check.accept(t, slot, rest, result)
            return
    if rest and slot in CONTACT_STEPS and slot != "contact_language":
        t.text = rest  # "010-1234-5678, and she's vomiting blood": the number is kept
        contact_steps.on_contact(t)
        return
    if steps.step_for(t) is not None:  # a question, the check, the summary, contact details...
        t.say("after_emergency")
    steps.reask_open(t)


def ask_now(t: Turn, signs: Sequence[Sign]) -> None:
    t.state.safety = SafetyMemory(asking=[s.value for s in signs])
    if list(signs) == [Sign.SELF_HARM]:  # asked directly, with buttons that say it
        t.say("safety_check_self_harm",
              buttons=t.yes_no_buttons(Buttons.SAFETY_NOW, "safety_check_self_harm_buttons"))
        return
    names = ", ".join(t.texts().table["signs"][s.value] for s in signs)
    t.say("safety_check", buttons=t.yes_no_buttons(Buttons.SAFETY_NOW, "safety_check_buttons"), signs=names)


def on_safety_button(t: Turn) -> None:
    asking = (t.state.safety or SafetyMemory()).asking
    t.state.safety = None
    if t.clicked(Buttons.SAFETY_NOW) == "yes" and asking:
        advise(t, [Sign(s) for s in asking], "")
        return
    if t.clicked(Buttons.SAFETY_NOW):
        t.say(_not_now(asking))
    if t.state.stage is None:
        consent.welcome(t)
        return
    steps.reask_open(t)


def _not_now(asking: List[str]) -> str:
    """After "no" to "is this happening now?": when to call, and whom (109 for thoughts of self-harm)."""
    return "safety_not_now_self_harm" if asking == [Sign.SELF_HARM.value] else "safety_not_now"
