"""For each criterion, the question(s) a draft suggests: a reader kind from
bot/eligibility/readers.py, its parameters and a rule, and a TODO wherever
the drafter cannot tell (a unit it does not know, a figure it cannot read,
a time measured from another event, a judgement). Medicines and diseases are
found with the record's interventions and conditions and a small vocabulary,
through the project's spaCy EntityRuler and medspacy ConText pipeline
(bot/eligibility/nlp.py; a blank English pipeline, no model download)."""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.authoring import figures
from bot.authoring.lexicon import lexicon, words_rx
from bot.authoring.parse import Record
from bot.authoring.split import Criterion, Section
from bot.eligibility import nlp
from bot.eligibility.readers import READERS

FEMALE = {"sex": ("female",), "childbearing_potential": ("yes", "unknown")}
NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


class Kind(str, enum.Enum):
    """A reader kind, or DEFERRED: not asked (the study team checks it)."""
    AGE = "age"
    ECOG = "ecog"
    LAB = "lab"
    LAB_ULN = "lab_uln"
    LAST_DOSE = "last_dose"
    CONDITION_WINDOW = "condition_window"
    YES_NO = "yes_no"
    DEFERRED = "deferred"


assert all(k.value in READERS for k in Kind if k is not Kind.DEFERRED)  # a kind the project cannot read is a bug


@dataclass(frozen=True)
class Proposal:
    kind: Kind
    name: str  # a few words for the question id ("creatinine", "steroid_hormone")
    rule: Mapping[str, Any]
    params: Mapping[str, Any] = field(default_factory=dict)
    applies_when: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)
    cues: Tuple[str, ...] = ()  # English words that mean yes
    words: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)  # the question's own vocabulary: id -> words
    todos: Tuple[str, ...] = ()
    notes: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    criterion: Criterion
    proposals: Tuple[Proposal, ...]


def _slug(text: str, words: int = 3) -> str:
    stop = {"the", "a", "an", "of", "or", "and", "with", "to", "in", "for", "any", "have", "has", "had", "who",
            "patients", "patient", "subjects", "participants", "be", "is", "are", "by", "on", "at", "as"}
    kept = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in stop]
    return "_".join(kept[:words]) or "criterion"


def record_vocabulary(record: Record) -> Dict[str, Dict[str, Tuple[str, ...]]]:
    """The lexicon's medicines and diseases, with the record's interventions and conditions."""
    vocab = {label: dict(ids) for label, ids in lexicon().vocabulary.items()}
    for i in record.interventions:
        if "placebo" not in i.name.lower():
            vocab["DRUG"][_slug(i.name, 4)] = tuple(dict.fromkeys(w.lower() for w in (i.name,) + i.other_names))
    for c in record.conditions:
        vocab["DISEASE"][_slug(c, 4)] = (c.lower(),)
    return vocab


def _mentions(text: str, key: str) -> List[nlp.Mention]:
    return [m for m in nlp.mentions(text, key) if not m.negated]


def _rule_number(op: str, value: float) -> Dict[str, Any]:
    """The rule's number part that passes when `<value> <op> limit` holds."""
    value = int(value) if float(value).is_integer() else value
    return {"<=": {"at_most": value, "then": "pass", "else": "fail"},
            ">=": {"at_least": value, "then": "pass", "else": "fail"},
            ">": {"more_than": value, "then": "pass", "else": "fail"},
            "<": {"at_least": value, "then": "fail", "else": "pass"}}[op]


def _age(c: Criterion, record: Record) -> List[Proposal]:
    low, high = figures.ages(c.text.lower())
    if low is None and high is None:
        return []
    todos = []
    if (low, high) != (record.minimum_age, record.maximum_age):
        todos.append(f"the record's structured ages say {record.minimum_age_text} to {record.maximum_age_text}; "
                     "the text says otherwise: which is right?")
    if low is not None and high is not None:
        number: Dict[str, Any] = {"between": [int(low), int(high)], "then": "pass", "else": "fail"}
    else:
        number = _rule_number(">=" if low is not None else "<=", low if low is not None else high)  # type: ignore
    return [Proposal(Kind.AGE, "age", {"number": number, "map": {"unsure": "unknown"}}, todos=tuple(todos))]


def _ecog(c: Criterion) -> List[Proposal]:
    top = figures.ecog_max(c.text.lower())
    if top is None:
        return []
    return [Proposal(Kind.ECOG, "ecog", {"number": _rule_number("<=", top), "map": {"unsure": "unknown"}})]


def _yes_no_rule(c: Criterion, judgement: bool) -> Dict[str, Any]:
    if c.section is Section.INCLUSION:
        return {"map": {"yes": "pass", "no": "unknown" if judgement else "fail", "unsure": "unknown"}}
    return {"map": {"no": "pass", "yes": "unknown" if judgement else "fail", "unsure": "unknown"}}


def _reproductive(c: Criterion) -> List[Proposal]:
    lex, low = lexicon(), c.text.lower()
    out = []
    if lex.first(lex.pregnancy, low):
        todos = ("an inclusion about pregnancy: check that a pregnancy rules out",) \
            if c.section is Section.INCLUSION else ()
        out.append(Proposal(Kind.YES_NO, "pregnancy", {"map": {"no": "pass", "yes": "fail", "unsure": "unknown"}},
                            {"present": True}, FEMALE, todos=todos))
    if lex.first(lex.contraception, low):
        women_only = bool(lex.first(lex.women, low)) and not lex.first(lex.both_sexes, low)
        out.append(Proposal(Kind.YES_NO, "contraception", {"map": {"yes": "pass", "no": "fail", "unsure": "unknown"}},
                            applies_when=FEMALE if women_only else {}))
    return out


def _lab_unit(limit: figures.Limit) -> Tuple[float, List[str], List[str]]:
    """The limit in the rule's unit, TODOs and notes."""
    lab, value, unit = limit.lab, limit.value, limit.unit
    if unit and re.fullmatch(lab.unit_regex, unit):
        return value, [], []
    for rx, factor in lab.units.items():
        if unit and re.fullmatch(rx, unit):
            return round(value * factor, 3), [], [f"the listing gives {value:g} {unit}; {round(value * factor, 3):g} "
                                                  f"{lab.unit}"]
    if not unit and (not lab.unit or lab.bare_range[0] <= value <= lab.bare_range[1]):
        return value, [], []
    if not unit and lab.count and lab.bare_range[0] <= value / 1000 <= lab.bare_range[1]:
        return value / 1000, [], [f"the listing gives {value:g} (per µL); {value / 1000:g} {lab.unit}"]
    if unit:
        return value, [f"the listing's unit '{unit}' is not how {lab.id} is reported ({lab.unit}): "
                       "check the figure"], []
    return value, [f"no unit for {value:g}: check it is in {lab.unit}"], []


def _explained_events(text: str) -> Tuple[str, Tuple[str, ...]]:
    """The criterion without a lab figure in parentheses explaining an event
    it asks about in a look-back window ("active infection (CRP > 10 mg/dl)
    ... within the last 4 weeks"): the question is the event, since nobody
    knows a past test's figure; whether it met the figure is the team's."""
    low = text.lower()
    if not figures.windows(low):
        return low, ()
    event = words_rx(lexicon().event).pattern
    notes, out = [], low
    for m in re.finditer(r"(" + event + r")\s*(\([^()]*\))", low):
        if figures.lab_limits(m[2]):
            notes.append(f"the listing explains '{text[m.start(1):m.end(1)]}' by {text[m.start(2):m.end(2)]}: "
                         "the study team checks the figure")
            out = out[:m.start(2)] + " " * len(m[2]) + out[m.end(2):]
    return out, tuple(notes)


def _labs(c: Criterion, low: str) -> List[Proposal]:
    limits = figures.lab_limits(low)
    out: List[Proposal] = []
    by_lab: Dict[str, List[figures.Limit]] = {}
    for limit in limits:
        by_lab.setdefault(limit.lab.id, []).append(limit)
    for lab_id, group in by_lab.items():
        first = group[0]
        passes = [(op if c.section is Section.INCLUSION else NEGATE[op]) for op in (g.op for g in group)]
        if first.uln:
            names = first.uln_names
            analytes = {n: list(next(lab.uln_words or lab.words for lab in lexicon().labs.values()
                                     if lab.uln_name == n)) for n in names}
            rule = {"number": _rule_number(passes[0], first.value),
                    "map": {"normal": "pass", "high": "unknown", "partial": "deferred", "unknown": "deferred"}}
            out.append(Proposal(Kind.LAB_ULN, "_".join(n.lower() for n in names), rule, {"analytes": analytes},
                                todos=() if passes[0] in ("<=", "<") else ("a lower bound on a ULN multiple: check",)))
            continue
        values, todos, notes = zip(*(_lab_unit(g) for g in group))
        if len(group) > 1:
            number: Dict[str, Any] = {"between": sorted(values), "then": "pass", "else": "fail"}
        else:
            number = _rule_number(passes[0], values[0])
        out.append(Proposal(Kind.LAB, lab_id, {"number": number, "map": {"normal": "pass", "high": "unknown",
                                                                          "unknown": "deferred"}},
                            first.lab.params(), todos=tuple(t for ts in todos for t in ts),
                            notes=tuple(n for ns in notes for n in ns)))
    return out


def _first_kind(clause: str) -> Optional[Kind]:
    """LAST_DOSE when a treatment is named first, CONDITION_WINDOW for an event."""
    lex = lexicon()
    hits = [(m.start(), -len(m.group(0)), kind) for words, kind in ((lex.treatment, Kind.LAST_DOSE),
                                                                   (lex.event, Kind.CONDITION_WINDOW))
            for m in words_rx(words).finditer(clause)]
    return min(hits)[2] if hits else None


def _window_rule(kind: Kind, days: float, recent_passes: bool) -> Dict[str, Any]:
    days_n = int(days) if float(days).is_integer() else days
    if recent_passes:
        return {"number": {"at_most": days_n, "then": "pass", "else": "fail"},
                "map": {"none": "fail", "unsure": "unknown"}}
    if kind is Kind.LAST_DOSE:
        return {"number": {"at_least": days_n, "then": "pass", "else": "fail"},
                "map": {"none": "pass", "unsure": "unknown"}}
    return {"number": {"more_than": days_n, "then": "pass", "else": "fail"},
            "map": {"none": "pass", "exempt": "pass", "unsure": "unknown"}}


def _windows(c: Criterion, key: str) -> List[Proposal]:
    low = c.text.lower()
    out: List[Proposal] = []
    previous = 0
    for w in figures.windows(low):
        clause = low[previous:w.start]
        if previous:  # after "... within 3 months before the first dose, or": the next item's own words
            cut = re.search(r"[,;]|\bor\b|\band\b", clause)
            clause = clause[cut.end():] if cut else clause
        after = low[w.end:w.end + 60] if w.recent_passes else ""  # "12 months have elapsed since the injection"
        previous = w.end
        if w.days < 2:
            out.append(Proposal(Kind.DEFERRED, "on_the_day", {"always": "deferred"},
                                notes=("a window of hours: checked on the day of the visit",)))
            continue
        kind = _first_kind(clause) or _first_kind(after) or Kind.CONDITION_WINDOW
        recent = w.recent_passes if w.recent_passes is not None else c.section is Section.INCLUSION
        name = _slug(clause, 2) if _slug(clause, 2) != "criterion" else _slug(low, 2)
        rule = _window_rule(kind, w.days, recent)
        several = len(figures.windows(low)) > 1
        part = (f"this question: {c.text[w.start - len(clause):w.end].strip(' ,;')}",) if several else ()
        if kind is Kind.LAST_DOSE:
            out.append(Proposal(Kind.LAST_DOSE, name, rule, notes=part))
            continue
        found = _condition_window(name, clause or low, c.text, key, rule)
        out.append(Proposal(found.kind, found.name, found.rule, found.params, words=found.words, notes=part))
    return out


def _condition_window(name: str, clause: str, whole: str, key: str, rule: Mapping[str, Any]) -> Proposal:
    found = [m for m in _mentions(clause, key) if m.label in ("DISEASE", "CANCER")]
    if any(m.label == "CANCER" for m in found):
        # "... basal cell carcinoma of the skin are eligible": the kinds the criterion names besides cancer itself
        exempt = sorted({m.id for m in _mentions(whole, key) if m.label == "CANCER" and m.id != "cancer"})
        return Proposal(Kind.CONDITION_WINDOW, name, rule, {"label": "CANCER", "exempt": exempt, "generic": "cancer"},
                        words={"cancer": lexicon().vocabulary["CANCER"]["cancer"]})
    words = {m.id: lexicon().vocabulary.get("DISEASE", {}).get(m.id, (m.text.lower(),)) for m in found}
    return Proposal(Kind.CONDITION_WINDOW, name, rule, {"label": "", "exempt": []}, words=words)


def _unread_figures(c: Criterion) -> List[str]:
    figs = re.findall(r"(?:[<>≤≥]=?\s*\d+(?:[.,]\d+)?\s*\S*|\d+(?:[.,]\d+)?\s*(?:%|mg|g/|mmol|µ|mv|bpm|mmhg)\S*)",
                      c.text.lower())
    return [f"figures the drafter could not place: {', '.join(f.strip() for f in figs)}"] if figs else []


def _relative_window(c: Criterion) -> List[str]:
    low = c.text.lower()
    if re.search(r"within\s+(?:the\s+)?(?:last|past)?\s*\w+\s+(?:hours?|days?|weeks?|months?|years?)\s+"
                 r"(?:of|after|from|following)\b", low) and not figures.windows(low):
        return ["a time measured from another event, not from today: ask it as a yes/no, or leave it to the team?"]
    return []


def _yes_no(c: Criterion, key: str) -> Proposal:
    lex, low = lexicon(), c.text.lower()
    params: Dict[str, Any] = {}
    found = _mentions(c.text, key)
    prior = lex.first(lex.prior_drug, low)
    if prior:
        drug = next((m for m in found if m.label == "DRUG" and low.find(m.text.lower(), prior.start()) >= 0), None)
        if drug:
            params["drug"] = drug.id
    if c.section is Section.EXCLUSION and lex.first(lex.present, low):
        params["present"] = True
    judgement = bool(lex.first(lex.judgement, low))
    cues = tuple(dict.fromkeys(m.text.lower() for m in found if m.label in ("DISEASE", "CANCER")))
    notes = ("a judgement: a yes is for the study team to weigh, not a rule-out",) if judgement else ()
    return Proposal(Kind.YES_NO, _slug(low), _yes_no_rule(c, judgement), params, cues=cues,
                    todos=tuple(_unread_figures(c) + _relative_window(c)), notes=notes)


def _planned(c: Criterion, key: str) -> List[Proposal]:
    """After a look-back window, a second requirement about a plan ("..., or
    planned participation in any other study", "... and no planned
    immunizations"): its own yes/no question, where a plan is a yes."""
    low = c.text.lower()
    found = figures.windows(low)
    if not found:
        return []
    start = found[-1].end
    plan = words_rx(lexicon().planned).search(low, start)
    joined = re.search(r"\b(?:or|and)\s+(no\s+)?$", low[start:plan.start()]) if plan else None
    if plan is None or joined is None:
        return []
    # "and no planned X" asks whether X is planned: a yes rules out, whichever section holds it
    section = Section.EXCLUSION if joined[1] else c.section
    asked = c.text[plan.start():].strip(" .;")
    proposal = _yes_no(Criterion(section, c.number, asked), key)
    return [replace(proposal, notes=proposal.notes + (f"this question: {asked}",))]


def suggest(c: Criterion, record: Record, key: str) -> Suggestion:
    """The question(s) for one criterion; `key` names the record's vocabulary
    registered with bot.eligibility.nlp (see draft_vocabulary)."""
    lex, low = lexicon(), c.text.lower()
    if lex.first(lex.deferred, low):
        return Suggestion(c, (Proposal(Kind.DEFERRED, _slug(low), {"always": "deferred"}),))
    for finder in (lambda: _age(c, record), lambda: _ecog(c), lambda: _reproductive(c)):
        found = finder()
        if found:
            return Suggestion(c, tuple(found))
    without, explained = _explained_events(c.text)
    windows = [replace(p, notes=p.notes + explained) for p in _windows(c, key)]
    found = _labs(c, without) + windows + _planned(c, key)
    return Suggestion(c, tuple(found) if found else (_yes_no(c, key),))


def draft_vocabulary(record: Record) -> str:
    """Registers the record's vocabulary with the term finder; returns its key."""
    vocabulary = {label: {i: {"en": list(w)} for i, w in ids.items()}
                  for label, ids in record_vocabulary(record).items()}
    return nlp.register(f"draft:{record.nct_id}", vocabulary)
