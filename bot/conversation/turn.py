"""One turn of the conversation: the state so far and a message in; what to
say, the new state and what to record out. Pure: no Rasa, no database.

The order (conversation-design.md): every message is checked for emergency
signs; then, while a question is open, its reader sees the message first;
only a message that answers nothing is a command, a question back or small
talk (the phrase table); a message that is none of these gets the question
again, with a hint. Buttons act only when they were offered in the bot's
last reply; anything typed is text.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.config import Site
from bot.conversation import phrases, who
from bot.conversation.contact import clean_language, clean_name, find_contact
from bot.conversation.texts import Texts, cap, fill
from bot.eligibility import relations
from bot.eligibility.model import PROFILE_IDS, Outcome, Trial, Verdict
from bot.eligibility.reading import NoAnswer, Reading
from bot.eligibility.readers import polarity, respondent_reading
from bot.eligibility.session import Session, read, read_button, reading_words, reason
from bot.eligibility.text import TYPED_SLASH, clean, is_korean, is_question, language_of, pattern
from bot.safety import Finding, Sign, scan

# The conversation's own steps, besides the trial's questions (requested_slot).
CONSENT, SUMMARY, HANDOFF, CALLBACK, CALLBACK_CONSENT, CONFIRM, WHICH = (
    "consent", "summary", "handoff_consent", "callback", "callback_consent", "confirm", "which_answer")
RESPONDENT = PROFILE_IDS[0]  # who is answering: the question the others' wording follows
# "You mentioned your mother: is this for her?", before the first question.
HEARD = "heard"
# Buttons of the safety step: "is this happening now?" and "go on" after a crisis reply.
SAFETY_NOW, SAFETY_GO_ON = "safety_now", "safety_go_on"
CONTACT_STEPS = ("contact_name", "contact_details", "contact_time", "contact_language")
STATE_KEYS = ("language", "stage", "requested_slot", "answers", "readings", "misses", "pending", "advised",
              "offered", "screening_outcome", "contact", "handoff_reference", "handoff_kind", "resume", "data_deleted",
              "heard", "partial", "safety")
# English words a Korean writer uses without switching language.
_COMMON_IN_KOREAN = {"ok", "okay", "no", "yes", "mg", "dl", "umol", "ecog", "alt", "ast"}


@dataclass
class Message:
    text: str
    buttons: List[Tuple[str, str]] = field(default_factory=list)  # (title, payload)


@dataclass
class Effect:
    kind: str  # consent, language, record, forget, respondent, finish, stop, resume, abandon, delete, handoff, flag
    data: Dict[str, Any] = field(default_factory=dict)


@dataclass
class Reply:
    messages: List[Message]
    state: Dict[str, Any]
    effects: List[Effect]


def new_state() -> Dict[str, Any]:
    return {"language": None, "stage": None, "requested_slot": None, "answers": {}, "readings": {}, "misses": {},
            "pending": None, "advised": [], "offered": [], "screening_outcome": None, "contact": {},
            "handoff_reference": None, "handoff_kind": None, "resume": None, "data_deleted": None, "heard": None,
            "partial": None, "safety": None}


class Conversation:
    def __init__(self, trial: Trial, site: Site, today: date):
        self.trial, self.site, self.today = trial, site, today
        self.terms = _english_terms(trial)

    def turn(self, state: Dict[str, Any], raw: str, suggestion: Optional[str] = None,
             confidence: float = 0.0) -> Reply:
        t = _Turn(self, state, raw, suggestion, confidence)
        t.run()
        t.state["offered"] = [payload for m in t.messages for _, payload in m.buttons]
        return Reply(t.messages, t.state, t.effects)


class _Turn:
    def __init__(self, conv: Conversation, state: Dict[str, Any], raw: str, suggestion: Optional[str],
                 confidence: float):
        self.conv, self.trial, self.today = conv, conv.trial, conv.today
        self.state = new_state()
        self.state.update(copy.deepcopy({k: v for k, v in (state or {}).items() if k in STATE_KEYS}))
        for key in ("answers", "readings", "misses", "contact"):
            self.state[key] = self.state[key] or {}
        self.state["advised"] = list(self.state["advised"] or [])
        self.raw = raw or ""
        stripped = self.raw.strip().replace(TYPED_SLASH, "")
        self.payload = stripped if stripped in (self.state["offered"] or []) else None
        self.text = clean(self.raw)
        self.suggestion, self.confidence = suggestion, confidence
        self.messages: List[Message] = []
        self.effects: List[Effect] = []

    # ---------------------------------------------------------------- helpers

    @property
    def lang(self) -> str:
        return self.state["language"] or "en"

    @property
    def slot(self) -> Optional[str]:
        return self.state["requested_slot"]

    def session(self) -> Session:
        """The screening as read so far; built again only when the readings change
        (a reading is replaced, never changed in place)."""
        readings = self.state["readings"]
        key = (id(readings), tuple((k, id(v)) for k, v in readings.items()))
        if getattr(self, "_session_key", None) != key:
            self._session = Session(self.trial, {k: Reading.from_dict(v) for k, v in readings.items()}, self.today)
            self._session_key = key
        return self._session

    def texts(self) -> Texts:
        return Texts(self.lang, self.trial, self.conv.site, self.session())

    def say(self, key: str, buttons: Optional[List[Tuple[str, str]]] = None, **fields: Any) -> None:
        self.messages.append(Message(self.texts().say(key, **fields), buttons or []))

    def add(self, text: str, buttons: Optional[List[Tuple[str, str]]] = None) -> None:
        self.messages.append(Message(text, buttons or []))

    def effect(self, name: str, **data: Any) -> None:
        self.effects.append(Effect(name, data))

    def yes_no_buttons(self, step: str, key: str) -> List[Tuple[str, str]]:
        titles = self.texts().buttons(key)
        return [(titles[k], f"/{step}:{k}") for k in titles]

    def clicked(self, step: str) -> Optional[str]:
        """The key of the offered button for `step` that was clicked."""
        if self.payload and self.payload.startswith(f"/{step}:"):
            return self.payload.split(":", 1)[1]
        return None

    def agrees(self, step: str) -> Optional[str]:
        """'yes' / 'no' for a yes-or-no step: a button, or the words."""
        key = self.clicked(step)
        if key in ("yes", "no"):
            return key
        if self.payload:
            return None
        if not self.text or re.search(r"\?\s*$", self.text):
            return None
        p = polarity(self.text, agree=True)
        return p.value if p.value in ("yes", "no") else None

    # ---------------------------------------------------------------- the turn

    def run(self) -> None:
        if self.state.get("data_deleted"):
            self.state = new_state()
        if not self.payload:
            self.check_language()
            switched, self.messages = self.messages, []
            self.finding = scan(self.text)
            decided = self.safety_step(self.finding)
            # The advice comes first; "let's continue in Korean" after it.
            self.messages = self.messages + switched if decided else switched + self.messages
            if decided:
                return
        elif self.clicked(SAFETY_NOW) or self.clicked(SAFETY_GO_ON):
            self.on_safety_button()
            return
        if self.state["stage"] is None:
            self.welcome()
            return
        handler = {CONSENT: self.on_consent, SUMMARY: self.on_summary, HANDOFF: self.on_handoff,
                   CALLBACK: self.on_callback, CALLBACK_CONSENT: self.on_callback_consent, CONFIRM: self.on_confirm,
                   WHICH: self.on_which}.get(self.slot)
        if handler is None and self.slot in CONTACT_STEPS:
            handler = self.on_contact
        if handler is None and self.slot in self.trial.questions:
            handler = self.on_question
        if handler is not None and handler():
            return
        if self.interpret():
            return
        self.not_understood()

    def check_language(self) -> None:
        """A message in Hangul switches to Korean, one in English words to
        English, with one line saying so and a button to switch back."""
        if self.state["stage"] is None or not self.text:
            return
        current, to = self.lang, None
        if current == "en" and re.search(r"[\uac00-\ud7a3]", self.text):  # syllables, not a lone "ㅋㅋ"
            to = "ko"
        elif current == "ko" and not is_korean(self.text):
            known = _COMMON_IN_KOREAN | self.conv.terms
            words = [w for w in re.findall(r"[a-z]{3,}", self.text.lower()) if w not in known]
            if len(words) >= 2:
                to = "en"
        if to:
            self.switch_language(to)

    def switch_language(self, to: str) -> None:
        back = self.lang
        self.state["language"] = to
        self.effect("language", language=to)
        other = Texts(back, self.trial, self.conv.site).say("language_button")
        self.say("language_switched", buttons=[(other, f"/lang:{back}")])

    # ---------------------------------------------------------------- safety, before anything else

    def safety_step(self, found: Finding) -> bool:
        """A live sign outranks every command and answer: advice first, then
        only an answer said apart from the sign. A sign named without time or
        severity gets one question ("is this happening now?"). True when the
        turn is decided here."""
        memory = dict(self.state["safety"] or {})
        asking, just_advised = memory.get("asking"), memory.get("advised_last")
        self.state["safety"] = None
        if self.state["stage"] is None and found.any:  # the first message: reply in its language
            self.state["language"] = language_of(self.text) or self.state["language"]
        if found.live:
            self.advise(found.live, found.rest)
            return True
        fresh = [s for s in found.unclear if s.value not in self.state["advised"]]
        if fresh:
            self.ask_now(fresh)
            return True
        if found.unclear:  # named again after advice: it is still going on
            self.advise(found.unclear, "")
            return True
        answer = self.agrees(SAFETY_NOW) if asking else None
        if answer == "yes":
            self.advise([Sign(s) for s in asking], "")
            return True
        if answer == "no":
            self.say(_not_now(asking))
            self.reask_open()
            return True
        if just_advised and found.escalation:  # "it's getting worse"
            self.advise([Sign(s) for s in just_advised], "")
            return True
        if just_advised and found.better:  # "he's fine now": glad, and the question again without a miss
            self.say("safety_better")
            self.advised_now = True
        return False

    def advise(self, signs: Sequence[Sign], rest: str) -> None:
        new = [s for s in signs if s.value not in self.state["advised"]]
        self.state["advised"] += [s.value for s in new]
        self.state["safety"] = {"advised_last": [s.value for s in signs]}
        self.advised_now = True
        if new:
            self.effect("flag", kind="emergency", signs=[s.value for s in new])
        tx = self.texts()
        crisis = Sign.SELF_HARM in signs
        if crisis:
            self.say("crisis", crisis_lines=tx.crisis_lines())
        others = [s for s in new if s != Sign.SELF_HARM]
        if others:
            self.say("emergency", signs=", ".join(tx.table["signs"][s.value] for s in others))
        elif not crisis:
            self.say("emergency_again")  # the same sign again, or worse: short, 119 first
        if crisis:
            self.say("crisis_go_on", buttons=[(tx.say("crisis_go_on_button"), f"/{SAFETY_GO_ON}:yes")])
            return  # the person chooses when to go on
        self.after_advice(rest)

    def after_advice(self, rest: str) -> None:
        """After the advice: an answer said apart from the sign is recorded
        ("52, and my chest really hurts"); otherwise the open step again."""
        if self.state["stage"] is None:
            self.welcome()
            return
        slot = self.slot
        if rest and slot in self.trial.questions and who.correction(rest) is None:
            result = read(self.trial, slot, rest, self.today)
            if isinstance(result, Reading):
                self.record(slot, rest, result)
                self.next_question()
                return
        if rest and slot in CONTACT_STEPS and slot != "contact_language":
            self.text = rest  # "010-1234-5678, and she's vomiting blood": the number is kept
            self.on_contact()
            return
        if slot in self.trial.questions or slot in CONTACT_STEPS:
            self.say("after_emergency")
        self.reask_open()

    def ask_now(self, signs: Sequence[Sign]) -> None:
        tx = self.texts()
        self.state["safety"] = {"asking": [s.value for s in signs]}
        if list(signs) == [Sign.SELF_HARM]:  # asked directly, with buttons that say it
            self.say("safety_check_self_harm", buttons=self.yes_no_buttons(SAFETY_NOW, "safety_check_self_harm_buttons"))
            return
        names = ", ".join(tx.table["signs"][s.value] for s in signs)
        self.say("safety_check", buttons=self.yes_no_buttons(SAFETY_NOW, "safety_check_buttons"), signs=names)

    def on_safety_button(self) -> None:
        asking = (self.state["safety"] or {}).get("asking") or []
        self.state["safety"] = None
        if self.clicked(SAFETY_NOW) == "yes" and asking:
            self.advise([Sign(s) for s in asking], "")
            return
        if self.clicked(SAFETY_NOW):
            self.say(_not_now(asking))
        if self.state["stage"] is None:
            self.welcome()
            return
        self.reask_open()

    # ---------------------------------------------------------------- opening and consent

    def welcome(self) -> None:
        self.state["language"] = language_of(self.text) or self.state["language"] or "en"
        self.state["stage"] = "consent"
        self.effect("language", language=self.lang)
        tx = self.texts()
        text = tx.say("welcome")
        if self.today > self.trial.end_date:
            text += " " + tx.say("closed_note")
        self.add(text)
        self.hear_who()
        other = "en" if self.lang == "ko" else "ko"
        self.say("language_offer", buttons=[(tx.say("other_language_button"), f"/lang:{other}")])
        self.ask_consent()

    def ask_consent(self) -> None:
        self.state["stage"], self.state["requested_slot"] = "consent", CONSENT
        self.say("consent_request", buttons=self.yes_no_buttons(CONSENT, "consent_buttons"))

    def hear_who(self) -> None:
        """Keeps who a message said before consent is about ("my mother has
        AML", "아버지 때문에 문의드려요", even as a question): the first question
        then asks whether that is who the answers are for."""
        if self.payload or not self.text:
            return
        found = relations.read_relation(self.text)
        if found and found[0] not in ("self", "patient"):
            self.state["heard"] = self.text

    def on_consent(self) -> bool:
        if self.clicked("lang"):
            return False
        self.hear_who()
        answer = self.agrees(CONSENT)
        if answer == "yes":
            self.state["consent_screening"] = True
            self.effect("consent", language=self.lang)
            self.say("begin")
            self.state["stage"] = "screening"
            self.next_question()
            return True
        if answer == "no":
            self.state["stage"], self.state["requested_slot"] = "declined", None
            self.say("consent_declined", contact=self.texts().contact())
            return True
        return False

    # ---------------------------------------------------------------- the trial's questions

    def ask(self, qid: str, reask: Optional[NoAnswer] = None) -> None:
        """Opens a question (or asks it again): its words for this person, and
        its buttons; after the second miss the buttons always include 'not sure'."""
        self.state["requested_slot"] = qid
        tx = self.texts()
        q = self.trial.question(qid)
        misses = self.state["misses"].get(qid, 0)
        if (self.state.get("partial") or {}).get("qid") not in (None, qid):
            self.state["partial"] = None
        if reask is not None:
            hint = (tx.q(qid, "hints") or {}).get(reask.hint_key) or tx.q(qid, "hint", "")
            if reask.partial and misses <= 1:
                self.say("reask_partial", hint=hint)
            elif misses == 1:
                self.say("reask_first", hint=hint, example=tx.q(qid, "example", ""))
            elif misses == 2:
                self.say("reask_second")
            else:
                self.say("reask_more")
        if reask is not None and qid == RESPONDENT:
            self.state["heard"] = None  # after a miss, the usual question and its hint
        heard = self.heard_reading() if qid == RESPONDENT else None
        if heard is not None and tx.q(qid, "ask", {}).get("heard"):
            patient = relations.name(heard.extra["relation"], self.lang)
            self.add(cap(fill(tx.q(qid, "ask")["heard"], {"patient": patient})),
                     self.yes_no_buttons(HEARD, "heard_buttons"))
            return
        titles = tx.q(qid, "buttons", {}) or {}
        buttons = [(titles.get(k, k), f"/{qid}:{k}") for k in q.buttons]
        if reask is not None and misses >= 2 and "unsure" not in q.buttons and "unknown" not in q.buttons:
            buttons.append((tx.say("not_sure_button"), f"/{qid}:_unsure"))
        self.add(tx.question(qid), buttons)

    def heard_reading(self) -> Optional[Reading]:
        heard = self.state.get("heard")
        found = relations.read_relation(heard) if heard else None
        return respondent_reading(found, heard) if found else None

    def on_heard(self) -> Optional[bool]:
        """The answer to "you mentioned your mother: is this for her?". Words
        that say who it is win; a yes takes what was said before; a no asks
        the usual question. None when the message says none of these."""
        heard = self.heard_reading()
        if not self.payload:
            own = read(self.trial, RESPONDENT, self.text, self.today)
            if isinstance(own, Reading):
                self.state["heard"] = None
                self.record(RESPONDENT, self.text, own)
                self.next_question()
                return True
        answer = self.agrees(HEARD)
        if answer is None:
            return None
        self.state["heard"] = None
        if answer == "yes" and heard is not None:
            self.record(RESPONDENT, heard.text, heard)
            self.next_question()
        else:
            self.ask(RESPONDENT)
        return True

    def on_question(self) -> bool:
        qid = self.slot
        if self.clicked("lang"):
            return False
        if qid == RESPONDENT and self.state.get("heard"):
            handled = self.on_heard()
            if handled is not None:
                return handled
        key = self.clicked(qid)
        if key == "_unsure":
            result: Any = read(self.trial, qid, "not sure", self.today)
        elif key is not None:
            result = read_button(self.trial, qid, key, self.title_of(qid, key), self.today)
        else:
            fix = who.correction(self.text) if qid != RESPONDENT else None
            if fix:  # about who the patient is: never an answer to this question
                if not self.fixes_who(fix):
                    self.say("reask_plain")
                    self.ask(qid)
                return True
            result, text = self.with_part(qid, read(self.trial, qid, self.text, self.today))
        if isinstance(result, Reading):
            self.record(qid, text if key is None else result.text, result)
            self.next_question()
            return True
        if result.partial:
            # The first part of an answer is not a miss; a second is (no loop).
            self.first_part = (self.state.get("partial") or {}).get("qid") != qid
            self.state["partial"] = {"qid": qid, "text": text if key is None else self.trial.question(qid).buttons[key]}
        self.last_miss = result
        if key is not None:  # a button that is part of an answer ("yes": which one, and when?)
            self.not_understood()
            return True
        return False

    def with_part(self, qid: str, alone: Any) -> Tuple[Any, str]:
        """A message read together with the part of an answer said just before
        (a medicine, then "5 days ago"), when together they say more; the latest
        words win when they alone say something else."""
        part = self.state.get("partial") or {}
        if part.get("qid") != qid or (isinstance(alone, NoAnswer) and not alone.partial):
            return alone, self.text  # a message about something else completes nothing
        joined_text = part["text"].rstrip(" ,.") + " " + self.text  # "88" + "umol/L" must stay one value
        joined = read(self.trial, qid, joined_text, self.today)
        if isinstance(joined, Reading) and (isinstance(alone, NoAnswer) or
                                            (joined.value, joined.number) == (alone.value, alone.number)):
            return joined, joined_text
        if isinstance(alone, NoAnswer) and isinstance(joined, NoAnswer) and joined.partial:
            return joined, joined_text
        return alone, self.text

    def title_of(self, qid: str, key: str) -> str:
        return (self.texts().q(qid, "buttons", {}) or {}).get(key, key)

    def fixes_who(self, fix: Tuple[str, Optional[str], str]) -> bool:
        """Applies a correction of who the patient is, if it changes anything,
        and asks the open question again in the new words."""
        relation, sex, _ = fix
        current = self.session().profile
        value = "self" if relation == "self" else "proxy"
        if value == current.get(RESPONDENT) and (relation == "self" or relation == current.get("relation")):
            return False
        self.record(RESPONDENT, self.text, respondent_reading(fix, self.text))
        if "sex" in self.state["readings"] and sex and self.state["readings"]["sex"]["value"] != sex:
            self.forget("sex")
        self.next_question()
        return True

    def record(self, qid: str, text: str, reading: Reading) -> None:
        self.state["partial"] = None
        self.state["answers"][qid] = text
        self.state["readings"][qid] = reading.as_dict()
        self.state["misses"].pop(qid, None)
        session = self.session()
        q = self.trial.question(qid)
        judgement = session.verdict(qid) if q.is_criterion else None
        self.effect("record", qid=qid, question=self.texts().question(qid), text=text, reading=reading.as_dict(),
                    verdict=judgement.verdict.value if judgement else None,
                    reason=reason(session, qid, self.lang) if judgement else None)
        if qid == RESPONDENT:
            self.effect("respondent", respondent=reading.value, relation=reading.extra.get("relation"))

    def forget(self, qid: str) -> None:
        for key in ("answers", "readings", "misses"):
            self.state[key].pop(qid, None)
        self.effect("forget", qid=qid)

    def next_question(self) -> None:
        qid = self.session().next_question()
        if qid is not None:
            self.state["stage"] = "screening"
            self.ask(qid)
        else:
            self.show_summary()

    # ---------------------------------------------------------------- summary, result, sharing

    def show_summary(self) -> None:
        session, tx = self.session(), self.texts()
        lines = [tx.say("summary_intro")]
        for qid in session.answered():
            lines.append(tx.say("summary_line", label=tx.q(qid, "label"), reading=reading_words(session, qid, self.lang),
                                text=self.state["answers"].get(qid, "")))
        self.add("\n".join(lines))
        self.state["stage"], self.state["requested_slot"] = "summary", SUMMARY
        self.say("summary_question", buttons=self.yes_no_buttons(SUMMARY, "summary_buttons"))

    def on_summary(self) -> bool:
        fix = None if self.payload else who.correction(self.text)
        if fix and self.fixes_who(fix):  # "sorry, it's my father, not my husband"
            return True
        if not self.payload and len(self.text.split()) > 5:
            return False  # "yes, but PV became AML": more than a yes; read as a change
        answer = self.agrees(SUMMARY)
        if answer == "yes":
            self.show_result()
            return True
        if answer == "no":
            self.ask_which()
            return True
        return False

    def show_result(self) -> None:
        session, tx = self.session(), self.texts()
        outcome = session.outcome
        self.state["screening_outcome"] = outcome.value
        self.effect("finish", outcome=outcome.value,
                    verdicts={k: (j.verdict.value, reason(session, k, self.lang)) for k, j in session.verdicts.items()})

        def points(judgements) -> str:
            return "\n".join(tx.say("result_point", label=tx.q(j.criterion, "label"),
                                    reason=reason(session, j.criterion, self.lang)) for j in judgements)

        if outcome == Outcome.LIKELY_INELIGIBLE:
            self.add(tx.say("result_unlikely") + "\n" + points(session.failed))
            self.add(tx.say("result_correct") + " " + tx.say("result_contact", contact=tx.contact()))
            self.state["stage"], self.state["requested_slot"] = "done", None
            return
        if outcome == Outcome.NEEDS_REVIEW:
            checks = [j for j in session.to_check if j.verdict == Verdict.UNKNOWN] or session.to_check
            self.add(tx.say("result_possible") + "\n" + points(checks))
        else:
            self.add(tx.say("result_likely"))
        if self.state["handoff_reference"]:
            self.say("handoff_updated", reference=self.state["handoff_reference"])
            self.state["stage"], self.state["requested_slot"] = "done", None
            return
        self.state["stage"], self.state["requested_slot"] = "handoff", HANDOFF
        self.say("handoff_offer", buttons=self.yes_no_buttons(HANDOFF, "handoff_buttons"))

    def on_handoff(self) -> bool:
        answer = self.agrees(HANDOFF)
        if answer == "yes":
            self.state["handoff_kind"] = "screening"
            self.ask_contact("contact_name")
            return True
        if answer == "no":
            self.say("handoff_declined", contact=self.texts().contact())
            self.state["stage"], self.state["requested_slot"] = "done", None
            return True
        return False

    def ask_contact(self, step: str, again: bool = False) -> None:
        self.state["stage"], self.state["requested_slot"] = "contact", step
        if step == "contact_language":
            titles = self.texts().buttons("contact_language_buttons")
            order = [self.lang] + [k for k in titles if k != self.lang]
            self.say("ask_contact_language", buttons=[(titles[k], f"/contact_language:{k}") for k in order])
            return
        self.say(("reask_" if again else "ask_") + step)

    def on_contact(self) -> bool:
        step, contact = self.slot, self.state["contact"]
        if step == "contact_language":
            key = self.clicked("contact_language")
            value = {"ko": "Korean", "en": "English"}.get(key) if key else None
            if value is None and not self.payload:
                wanted = phrases.wants_language(self.text)
                meaning = phrases.meaning(self.text)
                if wanted:
                    value = {"ko": "Korean", "en": "English"}[wanted]
                elif not meaning or meaning.kind not in ("command", "question"):
                    value = clean_language(self.text)
            if value is None:
                return False
            contact["language"] = value
            self.finish_handoff()
            return True
        if self.payload:
            return False
        meaning = phrases.meaning(self.text)
        if meaning and meaning.kind == "command" and len(self.text.split()) <= 6 and step != "contact_time":
            return False  # "stop", "delete my data": commands, not contact details
        if step == "contact_name":
            name = clean_name(self.text)
            if not name or (meaning and meaning.kind == "command"):
                return self.reask_contact(step)
            contact["name"] = name
            self.ask_contact("contact_details")
        elif step == "contact_details":
            found = find_contact(self.text)
            if not (found.phone or found.email):
                return self.reask_contact(step)
            contact["phone"], contact["email"] = found.phone, found.email
            self.ask_contact("contact_time")
        elif step == "contact_time":
            if meaning and meaning.kind == "command":
                return False
            if not re.search(r"[A-Za-z0-9\uac00-\ud7a3]", self.text) or len(self.text) > 200:
                return self.reask_contact(step)
            contact["time"] = self.text
            self.ask_contact("contact_language")
        return True

    def reask_contact(self, step: str) -> bool:
        self.ask_contact(step, again=True)
        return True

    def finish_handoff(self) -> None:
        kind = self.state["handoff_kind"] or "screening"
        tx = self.texts()
        self.effect("handoff", kind=kind, contact=dict(self.state["contact"]), language=self.lang,
                    consent_text=tx.say("handoff_offer" if kind == "screening" else "callback_consent"))
        if kind == "callback":
            self.add(tx.say("callback_done", reference="{reference}"))
            self.resume_after()
            return
        lines = [tx.say("handoff_done", reference="{reference}"), tx.say("what_happens_next")]
        lines += [f"- {s}" for s in self.trial.texts[self.lang]["what_happens_next"]]
        self.add("\n".join(lines))
        self.state["stage"], self.state["requested_slot"] = "done", None

    # ---------------------------------------------------------------- a person, callbacks

    def offer_callback(self) -> None:
        tx = self.texts()
        if self.state["handoff_reference"]:
            self.add(tx.say("handoff_updated", reference=self.state["handoff_reference"]) + " " + tx.contact())
            self.reask_open()
            return
        self.remember_resume()
        self.state["requested_slot"] = CALLBACK
        self.say("human", buttons=self.yes_no_buttons(CALLBACK, "human_buttons"), contact=tx.contact())

    def on_callback(self) -> bool:
        return self.callback_step(CALLBACK, self.ask_callback_consent)

    def on_callback_consent(self) -> bool:
        return self.callback_step(CALLBACK_CONSENT, self.ask_callback_contact)

    def callback_step(self, step: str, on_yes) -> bool:
        """A yes goes on with the call-back; a no goes back to where the person was."""
        answer = self.agrees(step)
        if answer == "yes":
            on_yes()
        elif answer == "no":
            self.say("callback_declined")
            self.resume_after()
        return answer is not None

    def ask_callback_consent(self) -> None:
        self.state["requested_slot"] = CALLBACK_CONSENT
        self.say("callback_consent", buttons=self.yes_no_buttons(CALLBACK_CONSENT, "handoff_buttons"))

    def ask_callback_contact(self) -> None:
        self.state["handoff_kind"] = "callback"
        self.ask_contact("contact_name")

    def remember_resume(self) -> None:
        if self.state["resume"] is None:
            self.state["resume"] = {"stage": self.state["stage"], "slot": self.slot}

    def resume_after(self) -> None:
        back = self.state["resume"] or {"stage": "done", "slot": None}
        self.state["resume"] = None
        self.state["stage"], self.state["requested_slot"] = back["stage"], back["slot"]
        self.reask_open()

    # ---------------------------------------------------------------- changing answers

    def ask_which(self) -> None:
        session, tx = self.session(), self.texts()
        answered = [q for q in session.answered()]
        if not answered:
            self.say("change_nothing")
            self.reask_open()
            return
        self.remember_resume()
        self.state["requested_slot"] = WHICH
        self.say("change_which", buttons=[(tx.q(q, "label"), f"/{WHICH}:{q}") for q in answered])

    def on_which(self) -> bool:
        qid = self.clicked(WHICH) or (None if self.payload else self.find_question(self.text))
        if qid is None:
            return False
        self.change(qid, None)
        return True

    def find_question(self, text: str) -> Optional[str]:
        """The question a message names ('my age', '나이', 'the heart question')."""
        low = clean(text).lower()
        best, best_len = None, 0
        for qid in self.session().answered():
            for lang in ("en", "ko"):
                words = [self.trial.text(lang, qid, "label", "")] + list(self.trial.text(lang, qid, "aliases", []) or [])
                for w in words:
                    w = w.lower()
                    if w and len(w) > best_len and w in low and \
                            (is_korean(w) or pattern(r"(?<![A-Za-z0-9])" + re.escape(w) + r"(?![A-Za-z0-9])").search(low)):
                        best, best_len = qid, len(w)
        return best

    def change(self, qid: str, value: Optional[str]) -> None:
        """Changes one answer: with the new value when one was given and it
        reads, else by asking the question again. Then on to what follows."""
        self.state["resume"] = None
        tx = self.texts()
        if value:
            result = read(self.trial, qid, value, self.today)
            if isinstance(result, Reading):
                self.record(qid, value, result)
                self.say("changed", label=tx.q(qid, "label"), reading=reading_words(self.session(), qid, self.lang))
                self.after_change()
                return
        self.forget(qid)
        if qid == RESPONDENT:
            self.forget("sex")
        self.say("change_to", label=tx.q(qid, "label"))
        self.state["stage"] = "screening"
        self.ask(qid)

    def after_change(self) -> None:
        if self.state["screening_outcome"] is not None or self.state["stage"] in ("summary", "done"):
            nxt = self.session().next_question()
            if nxt:
                self.state["stage"] = "screening"
                self.ask(nxt)
            else:
                self.show_summary()
        else:
            self.next_question()

    # ---------------------------------------------------------------- destroying, with a question first

    def ask_confirm(self, action: str) -> None:
        self.remember_resume()
        self.state["pending"] = action
        self.state["requested_slot"] = CONFIRM
        if action == "delete":
            too = self.texts().say("confirm_delete_contact") if self.state["contact"] else ""
            self.say("confirm_delete", buttons=self.yes_no_buttons(CONFIRM, "confirm_buttons"), contact_too=too)
        else:
            self.say("confirm_restart", buttons=self.yes_no_buttons(CONFIRM, "confirm_buttons"))

    def on_confirm(self) -> bool:
        action = self.state["pending"]
        answer = self.agrees(CONFIRM)
        self.state["pending"] = None
        if answer == "yes" and action == "delete":
            language = self.lang
            self.effect("delete")
            self.say("deleted")
            self.state = new_state()
            self.state["language"], self.state["data_deleted"] = language, True
            return True
        if answer == "yes" and action == "restart":
            self.effect("abandon")
            for key in ("answers", "readings", "misses", "contact"):
                self.state[key] = {}
            self.state.update(screening_outcome=None, handoff_reference=None, handoff_kind=None, resume=None, heard=None,
                              partial=None)
            self.effect("consent", language=self.lang)
            self.say("restarted")
            self.next_question()
            return True
        self.say("confirm_kept")
        self.resume_after()
        return True

    # ---------------------------------------------------------------- what a message that answers nothing means

    def interpret(self) -> bool:
        key = self.clicked("lang")
        if key:
            if key != self.lang:
                self.switch_language(key)
            else:
                self.say("reask_plain")
            self.reask_open()
            return True
        if self.clicked("stopped"):
            return self.on_stopped_button(self.clicked("stopped"))
        if self.payload:  # a button of an earlier question: nothing to do now
            self.say("reask_plain")
            self.reask_open()
            return True
        m = phrases.meaning(self.text, self.suggestion, self.confidence)
        stage = self.state["stage"]
        if stage == "stopped":
            if m and m.kind == "command":
                return self.act(m)
            if self.answers_paused():
                return True
            if m is None:
                self.say("still_stopped", buttons=self.stopped_buttons())
                return True
        if stage == "declined":
            if m and m.intent in ("resume", "start_over") or polarity(self.text, agree=True).value == "yes":
                self.ask_consent()
                return True
        if m is None:
            return False
        return self.act(m)

    def act(self, m: phrases.Meaning) -> bool:
        intent = m.intent
        if m.kind == "command" and intent not in ("human_handoff", "switch_language") and is_question(self.text):
            self.say("commands_help")  # "can I stop at any time?": yes, and how
            self.reask_open(plain=True)
            return True
        if intent == "delete_data":
            if self.state["stage"] in ("consent", "declined") and not self.state["answers"]:  # nothing stored
                self.say("deleted")
                self.reask_open()
                return True
            self.ask_confirm("delete")
        elif intent == "start_over":
            if not self.state["answers"]:
                self.reask_open(plain=True)
                return True
            self.ask_confirm("restart")
        elif intent == "switch_language":
            to = phrases.wants_language(self.text)
            if to and to != self.lang:
                self.switch_language(to)
            self.reask_open()
        elif intent == "stop":
            if self.state["stage"] in ("done", "declined", "stopped"):
                self.say("goodbye")
                return True
            self.remember_resume()
            self.effect("stop")
            self.state["stage"], self.state["requested_slot"] = "stopped", None
            self.say("stopped", buttons=self.stopped_buttons())
        elif intent == "resume":
            if self.state["stage"] == "stopped":
                self.effect("resume")
                self.say("resumed")
                self.resume_after()
            else:
                self.reask_open(plain=True)
        elif intent == "human_handoff":
            self.offer_callback()
        elif intent == "go_back":
            self.go_back()
        elif intent == "correct_answer":
            qid = self.find_question(self.text)
            if qid:
                value = re.split(r"\b(?:to|into|as)\b|(?:으로|로)\s*(?:바꿔|바꿀|수정|변경|고쳐)", self.text, maxsplit=1)
                self.change(qid, value[1].strip() if len(value) > 1 and value[1].strip() else None)
            else:
                self.ask_which()
        elif m.kind == "question":
            self.answer_question(intent)
            self.reask_open(plain=True)
        elif intent in ("greet", "thanks", "goodbye", "hold", "smalltalk"):
            self.say({"greet": "greeting_again", "thanks": "thanks", "goodbye": "goodbye", "hold": "hold"}.get(intent, "smalltalk"))
            self.reask_open(plain=True)
        else:
            return False
        return True

    def answer_question(self, intent: str) -> None:
        tx, qid = self.texts(), self.slot
        if intent == "ask_why":
            if qid in self.trial.questions:
                self.add(tx.q(qid, "why") + (" " + tx.q(qid, "help") if tx.q(qid, "help") else ""))
            elif qid in CONTACT_STEPS:
                self.say("why_contact")
            else:
                self.say("why_default")
        elif intent == "explain_term":
            found = self.terms_in(self.text)
            if found:
                self.add(" ".join(found))
            elif qid in self.trial.questions and tx.q(qid, "help"):
                self.add(tx.q(qid, "help"))
            elif getattr(self, "advised_now", False):
                pass  # "a fever of 39, is that bad?": the urgent advice was the answer
            else:
                words = [self.trial.texts[self.lang]["terms"][k]["words"][0] for k in self.trial.terms]
                self.say("explain_which", terms=", ".join(words))
        elif intent == "study_dates":
            self.say("study_dates")
        elif intent == "chat_length":
            self.say("chat_length", remaining=len(self.session().pending()))
        elif intent == "not_for_chat":
            self.say("not_for_chat")
        elif intent == "other_trials":
            self.say("other_trials")
        elif intent == "who_are_you":
            self.say("who_are_you")

    def terms_in(self, text: str) -> List[str]:
        low, out = clean(text).lower(), []
        for lang in (self.lang, "en" if self.lang == "ko" else "ko"):
            for key, term in self.trial.texts[lang]["terms"].items():
                for w in term["words"]:
                    w = w.lower()
                    if w in low and (is_korean(w) or
                                     pattern(r"(?<![A-Za-z0-9-])" + re.escape(w) + r"(?![A-Za-z0-9-])").search(low)):
                        text_here = self.trial.texts[self.lang]["terms"][key]["text"]
                        if text_here not in out:
                            out.append(text_here)
                        break
            if out:
                return out
        return out

    def go_back(self) -> None:
        answered = self.session().answered()
        if self.state["stage"] in ("summary", "done"):
            self.ask_which()
            return
        if not answered:
            self.say("go_back_none")
            self.reask_open(plain=True)
            return
        last = answered[-1]
        self.forget(last)
        if last == RESPONDENT:
            self.forget("sex")
        self.say("go_back")
        self.state["stage"] = "screening"
        self.ask(last)

    def stopped_buttons(self) -> List[Tuple[str, str]]:
        titles = self.texts().buttons("stopped_buttons")
        return [(titles[k], f"/stopped:{k}") for k in titles]

    def on_stopped_button(self, key: str) -> bool:
        if key == "resume":
            self.effect("resume")
            self.say("resumed")
            self.resume_after()
        else:
            self.ask_confirm("delete")
        return True

    def answers_paused(self) -> bool:
        """While stopped, an answer to the paused question resumes and counts."""
        back = self.state["resume"] or {}
        qid = back.get("slot")
        if qid not in self.trial.questions:
            return False
        result = read(self.trial, qid, self.text, self.today)
        if not isinstance(result, Reading):
            return False
        self.state["resume"] = None
        self.effect("resume")
        self.state["stage"] = back["stage"]
        self.record(qid, self.text, result)
        self.next_question()
        return True

    # ---------------------------------------------------------------- asking again

    def reask_open(self, plain: bool = False) -> None:
        """The open step again, as it was asked (no miss counted)."""
        slot, stage = self.slot, self.state["stage"]
        if stage == "stopped":
            self.say("still_stopped", buttons=self.stopped_buttons())
        elif slot in self.trial.questions:
            self.ask(slot)
        elif slot == CONSENT:
            self.say("consent_reask", buttons=self.yes_no_buttons(CONSENT, "consent_buttons"))
        elif slot == SUMMARY:
            self.say("summary_reask", buttons=self.yes_no_buttons(SUMMARY, "summary_buttons"))
        elif slot == HANDOFF:
            self.say("handoff_reask", buttons=self.yes_no_buttons(HANDOFF, "handoff_buttons"))
        elif slot == CALLBACK:
            self.say("human", buttons=self.yes_no_buttons(CALLBACK, "human_buttons"), contact=self.texts().contact())
        elif slot == CALLBACK_CONSENT:
            self.ask_callback_consent()
        elif slot == CONFIRM:
            self.ask_confirm(self.state["pending"] or "delete")
        elif slot == WHICH:
            self.ask_which()
        elif slot in CONTACT_STEPS:
            self.ask_contact(slot)
        elif stage == "declined":
            self.say("consent_declined", contact=self.texts().contact())
        elif stage == "done":
            self.say("screening_done")

    def not_understood(self) -> None:
        """Nothing in the message answers, commands or asks: the question again,
        with its hint the first time and its buttons after."""
        text_problem = _text_problem(self.text, self.raw)
        slot = self.slot
        if getattr(self, "advised_now", False) and (slot in self.trial.questions or slot in CONTACT_STEPS):
            self.say("after_emergency")  # the advice was the reply; no miss counted
            self.reask_open()
            return
        finding: Optional[Finding] = getattr(self, "finding", None)
        if finding is not None and finding.unwell:  # never "I couldn't read that" to someone feeling ill
            self.say("safety_unwell")
            self.reask_open()
            return
        if slot in self.trial.questions:
            if not getattr(self, "first_part", False):
                self.state["misses"][slot] = self.state["misses"].get(slot, 0) + 1
                if self.state["misses"][slot] == 2:
                    self.effect("flag", kind="unread", qid=slot)
            if text_problem:
                self.say(text_problem)
            self.ask(slot, reask=getattr(self, "last_miss", None) or NoAnswer(""))
            return
        if text_problem:
            self.say(text_problem)
        if self.state["stage"] == "done":
            misses = self.state["misses"].get("_done", 0) + 1
            self.state["misses"]["_done"] = misses
            self.say("screening_done" if misses % 2 else "result_contact", contact=self.texts().contact())
            return
        if slot in CONTACT_STEPS:
            self.ask_contact(slot, again=slot != "contact_language")
            return
        if slot == WHICH:  # no answer named: go on rather than ask the same again
            self.say("reask_plain")
            self.resume_after()
            return
        misses = self.state["misses"].get(slot or "_", 0) + 1
        self.state["misses"][slot or "_"] = misses
        if misses % 2 == 0:
            self.say("step_help")
        self.reask_open()


def _not_now(asking: Optional[List[str]]) -> str:
    """After "no" to "is this happening now?": when to call, and whom (109 for thoughts of self-harm)."""
    return "safety_not_now_self_harm" if asking == [Sign.SELF_HARM.value] else "safety_not_now"


_TERMS: Dict[str, frozenset] = {}


def _english_terms(trial: Trial) -> frozenset:
    """The trial's own English words (medicine and disease names): they never
    switch a Korean conversation to English. Computed once per trial."""
    if trial.id not in _TERMS:
        _TERMS[trial.id] = frozenset(w.lower() for part in trial.vocabulary.values() for ids in part.values()
                                     for words in ids.get("en", ()) for w in words.split())
    return _TERMS[trial.id]


def _text_problem(text: str, raw: str) -> Optional[str]:
    if not text:
        return "empty_message"
    if len(text) > 1000:
        return "too_long"
    if re.search(r"<\s*/?\s*[A-Za-z][^>]*>", text):
        return "markup"
    if not re.search(r"[A-Za-z0-9\uac00-\ud7a3\u3131-\u318e]", text):
        return "no_words"
    return None
