"""A message as a stream of tokens that sign and context patterns match on
(bot.safety), and that readers match words on (bot.eligibility).

English: spaCy's blank English tokenizer, lowercased ("can't" -> "ca n't").
Korean: kiwipiepy morphemes as "lemma/T" (T: N noun, V predicate, M adverb,
J particle, E ending, P pre-final ending, S number, F punctuation), with the
three negations folded into one token after the verb, so "멈추지 않아요",
"안 멈춰요" and "못 멈춰요" all read "멈추/V NEG/X".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Dict, Iterable, List, Tuple

NEG = "NEG/X"


@dataclass(frozen=True)
class Token:
    text: str  # what patterns match: "bleeding" / "멈추/V"
    start: int  # character offsets in the cleaned message
    end: int
    sentence: int  # index of the sentence the token is in
    clause: int  # index of the clause (Korean: connective endings and commas end one)


@dataclass(frozen=True)
class Stream:
    lang: str
    tokens: Tuple[Token, ...]

    @cached_property
    def sentences(self) -> List[Tuple[int, str, Dict[int, int]]]:
        """Per sentence: its first token, its tokens joined by spaces (what the
        patterns search) and where each token starts in that text. Built once."""
        out, first = [], 0
        for i in range(1, len(self.tokens) + 1):
            if i == len(self.tokens) or self.tokens[i].sentence != self.tokens[first].sentence:
                joined, starts, at = "", {}, 0
                for k, t in enumerate(self.tokens[first:i]):
                    starts[at] = k
                    joined += t.text + " "
                    at += len(t.text) + 1
                out.append((first, joined, starts))
                first = i
        return out


@lru_cache(maxsize=1)
def english_tokenizer():
    import spacy

    return spacy.blank("en").tokenizer


@lru_cache(maxsize=1)
def kiwi() -> Any:
    """The one kiwipiepy analyser of a process (loading it takes seconds and
    about 500 MB): the safety scan and the eligibility readers share it."""
    from kiwipiepy import Kiwi

    # Without the multi-word dictionary: no rule uses it, and it cost 1.4 s at the first analysis.
    return Kiwi(load_multi_dict=False)


def keep_whole(words: Iterable[str], verb: bool = False) -> None:
    """Nouns the analyzer must not split ("고열" in "아빠 고열") and compound
    verbs it must keep whole ("쥐어짜"), from the lexicon."""
    for word in words:
        kiwi().add_user_word(word, "VV" if verb else "NNG", 5 if verb else 0)


_SENTENCE_END = {".", "!", "?", ";", "\n"}


def english(text: str) -> Stream:
    tokens, sentence, clause = [], 0, 0
    for t in english_tokenizer()(text.replace("\u2019", "'").lower()):
        if t.is_space:
            if "\n" in t.text:
                sentence, clause = sentence + 1, clause + 1
            continue
        if len(t.text) == 2 and t.text[0].isalpha() and t.text[1] == ".":
            # Lowercased, "where am I." reads as an initial ("i."): a word and a full stop.
            tokens.append(Token(t.text[0], t.idx, t.idx + 1, sentence, clause))
            tokens.append(Token(".", t.idx + 1, t.idx + 2, sentence, clause))
            sentence, clause = sentence + 1, clause + 1
            continue
        tokens.append(Token(t.text, t.idx, t.idx + len(t.text), sentence, clause))
        if t.text in _SENTENCE_END or set(t.text) <= {".", "!", "?"}:
            sentence, clause = sentence + 1, clause + 1
        elif t.text in (",", "but", "however", "though"):
            clause += 1
    return Stream("en", tuple(tokens))


_KO_TAG = {"NNG": "N", "NNP": "N", "NNB": "N", "NP": "N", "NR": "N", "VV": "V", "VA": "V", "VX": "V", "VCP": "V",
           "VCN": "V", "XSV": "V", "XSA": "V", "XR": "N", "MAG": "M", "MAJ": "M", "MM": "M", "EP": "P", "EC": "E",
           "EF": "E", "ETN": "E", "ETM": "E", "SN": "S", "SF": "F", "SP": "F", "SS": "F", "SE": "F", "SO": "F",
           "SL": "L", "SH": "L"}
_KO_CLAUSE_ENDINGS = {"는데", "은데", "ㄴ데", "지만", "고", "면서", "으면서", "서", "어서", "아서", "니까", "으니까"}


Raw = Tuple[str, str, int, int, bool]  # form, short tag, start, end, a final ending


def _ko_raw(text: str) -> List[Raw]:
    out = []
    for t in kiwi().tokenize(text):
        tag = t.tag.split("-")[0]
        short = _KO_TAG.get(tag, tag[0] if tag.startswith("J") else "X")
        out.append((t.form.lower() if short == "L" else t.form, short, t.start, t.start + t.len, tag == "EF"))
    return out


def _fold_negation(raw: List[Raw]) -> List[Raw]:
    out: List[Raw] = []
    i = 0
    while i < len(raw):
        form, tag, s, e, _ = raw[i]
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        # kiwi sometimes reads 안 as a noun ("가슴 안 아프대요"); right before a predicate it is the negation.
        if tag in ("M", "N") and form in ("안", "못") and nxt and nxt[1] == "V" and nxt[2] <= e + 1:
            out.append(nxt)
            out.append(("NEG", "X", s, e, False))
            i += 2
            continue
        if form == "지" and tag == "E" and out and out[-1][1] == "V":
            j = i + 1
            while j < len(raw) and raw[j][1] == "J":  # "멈추질 않네": 지 + ㄹ + 않
                j += 1
            if j < len(raw) and raw[j][0] in ("않", "못하") and raw[j][1] == "V":
                out.append(("NEG", "X", s, raw[j][3], False))
                i = j + 1
                continue
        out.append(raw[i])
        i += 1
    return out


def korean(text: str) -> Stream:
    tokens: List[Token] = []
    sentence, clause, last = 0, 0, 0
    for form, tag, s, e, final in _fold_negation(_ko_raw(text)):
        if tokens and "\n" in text[last:s]:  # a list's next line ("2. 식사 못 하심"): a clause of its own
            clause += 1
        last = e
        tokens.append(Token(f"{form}/{tag}", s, e, sentence, clause))
        ends = final or (tag == "E" and form.endswith(("요", "다", "음", "함", "임")))  # kiwi tags some as EC
        if (tag == "F" and form in (".", "!", "?", ";")) or (ends and _is_final(text, e) and not _goes_on(text, e)):
            sentence, clause = sentence + 1, clause + 1
        elif (tag == "E" and form in _KO_CLAUSE_ENDINGS) or (tag == "F" and form == ","):
            clause += 1
    return Stream("ko", tuple(tokens))


# "왔다 갔다 하셨어요", "아프다 하세요": a 다 that 하다 carries on (back and forth; what was said) ends nothing
_GOES_ON = re.compile(r"\s+(?:\S*다\s+)?하")


def _goes_on(text: str, end: int) -> bool:
    return text[end - 1:end] == "다" and bool(_GOES_ON.match(text, end))


def _is_final(text: str, end: int) -> bool:
    """A sentence ends after a final ending followed by a space or the end ("아파요 숨도 차요")."""
    rest = text[end:end + 1]
    return rest == "" or rest.isspace()


def stream(text: str, lang: str) -> Stream:
    return korean(text) if lang == "ko" else english(text)


def one_edit(a: str, b: str) -> bool:
    """a and b differ by one letter changed, added, dropped or two letters swapped."""
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and
                                  a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))
