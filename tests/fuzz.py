"""A conversation fuzzer: generated conversations (fixed seed) that mix
answers, button clicks, interjections, corrections, commands and
emergencies, each checked for what a person would notice: it ends (result,
stop or deletion) within 80 turns, no bot message comes three times in a row,
no server error, and what is stored equals what the conversation holds.

`run(talk, n, seed)` drives any talker: the in-process engine (tests) or the
live servers (`make fuzz`)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
MAX_TURNS = 80

ANSWERS: Dict[str, List[str]] = {
    "consent": ["yes", "ok let's start", "네", "sure"],
    "respondent": ["for myself", "I'm asking for my mother", "I'm her son", "my husband", "저는 딸이에요", "아버지 대신 물어봐요"],
    "post_mpn_aml": ["yes, PV turned into AML", "AML after myelofibrosis", "not sure", "진성적혈구증가증이 백혈병으로 진행했어요",
                     "only myelofibrosis so far", "AML after MDS"],
    "age": ["63", "she is 71", "I was born in 1958", "17", "만 63세", "예순다섯 살"],
    "prior_ruxolitinib": ["no, never", "yes, jakafi for a year", "not sure", "자카비는 먹은 적 없어요", "아니요"],
    "recent_chemo": ["no", "hydrea 5 days ago", "stopped hydroxyurea 3 weeks ago", "5일 전", "없어요"],
    "other_trial": ["no", "not right now", "아니요", "I was in a study in 2019 but it ended"],
    "ecog": ["I can look after myself but can't work", "fully active", "in bed most of the day", "ECOG 1", "혼자 씻고 먹을 수 있지만 일은 못 해요"],
    "fit_for_induction": ["no", "nobody said that", "not sure", "아니요"],
    "other_malignancy": ["no", "breast cancer in 2015", "basal cell carcinoma last year", "없어요"],
    "cardiac_function": ["no", "she has heart failure", "아니요 심장은 괜찮아요", "my heart is healthy"],
    "hepatic_renal_function": ["no", "fatty liver", "없어요"],
    "serious_conditions": ["no", "diabetes", "당뇨 있어요", "nothing else"],
    "sex": ["female", "male", "여자", "남자"],
    "childbearing_potential": ["no, past menopause", "yes", "폐경됐어요", "not sure"],
    "pregnancy_breastfeeding": ["no", "아니요"],
    "childbearing_contraception": ["yes", "네 피임할게요", "no"],
    "male_barrier_contraception": ["yes", "sure", "네"],
    "creatinine": ["1.1 mg/dL", "I don't know", "97 umol/L", "모르겠어요"],
    "liver_enzymes": ["normal", "I don't know", "ALT 30 AST 25, normal up to 40", "간수치 정상이래요"],
    "summary": ["yes", "네 맞아요"],
    "handoff_consent": ["yes", "no thanks"],
    "callback": ["no, continue here", "yes please"],
    "callback_consent": ["yes", "no"],
    "contact_name": ["Kim Minji", "이지호"],
    "contact_details": ["010-1234-5678", "minji@example.com"],
    "contact_time": ["weekday mornings", "아무 때나"],
    "contact_language": ["Korean", "English"],
    "confirm": ["no", "yes"],
    "which_answer": ["age", "나이"],
}
INTERJECTIONS = ["why do you ask?", "what does MPN mean?", "is it safe?", "hello", "thanks", "my cat is orange", "ok",
                 "🙂", "ECOG가 뭐예요?", "왜 물어보세요?", "ㅋㅋㅋ", "how much does it cost?", "who are you?"]
COMMANDS = ["go back", "stop", "continue", "I want to talk to a person", "change my age to 64", "start over",
            "delete my data", "in Korean please", "English please", "이전 질문으로", "그만할래요", "계속할게요", "/restart"]
EMERGENCIES = ["she has a fever of 38.9", "I can't breathe", "피가 안 멈춰요", "가슴이 아파요", "he fainted"]


@dataclass
class Turn:
    said: str
    replies: List[str]
    slots: Dict


@dataclass
class Outcome:
    turns: List[Turn] = field(default_factory=list)
    ended: Optional[str] = None  # result, stopped, declined, deleted
    problems: List[str] = field(default_factory=list)


Talker = Callable[[str], Tuple[List[Tuple[str, List[Tuple[str, str]]]], Dict]]
"""say(text) -> ([(bot text, [(button title, payload)])], slots after the turn)"""


def _pick(rng: random.Random, slot: Optional[str], offered: List[Tuple[str, str]]) -> str:
    roll = rng.random()
    if roll < 0.07:
        return rng.choice(INTERJECTIONS)
    if roll < 0.11:
        return rng.choice(COMMANDS)
    if roll < 0.13:
        return rng.choice(EMERGENCIES)
    if offered and roll < 0.45:
        return rng.choice(offered)[1]
    if slot in ANSWERS:
        return rng.choice(ANSWERS[slot])
    if offered:
        return rng.choice(offered)[1]
    return rng.choice(["continue", "hello", "yes"])


def _ended(slots: Dict) -> Optional[str]:
    if slots.get("data_deleted"):
        return "deleted"
    stage = slots.get("stage")
    if stage == "done" and slots.get("screening_outcome"):
        return "result"
    if stage in ("stopped", "declined"):
        return stage
    return None


def converse(say: Talker, rng: random.Random, stored: Optional[Callable[[], Dict[str, str]]] = None) -> Outcome:
    out = Outcome()
    offered: List[Tuple[str, str]] = []
    slots: Dict = {}
    text = rng.choice(["hi", "안녕하세요", "hello, checking for my dad", "my mother has AML, can she join?"])
    stop_after_end = rng.random() < 0.3  # some keep talking after the end
    for _ in range(MAX_TURNS):
        try:
            replies, slots = say(text)
        except Exception as exc:  # a server error: recorded, the conversation is over
            out.problems.append(f"error after {text!r}: {exc.__class__.__name__}: {exc}")
            return out
        texts = [r for r, _ in replies]
        out.turns.append(Turn(text, texts, slots))
        if not texts:
            out.problems.append(f"no reply to {text!r}")
        offered = [b for _, buttons in replies for b in buttons]
        end = _ended(slots)
        if end and (not stop_after_end or len(out.turns) > 60):
            out.ended = end
            break
        if end:
            stop_after_end = False
        text = _pick(rng, slots.get("requested_slot"), offered)
    else:
        out.problems.append(f"not ended after {MAX_TURNS} turns; last slot {slots.get('requested_slot')}")
    sequence = [r for t in out.turns for r in t.replies]
    for i in range(len(sequence) - 2):
        if sequence[i] == sequence[i + 1] == sequence[i + 2]:
            out.problems.append(f"said three times in a row: {sequence[i][:80]!r}")
            break
    if stored is not None and out.ended != "deleted":
        held = {k: v for k, v in (slots.get("answers") or {}).items()}
        have = stored()
        if have != held:
            out.problems.append(f"stored answers differ from the conversation: {sorted(set(have.items()) ^ set(held.items()))[:4]}")
    return out


def run(make_talker: Callable[[int], Tuple[Talker, Optional[Callable[[], Dict[str, str]]]]], n: int,
        seed: int = 20261125) -> List[Tuple[int, Outcome]]:
    results = []
    for i in range(n):
        say, stored = make_talker(i)
        results.append((i, converse(say, random.Random(seed + i), stored)))
    return results


def offtopic_messages() -> List[str]:
    out: List[str] = []
    for name in ("offtopic.yml", "offtopic_ko.yml"):
        path = ROOT / "tests" / name
        if path.exists():
            out += [str(m) for m in yaml.safe_load(path.read_text(encoding="utf-8")) or []]
    return out
