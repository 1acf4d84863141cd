"""The trial's questions: asking one (or again, with a hint), reading the
answer (typed, a button, or in two parts), recording it, and what comes next."""
from __future__ import annotations

import re
from datetime import date
from typing import List, Optional, Tuple

from bot.conversation import check, result, steps
from bot.eligibility import who
from bot.conversation.core import Turn
from bot.conversation.state import Buttons, Partial, Stage
from bot.conversation.texts import cap, fill
from bot.eligibility import relations, several
from bot.eligibility.experiencer import about_patient, after_correction, after_soft_correction, leaves_out, unlike_them
from bot.eligibility.mentions import asks_what_it_is, find_question
from bot.eligibility.model import PROFILE_IDS
from bot.eligibility.reading import NoAnswer, Reading, Result
from bot.eligibility.readers import polarity, respondent_reading
from bot.eligibility.session import Session, read, read_button, reason
from bot.eligibility.text import is_question
from bot.records.effects import AnswerForgotten, AnswerRecorded, RespondentSet, UnreadFlag

RESPONDENT = PROFILE_IDS[0]  # who is answering: the question the others' wording follows
WHO_QUESTIONS = (RESPONDENT, "sex")  # about the patient's identity: read whole
CORRECTED = NoAnswer("the person corrected themselves and the correction does not answer")
BARE_WORDS = 3  # "no hiv", "아니요 간염 없어요": a yes or no and a name; a longer answer tells its own story
ANOTHER_TOPIC = NoAnswer("a yes or no about another question's topic")
ANSWERED_ELSE = NoAnswer("every part of the message answers another question")
SOMEONE_ELSE = NoAnswer("every clause is about someone other than the patient", hint_key="someone_else")
OPPOSABLE = ("yes_no", "childbearing", "condition_window")  # readers whose answer has an opposite: yes / no, none
UNSURE = "_unsure"  # the "not sure" button added after two misses


def ask(t: Turn, qid: str, reask: Optional[NoAnswer] = None) -> None:
    """Opens a question (or asks it again): its words for this person, and
    its buttons; after the second miss the buttons always include 'not sure'."""
    t.state.requested_slot = qid
    tx = t.texts()
    misses = t.state.misses.get(qid, 0)
    if t.state.partial is not None and t.state.partial.qid != qid:
        t.state.partial = None
    if reask is not None:
        _say_hint(t, qid, reask, misses)
    if reask is not None and qid == RESPONDENT:
        t.state.heard = None  # after a miss, the usual question and its hint
    heard = heard_reading(t) if qid == RESPONDENT else None
    if heard is not None and tx.q(qid, "ask", {}).get("heard"):
        patient = relations.name(heard.extra["relation"], t.lang)
        t.add(cap(fill(tx.q(qid, "ask")["heard"], {"patient": patient})),
              t.yes_no_buttons(Buttons.HEARD, "heard_buttons"))
        return
    q = t.trial.question(qid)
    titles = tx.q(qid, "buttons", {}) or {}
    buttons = [(titles.get(k, k), f"/{qid}:{k}") for k in q.buttons]
    if reask is not None and misses >= 2 and "unsure" not in q.buttons and "unknown" not in q.buttons:
        buttons.append((tx.say("not_sure_button"), f"/{qid}:{UNSURE}"))
    t.add(tx.question(qid), buttons)


def _say_hint(t: Turn, qid: str, reask: NoAnswer, misses: int) -> None:
    tx = t.texts()
    if reask.hint_key == SOMEONE_ELSE.hint_key:
        whom = t.session().patient(t.lang) or tx.table["you"]
        t.say("reask_someone_else", whom=whom)  # then the usual hint
    hint = (tx.q(qid, "hints") or {}).get(reask.hint_key) or tx.q(qid, "hint", "")
    if reask.partial and misses <= 1:
        t.say("reask_partial", hint=hint)
    elif misses == 1:
        t.say("reask_first", hint=hint, example=tx.q(qid, "example", ""))
    elif misses == 2:
        t.say("reask_second")
    else:
        t.say("reask_more")


def heard_reading(t: Turn) -> Optional[Reading]:
    heard = t.state.heard
    found = relations.read_relation(heard) if heard else None
    return respondent_reading(found, heard) if found and heard else None


_PRONOUNS = {"male": ("he", "he's", "hes", "his", "him"), "female": ("she", "she's", "shes", "her", "hers")}


def _speaks_of(heard: Reading, text: str) -> bool:
    """The patient named by a pronoun that fits who was heard ("he is 19" after "my son")."""
    words = set(re.findall(r"[a-z']+", text.lower()))
    return bool(words & set(_PRONOUNS.get(str(heard.extra.get("sex")), ())))


def on_heard(t: Turn) -> Optional[bool]:
    """The answer to "you mentioned your mother: is this for her?". Words
    that say who it is win; a yes takes what was said before; a no asks the
    usual question. None when the message says none of these."""
    heard = heard_reading(t)
    if not t.payload:
        own = read(t.trial, RESPONDENT, t.text, t.today)
        if (isinstance(own, Reading) and own.value == "proxy" and own.extra.get("relation") in (None, "patient")
                and heard is not None):
            own = heard  # "yes, it's for him": the relation heard before stands
        if isinstance(own, Reading):
            t.state.heard = None
            record(t, RESPONDENT, t.text, own)
            next_question(t)
            return True
        if heard is not None and _speaks_of(heard, t.text):  # "he is 19": it is for him, and he is 19
            t.state.heard = None
            t.also = _age_beside(t, heard)
            check.accept(t, RESPONDENT, heard.text, heard)
            return True
    answer = t.agrees(Buttons.HEARD)
    if answer is None:
        return None
    t.state.heard = None
    if answer == "yes" and heard is not None:
        record(t, RESPONDENT, heard.text, heard)
        next_question(t)
    else:
        ask(t, RESPONDENT)
    return True


def on_question(t: Turn) -> bool:
    qid = t.slot or ""
    if t.clicked(Buttons.LANGUAGE):
        return False
    if qid == RESPONDENT and t.state.heard:
        handled = on_heard(t)
        if handled is not None:
            return handled
    key = t.clicked(qid)
    if key is None and asks_what_it_is(t.text):
        return False  # a question back about a word: explained, never read as an answer
    read_out = _read_button(t, qid, key) if key is not None else _read_typed(t, qid)
    if read_out is None:
        return True  # a correction of who the patient is, handled
    answer, text = read_out
    if isinstance(answer, Reading) and key is not None:  # a button: said plainly
        record(t, qid, text, answer)
        next_question(t)
        return True
    if isinstance(answer, Reading):
        if qid == RESPONDENT:
            t.also = _age_beside(t, answer)
        check.accept(t, qid, text, answer)
        return True
    if answer.partial:
        # The first part of an answer is not a miss; a second is (no loop).
        t.first_part = t.state.partial is None or t.state.partial.qid != qid
        t.state.partial = Partial(qid, text)
    t.last_miss = answer
    if t.also and check.take_also(t):
        return True  # a rule-out said about another question is checked first; this one is asked after
    if key is not None:  # a button that is part of an answer ("yes": which one, and when?)
        steps.not_understood(t)
        return True
    return False


def _read_button(t: Turn, qid: str, key: str) -> Tuple[Result, str]:
    if key == UNSURE:
        answer = read(t.trial, qid, "not sure", t.today)
        return answer, answer.text if isinstance(answer, Reading) else t.text
    answer = read_button(t.trial, qid, key, title_of(t, qid, key), t.today)
    return answer, answer.text if isinstance(answer, Reading) else t.trial.question(qid).buttons[key]


def _read_typed(t: Turn, qid: str) -> Optional[Tuple[Result, str]]:
    """The typed answer (with a part said before); None when the message
    corrected who the patient is instead (never an answer to this question)."""
    fix = who.correction(t.text) if qid != RESPONDENT else None
    if fix and fixes_who(t, fix):
        return None
    # Who the patient is, said as already known ("my daughter could, but I'm the patient and I had a
    # hysterectomy"): the rest of the message may still answer.
    text = t.text
    if qid != RESPONDENT:  # "No. And I need to change the kidney answer, ...": that part is the kidney's
        others = other_questions(t, qid)
        found = several.split(t.trial, qid, text, t.state.readings, t.today, others)
        t.also, text = found.also, found.rest
        if not text:
            return ANSWERED_ELSE, t.text
    later = after_correction(text)
    soft = after_soft_correction(text) if not later else None
    if soft and isinstance(read(t.trial, qid, soft, t.today), Reading):
        later = soft  # "아니요. 아 근데 아직 생리하니까 가능하겠네요": remembered, and it answers
    if later:  # "69 - no sorry, 70": the words after the correction answer; what came before no longer does
        answer = read(t.trial, qid, later, t.today)
        return (answer if isinstance(answer, Reading) else CORRECTED), text
    # The sex too, for someone else's patient: "저는 여자고 친구는 남자예요" (the writer's own words set aside)
    if qid not in WHO_QUESTIONS or (qid == "sex" and patient_relation(t) is not None):
        focus = about_patient(text, patient_relation(t))
        if focus.set_aside:  # "my sister takes it but I never have": only the patient's words answer
            own = read(t.trial, qid, focus.text, t.today) if focus.text else SOMEONE_ELSE
            if isinstance(own, NoAnswer) and t.trial.question(qid).reader in OPPOSABLE:
                own = unlike_them(focus, read(t.trial, qid, focus.aside, t.today)) or own
            if focus.text and leaves_out(focus.text):  # "his brother took <it>, dad never did": the name is theirs
                own, _ = _not_another_topic(t, qid, (own, focus.text), text)
            return _or_another(t, qid, own, text, focus.text), text
    answer, text = _not_another_topic(t, qid, with_part(t, qid, read(t.trial, qid, text, t.today), text))
    return _or_another(t, qid, answer, text, text), text


def _or_another(t: Turn, qid: str, answer: Result, text: str, words: str) -> Result:
    """A message that does not answer `qid` but wholly answers another question it names ("never had HIV"
    at the usual-day question; "my brother takes it, I never have" at the age question) gives that
    answer from the patient's `words` (kept in t.also); this question is asked again."""
    if isinstance(answer, NoAnswer) and not answer.partial and words and not is_question(text) \
            and not t.payload_typed:  # also beside other parts: "last dose 3 weeks ago, and I'm not in ..."
        taken = [a.qid for a in t.also]
        also = several.wholly(t.trial, text, t.state.readings, t.today,
                              [q for q in other_questions(t, qid) if q not in taken], words)
        t.also = t.also + ((also,) if also else ())
    return answer


def other_questions(t: Turn, qid: str) -> List[str]:
    """The questions, besides `qid`, that a message may also answer: those that apply to this patient."""
    session = t.session()
    return [q for q in t.trial.asked_ids if q not in WHO_QUESTIONS and q != qid and session.applies(
        t.trial.question(q)) is not False]


def _age_beside(t: Turn, who: Reading) -> Tuple[several.Also, ...]:
    """The patient's age said with who they are ("I'm 45, doing this for my dad who is 79"; "저는 쉰 살 먹은
    아들이고요, 아버지가 올해 일흔여덟이세요"): read from the words about the patient, not the writer's."""
    if "age" not in t.trial.asked_ids or "age" in t.state.readings:
        return ()
    relation = (who.extra.get("relation") or "patient") if who.value == "proxy" else None
    words = about_patient(t.text, relation).text
    age = read(t.trial, "age", words, t.today) if words else None
    return (several.Also("age", words, age),) if isinstance(age, Reading) and age.number is not None else ()


def _not_another_topic(t: Turn, qid: str, read_out: Tuple[Result, str], whole: str = "") -> Tuple[Result, str]:
    """A bare yes or no beside another question's topic ("no hepatitis" at the transplant question) answers
    that question, not this one: asked again rather than recorded. `whole`: the message, when `read_out` is
    read from the patient's words of it ("his brother took <the medicine>, dad never did": the name is in
    the words set aside)."""
    answer, text = read_out
    if not isinstance(answer, Reading):
        return read_out
    said = polarity(text)
    bare = (said.value in ("yes", "no") and len(text.split()) <= BARE_WORDS
            and answer.evidence.strip().lower() == (said.evidence or "").strip().lower())
    named = find_question(t.trial, whole or text, t.trial.asked_ids) if bare else None
    if named in (None, qid):
        return read_out
    # The question named reads the same yes or no: the words are about that one. ("아니요 하이드리아만
    # 드셨어요" is a yes there, from the medicine, so its no is about this question.)
    found = several.wholly(t.trial, whole or text, {}, t.today, [named], text)
    same = found is not None and _sense(found.reading.value) == _sense(answer.value)
    return (ANOTHER_TOPIC, text) if same else read_out


def _sense(value: str) -> str:
    """A reading's yes or no, whichever word its reader uses for it ("none" is a no)."""
    return "no" if value in ("no", "none") else value


def patient_relation(t: Turn) -> Optional[str]:
    """The patient's relation to the writer ("mother"; "patient" when not said); None when the writer is the patient."""
    profile = t.session().profile
    return profile.get("relation") or "patient" if profile.get(RESPONDENT) == "proxy" else None


def with_part(t: Turn, qid: str, alone: Result, text: str) -> Tuple[Result, str]:
    """A message read together with the part of an answer said just before
    (a medicine, then "5 days ago"), when together they say more; the latest
    words win when they alone say something else."""
    part = t.state.partial
    if part is None or part.qid != qid or (isinstance(alone, NoAnswer) and not alone.partial):
        return alone, text  # a message about something else completes nothing
    joined_text = part.text.rstrip(" ,.") + " " + text  # "88" + "umol/L" must stay one value
    joined = read(t.trial, qid, joined_text, t.today)
    if isinstance(joined, Reading) and (isinstance(alone, NoAnswer) or
                                        (joined.value, joined.number) == (alone.value, alone.number)):
        return joined, joined_text
    if isinstance(alone, NoAnswer) and isinstance(joined, NoAnswer) and joined.partial:
        return joined, joined_text
    return alone, text


def title_of(t: Turn, qid: str, key: str) -> str:
    return (t.texts().q(qid, "buttons", {}) or {}).get(key, key)


def fixes_who(t: Turn, fix: Tuple[str, Optional[str], str]) -> bool:
    """Applies a correction of who the patient is, if it changes anything,
    and asks the open question again in the new words."""
    relation, sex, _ = fix
    current = t.session().profile
    value = "self" if relation == "self" else "proxy"
    if value == current.get(RESPONDENT) and (relation == "self" or relation == current.get("relation")):
        return False
    record(t, RESPONDENT, t.text, respondent_reading(fix, t.text))
    known_sex = t.state.readings.get("sex")
    if known_sex is not None and sex and known_sex.value != sex:
        forget(t, "sex")
    next_question(t)
    return True


def record(t: Turn, qid: str, text: str, reading: Reading) -> None:
    t.state.partial = None
    t.state.answers[qid] = text
    t.state.readings[qid] = reading
    t.state.misses.pop(qid, None)
    if t.several:
        _record_per_trial(t, qid, text, reading)
    else:
        _record_one(t, qid, text, t.session(), None)
    if qid == RESPONDENT:
        t.effect(RespondentSet(reading.value, reading.extra.get("relation")))


def _record_one(t: Turn, qid: str, text: str, session: Session, trial: Optional[str], own: str = "") -> None:
    """The answer as one trial's screening keeps it: under its question id, with its verdict."""
    own = own or qid
    judgement = session.verdict(own) if session.trial.question(own).is_criterion else None
    t.effect(AnswerRecorded(own, t.texts().question(qid), text, t.state.readings[qid].as_dict(),
                            judgement.verdict.value if judgement else None,
                            reason(session, own, t.lang) if judgement else None,
                            _iso(judgement.eligible_from) if judgement else None, trial))


def _record_per_trial(t: Turn, concept: str, text: str, reading: Reading) -> None:
    sessions = t.screening().sessions
    for trial, own in t.setting.portfolio.asking(concept):
        _record_one(t, concept, text, sessions[trial.id], trial.id, own)


def _iso(day: Optional[date]) -> Optional[str]:
    return day.isoformat() if day else None


def forget(t: Turn, qid: str) -> None:
    t.state.answers.pop(qid, None)
    t.state.readings.pop(qid, None)
    t.state.misses.pop(qid, None)
    if t.several:
        for trial, own in t.setting.portfolio.asking(qid):
            t.effect(AnswerForgotten(own, trial.id))
    else:
        t.effect(AnswerForgotten(qid))


def next_question(t: Turn) -> None:
    qid = t.screening().next_question()
    if qid is not None:
        t.state.stage = Stage.SCREENING
        ask(t, qid)
    else:
        result.show_summary(t)


def on_miss(t: Turn) -> None:
    """Counts a miss (not for the first part of an answer) and asks again with a hint."""
    qid = t.slot or ""
    if t.kept_else:  # "Noted too: ...": what was said was understood, for another question; this one is asked again
        ask(t, qid)
        return
    if not t.first_part:
        t.state.misses[qid] = t.state.misses.get(qid, 0) + 1
        if t.state.misses[qid] == 2:
            t.effect(UnreadFlag(qid))
    ask(t, qid, reask=t.last_miss or NoAnswer(""))
