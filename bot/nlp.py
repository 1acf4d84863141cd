"""The spaCy pipeline that reads answers: a blank English tokenizer, a
sentencizer, an EntityRuler built from `lexicon.yml`, and medspacy's ConText
for negation and uncertainty. Built once per process; no model download."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, Tuple

import yaml

LEXICON_PATH = Path(__file__).with_name("lexicon.yml")
CUE_LABEL = "CUE"


@lru_cache(maxsize=1)
def lexicon() -> dict:
    return yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))


def _quiet_medspacy() -> None:
    # medspacy logs DEBUG lines through loguru; answers must never reach a log.
    from loguru import logger

    for name in ("medspacy", "PyRuSH", "PyFastNER", "quicksectx"):
        logger.disable(name)


@lru_cache(maxsize=1)
def pipeline():
    _quiet_medspacy()
    import spacy
    import medspacy  # noqa: F401  (registers the medspacy_context factory)
    from medspacy.context import ConTextRule

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    patterns = []
    lex = lexicon()
    for label in ("DRUG", "DISEASE", "CANCER"):
        for ent_id, phrases in lex[label].items():
            patterns += [{"label": label, "pattern": p, "id": ent_id} for p in phrases]
    ruler.add_patterns(patterns)
    context = nlp.add_pipe("medspacy_context")
    context.add([ConTextRule(**rule) for rule in lex["context_rules"]])
    return nlp


@lru_cache(maxsize=64)
def _cue_matcher(cues: Tuple[Tuple[str, Tuple[str, ...]], ...]):
    from spacy.matcher import PhraseMatcher

    nlp = pipeline()
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for key, phrases in cues:
        matcher.add(key, [nlp.make_doc(p) for p in phrases])
    return matcher


def analyze(text: str, cues: Dict[str, Iterable[str]] | None = None):
    """Tokenize `text`, mark lexicon entities and a question's own cue
    phrases (label CUE, id = the cue key), then let ConText mark which are
    negated or uncertain."""
    nlp = pipeline()
    # Run every component but ConText first, add the cues, then ConText.
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name != "medspacy_context":
            doc = proc(doc)
    if cues:
        from spacy.tokens import Span
        from spacy.util import filter_spans

        key = tuple(sorted((k, tuple(v)) for k, v in cues.items()))
        matcher = _cue_matcher(key)
        spans = [Span(doc, s, e, label=CUE_LABEL, kb_id=doc.vocab.strings[m]) for m, s, e in matcher(doc)]
        doc.ents = filter_spans(list(doc.ents) + spans)
    return nlp.get_pipe("medspacy_context")(doc)


def _modified(ent, category: str) -> bool:
    # A modifier inside the entity itself ("n't" in "can't breathe") is part
    # of what was said, not a comment on it.
    for mod in ent._.modifiers:
        start, end = mod.modifier_span
        if mod.category == category and (end <= ent.start or start >= ent.end):
            return True
    return False


def negated(ent) -> bool:
    return _modified(ent, "NEGATED_EXISTENCE")


def uncertain(ent) -> bool:
    return _modified(ent, "POSSIBLE_EXISTENCE")
