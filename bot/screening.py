"""The screening as a whole: what a person typed for each question ->
understood answers -> verdicts, outcome, the next question and its wording.
Pure functions of (trial, texts, today); the bot and the staff tools share them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Dict, List, Mapping, Optional

from bot.answers import PARSERS, Answer
from bot.rules import NOT_ANSWERED, Verdict, applies, judge, not_applicable, outcome
from bot.trial import PROFILE_IDS, Question, Trial

UNCLEAR_PROFILE = "Whether this applies is not clear from the answers; the study team will check."


@dataclass(frozen=True)
class Evaluation:
    outcome: str
    verdicts: Dict[str, Verdict]  # every criterion of the trial, in file order

    @property
    def failed(self) -> List[Verdict]:
        return [v for v in self.verdicts.values() if v.verdict == "fail"]

    @property
    def to_check(self) -> List[Verdict]:
        return [v for v in self.verdicts.values() if v.verdict == "unknown"]

    def as_dict(self) -> dict:
        return {"outcome": self.outcome,
                "verdicts": {k: {"verdict": v.verdict, "reason": v.reason} for k, v in self.verdicts.items()}}


def understand(question: Question, text: str, today: Optional[date] = None) -> Answer:
    """What a person typed for `question`, read by that question's parser."""
    parser = PARSERS[question.answer]
    return parser(text, today=today or date.today(), cues=question.cues, drug=question.drug)


def understand_all(trial: Trial, texts: Mapping[str, str], today: date) -> Dict[str, Answer]:
    return {qid: understand(trial.question(qid), text, today) for qid, text in texts.items() if text is not None}


def profile_of(answers: Mapping[str, Answer]) -> Dict[str, Optional[str]]:
    profile: Dict[str, Optional[str]] = {}
    for pid in PROFILE_IDS:
        a = answers.get(pid)
        profile[pid] = a.value if a is not None and a.understood else None
    respondent = answers.get("respondent")
    if profile["sex"] is None and respondent is not None and respondent.extra.get("sex"):
        profile["sex"] = respondent.extra["sex"]  # "my mother" says the patient is a woman
    return profile


def evaluate(trial: Trial, texts: Mapping[str, str], today: Optional[date] = None) -> Evaluation:
    today = today or date.today()
    answers = understand_all(trial, texts, today)
    profile = profile_of(answers)
    verdicts: Dict[str, Verdict] = {}
    for c in trial.criteria:
        fits = applies(c, profile)
        if fits is False:
            verdicts[c.id] = not_applicable(c)
        elif fits is None and c.id not in answers:
            unclear = any(profile.get(k) == "unsure" for k in c.applies_when)
            verdicts[c.id] = Verdict(c.id, "unknown", UNCLEAR_PROFILE if unclear else NOT_ANSWERED)
        else:
            verdicts[c.id] = judge(c, answers.get(c.id))
    return Evaluation(outcome(verdicts.values()), verdicts)


def _next(trial: Trial, answers: Mapping[str, Answer]) -> Optional[str]:
    for qid, answer in answers.items():
        q = trial.question(qid)
        if q.is_criterion and judge(q, answer).verdict == "fail":
            return None
    profile = profile_of(answers)
    for qid in trial.ask_order:
        if qid in answers or (qid == "sex" and profile.get("sex")):
            continue
        q = trial.question(qid)
        if q.asked and applies(q, profile) is True:
            return qid
    return None


def next_question(trial: Trial, texts: Mapping[str, str], today: Optional[date] = None) -> Optional[str]:
    """The id of the next question to ask, or None when done. Asking stops at
    the first `fail`: only what is needed is asked."""
    return _next(trial, understand_all(trial, texts, today or date.today()))


def remaining_questions(trial: Trial, texts: Mapping[str, str], today: Optional[date] = None) -> List[str]:
    """The questions still to ask, in order, assuming no further `fail`:
    what a form's `required_slots` lists. Answers are read once; the look-
    ahead fills each question with a stand-in that can never fail."""
    answers = dict(understand_all(trial, texts, today or date.today()))
    todo: List[str] = []
    while True:
        qid = _next(trial, answers)
        if qid is None:
            return todo
        todo.append(qid)
        answers[qid] = _STAND_IN.get(qid, _UNSURE)


# Look-ahead stand-ins, never stored: profile values that open the most
# questions, and "not sure", which no criterion's rule turns into a fail.
_UNSURE = Answer(True, "unsure")
_STAND_IN = {"respondent": Answer(True, "self"), "sex": Answer(True, "female"),
             "childbearing_potential": Answer(True, "yes")}


def patient_words(respondent: Optional[Answer]) -> str:
    """How questions name the patient: 'your mother', 'the patient'."""
    if respondent is None or not respondent.understood or respondent.value != "proxy":
        return "you"
    return respondent.detail or "the patient"


def question_text(question: Question, respondent: Optional[Answer]) -> str:
    if question.ask is None:
        raise ValueError(f"{question.id} is never asked")
    who = patient_words(respondent)
    if who == "you" or "proxy" not in question.ask:
        return question.ask["self"]
    text = question.ask["proxy"].format(patient=who)
    return text[0].upper() + text[1:]


def form_slots(trial: Trial, texts: Mapping[str, str], today: Optional[date] = None) -> List[str]:
    """A form's required slots: the questions answered so far, then those
    still to ask (none after a `fail`), in the trial's order."""
    answered = [q for q in trial.ask_order if texts.get(q) is not None]
    return answered + remaining_questions(trial, texts, today)
