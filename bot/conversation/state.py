"""What a conversation remembers between turns, typed. Rasa keeps it as one
slot per field (`to_slots` / `from_slots`); the slot names and shapes are a
contract with the tracker (screening-rules.md), so they never change here."""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from enum import Enum
from typing import Any, Dict, List, Mapping, Optional, Union

from bot.eligibility.reading import Reading


class Stage(str, Enum):
    """Where the conversation is, as a whole."""
    CONSENT = "consent"
    SCREENING = "screening"
    SUMMARY = "summary"
    HANDOFF = "handoff"
    CONTACT = "contact"
    STOPPED = "stopped"
    DECLINED = "declined"
    DONE = "done"


class Step(str, Enum):
    """The open step when it is not one of the trial's questions
    (`requested_slot` holds either a Step's value or a question id)."""
    CONSENT = "consent"
    SUMMARY = "summary"
    HANDOFF = "handoff_consent"
    SHARE = "share_consent"  # a site of several studies: one consent per study team
    CALLBACK = "callback"
    CALLBACK_CONSENT = "callback_consent"
    CONFIRM = "confirm"
    WHICH = "which_answer"
    CONTACT_NAME = "contact_name"
    CONTACT_DETAILS = "contact_details"
    CONTACT_TIME = "contact_time"
    CONTACT_LANGUAGE = "contact_language"
    CHECK = "check_answer"  # "just to check" before an answer that would rule the person out


CONTACT_STEPS = (Step.CONTACT_NAME, Step.CONTACT_DETAILS, Step.CONTACT_TIME, Step.CONTACT_LANGUAGE)


class Buttons(str, Enum):
    """Button groups that are not steps of their own: their payloads are `/<value>:<key>`."""
    HEARD = "heard"  # "You mentioned your mother: is this for her?"
    SAFETY_NOW = "safety_now"  # "Is this happening now?"
    SAFETY_GO_ON = "safety_go_on"  # "Go on" after a crisis reply
    LANGUAGE = "lang"
    STOPPED = "stopped"


@dataclass
class Partial:
    """The first part of an answer (a medicine, no time yet), read with the next message."""
    qid: str
    text: str


@dataclass
class Checking:
    """An answer that would rule the person out, held until they confirm it."""
    qid: str
    text: str
    reading: Reading


@dataclass
class Resume:
    """Where to go back to after a call-back offer, a confirmation or a pause."""
    stage: Optional[Stage]
    slot: Optional[str]


@dataclass
class SafetyMemory:
    """Signs asked about ("is this happening now?") or just advised on."""
    asking: List[str] = field(default_factory=list)
    advised_last: List[str] = field(default_factory=list)


@dataclass
class Contact:
    name: Optional[str] = None
    phone: Optional[str] = None
    email: Optional[str] = None
    time: Optional[str] = None
    language: Optional[str] = None

    def given(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


@dataclass
class ConversationState:
    language: Optional[str] = None
    stage: Optional[Stage] = None
    requested_slot: Optional[str] = None
    answers: Dict[str, str] = field(default_factory=dict)  # what was typed, per question
    readings: Dict[str, Reading] = field(default_factory=dict)
    misses: Dict[str, int] = field(default_factory=dict)
    pending: Optional[str] = None  # the action a confirmation is for: delete / restart
    advised: List[str] = field(default_factory=list)  # signs given urgent advice, once each
    offered: List[str] = field(default_factory=list)  # payloads of the last reply's buttons
    screening_outcome: Optional[str] = None
    contact: Contact = field(default_factory=Contact)
    handoff_reference: Optional[str] = None
    handoff_kind: Optional[str] = None  # screening / callback
    resume: Optional[Resume] = None
    data_deleted: Optional[bool] = None
    heard: Optional[str] = None  # a message before consent that named who the patient is
    partial: Optional[Partial] = None
    safety: Optional[SafetyMemory] = None
    checking: Optional[Checking] = None
    # A site of several trials: each trial's outcome (the tracker contract), the
    # teams still to be asked about sharing, those the person said yes to, and
    # each handoff's reference by its trial.
    screening_outcomes: Dict[str, str] = field(default_factory=dict)
    offering: List[str] = field(default_factory=list)
    sharing: List[str] = field(default_factory=list)
    handoff_references: Dict[str, str] = field(default_factory=dict)

    def to_slots(self) -> Dict[str, Any]:
        return {
            "language": self.language, "stage": self.stage.value if self.stage else None,
            "requested_slot": self.requested_slot, "answers": dict(self.answers),
            "readings": {k: r.as_dict() for k, r in self.readings.items()}, "misses": dict(self.misses),
            "pending": self.pending, "advised": list(self.advised), "offered": list(self.offered),
            "screening_outcome": self.screening_outcome,
            "contact": {k: v for k, v in vars(self.contact).items() if v is not None},
            "handoff_reference": self.handoff_reference, "handoff_kind": self.handoff_kind,
            "resume": {"stage": self.resume.stage.value if self.resume.stage else None, "slot": self.resume.slot}
            if self.resume else None,
            "data_deleted": self.data_deleted, "heard": self.heard,
            "partial": vars(self.partial).copy() if self.partial else None,
            "safety": _safety_slot(self.safety),
            "checking": {"qid": self.checking.qid, "text": self.checking.text,
                         "reading": self.checking.reading.as_dict()} if self.checking else None,
            "screening_outcomes": dict(self.screening_outcomes), "offering": list(self.offering),
            "sharing": list(self.sharing), "handoff_references": dict(self.handoff_references),
        }

    @classmethod
    def from_slots(cls, slots: Optional[Mapping[str, Any]]) -> "ConversationState":
        s = dict(slots or {})
        resume, partial, safety, checking = s.get("resume"), s.get("partial"), s.get("safety"), s.get("checking")
        return cls(
            language=s.get("language"), stage=_stage(s.get("stage")), requested_slot=s.get("requested_slot"),
            answers=dict(s.get("answers") or {}),
            readings={k: Reading.from_dict(v) for k, v in (s.get("readings") or {}).items()},
            misses=dict(s.get("misses") or {}), pending=s.get("pending"), advised=list(s.get("advised") or []),
            offered=list(s.get("offered") or []), screening_outcome=s.get("screening_outcome"),
            contact=Contact(**{f.name: (s.get("contact") or {}).get(f.name) for f in fields(Contact)}),
            handoff_reference=s.get("handoff_reference"), handoff_kind=s.get("handoff_kind"),
            resume=Resume(_stage(resume.get("stage")), resume.get("slot")) if resume else None,
            data_deleted=s.get("data_deleted"), heard=s.get("heard"),
            partial=Partial(partial["qid"], partial["text"]) if partial else None,
            safety=SafetyMemory(list(safety.get("asking") or []), list(safety.get("advised_last") or []))
            if safety else None,
            checking=Checking(checking["qid"], checking["text"], Reading.from_dict(checking["reading"]))
            if checking else None,
            screening_outcomes=dict(s.get("screening_outcomes") or {}), offering=list(s.get("offering") or []),
            sharing=list(s.get("sharing") or []), handoff_references=dict(s.get("handoff_references") or {}),
        )

    def fresh(self) -> "ConversationState":
        """A new conversation in the same language (after deletion)."""
        return replace(ConversationState(), language=self.language)


SLOT_NAMES = tuple(f.name for f in fields(ConversationState))


def name_of(step: Union[str, Enum, None]) -> Optional[str]:
    """A step's name as stored and as used in payloads: always a plain string."""
    return step.value if isinstance(step, Enum) else step


def _stage(value: Optional[str]) -> Optional[Stage]:
    return Stage(value) if value else None


def _safety_slot(memory: Optional[SafetyMemory]) -> Optional[Dict[str, List[str]]]:
    if memory is None:
        return None
    return {k: v for k, v in (("asking", memory.asking), ("advised_last", memory.advised_last)) if v}
