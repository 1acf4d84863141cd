"""What a conversation turn asks to record, one frozen dataclass per kind,
and `apply`, which hands each to the store by its type. Nothing is stored
before consent: every write but the consent itself goes to the screening that
consent created. Pure data here: the store is passed in."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Dict, Iterable, NamedTuple, Optional, Tuple, Union

if TYPE_CHECKING:
    from bot.records.store import Store


class FinalVerdict(NamedTuple):
    """A criterion's verdict at the end, its reason in words and, for a
    temporary exclusion, the ISO date from which it may pass."""
    verdict: str
    reason: Optional[str]
    eligible_from: Optional[str] = None


@dataclass(frozen=True)
class Effect:
    kind: ClassVar[str] = ""

    @property
    def data(self) -> Dict[str, Any]:
        """The effect's fields as plain data (for tests and logs of kinds, never of contents)."""
        return asdict(self)

    def apply_to(self, store: Store, sender: str, trials: Tuple[str, ...]) -> Optional[str]:
        raise NotImplementedError(type(self).__name__)


@dataclass(frozen=True)
class ConsentGiven(Effect):
    kind: ClassVar[str] = "consent"
    language: str

    def apply_to(self, store: Store, sender: str, trials: Tuple[str, ...]) -> None:
        for trial in trials:  # one screening per trial the site screens for
            store.start_screening(sender, trial)
        store.set_language(sender, self.language)


@dataclass(frozen=True)
class LanguageSet(Effect):
    kind: ClassVar[str] = "language"
    language: str

    def apply_to(self, store: Store, sender: str, trials: Tuple[str, ...]) -> None:
        store.set_language(sender, self.language)


@dataclass(frozen=True)
class AnswerRecorded(Effect):
    kind: ClassVar[str] = "record"
    qid: str
    question: str
    text: str
    reading: Dict[str, Any]
    verdict: Optional[str] = None
    reason: Optional[str] = None
    eligible_from: Optional[str] = None  # ISO date
    trial: Optional[str] = None  # the trial whose question this is (None: the only one)

    def apply_to(self, store: Store, sender: str, trials: Tuple[str, ...]) -> None:
        store.record_answer(sender, self.trial or trials[0], self.qid, self.question, self.text[:2000],
                            self.reading, self.verdict, self.reason, self.eligible_from)


@dataclass(frozen=True)
class RespondentSet(Effect):
    kind: ClassVar[str] = "respondent"
    respondent: str
    relation: Optional[str]

    def apply_to(self, store: Store, sender: str, trials: Tuple[str, ...]) -> None:
        for trial in trials:
            store.set_respondent(sender, trial, self.respondent, self.relation)


@dataclass(frozen=True)
class AnswerForgotten(Effect):
    kind: ClassVar[str] = "forget"
    qid: str
    trial: Optional[str] = None

    def apply_to(self, store: Store, sender: str, trials: Tuple[str, ...]) -> None:
        store.forget_answer(sender, self.trial or trials[0], self.qid)


@dataclass(frozen=True)
class ScreeningFinished(Effect):
    kind: ClassVar[str] = "finish"
    outcome: str
    verdicts: Dict[str, FinalVerdict]
    trial: Optional[str] = None

    def apply_to(self, store: Store, sender: str, trials: Tuple[str, ...]) -> None:
        store.finish_screening(sender, self.trial or trials[0], self.outcome, self.verdicts)


@dataclass(frozen=True)
class Stopped(Effect):
    kind: ClassVar[str] = "stop"

    def apply_to(self, store: Store, sender: str, trials: Tuple[str, ...]) -> None:
        store.stop_screening(sender)


@dataclass(frozen=True)
class Resumed(Effect):
    kind: ClassVar[str] = "resume"

    def apply_to(self, store: Store, sender: str, trials: Tuple[str, ...]) -> None:
        store.resume_screening(sender)


@dataclass(frozen=True)
class Abandoned(Effect):
    kind: ClassVar[str] = "abandon"

    def apply_to(self, store: Store, sender: str, trials: Tuple[str, ...]) -> None:
        store.abandon_screening(sender)


@dataclass(frozen=True)
class DataDeleted(Effect):
    kind: ClassVar[str] = "delete"

    def apply_to(self, store: Store, sender: str, trials: Tuple[str, ...]) -> None:
        store.delete_person(sender)


@dataclass(frozen=True)
class EmergencyFlag(Effect):
    """Urgent advice or a crisis line was given for these signs."""
    kind: ClassVar[str] = "flag"
    signs: Tuple[str, ...]

    @property
    def data(self) -> Dict[str, Any]:
        return {"kind": "emergency", "signs": list(self.signs)}

    def apply_to(self, store: Store, sender: str, trials: Tuple[str, ...]) -> None:
        for sign in self.signs:
            store.add_flag(sender, "emergencies", sign)
            store.record_safety_event(sender, sign)


@dataclass(frozen=True)
class UnreadFlag(Effect):
    """A question whose answers could not be read twice: the team should look."""
    kind: ClassVar[str] = "flag"
    qid: str

    @property
    def data(self) -> Dict[str, Any]:
        return {"kind": "unread", "qid": self.qid}

    def apply_to(self, store: Store, sender: str, trials: Tuple[str, ...]) -> None:
        store.add_flag(sender, "unread", self.qid)


@dataclass(frozen=True)
class ContactGiven:
    name: str
    phone: Optional[str]
    email: Optional[str]
    time: str
    language: str


@dataclass(frozen=True)
class HandoffRequested(Effect):
    kind: ClassVar[str] = "handoff"
    handoff: str  # screening / callback
    contact: ContactGiven
    language: str
    consent_text: str
    trial: Optional[str] = None  # the study team it goes to (None: the only one)

    @property
    def data(self) -> Dict[str, Any]:
        return {**asdict(self), "kind": self.handoff}

    def apply_to(self, store: Store, sender: str, trials: Tuple[str, ...]) -> str:
        c = self.contact
        return store.create_handoff(sender, self.trial or trials[0], self.consent_text, c.name, c.phone, c.email,
                                    c.time, c.language, kind=self.handoff)


def apply(store: Store, sender_id: str, trials: Union[str, Tuple[str, ...]],
          effects: Iterable[Effect]) -> Dict[str, str]:
    """Applies every effect in order, for the trials screened (the first is the
    default); returns each new handoff's reference by its trial."""
    trials = (trials,) if isinstance(trials, str) else tuple(trials)
    references: Dict[str, str] = {}
    for e in effects:
        made = e.apply_to(store, sender_id, trials)
        if made:
            references[getattr(e, "trial", None) or trials[0]] = made
    return references
