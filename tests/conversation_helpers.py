"""Talking to the conversation engine in-process, as the action server does."""
from __future__ import annotations

from datetime import date
from typing import Dict, List, Optional

from bot import config
from bot.conversation.turn import Conversation, Reply
from bot.eligibility.model import load_trial
from bot.eligibility.portfolio import Portfolio

TODAY = date(2026, 11, 25)

# A daughter or son answering for a mother who is likely eligible, in each language.
FOR_MOTHER = {"respondent": "I'm asking for my mother", "post_mpn_aml": "yes, her PV turned into AML",
              "age": "she is 67", "prior_ruxolitinib": "no, never", "recent_chemo": "no", "other_trial": "no",
              "ecog": "she looks after herself but can't work", "fit_for_induction": "no",
              "other_malignancy": "no", "cardiac_function": "no", "hepatic_renal_function": "no",
              "serious_conditions": "no", "childbearing_potential": "she is past menopause",
              "creatinine": "1.1 mg/dL", "liver_enzymes": "normal"}
FOR_MOTHER_KO = {"respondent": "엄마 대신 물어봐요", "post_mpn_aml": "진성적혈구증가증이 급성골수성백혈병으로 진행했어요",
                 "age": "67세", "prior_ruxolitinib": "아니요", "recent_chemo": "아니요", "other_trial": "아니요",
                 "ecog": "혼자 씻고 먹을 수 있지만 일은 못 해요", "fit_for_induction": "아니요", "other_malignancy": "없어요",
                 "cardiac_function": "없어요", "hepatic_renal_function": "없어요", "serious_conditions": "없어요",
                 "childbearing_potential": "폐경됐어요", "creatinine": "1.1 mg/dL", "liver_enzymes": "정상이래요"}

# A son or daughter answering for a father, the same answers.
FOR_FATHER = {**FOR_MOTHER, "respondent": "for my father", "sex": "male"}
FOR_FATHER_KO = {**FOR_MOTHER_KO, "respondent": "아버지 대신 답해요", "sex": "남자"}


class Chat:
    """One person's conversation with the engine; keeps the state between turns."""

    def __init__(self, today: date = TODAY, trials: Optional[Portfolio] = None):
        self.conv = Conversation(trials or load_trial(), config.site(), today)
        self.state: Dict = {}
        self.replies: List[Reply] = []

    def say(self, text: str) -> Reply:
        reply = self.conv.turn(self.state, text)
        self.state = reply.state
        self.replies.append(reply)
        return reply

    def click(self, title_part: str) -> Reply:
        """Clicks the offered button whose title contains `title_part`."""
        for m in self.last.messages:
            for title, payload in m.buttons:
                if title_part.lower() in title.lower():
                    return self.say(payload)
        raise AssertionError(f"no button like {title_part!r} in {self.buttons()}")

    @property
    def last(self) -> Reply:
        return self.replies[-1]

    @property
    def slot(self) -> Optional[str]:
        return self.state.get("requested_slot")

    def text(self) -> str:
        return "\n".join(m.text for m in self.last.messages)

    def buttons(self) -> List[str]:
        return [t for m in self.last.messages for t, _ in m.buttons]

    def effects(self, kind: str) -> list:
        return [e for e in self.last.effects if e.kind == kind]

    def start(self, first: str = "hi", consent: str = "yes") -> "Chat":
        self.say(first)
        self.say(consent)
        assert self.slot == "respondent", self.text()
        return self


ROUND_DAY = date(2026, 12, 3)  # the day the understanding rounds' batches were written for


def at(qid: str, answers: Dict[str, str], first: str = "hi", consent: str = "yes", today: date = ROUND_DAY) -> Chat:
    """A new conversation brought to question `qid`, each earlier question answered from `answers`."""
    chat = Chat(today).start(first, consent)
    for _ in range(25):
        if chat.slot == qid:
            return chat
        chat.say(answers[chat.slot])
    raise AssertionError(f"never reached {qid}: at {chat.slot}")


def value(chat: Chat, qid: str):
    """The value of what was understood for `qid` ("no", "confirmed", ...), None when nothing was."""
    return (chat.state["readings"].get(qid) or {}).get("value")


def verdict(chat: Chat, qid: str) -> str:
    """The active trial's verdict on what was understood for `qid`, "no answer" when nothing was."""
    from bot.eligibility.reading import Reading
    from bot.eligibility.session import judge

    raw = chat.state["readings"].get(qid)
    return judge(load_trial().question(qid), Reading.from_dict(raw)).verdict.value if raw else "no answer"
