"""Finding a trial's terms in what a person typed, with whether each is
negated, uncertain, past or hypothetical.

English goes through spaCy (a blank English tokenizer, an EntityRuler built
from the trial's vocabulary, medspacy's ConText); Korean, which attaches
particles to words, through substring matches and the clause around them.
Built once per process and vocabulary; no model download."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, cast

from bot import yaml_files
from bot.eligibility.lexicon import EN, KO
from bot.eligibility.text import is_korean, pattern

CUE = "CUE"
_RULES_PATH = Path(__file__).with_name("context_rules.yml")


@dataclass(frozen=True)
class Mention:
    label: str  # DRUG / DISEASE / CANCER / CUE (a question's own phrases)
    id: str  # the vocabulary id, or the cue key
    text: str
    negated: bool = False
    uncertain: bool = False
    past: bool = False
    hypothetical: bool = False

    @property
    def affirmed(self) -> bool:
        return not (self.negated or self.uncertain or self.hypothetical)


Vocabulary = Mapping[str, Mapping[str, Mapping[str, Sequence[str]]]]  # label -> id -> lang -> words
Cues = Mapping[str, Mapping[str, Sequence[str]]]  # key -> lang -> phrases


def _freeze_cues(cues: Optional[Cues]) -> Tuple:
    if not cues:
        return ()
    return tuple(sorted((k, tuple(v.get("en", ())), tuple(v.get("ko", ()))) for k, v in cues.items()))


def _quiet_medspacy() -> None:
    # medspacy logs DEBUG lines through loguru; answers must never reach a log.
    from loguru import logger

    for name in ("medspacy", "PyRuSH", "PyFastNER", "quicksectx"):
        logger.disable(name)


@lru_cache(maxsize=32)  # one per trial vocabulary a site screens with (and test copies)
def _pipeline(vocab_key: str):
    _quiet_medspacy()
    import spacy
    import medspacy  # noqa: F401  (registers the medspacy_context factory)
    from medspacy.context import ConText, ConTextRule
    from spacy.pipeline import EntityRuler

    vocabulary = _VOCABS[vocab_key]
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"}))
    ruler.add_patterns([{"label": label, "pattern": _ruler_pattern(nlp, p), "id": ent_id}
                        for label, ids in vocabulary.items() for ent_id, langs in ids.items()
                        for p in _with_headless(langs.get("en", ()))])
    context = cast(ConText, nlp.add_pipe("medspacy_context"))
    context.add([ConTextRule(**rule) for rule in yaml_files.read(_RULES_PATH)])
    return nlp


def _with_headless(names: Sequence[str]) -> List[str]:
    """The names and, for one ending in a head people leave out (EN.diagnosis.heads) after at least two
    qualifiers ("acute lymphoblastic leukemia"), the qualifiers alone ("acute lymphoblastic")."""
    out = list(names)
    for name in names:
        words = name.split()
        if len(words) >= 3 and words[-1].lower() in EN.diagnosis.heads and " ".join(words[:-1]) not in out:
            out.append(" ".join(words[:-1]))
    return out


def capitals(word: str) -> bool:
    """A term written with capitals in vocabulary.yml ("ALL", "b-cell ALL") is
    matched in capitals only: "ALL" is a leukaemia, "all" a word."""
    return word != word.lower()


def _ruler_pattern(nlp, word: str):
    """A phrase matched in any case, or token by token with its capitals kept."""
    if not capitals(word):
        return word
    return [{"TEXT": t.text} if capitals(t.text) else {"LOWER": t.text} for t in nlp.make_doc(word)]


_VOCABS: Dict[str, Vocabulary] = {}


def register(key: str, vocabulary: Vocabulary) -> str:
    """Makes a trial's vocabulary known under `key` (its trial id)."""
    _VOCABS[key] = vocabulary
    return key


def _cue_matcher(vocab_key: str, cues: Tuple):
    return _matcher_for(_pipeline(vocab_key), cues)


@lru_cache(maxsize=256)
def _matcher_for(nlp, cues: Tuple):
    """Keyed by the pipeline itself: a matcher holds its pipeline's strings, so
    a pipeline built again (after eviction) gets a matcher of its own."""
    from spacy.matcher import PhraseMatcher

    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for key, en, _ko in cues:
        if en:
            matcher.add(key, [nlp.make_doc(p) for p in en])
    return matcher


def _modified(ent, category: str) -> bool:
    # A modifier inside the entity itself ("n't" in "can't breathe") is part
    # of what was said, not a comment on it.
    for mod in ent._.modifiers:
        start, end = mod.modifier_span
        if mod.category == category and (end <= ent.start or start >= ent.end):
            return True
    return False


def _english(text: str, vocab_key: str, cues: Tuple) -> List[Mention]:
    nlp = _pipeline(vocab_key)
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name != "medspacy_context":
            doc = proc(doc)
    if cues:
        from spacy.tokens import Span
        from spacy.util import filter_spans

        matcher = _cue_matcher(vocab_key, cues)
        spans = [Span(doc, s, e, label=CUE, kb_id=doc.vocab.strings[m]) for m, s, e in matcher(doc)]
        doc.ents = filter_spans(list(doc.ents) + spans)
    if _shouted(doc):  # "NO, NOT AT ALL": capitals say nothing when every word has them
        doc.ents = [e for e in doc.ents if not capitals(e.text)]
    doc = nlp.get_pipe("medspacy_context")(doc)
    # "<medicine>? no", "MPN no": a bare no right after a term denies it.
    trailing_no = [bool(_TRAILING_NO.match(text[e.end_char:])) or bool(_NO_JUST_BEFORE.search(text[:e.start_char]))
                   for e in doc.ents]
    return [Mention(e.label_, e.kb_id_ if e.label_ == CUE else e.ent_id_, e.text,
                    negated=_modified(e, "NEGATED_EXISTENCE") or no_after,
                    uncertain=_modified(e, "POSSIBLE_EXISTENCE")
                    or bool(_MAYBE_JUST_BEFORE.search(text[:e.start_char])),
                    past=_modified(e, "HISTORICAL"), hypothetical=_modified(e, "HYPOTHETICAL"))
            for e, no_after in zip(doc.ents, trailing_no)]


def _shouted(doc) -> bool:
    """Every word of two letters or more outside the terms is in capitals."""
    inside = {i for e in doc.ents for i in range(e.start, e.end)}
    words = [t.text for t in doc if t.i not in inside and t.is_alpha and len(t.text) > 1]
    return bool(words) and all(w.isupper() for w in words)


# "it hasn't turned into leukaemia": a negation right before a term that starts with a word ending other
# negations' reach ("turned", "became") still denies it.
_NO_JUST_BEFORE = re.compile(r"(?:\bnot|n't|\bnever)\s+(?:(?:yet|really|ever|actually|been)\s+)*$", re.I)
# "her PV may have turned into AML": the same for a doubt right before such a term.
_MAYBE_JUST_BEFORE = re.compile(r"\b(?:may|might|could|possibly|probably|maybe)\s+(?:(?:have|has|already|been)\s+)*$",
                                re.I)
_TRAILING_NO = re.compile(r"\s*[?:,-]?\s*(?:no|nope|never|not)\s*(?:[,.;!]|$|\band\b|\bbut\b)", re.I)


# Korean: what follows a term in its clause says whether it is denied ("자카비는
# 먹은 적 없어요"), hedged ("백혈병인 것 같아요") or over ("열은 내렸어요").
_CUES = KO.context
_KO_CLAUSE_END = re.compile(r"[.!?;\n]|,|\s(?:그리고|그런데|하지만|근데)\s|지만\s|는데\s|고요?\s|(?<=[요다])\s")


def _ko_clause(text: str, start: int, end: int) -> Tuple[str, str]:
    """The words before and after a term, within its clause."""
    left_cut = max([m.end() for m in _KO_CLAUSE_END.finditer(text, 0, start)] or [0])
    right = _KO_CLAUSE_END.search(text, end)
    return text[left_cut:start], text[end:right.start() if right else len(text)]


@lru_cache(maxsize=256)
def _korean_terms(vocab_key: str, cues: Tuple) -> Tuple[Tuple[str, str, str], ...]:
    """(label, id, lowercased word) for every Korean term and cue, longest first."""
    terms: List[Tuple[str, str, str]] = [(label, ent_id, w) for label, ids in _VOCABS[vocab_key].items()
                                         for ent_id, langs in ids.items() for w in langs.get("ko", ())]
    terms += [(CUE, key, w) for key, _en, ko in cues for w in ko]
    terms.sort(key=lambda t: len(t[2]), reverse=True)
    return tuple((label, ent_id, word if capitals(word) else word.lower()) for label, ent_id, word in terms)


_KO_ONE_SYLLABLE_END = r"(?:(?![가-힣])|(?=[이은는을를도에의과와으였라래인일진수치환센검투판만가]))"


def _korean(text: str, vocab_key: str, cues: Tuple) -> List[Mention]:
    taken: List[Tuple[int, int]] = []
    found: List[Tuple[int, Mention]] = []
    low = text.lower()
    for label, ent_id, word in _korean_terms(vocab_key, cues):
        # Capitals are matched as written, as a whole Latin word ("ALL이에요", not "all" or "ALLOW").
        where = text if capitals(word) else low
        if word not in where:
            continue
        # A one-syllable term ends its word or takes a particle: "유방암이에요",
        # "암 진단", never "암튼" (anyway) or "암기".
        rx = re.escape(word) + (_KO_ONE_SYLLABLE_END if len(word) == 1 else "")
        rx = rf"(?<![A-Za-z]){rx}(?![A-Za-z])" if capitals(word) else rx
        for m in pattern(rx).finditer(where):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            before, after = _ko_clause(low, m.start(), m.end())
            around = before[-12:] + " " + after
            uncertain = _CUES.uncertain.first(around) is not None
            negated = not uncertain and _CUES.negation.first(after) is not None
            found.append((m.start(), Mention(label, ent_id, text[m.start():m.end()], negated=negated,
                                             uncertain=uncertain,
                                             past=_CUES.past.first(around) is not None,
                                             hypothetical=_CUES.hypothetical.first(after) is not None)))
    return [mention for _, mention in sorted(found, key=lambda f: f[0])]


_LEADING_ANSWER = re.compile(r"^\s*(?:no|nope|nah|yes|yeah|yep|yup)\b"
                             r"(?:\s*[,.!;:-]+\s*|\s+(?=(?:she|he|they|i|we|it|the|my|her|his|our|doctors?)\b))", re.I)


def mentions(text: str, vocab_key: str, cues: Optional[Cues] = None) -> List[Mention]:
    """Every vocabulary term and cue phrase in `text`, in order of appearance
    within each language (English first)."""
    return list(_mentions(text, vocab_key, _freeze_cues(cues)))


@lru_cache(maxsize=4096)
def _mentions(text: str, vocab_key: str, cues: Tuple) -> Tuple[Mention, ...]:
    # Several readers and the safety scan look at the same message.
    # A leading answer word ("No, the doctor wants to start treatment") answers the
    # question; it does not negate what follows it.
    rest = _LEADING_ANSWER.sub("", text, count=1) or text
    found = _english(rest, vocab_key, cues) if re.search(r"[A-Za-z]", rest) else []
    if is_korean(text):
        korean = _korean(text, vocab_key, cues)
        # A Latin term in a Korean sentence is read with the Korean around it ("ALL 같대요": uncertain).
        seen = {(m.id, m.text.lower()) for m in korean}
        found = [m for m in found if (m.id, m.text.lower()) not in seen] + korean
    return tuple(found)
