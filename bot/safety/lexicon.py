"""The safety lexicon of each language (lexicon/<lang>.yml) as typed rules,
compiled once. Like medspacy's rule objects, a rule with an unknown key, an
unknown category, direction, scope or sign is an error naming the file."""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Mapping, Set, Tuple

from bot import yaml_files
from bot import tokens as tk
from bot.safety import glides as glide_typos
from bot.safety.patterns import Compiler

_DIR = Path(__file__).with_name("lexicon")
LANGUAGES = ("en", "ko")


class Sign(str, Enum):
    FEVER = "fever"
    BLEEDING = "bleeding"
    CHEST_PAIN = "chest_pain"
    BREATHING = "breathing"
    FAINTING = "fainting"
    CONFUSION = "confusion"
    SELF_HARM = "self_harm"


class Category(str, Enum):
    NEGATED = "negated"
    RESOLVED = "resolved"
    HYPOTHETICAL = "hypothetical"
    GENERIC = "generic"
    ENVIRONMENT = "environment"
    IDIOM = "idiom"
    JOKE = "joke"  # "ㅋㅋ", "lol": a joke unless a word of time says it happened ("방금 기절함 ㅋㅋ")
    OTHER = "other"
    # Whose sign it is: an unrelated person named before the sign in its sentence, with no PERSON word (the
    # writer, the patient) between, is its subject ("my coworker fainted today"): a time does not make it ours
    OTHERS_OWN = "others_own"
    PERSON = "person"  # the writer or the patient ("I", "my mum", "저", "엄마")
    PRONOUN = "pronoun"  # "she", "his": whoever was named before it in the message
    CALL = "call"  # "someone help": a call for help, never a subject
    FICTION = "fiction"  # "the scene where", "드라마 주인공이": a story, never the person's
    HABITUAL = "habitual"  # "she gets breathless on the stairs": how it usually is; the bot asks about now
    EXERTION = "exertion"  # "walked up from the subway", "계단 뛰어 올라와서": an effort that explains breathlessness
    MILD = "mild"  # "a little", "살짝": said as slight; with an effort that explains it, nothing to advise
    ANIMAL = "animal"  # "our dog has been coughing up blood": a pet's sign, whatever its time
    LONG_PAST = "long_past"
    EVER = "ever"  # "한 적 있어요", "ever": at some time, undated; for self-harm the direct question
    PAST = "past"
    NOW = "now"
    ONGOING = "ongoing"  # "지금", "right now" elsewhere in the message: settles the tense, not whose it is
    # ConText's pseudo-modifiers: words that hold a cue but are none, swallowing it as a longer cue ("where
    # they did the biopsy": a past that is the procedure's, not the bleeding's)
    PSEUDO = "pseudo"
    HEDGE = "hedge"  # "I might be overreacting", "sorry if this is nothing": about the telling, not the sign
    # A temperature said of the body ("my temp is", "she's at", "체온"): the body's, whatever the room or the
    # weather around it ("the heating is up high, and my temp is 102")
    BODY = "body"
    # A sign named as the cause of a lasting state ("bedridden since his stroke"): what it left is told, not the
    # sign happening ("he's having a stroke" has no such cue)
    CAUSE = "cause"
    RECENT = "recent"  # minutes or hours ago, 방금: a faint or a seizure then is an emergency even if it is over
    PRESENT = "present"
    ESCALATION = "escalation"


class Direction(str, Enum):
    FORWARD = "forward"  # the cue comes before the sign
    BACKWARD = "backward"  # the cue comes after the sign
    BOTH = "both"


class Scope(str, Enum):
    CLAUSE = "clause"
    SENTENCE = "sentence"
    MESSAGE = "message"


@dataclass(frozen=True)
class SignRule:
    sign: Sign
    patterns: Tuple["re.Pattern[str]", ...]
    live: bool  # happening now on its own ("can't breathe")
    # A sign not said at full strength: despair not clearly about dying gets the direct question, live with a
    # word of time; a low-grade fever or dizziness alone gets "is this happening now?", nothing when past, and
    # advice beside a sign that is live (woozy while bleeding)
    ask: bool = False


@dataclass(frozen=True)
class ContextRule:
    category: Category
    direction: Direction
    scope: Scope
    patterns: Tuple["re.Pattern[str]", ...]
    signs: FrozenSet[Sign]  # empty: every sign
    window: int = 0  # at most this many tokens between cue and sign; 0: the whole scope


@dataclass(frozen=True)
class WarningSigns:
    """Self-harm told by what a person does or decides rather than named: a
    goodbye, a decision with a date, a high place, "for good". One cue alone is
    ordinary talk; cues of `need` different kinds, or `need` + 1 different cues,
    in one message are a sign."""
    need: int
    kinds: Tuple[Tuple[str, Tuple["re.Pattern[str]", ...]], ...]


@dataclass(frozen=True)
class Lexicon:
    lang: str
    signs: Tuple[SignRule, ...]
    context: Tuple[ContextRule, ...]
    temperature_words: FrozenSet[str]
    oxygen_words: FrozenSet[str]
    lab_words: FrozenSet[str] = frozenset()  # a number after these is a lab value, never a temperature
    vocabulary: FrozenSet[str] = frozenset()  # the words of the sign patterns: what a typo may be read as
    bound_nouns: FrozenSet[str] = frozenset()  # Korean nouns that are not a subject of their own (것, 적)
    dialect: Tuple[Tuple["re.Pattern[str]", str], ...] = ()  # regional forms -> the standard ones
    unwell: Tuple["re.Pattern[str]", ...] = ()  # feeling ill, not an emergency sign: never "I couldn't read that"
    better: Tuple["re.Pattern[str]", ...] = ()  # after advice: "he's fine now", "괜찮아졌어요"
    warnings: WarningSigns = WarningSigns(2, ())
    joiners: FrozenSet[str] = frozenset()  # a list's joining tokens: a negation reaches along the list
    negation_stops: FrozenSet[str] = frozenset()  # a denial said before them does not reach past them
    oxygen_trend: FrozenSet[str] = frozenset()  # "94 then 88": words that lead a reading on to the next
    first_person: FrozenSet[str] = frozenset()  # "I", "my", "저": never what "she" or "he" refers to
    glides: Tuple[Tuple[str, str], ...] = ()  # a vowel typed for one with a glide ("멈처요": ㅓ for ㅝ)
    # Never read as a typo: a word the context rules use ("easing" is not "eating"), a real word one letter
    # from a word of the signs (real_words: "horse" is not "house"), and what starts with a sign pattern's
    # stem ("chok*": "choking" is not "cooking")
    kept: FrozenSet[str] = frozenset()
    stems: Tuple[str, ...] = ()
    help_coming: Tuple["re.Pattern[str]", ...] = ()  # after advice: "the ambulance is on its way", "119 불렀어요"

    def standard(self, text: str) -> str:
        for rx, to in self.dialect:
            text = rx.sub(to, text)
        return glide_typos.restore(text, dict(self.glides))


def _check_keys(path: Path, where: str, row: Mapping, allowed: FrozenSet[str], required: FrozenSet[str]) -> None:
    unknown = set(row) - allowed
    if unknown:
        raise ValueError(f"{path}: {where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
    if not (set(row) & required):
        raise ValueError(f"{path}: {where}: needs one of {sorted(required)}")


def _patterns(compiler: Compiler, path: Path, where: str, row: Mapping) -> Tuple["re.Pattern[str]", ...]:
    sources: List[str] = ([row["p"]] if "p" in row else []) + list(row.get("any") or [])
    try:
        return tuple(compiler.compile(s) for s in sources)
    except (ValueError, re.error) as e:
        raise ValueError(f"{path}: {where}: {e}") from None


_SIGN_KEYS = frozenset({"p", "any", "live", "ask"})
_CONTEXT_KEYS = frozenset({"category", "direction", "scope", "p", "any", "signs", "window"})
_TOP_KEYS = frozenset({"classes", "signs", "context", "temperature", "oxygen", "grammar", "unwell", "better",
                       "help_coming",
                       "warning_signs", "list_joiners", "negation_stops", "real_words", "first_person"})


def _sign_rules(compiler: Compiler, path: Path, raw: Mapping) -> Tuple[SignRule, ...]:
    out = []
    for name, rows in raw.items():
        sign = Sign(name)
        for i, row in enumerate(rows):
            where = f"signs.{name}[{i}]"
            _check_keys(path, where, row, _SIGN_KEYS, frozenset({"p", "any"}))
            out.append(SignRule(sign, _patterns(compiler, path, where, row), bool(row.get("live", False)),
                                bool(row.get("ask", False))))
    return tuple(out)


def _context_rules(compiler: Compiler, path: Path, rows: List[Mapping]) -> Tuple[ContextRule, ...]:
    out = []
    for i, row in enumerate(rows):
        where = f"context[{i}]"
        _check_keys(path, where, row, _CONTEXT_KEYS, frozenset({"p", "any"}))
        try:
            rule = ContextRule(Category(row["category"]), Direction(row["direction"]), Scope(row["scope"]),
                               _patterns(compiler, path, where, row),
                               frozenset(Sign(s) for s in row.get("signs") or ()), int(row.get("window", 0)))
        except (KeyError, ValueError) as e:
            raise ValueError(f"{path}: {where}: {e}") from None
        out.append(rule)
    return tuple(out)


def _warning_signs(compiler: Compiler, path: Path, raw: Mapping) -> WarningSigns:
    if set(raw) - {"need", "kinds"}:
        raise ValueError(f"{path}: warning_signs: unknown key(s) {sorted(set(raw) - {'need', 'kinds'})}")
    try:
        kinds = tuple((str(kind), tuple(compiler.compile(p) for p in patterns))
                      for kind, patterns in (raw.get("kinds") or {}).items())
    except (ValueError, re.error) as e:
        raise ValueError(f"{path}: warning_signs: {e}") from None
    return WarningSigns(int(raw.get("need", 2)), kinds)


@lru_cache(maxsize=None)
def lexicon(lang: str, folder: Path = _DIR) -> Lexicon:
    path = folder / f"{lang}.yml"
    raw: Dict = yaml_files.read(path) or {}
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        raise ValueError(f"{path}: unknown key(s) {sorted(unknown)}")
    compiler = Compiler(lang, raw.get("classes") or {})
    def words(key: str) -> FrozenSet[str]:
        return frozenset(w.lower() for w in (raw.get(key) or {}).get("words") or ())

    grammar = raw.get("grammar") or {}
    unknown = set(grammar) - {"bound_nouns", "dialect", "nouns", "verbs", "glides"}
    if unknown:
        raise ValueError(f"{path}: grammar: unknown key(s) {sorted(unknown)}")
    tk.keep_whole(grammar.get("nouns") or ())
    tk.keep_whole(grammar.get("verbs") or (), verb=True)
    dialect = tuple((re.compile(row["from"]), row["to"]) for row in grammar.get("dialect") or ())
    temperature = raw.get("temperature") or {}
    if set(temperature) - {"words", "lab_words"}:
        raise ValueError(f"{path}: temperature: unknown key(s) {sorted(set(temperature) - {'words', 'lab_words'})}")
    if set(raw.get("oxygen") or {}) - {"words", "trend"}:
        raise ValueError(f"{path}: oxygen: unknown key(s) {sorted(set(raw['oxygen']) - {'words', 'trend'})}")
    return Lexicon(lang, _sign_rules(compiler, path, raw.get("signs") or {}),
                   _context_rules(compiler, path, raw.get("context") or []), words("temperature"), words("oxygen"),
                   frozenset(w.lower() for w in temperature.get("lab_words") or ()),
                   _vocabulary(raw) if lang == "en" else frozenset(),
                   frozenset(grammar.get("bound_nouns") or ()), dialect,
                   tuple(compiler.compile(p) for p in raw.get("unwell") or ()),
                   tuple(compiler.compile(p) for p in raw.get("better") or ()),
                   _warning_signs(compiler, path, raw.get("warning_signs") or {}),
                   frozenset(raw.get("list_joiners") or ()), frozenset(raw.get("negation_stops") or ()),
                   frozenset(w.lower() for w in (raw.get("oxygen") or {}).get("trend") or ()),
                   frozenset(raw.get("first_person") or ()),
                   tuple((str(a), str(b)) for a, b in (grammar.get("glides") or {}).items()),
                   _kept(raw) if lang == "en" else frozenset(), _stems(raw) if lang == "en" else (),
                   tuple(compiler.compile(p) for p in raw.get("help_coming") or ()))


def _pattern_texts(raw: Mapping) -> List[str]:
    texts = [e for entries in (raw.get("classes") or {}).values() for e in entries]
    texts += [p for rows in (raw.get("signs") or {}).values() for row in rows
              for p in ([row["p"]] if "p" in row else []) + list(row.get("any") or [])]
    return texts + [p for rows in ((raw.get("warning_signs") or {}).get("kinds") or {}).values() for p in rows]


def _stems(raw: Mapping) -> Tuple[str, ...]:
    """The sign patterns' word starts of four letters or more ("chok*", "hurt*")."""
    return tuple(sorted(set(re.findall(r"[a-z'-]{4,}(?=\*)", " ".join(_pattern_texts(raw)).lower()))))


def _kept(raw: Mapping) -> FrozenSet[str]:
    """The real words, and the whole words of the context rules."""
    cues = [p for row in raw.get("context") or ()
            for p in ([row["p"]] if "p" in row else []) + list(row.get("any") or [])]
    words = re.findall(r"(?<![a-z*'])[a-z]{4,}(?![a-z*'])", " ".join(cues).lower().replace("_", " "))
    return frozenset(words) | {w.lower() for w in raw.get("real_words") or ()}


def _vocabulary(raw: Mapping) -> FrozenSet[str]:
    """Every whole word of four letters or more in the sign and warning patterns and classes (a four-letter
    one is reached only by two letters swapped), and the usual endings of a stem of five letters or more
    ("bleed*": bleeding, bleeds); a four-letter stem is kept bare ("hurt*": hurt), as its endings would make
    words nobody writes ("noteing")."""
    out: Set[str] = set()
    for word in re.findall(r"[a-z*'-]+", " ".join(_pattern_texts(raw)).lower().replace("_", " ").replace("|", " ")):
        stem = word.rstrip("*")
        if word.endswith("*") and len(stem) < 4:
            continue
        forms = [stem + end for end in ("", "s", "ed", "ing")] if word.endswith("*") and len(stem) >= 5 else [stem]
        out.update(f for f in forms if len(f) >= 4 and "'" not in f)
    return frozenset(out)
