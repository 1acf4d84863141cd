"""What the bot says, composed from the trial file, the site file and an
evaluation. Plain functions returning text (and buttons); the Rasa actions
only pass them on."""
from __future__ import annotations

import re
from datetime import date
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from bot.answers import Answer
from bot.config import Site
from bot.rules import long_date
from bot.screening import Evaluation, patient_words, question_text
from bot.trial import Trial

Buttons = List[Dict[str, str]]

EMERGENCY_NUMBER = "119"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _who(respondent: Optional[Answer]) -> Tuple[str, str]:
    """('you', 'are') or ('your mother', 'is')."""
    who = patient_words(respondent)
    return who, "are" if who == "you" else "is"


def welcome(trial: Trial, today: date) -> str:
    text = (
        f"Hello! I'm the pre-screening assistant for the {trial.site} study {trial.id}: "
        f"{trial.short_title}.\n"
        "I'll ask some short questions (about 5 minutes) and tell you whether the study might fit, and why. "
        "I can't diagnose anything and this is not enrollment: the study team makes every decision.\n"
        f"The study listing gives an end date of {long_date(trial.end_date)} and was last updated on "
        f"{long_date(trial.updated)}."
    )
    if today > trial.end_date:
        text += ("\nPlease note: that end date has passed, so recruitment may have closed. "
                 "The study team will confirm whether it is still open.")
    return text


def consent_request(site: Site) -> str:
    return (
        "Before any health questions: may I ask about the patient's diagnosis, treatment and general health?\n"
        "Why: to check the answers against the study's requirements.\n"
        f"What is kept: your answers, stored securely for up to {site.retention_days} days so the conversation "
        "can be resumed and reviewed by the study team. No name or contact details are asked unless you later "
        "choose to be contacted. You can say \"delete my data\" at any time."
    )


CONSENT_BUTTONS: Buttons = [{"title": "Yes, let's start", "payload": "/affirm"},
                            {"title": "No, thank you", "payload": "/deny"}]


def no_consent(site: Site) -> str:
    return ("That's completely fine; nothing about your health has been asked or kept. "
            "If you'd like to talk to the study team directly:\n" + site.contact_lines() +
            "\nTake care, and I wish you and your family well.")


def prompt(trial: Trial, qid: str, respondent: Optional[Answer]) -> Tuple[str, Buttons]:
    q = trial.question(qid)
    return question_text(q, respondent), [dict(b) for b in q.buttons]


def reask(trial: Trial, qid: str, answer: Answer) -> str:
    q = trial.question(qid)
    return (f"Sorry, I couldn't quite read that: I need {answer.missing}. {q.hint} "
            f"For example: \"{q.example}\". You can also say \"not sure\".")


def second_miss() -> str:
    return "Thank you. I'll note that the study team should check this point with you, and we'll move on."


def why(trial: Trial, qid: Optional[str]) -> str:
    if not qid or qid not in trial.question_ids:
        return ("I ask these questions to see whether the study's requirements might fit. "
                "The study team checks everything again before anyone joins.")
    q = trial.question(qid)
    text = f"Why I ask: {q.why}"
    if q.help:
        text += f"\nA note on the listing: {q.help}"
    return text


def explain(trial: Trial, text: str, qid: Optional[str]) -> str:
    """Explains the terms named in `text`, or else those of the open question."""
    low = f" {(text or '').lower()} "
    keys = [t.key for t in trial.glossary.values()
            if any(re.search(r"(?<![\w])" + re.escape(w) + r"(?![\w])", low) for w in t.words)]
    if not keys and qid and qid in trial.question_ids:
        keys = list(trial.question(qid).terms)
    if not keys:
        names = "AML, MPN, ECOG, chemotherapy, ruxolitinib, hydroxyurea, creatinine, ALT/AST"
        return f"I can explain these words: {names}. Which one would you like?"
    return "\n".join(trial.glossary[k].text for k in dict.fromkeys(keys))


def emergency(signs: Sequence[str]) -> str:
    what = f" ({', '.join(signs)})" if signs else ""
    text = (f"What you describe{what} can be an emergency. Please get urgent help now: in Korea call "
            f"{EMERGENCY_NUMBER} (or your local emergency number), or go to the nearest emergency room. "
            "If the patient is being treated for leukemia, tell them so.")
    if "thoughts of self-harm" in signs:
        text += " You don't have to go through this alone: please also tell someone near you how you feel."
    return text + "\nThis chat can wait. When you are safe and ready, we can continue."


def out_of_scope() -> str:
    return ("That's a good question, but it's one for the study team, not for me: I can only check whether this "
            "study might fit. The team can answer questions about the treatment, side effects, costs and other "
            "studies.")


def human_contact(site: Site) -> str:
    return ("Of course. You can reach the study team here:\n" + site.contact_lines() +
            "\nIf you finish the questions and agree, I can also pass your answers to the team so they contact you.")


def summary(trial: Trial, texts: Mapping[str, str], answers: Mapping[str, Answer]) -> str:
    lines = ["Here is what you told me:"]
    for qid in trial.ask_order:
        if qid in texts and texts[qid] is not None:
            a = answers.get(qid)
            shown = texts[qid] if len(texts[qid]) <= 80 else texts[qid][:77] + "..."
            note = "" if a is None or a.understood else " (the study team will check this)"
            lines.append(f"- {trial.question(qid).label}: {shown}{note}")
    lines.append("Is this all correct?")
    return "\n".join(lines)


SUMMARY_BUTTONS: Buttons = [{"title": "Yes, show the result", "payload": "/affirm"},
                            {"title": "Change an answer", "payload": "/correct_answer"}]


def result(trial: Trial, evaluation: Evaluation, respondent: Optional[Answer], site: Site) -> str:
    who, be = _who(respondent)
    if evaluation.outcome == "likely_eligible":
        text = (f"Based on these answers, {who} {be} likely eligible for this study. "
                "The study team makes the final decision after a full screening.")
    elif evaluation.outcome == "needs_review":
        checks = "\n".join(f"- {trial.question(v.criterion).label}: {v.reason}" for v in evaluation.to_check)
        text = (f"Based on these answers, {who} {be} possibly eligible. "
                f"The study team will need to check:\n{checks}")
    else:
        reasons = "\n".join(f"- {trial.question(v.criterion).label}: {v.reason}" for v in evaluation.failed)
        text = (f"Based on these answers, {who} {be} likely not eligible for this study, because:\n{reasons}\n"
                "If an answer was a mistake, say \"change my answer\" and correct it. "
                "Only the study team can say for sure, and you are welcome to contact them:\n"
                f"{site.contact_lines()}\n"
                "I'm sorry this study may not fit. Your own hematologist can talk with you about other options.")
    return text


def what_happens_next(trial: Trial) -> str:
    return "What happens next:\n" + "\n".join(f"- {step}" for step in trial.what_happens_next)


def handoff_consent_request(trial: Trial, site: Site) -> str:
    return (
        f"Would you like me to share these answers with the {trial.id} study team at {trial.site} so they can "
        "contact you?\n"
        "What is shared: the answers above, plus the name, phone number and/or email, and the preferred time and "
        "language you give next.\n"
        f"With whom: only the study team ({site.team_name}).\n"
        f"How long it is kept: until the team closes your referral, and screenings for up to {site.retention_days} "
        "days. You can say \"delete my data\" at any time."
    )


HANDOFF_BUTTONS: Buttons = [{"title": "Yes, please share", "payload": "/affirm"},
                            {"title": "No, I'll contact them myself", "payload": "/deny"}]

HANDOFF_CONSENT_WORDING = "Share my answers and contact details with the study team (handoff consent v1)."


def handoff_declined(site: Site) -> str:
    return ("No problem; nothing more is stored about you than the anonymous screening. "
            "You can contact the study team yourself:\n" + site.contact_lines())


def handoff_done(trial: Trial, reference: str) -> str:
    return (f"Thank you. Your reference code is {reference}; please keep it and mention it when the team "
            f"contacts you.\n{what_happens_next(trial)}")


def ineligible_goodbye() -> str:
    return "Thank you for taking the time to answer. Take care."


def stopped(site: Site) -> str:
    return ("Okay, we'll stop here. Your answers so far are kept so you can continue later (just say \"continue\"), "
            "or say \"delete my data\" to remove them.\n" + site.contact_lines())


def deleted() -> str:
    return ("Done: your answers, any contact details and this conversation have been deleted. "
            "If you'd like to start again, just say hi.")


def welcome_back(trial: Trial, qid: Optional[str]) -> str:
    if qid:
        return f"Welcome back! Let's continue where we left off ({trial.question(qid).label})."
    return "Welcome back!"


def which_answer(trial: Trial, answered: Sequence[str]) -> Tuple[str, Buttons]:
    buttons = [{"title": trial.question(q).label,
                "payload": '/correct_answer{"criterion": "%s"}' % q} for q in answered]
    return "Which answer would you like to change?", buttons


def find_question(trial: Trial, text: str, answered: Sequence[str]) -> Optional[str]:
    """Which question a correction names ("change my age to 64" -> age);
    the longest matching alias wins, answered questions first."""
    low = f" {(text or '').lower()} "
    best: Optional[Tuple[int, int, str]] = None
    for q in trial.profile + trial.criteria:
        if not q.asked:
            continue
        for alias in q.aliases:
            if re.search(r"(?<![\w])" + re.escape(alias) + r"(?![\w])", low):
                rank = (len(alias), 1 if q.id in answered else 0, q.id)
                if best is None or rank[:2] > best[:2]:
                    best = rank
    return best[2] if best else None


def new_value(text: str) -> Optional[str]:
    """The new answer in a correction: 'change my age to 64' -> '64'."""
    m = re.search(r"\b(?:to|into|is|was|should be|=|:)\s+(.+?)\s*[.!]?$", text or "", flags=re.I)
    if not m:
        return None
    value = m.group(1).strip().strip("\"'")
    return value or None


CONTACT_QUESTIONS: Dict[str, Tuple[str, Buttons]] = {
    "contact_name": ("What name should the study team use when they contact you?", []),
    "contact_details": ("What phone number and/or email should they use? "
                        "For example 010-1234-5678 or name@example.com.", []),
    "contact_time": ("When is a good time to reach you? For example \"weekday mornings\".", []),
    "contact_language": ("Which language would you prefer for the call or email?",
                         [{"title": "Korean", "payload": "Korean"}, {"title": "English", "payload": "English"}]),
}


def not_understood_here() -> str:
    return ("Sorry, I didn't understand that. You can answer the question, or say \"why do you ask\", "
            "\"what does ECOG mean\", \"go back\", \"start over\" or \"stop\".")
