"""The yes/no reader: a yes, no or not-sure word tied to the question, or the
question's own phrases (cues) and medicine named, affirmed or denied."""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence, Tuple

from bot.eligibility import nlp
from bot.eligibility.experiencer import clauses
from bot.eligibility.answers import Context, Polarity, over_and_done, polarity, unreadable
from bot.eligibility.lexicon import EN, KO, either, found
from bot.eligibility.reading import NoAnswer, Reading, Result

_ONLY = re.compile(r"\b(?:" + either(EN.yes_no.only) + r")\b|" + either(KO.yes_no.only))
_TOPIC = re.compile(r"\b(?:" + either(EN.yes_no.topic) + r")\b|" + either(KO.yes_no.topic))
_BARE = EN.answers.bare + KO.answers.bare
_FINE = re.compile(either(EN.yes_no.fine, KO.yes_no.fine))
_NOT_FINE = re.compile(either(EN.yes_no.not_fine, KO.yes_no.not_fine))
_BARE_RESULT = frozenset(w for lang in (EN, KO) for w in lang.yes_no.bare_results)
_OTHER_TEST = re.compile(r"(?<![a-z가-힣])(?:" + either(EN.lab.other_tests, KO.lab.other_tests) + r")(?![a-z])", re.I)
_RESOLVED = re.compile(either(EN.yes_no.resolved, KO.yes_no.resolved))
_OTHERWISE_WELL = re.compile(either(EN.yes_no.otherwise_well, KO.yes_no.otherwise_well))
_INTENDS = re.compile(either(EN.yes_no.intends, KO.yes_no.intends) or "(?!)")
_REFUSES = re.compile(either(EN.yes_no.refuses, KO.yes_no.refuses) or "(?!)")
_DENIAL = re.compile(either(EN.yes_no.denial, KO.yes_no.denial) or "(?!)")
_HANGUL = re.compile(r"[가-힣]")


def denies_only_a_medicine(found_terms: Sequence[nlp.Mention], answer: Polarity, drug: Optional[str]) -> Optional[str]:
    """"No, he never took <a medicine>" at a question not about that medicine
    (`drug`): the no denies the medicine, and says nothing about this question."""
    if answer.value != "no":
        return None
    drugs = [m for m in found_terms if m.label == "DRUG" and m.id != drug]
    if drugs and all(m.negated for m in drugs) and all(m.label == "DRUG" for m in found_terms):
        return drugs[0].text
    return None


def _signals(low: str, terms: List[nlp.Mention], ctx: Context) -> Tuple[Dict[str, str], Optional[str]]:
    """yes / no / unsure -> the words, from the cues and the medicine asked
    about; and the last condition named outright."""
    params = ctx.params
    signals: Dict[str, str] = {}
    affirmed = None
    for m in terms:
        if m.label == nlp.CUE and m.text.lower() in _BARE_RESULT and _OTHER_TEST.search(low):
            continue  # "his MRD was negative": another test's result
        if m.label == nlp.CUE and m.id not in ("yes", "no"):
            if not (m.negated or m.hypothetical) and len(m.text) > len(signals.get(m.id, "")):
                signals[m.id] = m.text  # the longest words as evidence; "not CD19 negative" says nothing of it
            continue
        if m.label == nlp.CUE:
            positive = m.id == "yes"
        elif params.get("drug") and m.label == "DRUG" and m.id == params["drug"]:
            positive = True
            if found(low, EN.yes_no.not_taken, KO.yes_no.not_taken):
                signals.setdefault("no", m.text)
                continue
        else:
            continue
        if m.uncertain:
            signals.setdefault("unsure", m.text)
        elif m.hypothetical:
            continue
        elif m.negated and not (m.label == nlp.CUE and m.id == "no" and _DENIAL.search(m.text.lower())):
            signals.setdefault("no" if positive else "yes", m.text)
        elif positive and params.get("present") and (m.past or over_and_done(low)):
            signals.setdefault("no", over_and_done(low) or m.text)
        else:
            signals.setdefault("yes" if positive else "no", m.text)
            if positive and m.label == nlp.CUE:
                affirmed = m.text
    return signals, affirmed


def _from_words_alone(text: str, low: str, terms: List[nlp.Mention], answer: Polarity, ctx: Context) -> Result:
    """No cue or medicine decides: the generic words do."""
    params = ctx.params
    drug = denies_only_a_medicine(terms, answer, params.get("drug"))
    if drug:
        return NoAnswer(f"the no is about {drug}, not this question")
    ended = over_and_done(low) if params.get("present") else None
    if answer.value == "yes" and ended:
        return Reading("no", ended, text)
    if answer.value:
        return Reading(answer.value, answer.evidence, text, hedged=answer.hedged and answer.value != "unsure")
    if ended and _about_the_topic(low, ctx):
        return Reading("no", ended, text)
    fine = _topic_fine(text, ctx)
    if fine:
        return Reading("no", fine, text)
    well = _OTHERWISE_WELL.search(low) if params.get("others") else None
    if well and not _NOT_FINE.search(well.group(0)):
        return Reading("no", text[well.start():well.end()], text)
    if ctx.params.get("intent"):  # "he'll use them", "계속 먹을 거예요": a commitment said in other words
        said = _REFUSES.search(low) or _INTENDS.search(low)
        if said:
            return Reading("no" if _REFUSES.search(low) else "yes", said.group(0), text)
    if params.get("drug") and _ONLY.search(low) and any(m.label == "DRUG" and m.affirmed for m in terms):
        names = ", ".join(m.text for m in terms if m.label == "DRUG")
        return Reading("no", names, text)  # "only <another medicine>": not this one
    return NoAnswer("no yes, no or not-sure word about this question")


def read_yes_no(text: str, ctx: Context) -> Result:
    """Yes/no questions. Params: `drug` (a vocabulary id whose mention is a
    yes), `present` (a question about now: finished things read as no),
    `topic` (its words: the topic said to be well is a no), `intent` (a
    commitment: "he'll use them" is a yes, "won't use" a no). Cues:
    the question's own phrases for yes and for no, and for another reading
    one of its buttons gives ("negative", "unsure"). A condition named
    outright outweighs one denied in the same message ("no heart attack but
    she has heart failure" is a yes); a hedge never makes a firm yes."""
    text, bad = unreadable(text)
    if bad:
        return bad
    low = text.lower()
    terms = nlp.mentions(text, ctx.vocab, ctx.cues)
    answer = polarity(text)
    signals, affirmed_condition = _signals(low, terms, ctx)
    if not signals:
        found = _from_words_alone(text, low, terms, answer, ctx)
        if isinstance(found, NoAnswer):
            return _option_picked(text, low, ctx) or found
        return found
    other = _other_reading(text, signals, terms, answer)
    if other is not None:
        return other
    if "unsure" in signals:
        return Reading("unsure", signals["unsure"], text)
    if len(signals) > 1:
        if affirmed_condition:
            return Reading("yes", affirmed_condition, text, hedged=answer.hedged)
        return NoAnswer("both yes and no")
    value, evidence = next(iter(signals.items()))
    over = _RESOLVED.search(low) if ctx.params.get("present") and value == "yes" else None
    if over and sum(m.label == nlp.CUE and m.id == "yes" and m.affirmed for m in terms) == 1:
        return Reading("no", text[over.start():over.end()], text)  # the one condition named is over
    against = answer.value not in (None, value, "unsure")
    if against and not answer.conflict and not affirmed_condition:
        # "No, <the medicine>": a bare yes or no against the topic named: ask again.
        if answer.evidence.strip().lower() in _BARE:
            return NoAnswer("both yes and no")
    return Reading(value, evidence, text, hedged=answer.hedged or (answer.value == "unsure"))


def _other_reading(text: str, signals: Dict[str, str], terms: List[nlp.Mention], answer: Polarity) -> Optional[Result]:
    """A cue for a reading besides yes and no (a button's: "CD19 negative" at "has a test shown CD19?") is
    more precise than the yes or no said with it ("No, it came back CD19 negative"); two such are no answer.
    Said with a hedge ("I think it was negative"), it is hedged."""
    others = [k for k in signals if k not in ("yes", "no", "unsure")]
    if not others:
        return None
    if len(others) > 1:
        return NoAnswer("two different answers")
    key = others[0]
    unsure = answer.value == "unsure" or any(m.uncertain for m in terms if m.label == nlp.CUE and m.id == key)
    return Reading(key, signals[key], text, hedged=answer.hedged or unsure)


def _option_picked(text: str, low: str, ctx: Context) -> Optional[Reading]:
    """A question that lists numbered options (param `options`): naming one of
    them is a yes ("number 2", "2번이요"); a number beyond them is not."""
    count = ctx.params.get("options")
    if not count:
        return None
    language = KO if _HANGUL.search(text) else EN  # English patterns see Hangul as spaces
    picked = language.yes_no.option_pick.first(low.strip())
    digit = re.search(r"[1-9]", picked or "")
    if picked and digit and int(digit.group(0)) <= int(count):
        return Reading("yes", picked.strip(), text)
    return None


def _topic_fine(text: str, ctx: Context) -> Optional[str]:
    """"Dad's kidneys and liver are fine", "심장 쪽은 괜찮으세요": the question's topic (params.topic) and, after it
    in the same clause, a word of being well that nothing negates. The words, as said, or None."""
    words = ctx.params.get("topic") or ()
    for clause in clauses(text):
        low = clause.lower()
        at = [m.start() for w in words for m in [_topic_word(w).search(low)] if m]
        if not at:
            continue
        after = low[min(at):]
        fine = _FINE.search(after)
        if fine and not _NOT_FINE.search(after[:fine.end() + 4]):
            return clause[min(at):min(at) + fine.end()].strip()
    return None


def _topic_word(word: str) -> "re.Pattern[str]":
    """A topic word as a whole word (Korean: not inside a longer word before it: 간, not 시간)."""
    if _HANGUL.search(word):
        return re.compile(r"(?<![가-힣])" + re.escape(word))
    return re.compile(r"\b" + re.escape(word.lower()))


def _about_the_topic(low: str, ctx: Context) -> bool:
    words = ctx.params.get("topic", ())
    return any(w in low for w in words) or bool(_TOPIC.search(low))
