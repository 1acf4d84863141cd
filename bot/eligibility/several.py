"""Several answers in one message: "No. And I need to change the kidney
answer, she's on dialysis now", "아니요. 그리고 아까 나이 65라고 한 거 55예요".
A message is cut where a second answer may begin (a full stop, "and I ...",
"그리고"); a part that names another question, or that goes back to an answer
given before ("earlier I said", "아까"), is read by that question and kept
out of the open question's words. The words are data (lexicon/<lang>.yml,
experiencer.answer_breaks and back_reference)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import List, Mapping, Optional, Sequence, Tuple

from bot.eligibility.answers import polarity
from bot.eligibility.experiencer import about_patient, after_correction, clauses, cut_after
from bot.eligibility.lexicon import EN, KO
from bot.eligibility.measures import age_said
from bot.eligibility.mentions import find_name
from bot.eligibility.model import Trial
from bot.eligibility.reading import Reading
from bot.eligibility.session import read
from bot.eligibility.text import is_question, pattern, words_to_digits

_LANGS = (EN, KO)
_PARTS = re.compile("|".join(p for lang in _LANGS for p in lang.experiencer.answer_breaks), re.IGNORECASE)
_COLON = re.compile(r"(?<=:)\s+")  # "I checked with my cardiologist: no heart problems": what was found
_BACK = re.compile("|".join(p for lang in _LANGS for p in lang.experiencer.back_reference))


@dataclass(frozen=True)
class Also:
    qid: str
    text: str  # the words that answer it
    reading: Reading


@dataclass(frozen=True)
class Parts:
    rest: str  # the words left for the open question (all of them when no part answers another)
    also: Tuple[Also, ...]  # answers to other questions, in the order said


def parts(text: str) -> List[str]:
    return cut_after(_PARTS, text)


def split(trial: Trial, open_qid: str, text: str, answered: Mapping[str, Reading], today: date,
          others: Sequence[str]) -> Parts:
    """The open question's words and the answers to `others` said beside them."""
    pieces = parts(text)
    if len(pieces) < 2 and not _BACK.search(text.lower()) and not _takes_back(trial, open_qid, text, answered, today):
        return Parts(text, ())
    kept, also = [], []
    for i, piece in enumerate(pieces):
        takes = _takes_back(trial, open_qid, piece, answered, today)  # never the open question's words
        back = takes or bool(_BACK.search(piece.lower()))
        before = pieces[i - 1] if i else ""
        found = _answers(trial, open_qid, piece, answered, today, others, back, i == 0 and not takes, before) \
            if (i or back) else None
        if found is None or (found.qid in answered and not back and found.reading.value in _VAGUE):
            kept.append(piece)  # a clear answer given before is not made vague by words that do not go back to it
        elif found.qid not in answered or _differs(answered[found.qid], found.reading):
            also.append(found)  # the same answer again is no change, and still not this question's words
    rest = "".join(kept).strip()
    if len(kept) < len(pieces):  # a part was taken away
        rest = _without_joiner(rest)
        if rest and not isinstance(read(trial, open_qid, rest, today), Reading) \
                and isinstance(read(trial, open_qid, text, today), Reading):
            rest = text  # "a little over one, and the doctor said her kidneys are fine": both questions' words
    return Parts(rest, tuple(also))


_OWN_TOPIC = re.compile("|".join(p for lang in _LANGS for p in lang.experiencer.own_topic) or "(?!)")
_VAGUE = ("unsure", "unconfirmed")  # "Dad has nothing besides the leukemia" says no more than the diagnosis
_ADDS_AFTER = re.compile("|".join(p for lang in _LANGS for p in lang.experiencer.adds_after))
_ADDS_UNNAMED = re.compile("|".join(p for lang in _LANGS for p in lang.experiencer.adds_unnamed) or "(?!)")
_ENDS = tuple((re.compile(end), final) for lang in _LANGS for end, final in lang.experiencer.part_ends.items())
SEX = "sex"


def _without_joiner(rest: str) -> str:
    """The open question's words without the "and" that joined them to a part taken away ("38, and"), and
    as a sentence when they end in a connective ("둘 다 아니고" -> "둘 다 아니에요")."""
    m = _ADDS_AFTER.search(rest.lower())
    rest = rest[:m.start()].rstrip(" ,;-—") if m else rest
    bare = rest.rstrip(" ,;")
    for end, final in _ENDS:
        if end.search(bare):
            return end.sub(final, bare, count=1)
    return rest


def _adds_unnamed(before: str, piece: str) -> bool:
    """A part that adds another answer without naming its question ("..., and nothing else ... either")."""
    return after_correction(piece) is None and bool(_ADDS_AFTER.search(before.lower()) or
                                                   _ADDS_UNNAMED.search(piece.lower()))


def _adds(before: str, piece: str, name: str) -> bool:
    """A part that adds the answer to another topic it names ("..., and no liver or kidney problems either",
    "..., 다른 임상시험도 안 해요"), not one that corrects or contrasts ("sorry, I was thinking of another
    medicine")."""
    if after_correction(piece) is not None:
        return False
    inside = "|".join(p.format(name=re.escape(name)) for lang in _LANGS for p in lang.experiencer.adds_in)
    return bool(_ADDS_AFTER.search(before.lower()) or pattern(inside).search(piece.lower()))


def _takes_back(trial: Trial, open_qid: str, piece: str, answered: Mapping[str, Reading], today: date) -> bool:
    """A self-correction about an answer given before, and not about the open question ("wait, actually
    I'm not sure, he had a yellow pill that might have been <the medicine asked before>"): it goes back. Words
    the open question reads stay its own ("No. Well... actually the doctor said she might be too weak")."""
    if after_correction(piece) is None or find_name(trial, piece, [open_qid]) is not None:
        return False
    if find_name(trial, piece, [q for q in answered if q != open_qid]) is None:
        return False
    words = after_correction(piece) or piece
    own = read(trial, open_qid, words, today)
    # only a bare "not sure" or "no" of it would fit the open question: the words are about the one they name
    bare = (polarity(words).evidence or "").strip().lower()
    return not isinstance(own, Reading) or own.evidence.strip().lower() == bare


def wholly(trial: Trial, text: str, answered: Mapping[str, Reading], today: date,
           others: Sequence[str], words: str = "") -> Optional[Also]:
    """The answer a whole message gives to another question it names ("never had HIV" at the usual-day
    question), when it reads for that question and says something new: kept, not lost. `words`: the
    patient's own words of it, when others were set aside ("my brother takes it, I never have": "I never
    did", read with the name said before it)."""
    named = find_name(trial, text, others)
    if named is None:
        return None
    words = words or text
    if find_name(trial, words, others) is None and \
            find_name(trial, text, [q for q in others if q != named[0]]) is not None:
        return None  # "my sister is in a trial for breast cancer, I'm not": which one "not" is about is unsaid
    reading = _latest(trial, named[0], words, today, named[1])
    if reading is None and named[1] not in words.lower():
        reading = _latest(trial, named[0], f"{named[1]} {words}", today)
    if reading is None or (named[0] in answered and not _differs(answered[named[0]], reading)):
        return None
    return Also(named[0], words.strip(), reading)


def _answers(trial: Trial, open_qid: str, piece: str, answered: Mapping[str, Reading], today: date,
             others: Sequence[str], back: bool, first: bool, before: str = "") -> Optional[Also]:
    """The other question this part answers: the one it names (when it goes back to an earlier answer or
    the open question does not keep it), else a later question that reads it (_later), else, going back,
    the one answered question that takes a new number from it."""
    named = find_name(trial, piece, others)
    mine = read(trial, open_qid, piece, today)
    if (not back or first) and isinstance(mine, Reading) and _own(trial, open_qid, piece, mine, named, before, first):
        return None  # the open question's words (the first part is, when it reads for it)
    if named is not None:
        reading = _latest(trial, named[0], piece, today, named[1])
        if reading is not None or back:
            return Also(named[0], piece.strip(), reading) if reading else None
    if not back:  # "의사도 항암 ... 받을 수 있다고": named by a word of another question, read by a later one
        return age_part(trial, piece, answered, today, others) or _later(trial, open_qid, piece, answered, today,
                                                                          others)
    numbered = []
    for qid in (q for q in others if q in answered):
        reading = _latest(trial, qid, piece, today)
        if reading is not None and reading.number is not None:
            numbered.append(Also(qid, piece.strip(), reading))
    if len(numbered) > 1 or (before.strip() and after_correction(piece) is not None):
        # "I told you 54 before, but I'm 55": the answer whose number is the one said before; a correction
        # right after the open question's words ("네... 아니 정정할게요, 작년에 ...") goes back only when it says it
        numbered = [a for a in numbered if _said(answered[a.qid].number, piece)]
    return numbered[0] if len(numbered) == 1 else None


def _own(trial: Trial, open_qid: str, piece: str, mine: Reading, named: Optional[Tuple[str, str]], before: str,
         first: bool) -> bool:
    """Words the open question reads are its own: the first part; a later part too, unless it adds an answer
    about another question it names ("Heart's fine, and no liver or kidney problems"), or the open question
    reads only its bare yes or no while it names another ("네, 근데 임신이나 수유 중은 아니에요"), or, naming
    none, it adds with "either" or 도 and the open question reads only its no ("No, and nothing else serious
    either")."""
    if first or after_correction(piece) is not None or find_name(trial, piece, [open_qid]) is not None:
        return True  # a correction goes back to the open question
    if named is not None:
        return not (_adds(before, piece, named[1]) or _bare(piece, mine))
    return not (_bare(piece, mine) and _adds_unnamed(before, piece))


def _bare(piece: str, reading: Reading) -> bool:
    """The reading is only the part's yes or no ("없어요"), nothing the question itself is about (never a
    "not sure": a hedge leaves the words where they are)."""
    said = polarity(piece)
    return said.value in ("yes", "no") and reading.evidence.strip().lower() == (said.evidence or "").strip().lower()


_BARE_NUMBER = re.compile(r"[\d.,\s]+\S{0,6}")  # "1.0", "72", "1.2 mg/dL": a number needs its name
# "Wait, that was last week when he had a fever": a pronoun says no sex; the words about the patient must
_PRONOUN = re.compile("|".join(p for lang in _LANGS for p in lang.experiencer.patient_pronouns))


def _later(trial: Trial, open_qid: str, piece: str, answered: Mapping[str, Reading], today: date,
           others: Sequence[str]) -> Optional[Also]:
    """A later part that names no question that reads it ("Still doing my walk every day", "저 남자예요"),
    offered to every question not answered yet: kept for the one that finds the most in it beyond a bare yes
    or no (the same words in several: the first asked, the next one in its turn). Never a bare number, a
    hedge, a question, or words about someone else."""
    if is_question(piece) or after_correction(piece) is not None or find_name(trial, piece, [open_qid]) \
            or about_patient(piece, _patient(answered)).set_aside:
        return None  # a correction, or words that name the open question, are the open question's
    best: List[Also] = []
    for qid in _unanswered(trial, open_qid, answered, others):
        reading = read(trial, qid, piece, today)
        if not isinstance(reading, Reading) or reading.hedged or reading.value in _VAGUE + ("unknown",) \
                or _bare(piece, reading) or _BARE_NUMBER.fullmatch(reading.evidence.strip()) \
                or _PRONOUN.fullmatch(reading.evidence.strip().lower()):
            continue
        size = len(reading.evidence.strip())
        if best and size > len(best[0].reading.evidence.strip()):
            best = []
        if not best or size == len(best[0].reading.evidence.strip()):
            best.append(Also(qid, piece.strip(), reading))
    same = len({a.reading.evidence.strip().lower() for a in best}) == 1
    return best[0] if best and same else None


def _unanswered(trial: Trial, open_qid: str, answered: Mapping[str, Reading], others: Sequence[str]) -> List[str]:
    """The questions still to come, in the order asked; the sex too (its reader refuses a doctor's or a
    record's, and words about someone else never reach it)."""
    later = set(others) | {SEX}
    return [q for q in trial.asked_ids if q in later and q != open_qid and q not in answered]


def _patient(answered: Mapping[str, Reading]) -> Optional[str]:
    who = answered.get("respondent")
    return None if who is None or who.value == "self" else (who.extra.get("relation") or "patient")


def age_part(trial: Trial, piece: str, answered: Mapping[str, Reading], today: date,
              others: Sequence[str]) -> Optional[Also]:
    """A later part that says the patient's age in words that tie the number to an age ("..., diagnosed
    last month. I'm 61 btw"; "저 올해 예순넷이에요"), when the age is not known yet; never a bare number, and
    never an age the part says is someone else's."""
    if "age" not in others or "age" in answered or not age_said(piece):
        return None
    if about_patient(piece, _patient(answered)).set_aside:
        return None
    reading = read(trial, "age", piece, today)
    return Also("age", piece.strip(), reading) if isinstance(reading, Reading) and reading.value == "value" else None


def _said(number: Optional[float], piece: str) -> bool:
    """The number is quoted in the piece, in digits or words ("아까 일흔이라고 했는데")."""
    return number is not None and re.search(rf"(?<![\d.]){number:g}(?![\d])", words_to_digits(piece)) is not None


def _latest(trial: Trial, qid: str, piece: str, today: date, name: str = "") -> Optional[Reading]:
    """The reading of the latest words of the part that read ("I said none, but I joined one in May": the
    joining), after any self-correction in them; a clause that leaves out what it is about ("아까 자카비 안
    드셨다고 했는데, 2년 전에 드셨었네요") is read with the name said before it."""
    cut = [c for clause in clauses(piece, commas=False) for c in _COLON.split(clause) if c.strip()]
    for k in range(len(cut) - 1, -1, -1):
        words = "".join(cut[k:])
        carried = f"{name} {words}" if k and name and name not in words.lower() and not _OWN_TOPIC.search(words) \
            else ""
        for candidate in (after_correction(words), words, carried):
            reading = read(trial, qid, candidate, today) if candidate else None
            if isinstance(reading, Reading):
                return reading
    return None


def _differs(old: Reading, new: Reading) -> bool:
    return (old.value, old.number) != (new.value, new.number)
