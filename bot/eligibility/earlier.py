"""An earlier condition denied without being named: "nothing before it",
"she didn't have any blood disease before", "그 전에 다른 혈액 질환은
없었어요". The words are data (lexicon/<lang>.yml, diagnosis.earlier_denied),
matched on whole words: English lowercased, Korean on kiwipiepy lemmas, so
that 없었어요, 없으셨어요 and 없었고 are one word."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import List, Optional, Tuple

from bot.eligibility.answers import polarity
from bot.eligibility.experiencer import after_correction, clauses
from bot.eligibility.lexicon import EN, KO, EarlierDenied
from bot.eligibility.text import is_korean
from bot.tokens import korean as morphemes


@dataclass(frozen=True)
class Word:
    lemma: str
    tag: str  # Korean: bot.tokens' part of speech (N noun, V predicate, X the folded negation NEG, ...); English: ""
    clause: int = 0  # Korean: the clause it is in (a connective ending or a comma ends one)


_EN_WORD = re.compile(r"n't|[a-z]+(?=n't)|[a-z]+|,")
# Within this many words after a negation, and no comma between, an English condition is the one denied
# ("I don't think there was any blood disorder"; not "no, she had a blood disorder").
_EN_REACH = 6


@lru_cache(maxsize=1024)
def words(clause: str) -> Tuple[Word, ...]:
    """English: lowercased words and commas. Korean: bot.tokens' lemmas, the
    negations folded into NEG after their verb, and a noun + 하 one predicate
    (건강했어요: 건강하)."""
    if not is_korean(clause):
        return tuple(Word(w, "") for w in _EN_WORD.findall(clause.lower()))
    out: List[Word] = []
    for t in morphemes(clause).tokens:
        lemma, _, tag = t.text.rpartition("/")
        if lemma == "하" and tag == "V" and out and out[-1].tag == "N" and out[-1].clause == t.clause:
            out[-1] = Word(out[-1].lemma + lemma, tag, t.clause)
        else:
            out.append(Word(lemma, tag, t.clause))
    return tuple(out)


def _says_earlier(ws: Tuple[Word, ...], lex: EarlierDenied) -> bool:
    return any(w.lemma in lex.earlier and not (i and ws[i - 1].lemma in lex.not_earlier) for i, w in enumerate(ws))


def _negated(ws: Tuple[Word, ...], i: int, lex: EarlierDenied, korean: bool) -> bool:
    """Whether the condition at `i` is denied: Korean by a negation after it
    in its own predicate ("질환은 없었어요", "앓은 적 없어요"), English by one just
    before it ("no blood disorder") or by itself ("nothing")."""
    if not korean:
        before = [w.lemma for w in ws[max(0, i - _EN_REACH):i]]
        before = before[len(before) - before[::-1].index(","):] if "," in before else before
        return ws[i].lemma in lex.negation or any(w in lex.negation for w in before)
    return any(w.lemma in lex.negation for w in ws[i + 1:] if w.clause == ws[i].clause)  # not "있었고 ... 안 나요"


def _denies(clause: str) -> bool:
    korean = is_korean(clause)
    lex = (KO if korean else EN).diagnosis.earlier_denied
    ws = words(clause)
    lemmas = {w.lemma for w in ws}
    earlier = _says_earlier(ws, lex)
    if earlier and lemmas & set(lex.healthy) and not lemmas & set(lex.negation):
        return True  # "she was healthy before"
    if not (earlier or (lemmas & set(lex.other) and lemmas & set(lex.blood))):
        return False
    return any(_negated(ws, i, lex, korean) for i, w in enumerate(ws) if w.lemma in lex.condition)


@dataclass(frozen=True)
class Denial:
    clause: str  # the words that deny, as typed
    hedged: bool  # "I don't think she had anything before", "없었던 것 같아요": never a firm rule-out


def earlier_denied(text: str) -> Optional[Denial]:
    """The clause that denies any earlier condition without naming one, or
    None. After a self-correction ("nothing before... wait, she had ET") only
    the words after it count."""
    for clause in clauses(after_correction(text) or text, commas=False):
        if _denies(clause):
            answer = polarity(clause)
            hedged = answer.hedged or answer.value == "unsure" or KO.context.uncertain.first(clause) is not None
            return Denial(clause.strip(" ,.;"), hedged)
    return None
