"""The safety scan: which signs a message says are happening now, which it
names without time or severity (the bot asks), and the words left once the
clauses that carry a sign are taken out (an answer said beside a sign).

Each sign mention gets the context categories whose cues reach it (a
ConText-style pass: a cue's direction and scope, per language, from the
lexicon), and then one decision (`decide`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

from spacy.lang.en.stop_words import STOP_WORDS

from bot import tokens as tk
from bot.safety.lexicon import Category, ContextRule, Direction, Lexicon, Scope, Sign, lexicon
from bot.safety.patterns import Span, find
from bot.safety.measures import BODY_MAX_C, FEVER_C, saturations, temperatures

MAX_CHARS = 4000  # a longer message is scanned in its first and last parts
_COMMON = frozenset(STOP_WORDS)  # never corrected as typos

_EXCLUDING = frozenset({Category.NEGATED, Category.ENVIRONMENT, Category.IDIOM, Category.HYPOTHETICAL,
                        Category.FICTION, Category.ANIMAL, Category.OTHERS_OWN, Category.CAUSE})
_UNLESS_NOW = frozenset({Category.GENERIC, Category.OTHER, Category.LONG_PAST, Category.EVER, Category.JOKE})
_SUDDEN = frozenset({Sign.FAINTING, Sign.CONFUSION})
# A question or a joke about a sign with "right now", "still", "지금" in the message: it is happening
# ("is this normal? it's sharp right now", "ㅋㅋ 지금 39.4도")
_ASKED_WHILE = frozenset({Category.GENERIC, Category.JOKE})
_TIMED = frozenset({Category.NOW, Category.RECENT, Category.ONGOING})
_WHO = frozenset({Category.OTHER, Category.PERSON, Category.PRONOUN})
_POSSESSIVE = frozenset({"'s", "s", "'", "의/J"})
_KO_OBJECT = frozenset({"을/J", "를/J", "에게/J", "한테/J", "께/J", "랑/J", "이랑/J", "하고/J", "와/J", "과/J"})
_KO_SUBJECT = frozenset({"이/J", "가/J", "은/J", "는/J", "을/J", "를/J"})  # "숨이 가빠서 말을 못 해요"
# A cue inside the sign's own words still tells its tense ("passed out", "is
# bleeding"); a cue around the whole sign is its frame ("is a fever dangerous?",
# "gave me a heart attack"); a shorter cue inside a longer sign is part of what
# was said ("can't catch my breath" is not "catch my breath", "won't stop" is
# not "stopped").
_TENSE = frozenset({Category.PAST, Category.PRESENT, Category.NOW, Category.ONGOING, Category.RECENT,
                    Category.ESCALATION})
_DESCRIBED = frozenset({Category.ENVIRONMENT, Category.OTHER})  # may be a sign's own description
_QUALIFIERS = frozenset({Category.EXERTION, Category.MILD})  # "숨이 좀 차요": inside the sign's words, it counts
_FRAME = frozenset({Category.GENERIC, Category.IDIOM, Category.ENVIRONMENT, Category.HYPOTHETICAL, Category.OTHER,
                    Category.FICTION, Category.ANIMAL, Category.HABITUAL, Category.LONG_PAST, Category.CAUSE})
# Korean endings that carry a clause's negation or condition: after the sign's
# own predicate, they belong to the next predicate ("가슴이 아프다고 숨을 못 쉬어요":
# the 못 is about breathing), unless the clauses are joined by "or".
_PREDICATE_BOUND = frozenset({Category.NEGATED, Category.HYPOTHETICAL})
_OR = frozenset({"거나/E", "든지/E", "든가/E", "나/E"})
# A word of time or of "more" before a Korean condition is the condition's ("혈소판이 더 떨어지면 피가 안
# 멈출 수도 있나요?": the 더 is about the platelets), not the sign's after it.
_CONDITION = frozenset({"면/E", "으면/E", "다면/E", "ᆫ다면/E", "는다면/E", "라면/E"})
_CONDITION_BOUND = frozenset({Category.ESCALATION, Category.NOW})
# Light and auxiliary verbs carry the same clause on ("쓰러지기라도 하면", "토하게 되면").
_AUXILIARY = frozenset({"하/V", "되/V", "있/V", "보/V", "주/V", "싶/V", "지/V", "버리/V", "않/V", "나/V", "같/V",
                        "이/V"})


class Status(Enum):
    LIVE = "live"
    UNCLEAR = "unclear"
    NONE = "none"


@dataclass(frozen=True)
class Mention:
    sign: Sign
    span: Span
    live_rule: bool
    categories: FrozenSet[Category] = frozenset()
    measured: bool = False  # a temperature or saturation: "올랐어요" tells when it rose, not that it is over
    ask: bool = False  # "hopeless", "나쁜 생각": the direct question, never advice alone


@dataclass(frozen=True)
class Finding:
    live: Tuple[Sign, ...] = ()
    unclear: Tuple[Sign, ...] = ()
    escalation: bool = False  # "it's getting worse", "더 심해졌어요"
    rest: str = ""  # the message without the clauses that name a sign
    unwell: bool = False  # feeling ill in words that are not a sign ("still spinning", "어지러워요")
    better: bool = False  # "he's fine now", "괜찮아졌어요"
    help_coming: bool = False  # "the ambulance is on its way", "응급실 가는 중이에요"

    @property
    def any(self) -> bool:
        return bool(self.live or self.unclear)


def decide(m: Mention) -> Status:
    cats = m.categories
    now = bool(cats & {Category.NOW, Category.RECENT, Category.ESCALATION})
    if cats & _EXCLUDING:
        return Status.NONE
    if Category.RESOLVED in cats and Category.ESCALATION not in cats and \
            not (Category.RECENT in cats and m.sign in _SUDDEN):
        return Status.NONE  # "it stopped", "지금은 괜찮아요": over, unless it came back
    if (m.sign == Sign.SELF_HARM or m.sign in _SUDDEN) and not now and Category.EVER in cats and \
            not cats & (_UNLESS_NOW - {Category.EVER}):
        return Status.UNCLEAR  # "자해한 적 있어요", "쓰러진 적 있어요": asked about, never silence
    if cats & _UNLESS_NOW and not now and not (cats & _UNLESS_NOW <= _ASKED_WHILE and Category.ONGOING in cats):
        return Status.NONE  # "is chest pain normal? because it's very sharp right now": asked while it happens
    if Category.OTHER in cats and Category.RESOLVED in cats:
        return Status.NONE  # "my coworker fainted today, she's fine": someone else's, and over
    if cats >= {Category.EXERTION, Category.MILD} and not m.live_rule and Category.ESCALATION not in cats:
        return Status.NONE  # "a little breathless on the stairs": slight, and explained by the effort
    if Category.HABITUAL in cats and not now and Category.ONGOING not in cats:
        return Status.UNCLEAR
    if m.ask and m.sign != Sign.SELF_HARM:  # dizziness alone, a slight fever: asked, unless it is past
        return Status.NONE if Category.PAST in cats and not now else Status.UNCLEAR
    if m.ask:  # "나쁜 생각 들어요. 오늘.": said with a time, it is happening
        return Status.LIVE if now else Status.UNCLEAR
    if m.sign == Sign.SELF_HARM or now or Category.ONGOING in cats:
        return Status.LIVE
    if Category.PAST in cats and not m.measured and m.sign not in _SUDDEN:
        return Status.UNCLEAR  # a faint or a stroke sign told without a time has just happened
    return Status.LIVE if m.live_rule or Category.PRESENT in cats else Status.UNCLEAR


def _reaches(lex: Lexicon, rule: ContextRule, cue: Span, m: Mention, toks: Sequence[tk.Token]) -> bool:
    if rule.signs and m.sign not in rule.signs:
        return False
    overlaps = cue.start < m.span.end and m.span.start < cue.end
    if overlaps:
        inside = m.span.start <= cue.start and cue.end <= m.span.end
        return rule.category in _TENSE | _QUALIFIERS or (rule.category in _FRAME and not inside)
    if rule.direction == Direction.FORWARD and cue.end > m.span.start:
        return False
    if rule.direction == Direction.BACKWARD and cue.start < m.span.end:
        return False
    gap = cue.start - m.span.end if cue.start >= m.span.end else m.span.start - cue.end
    if rule.window and gap > rule.window:
        return False
    if rule.category == Category.NEGATED and lex.bound_nouns and _new_subject(lex, toks, m.span.end, cue.start):
        return False  # "열이 38.5라 정신이 없어요": the 없 is about 정신
    if rule.category == Category.NEGATED and cue.end <= m.span.start and \
            any(t.text in lex.negation_stops for t in toks[cue.end:m.span.start]):
        return False  # "no fever and vomiting blood": the no is the fever's
    if rule.category == Category.RESOLVED and _activity_after(toks, cue, m.span):
        return False  # "she's stopped taking her meds": an activity stopped, not the sign
    if rule.category in _PREDICATE_BOUND and lex.bound_nouns and _next_predicate(toks, m.span, cue.start):
        return False
    if rule.category in _CONDITION_BOUND and lex.bound_nouns and cue.end <= m.span.start and \
            any(t.text in _CONDITION for t in toks[cue.end:m.span.start]):
        return False
    near = toks[cue.start] if cue.start >= m.span.end else toks[cue.end - 1]
    if rule.scope == Scope.CLAUSE:
        return toks[m.span.start].clause <= near.clause <= toks[m.span.end - 1].clause
    if rule.scope == Scope.SENTENCE:
        return toks[m.span.start].sentence <= near.sentence <= toks[m.span.end - 1].sentence
    return True


def _activity_after(toks: Sequence[tk.Token], cue: Span, span: Span) -> bool:
    """An English verb in -ing right after a word of stopping, outside the sign's own words: what stopped is
    that activity ("stopped taking her meds", "quit answering"); "it stopped bleeding" is the sign's."""
    if cue.end >= len(toks) or span.start <= cue.end < span.end:
        return False
    word = toks[cue.end].text
    return len(word) > 4 and word.isalpha() and word.endswith("ing")


def _new_subject(lex: Lexicon, toks: Sequence[tk.Token], start: int, end: int) -> bool:
    """A subject or topic of its own between a sign and a negation after it: a
    noun that takes 이/가/은/는 and is not one the lexicon calls bound (것, 적, 소견)."""
    between = toks[start:end]
    return any(a.text.endswith("/N") and a.text[:-2] not in lex.bound_nouns and b.text in _KO_SUBJECT
               for a, b in zip(between, between[1:]))


def _categories(lex: Lexicon, cues: List[Tuple[ContextRule, Span]], m: Mention,
                toks: Sequence[tk.Token]) -> FrozenSet[Category]:
    """The context categories whose cues reach this mention."""
    cats = frozenset(rule.category for rule, cue in cues if _reaches(lex, rule, cue, m, toks))
    if Category.BODY in cats:  # "my temp is 102" beside "the heating is up high": the body's own number
        cats -= {Category.ENVIRONMENT}
    if Category.OTHER not in cats:
        return cats
    whose = _whose(lex, cues, m, toks)
    if whose == Category.PERSON:  # "엄마가 쓰러지셨는데 옆 침대 아저씨가 불러 줬어요": the mother's
        return cats - {Category.OTHER}
    return cats | {Category.OTHERS_OWN} if whose == Category.OTHER else cats


def _whose(lex: Lexicon, cues: List[Tuple[ContextRule, Span]], m: Mention, toks: Sequence[tk.Token]
           ) -> Optional[Category]:
    """Who is named last before the sign in its sentence: an unrelated person (OTHER: "my coworker fainted
    today", "옆 침대 할아버지가 피를 토하셔서"), the writer or the patient (PERSON; one in the sign's own words,
    "someone is standing on my chest", counts last), or nobody (None). A relative of an unrelated person
    ("my friend's mum", "동료 아버님") is unrelated; a Korean noun that takes an object particle is no subject.
    "she" never means the writer: "a woman in my support group said she had a fever" is the woman's."""
    sentence = toks[m.span.start].sentence
    named = sorted(((cue, rule.category) for rule, cue in cues if rule.category in _WHO and not _object(toks, cue)),
                   key=lambda c: c[0].start)
    last: Optional[Tuple[int, Category]] = None
    others_end, before = -1, Category.PERSON
    for cue, cat in named:
        whose = before if cat == Category.PRONOUN else cat
        whose = Category.OTHER if _possessed(toks, others_end, cue) else whose
        first_person = all(t.text in lex.first_person for t in toks[cue.start:cue.end])
        others_end = cue.end if whose == Category.OTHER else others_end
        before = before if first_person and cat == Category.PERSON else whose
        inside = whose == Category.PERSON and m.span.start <= cue.start < m.span.end
        if toks[cue.start].sentence == sentence and (cue.end <= m.span.start or inside):
            last = max(last or (-1, whose), (m.span.end if inside else cue.end, whose), key=lambda x: x[0])
    return last[1] if last else None


def _possessed(toks: Sequence[tk.Token], others_end: int, cue: Span) -> bool:
    """"friend's mum", "친구 어머니", "동료의 아버님": a person of the unrelated person just named."""
    return others_end >= 0 and all(t.text in _POSSESSIVE for t in toks[others_end:cue.start])


def _object(toks: Sequence[tk.Token], cue: Span) -> bool:
    """A Korean noun phrase that ends in an object particle ("돌아가신 할아버지를 찾으면서"): not a subject."""
    after = next((t.text for t in toks[cue.end:] if not t.text.endswith("/N")), "")
    return after in _KO_OBJECT


def _next_predicate(toks: Sequence[tk.Token], span: Span, end: int) -> bool:
    """Another predicate between the sign and a cue after it, not joined by "or".
    A sign named without its verb ("고열은 안 나요") takes the first verb as its own."""
    between = toks[span.end:end]
    if any(t.text in _OR for t in between):
        return False
    verbs = [t for t in between if t.text.endswith("/V") and t.text not in _AUXILIARY]
    own = any(t.text.endswith("/V") for t in toks[span.start:span.end])
    return len(verbs) > (0 if own else 1)


def _cues(lex: Lexicon, stream: tk.Stream) -> List[Tuple[ContextRule, Span]]:
    """Every cue; one inside a longer cue of another category is dropped, as
    medspacy does with overlapping modifiers ("안 없어지고": not going away).
    What qualifies a sign (an effort, "a little") stands beside the other cues."""
    found = [(rule, span) for rule in lex.context for rx in rule.patterns for span in find(rx, stream)]
    return [(rule, span) for rule, span in found
            if rule.category in _QUALIFIERS or
            not any(o.category != rule.category and o.category not in _QUALIFIERS and o_span.start <= span.start
                    and span.end <= o_span.end and (o_span.end - o_span.start) > (span.end - span.start)
                    for o, o_span in found)]


def _own_words_apart(cues: List[Tuple[ContextRule, Span]], mentions: Sequence[Mention]
                     ) -> List[Tuple[ContextRule, Span]]:
    """A place or a person inside a sign's own words is part of what it describes, not a frame for the
    others: the room in "doesn't recognise the room" is no hot room for "fever of 39", the inside in "cooking
    from the inside" no indoors, the someone in "thinks I'm someone else" nobody else's sign. (A condition or
    a question inside a sign's words still frames the rest: "눈 감고 안 떴으면".)"""
    return [(rule, cue) for rule, cue in cues
            if rule.category not in _DESCRIBED or
            not any(m.span.start <= cue.start and cue.end <= m.span.end for m in mentions)]


def _corrected(lex: Lexicon, stream: tk.Stream) -> tk.Stream:
    """Typos one edit away from a word of the signs ("pasted out", "my chess hurts",
    "kill hinself") read as that word; offsets stay the person's."""
    if not lex.vocabulary:
        return stream
    fixed = [tk.Token(_nearest(t.text, lex.vocabulary, lex.kept, lex.stems), t.start, t.end, t.sentence, t.clause)
             for t in stream.tokens]
    return tk.Stream(stream.lang, tuple(fixed))


@lru_cache(maxsize=8192)
def _nearest(word: str, vocabulary: FrozenSet[str], kept: FrozenSet[str] = frozenset(),
             stems: Tuple[str, ...] = ()) -> str:
    if len(word) < 4 or word in vocabulary or not word.isalpha() or word in _COMMON or word in kept or \
            word.startswith(stems):
        return word  # "there" is not a typo of "three"; "choking" (chok*) is a word of the signs
    if len(word) == 4:  # a short word is read as another only with two letters swapped ("chset pian")
        swapped = sorted(k for k in vocabulary if len(k) == 4 and k[0] == word[0] and tk.one_edit(word, k)
                         and sorted(k) == sorted(word))
        return swapped[0] if swapped else word
    near = sorted((abs(len(k) - len(word)), k) for k in vocabulary
                  if k[0] == word[0] and abs(len(k) - len(word)) <= 1 and tk.one_edit(word, k)
                  and (len(word) <= len(k) or _doubled(word, k)))
    return near[0][1] if near else word  # sorted: the same reading on every run


def _doubled(word: str, k: str) -> bool:
    """A letter typed twice ("bleeeding"), not another word with a letter more ("stairs" is not "stars")."""
    return any(word[i] == word[i - 1] and word[:i] + word[i + 1:] == k for i in range(1, len(word)))


def _longest(found: List[Mention]) -> List[Mention]:
    """One reading per place: a mention inside a longer one of the same sign, or of
    self-harm, is dropped ("코피" inside "코피가 잘 안 멈추나요"), as spaCy's filter_spans does."""
    def inside(a: Mention, b: Mention) -> bool:
        # Inside a wish to die, body words are the wish's ("go to sleep and not wake up" is no faint).
        return (a.sign == b.sign or b.sign == Sign.SELF_HARM) and b.span.start <= a.span.start and \
            a.span.end <= b.span.end and (b.span.end - b.span.start) > (a.span.end - a.span.start)
    return [m for m in found if not any(inside(m, o) for o in found)]


def _mentions(lex: Lexicon, stream: tk.Stream, text: str, measures: bool
              ) -> Tuple[List[Mention], List[Tuple[float, Span]]]:
    found = _longest([Mention(rule.sign, span, rule.live, ask=rule.ask)
                      for rule in lex.signs for rx in rule.patterns for span in find(rx, stream)])
    if not measures:
        return found, []
    temps = [(t, span) for t in temperatures(text, lex.temperature_words, lex.lab_words)
             for span in [_span_of(stream, t.start, t.end)] if span]
    found += [Mention(Sign.FEVER, span, True, measured=True) for t, span in temps if t.fever]
    found += [Mention(Sign.BREATHING, span, True, measured=True)
              for s in saturations(text, lex.oxygen_words, lex.oxygen_trend)
              if s.low for span in [_span_of(stream, s.start, s.end)] if span]
    return found, [(t.celsius, span) for t, span in temps]


def _span_of(stream: tk.Stream, start: int, end: int) -> Optional[Span]:
    idx = [i for i, tok in enumerate(stream.tokens) if tok.start < end and start < tok.end]
    return Span(idx[0], idx[-1] + 1) if idx else None


def _scan_stream(lex: Lexicon, text: str, measures: bool = True
                 ) -> Tuple[List[Tuple[Mention, Status]], bool, tk.Stream, List[float]]:
    """`text` is already in standard forms (`Lexicon.standard`)."""
    stream = _corrected(lex, tk.stream(text, lex.lang))
    mentions, measured = _mentions(lex, stream, text, measures)
    temps = [c for c, _ in measured]
    # "오늘 43도라 숨이 막혀요": a temperature no body has is the air, and what it does to breathing is the weather
    hot_air = {stream.tokens[span.start].sentence for c, span in measured if c > BODY_MAX_C}
    cues = _own_words_apart(_cues(lex, stream), mentions)
    judged = []
    timed = frozenset(rule.category for rule, _ in cues) & _TIMED
    for m in mentions:
        cats = _categories(lex, cues, m, stream.tokens)
        if m.ask:  # despair with a time anywhere in the message ("...싶어요. 요즘 매일 그래요") is happening
            cats |= timed
        if m.sign in (Sign.BREATHING, Sign.FEVER) and stream.tokens[m.span.start].sentence in hot_air:
            cats |= {Category.ENVIRONMENT}
        m = Mention(m.sign, m.span, m.live_rule, cats, m.measured, m.ask)
        judged.append((m, decide(m)))
    judged = _along_lists(lex, judged, stream.tokens) + _warning_signs(lex, stream, cues)
    escalation = any(rule.category == Category.ESCALATION for rule, _ in cues)
    return judged, escalation, stream, temps


def _along_lists(lex: Lexicon, judged: List[Tuple[Mention, Status]], toks: Sequence[tk.Token]
                 ) -> List[Tuple[Mention, Status]]:
    """A negation reaches along a list: a sign joined to a denied one only by "or", "," ("no chest pain or
    shortness of breath") is denied too."""
    out: List[Tuple[Mention, Status]] = []
    for m, status in judged:
        denied = any(Category.NEGATED in d.categories and d.span.end <= m.span.start and
                     toks[d.span.start].sentence == toks[m.span.start].sentence and
                     all(t.text in lex.joiners for t in toks[d.span.end:m.span.start]) for d, _ in out)
        if denied and Category.NEGATED not in m.categories:
            m = Mention(m.sign, m.span, m.live_rule, m.categories | {Category.NEGATED}, m.measured, m.ask)
            status = decide(m)
        out.append((m, status))
    return out


def _warning_signs(lex: Lexicon, stream: tk.Stream, cues: List[Tuple[ContextRule, Span]],
                   ) -> List[Tuple[Mention, Status]]:
    """Self-harm told by acts and decisions: each cue is judged in its context
    like a sign (a goodbye in a TV show, a bridge "years ago" do not count);
    enough live cues together are the sign."""
    found: List[Tuple[str, int, Mention]] = []
    for kind, patterns in lex.warnings.kinds:
        for n, rx in enumerate(patterns):
            for span in find(rx, stream):
                m = Mention(Sign.SELF_HARM, span, True)
                cats = _categories(lex, cues, m, stream.tokens)
                m = Mention(m.sign, span, True, cats)
                if decide(m) == Status.LIVE:
                    found.append((kind, n, m))
    kinds = {kind for kind, _, _ in found}
    cues_told = {(kind, n) for kind, n, _ in found}
    if len(kinds) >= lex.warnings.need or len(cues_told) > lex.warnings.need:
        return [(m, Status.LIVE) for _, _, m in found]
    return []


def _rest(stream: tk.Stream, text: str, spans: Iterable[Span]) -> str:
    clauses = {stream.tokens[i].clause for s in spans for i in range(s.start, s.end)}
    by_clause: Dict[int, Tuple[int, int]] = {}
    for t in stream.tokens:
        if t.clause not in clauses:
            a, b = by_clause.get(t.clause, (t.start, t.end))
            by_clause[t.clause] = (min(a, t.start), max(b, t.end))
    pieces = [text[a:b].strip(" ,;") for a, b in sorted(by_clause.values())]
    return re.sub(r"\s+", " ", " ".join(p for p in pieces if p)).strip(" ,;.")


def _languages(text: str) -> List[str]:
    """The languages of a message, its main one last (the one whose pass reads the numbers)."""
    latin = len(re.findall(r"[A-Za-z]", text)) if re.search(r"[A-Za-z]{2,}", text) else 0
    hangul = len(re.findall(r"[\uac00-\ud7a3\u3131-\u318e]", text))
    langs = [lang for n, lang in sorted([(latin, "en"), (hangul * 2, "ko")]) if n]  # a syllable is ~2 letters
    return langs or ["en"]


def _latin_apart(text: str) -> str:
    """"chest가 너무 tight하고": English words inside Korean, apart for the English pass."""
    return re.sub(r"(?<=[A-Za-z])(?=[\uac00-\ud7a3])|(?<=[\uac00-\ud7a3])(?=[A-Za-z])", " ", text)


def scan(text: str) -> Finding:
    text = (text or "").strip()
    if not text:
        return Finding()
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS // 2] + "\n" + text[-MAX_CHARS // 2:]
    live, unclear, escalation, rest, unwell, better, coming = set(), set(), False, text, False, False, False
    langs = _languages(text)
    told: Set[Sign] = set()  # signs told without time; not the direct question's despair
    judged_in: Dict[str, Dict[Sign, Set[Status]]] = {}
    for lang in langs:
        lex = lexicon(lang)
        standard = lex.standard(_latin_apart(text) if lang == "en" and len(langs) > 1 else text)
        # In a mixed message the numbers are read with the main language's context ("38.0도인가요?").
        judged, esc, stream, temps = _scan_stream(lex, standard, measures=lang == langs[-1])
        escalation = escalation or esc
        unwell = unwell or any(find(rx, stream) for rx in lex.unwell)
        better = better or any(find(rx, stream) for rx in lex.better)
        coming = coming or any(find(rx, stream) for rx in lex.help_coming)
        judged_in[lang] = {}
        for m, status in judged:
            judged_in[lang].setdefault(m.sign, set()).add(status)
        for m, status in judged:
            if m.sign == Sign.FEVER and temps and max(temps) < FEVER_C:
                continue  # "a temperature of 37.2": the number decides
            if status == Status.LIVE:
                live.add(m.sign)
            elif status == Status.UNCLEAR:
                unclear.add(m.sign)
                if not (m.ask and m.sign == Sign.SELF_HARM):  # woozy beside a bleed is the same episode
                    told.add(m.sign)
        named = [m.span for m, status in judged if status != Status.NONE]
        if named and lang == langs[-1]:  # a message in dialect keeps no answer part (offsets moved)
            rest = _rest(stream, text, named) if standard == text else ""
    if len(langs) > 1:  # a Korean sentence with "fever" in it: the Korean pass reads its context
        main = judged_in.get(langs[-1], {})
        unclear -= {sign for sign in unclear if main.get(sign) == {Status.NONE}}
        told -= {sign for sign in told if main.get(sign) == {Status.NONE}}
    if live:  # told beside a sign that is happening now, it is part of the same episode
        live |= told
    order = list(Sign)
    return Finding(tuple(sorted(live, key=order.index)), tuple(sorted(unclear - live, key=order.index)),
                   escalation, rest if (live or unclear) else text, unwell, better, coming)
