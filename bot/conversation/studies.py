"""A site that screens for several studies in one conversation: the welcome
that names them, a result per study (most promising first), one consent per
study team, and a handoff (with its own reference code) to each team chosen.
A site of one study never comes here (result.py, consent.py)."""
from __future__ import annotations

from typing import Dict, List

from bot.conversation import contact_steps
from bot.conversation.core import Turn
from bot.conversation.state import Stage, Step
from bot.conversation.texts import Texts, fill
from bot.config import TrialStatus
from bot.eligibility.model import Outcome, Trial
from bot.eligibility.session import Session, reason
from bot.records.effects import ContactGiven, FinalVerdict, HandoffRequested, ScreeningFinished

_SENTENCE = {Outcome.LIKELY_ELIGIBLE: "result_likely", Outcome.NEEDS_REVIEW: "result_possible",
             Outcome.LIKELY_INELIGIBLE: "result_unlikely"}


def texts_for(t: Turn, trial: Trial) -> Texts:
    """The conversation's texts, filled with one study's facts (its id, title, dates, labels)."""
    return Texts(t.lang, trial, t.setting.site, t.session())


def welcome(t: Turn) -> str:
    portfolio = t.setting.portfolio
    lines = [t.texts().say("welcome_several"), t.texts().say("studies_open")]
    lines += [_study_line(t, trial) for trial in portfolio.screened]
    return "\n".join(lines) + closed_lines(t)


def closed_lines(t: Turn) -> str:
    """The site's closed studies, named so that nobody waits for them ("" when none)."""
    closed = t.setting.portfolio.closed
    if not closed:
        return ""
    return "\n" + "\n".join([t.texts().say("studies_closed")] + [texts_for(t, tr).say("study_line") for tr in closed])


def _study_line(t: Turn, trial: Trial) -> str:
    line, note = texts_for(t, trial).say("study_line"), _note(t, trial)
    return f"{line}: {note}" if note else line


def _note(t: Turn, trial: Trial) -> str:
    """What the site's status says of recruitment, if anything is in doubt."""
    tx, status = texts_for(t, trial), t.setting.portfolio.status(trial.id)
    if status == TrialStatus.NOT_YET_RECRUITING:
        return tx.table["note_not_yet"]
    if status == TrialStatus.UNKNOWN and t.today > trial.end_date:
        return fill(tx.table["note_unknown"], tx.fields())
    return ""


def describe(t: Turn) -> str:
    """What the studies are about (a question about "the study")."""
    return "\n".join(f"{texts_for(t, tr).say('study_line')}: {str(tr.texts[t.lang].get('summary') or '').strip()}"
                     for tr in t.setting.portfolio.screened)


def other_trials(t: Turn) -> None:
    ids = ", ".join(tr.id for tr in t.setting.portfolio.screened)
    t.say("other_trials_several", studies=ids)


# ---------------------------------------------------------------- results

def show_results(t: Turn) -> None:
    screening, portfolio = t.screening(), t.setting.portfolio
    t.state.screening_outcomes = {tid: o.value for tid, o in screening.outcomes.items()}
    t.state.screening_outcome = screening.outcomes[portfolio.first.id].value
    t.add(t.texts().say("results_intro"))
    for number, tid in enumerate(screening.ranked(), 1):
        session = screening.sessions[tid]
        t.effect(ScreeningFinished(session.outcome.value, final_verdicts(session, t.lang), tid))
        t.add(_result_block(t, session, number))
    promising = [tid for tid in screening.ranked() if screening.outcomes[tid] != Outcome.LIKELY_INELIGIBLE]
    if len(promising) < len(screening.outcomes):
        t.say("result_correct")
    if t.state.handoff_references:
        refs = ", ".join(f"{k}: {v}" for k, v in t.state.handoff_references.items())
        t.say("shared_updated", references=refs)
        t.go(Stage.DONE)
    elif not promising:
        t.say("result_contact", contact=t.texts().contact())
        t.go(Stage.DONE)
    else:
        t.state.offering, t.state.sharing = promising, []
        offer_next(t)


def final_verdicts(session: Session, language: str) -> Dict[str, FinalVerdict]:
    """Every criterion's verdict, reason and earliest date, as the screening's record keeps them."""
    return {k: FinalVerdict(j.verdict.value, reason(session, k, language),
                            j.eligible_from.isoformat() if j.eligible_from else None)
            for k, j in session.verdicts.items()}


def _result_block(t: Turn, session: Session, number: int) -> str:
    """One study's result: its name, likely / possibly / likely not, and why."""
    tx, outcome = texts_for(t, session.trial), session.outcome
    title = tx.say("result_study", number=number)
    note = _note(t, session.trial)
    lines = [f"{title}: {note}" if note else title, tx.say(_SENTENCE[outcome])]
    lines += [tx.say("result_point", label=tx.q(j.criterion, "label"), reason=reason(session, j.criterion, t.lang))
              for j in session.points()]
    return "\n".join(lines)


# ---------------------------------------------------------------- one consent per study team

def offer_next(t: Turn) -> None:
    """Asks about the next study team; after the last, the contact details (or nothing shared)."""
    if t.state.offering:
        t.go(Stage.HANDOFF, Step.SHARE)
        _ask(t, "share_offer")
    elif t.state.sharing:
        t.state.handoff_kind = "screening"
        contact_steps.ask_contact(t, Step.CONTACT_NAME)
    else:
        t.say("share_none", contact=t.texts().contact())
        t.go(Stage.DONE)


def _ask(t: Turn, key: str) -> None:
    trial = t.setting.portfolio.trial(t.state.offering[0])
    t.add(texts_for(t, trial).say(key), buttons=t.yes_no_buttons(Step.SHARE, "handoff_buttons"))


def reask_share(t: Turn) -> None:
    if t.state.offering:
        _ask(t, "share_reask")
    else:
        offer_next(t)


def on_share(t: Turn) -> bool:
    answer = t.agrees(Step.SHARE)
    if answer is None or not t.state.offering:
        return False
    trial_id = t.state.offering.pop(0)
    if answer == "yes":
        t.state.sharing.append(trial_id)
    offer_next(t)
    return True


def finish_handoffs(t: Turn, given: ContactGiven) -> None:
    """One handoff per study team chosen, each with the consent that was asked for it."""
    tx, portfolio = t.texts(), t.setting.portfolio
    lines: List[str] = [tx.say("shared_done")]
    steps_next: List[str] = []
    for trial_id in t.state.sharing:
        trial_tx = texts_for(t, portfolio.trial(trial_id))
        t.effect(HandoffRequested("screening", given, t.lang, trial_tx.say("share_offer"), trial_id))
        lines.append(trial_tx.say("shared_line", reference=f"{{reference@{trial_id}}}"))
        steps_next += [s for s in portfolio.trial(trial_id).texts[t.lang]["what_happens_next"] if s not in steps_next]
    lines.append(tx.say("what_happens_next"))
    lines += [f"- {s}" for s in steps_next]
    t.add("\n".join(lines))
    t.go(Stage.DONE)
