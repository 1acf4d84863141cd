"""Readers: free text -> a Reading, or NoAnswer when the words do not answer
the question. One reader per kind of question, parameterised by the trial's
data (its vocabulary, cue phrases, units, limits), in English and Korean.

The evidence rule: a reader returns a Reading only when the message answers
its question: a yes/no/not-sure word tied to it, an item of the question's
own vocabulary, a value with a plausible unit, or a time. A question back is
never an answer. Impossible values are NoAnswer, never stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from bot.eligibility import nlp
from bot.eligibility.reading import NoAnswer, Reading, Result
from bot.eligibility.relations import read_relation
from bot.eligibility.text import (MAX_ANSWER_CHARS, FutureDate, clean, find_dates, has, has_ko, is_question,
                                  time_ago, words_to_digits)


@dataclass(frozen=True)
class Context:
    today: date
    vocab: str  # the trial's vocabulary key (nlp.register)
    params: Mapping[str, Any] = field(default_factory=dict)  # the question's reader parameters
    cues: Mapping[str, Mapping[str, Sequence[str]]] = field(default_factory=dict)


# ------------------------------------------------------------------ words shared by every reader

HEDGED_NO = [
    r"not that (?:i|we) (?:know|knew|am aware|'m aware|are aware)(?: of)?", r"not as far as (?:i|we) know",
    r"(?:i|we) do(?:n't| not) (?:think|believe) so", r"do(?:n't| not) think so", r"probably not",
    r"(?:i )?doubt (?:it|that)", r"unlikely", r"not really", r"i don't (?:think|believe) (?:she|he|they|i|it) (?:has|have|did|does|is|was)",
]
UNSURE = [
    r"not (?:really |quite )?sure", r"unsure", r"(?:i )?(?:do(?:n't| not)|dont) know", r"dunno", r"no idea",
    r"maybe", r"perhaps", r"possibly", r"(?:can't|cannot|can not|do(?:n't| not)) (?:remember|recall)",
    r"not certain", r"uncertain", r"idk", r"no clue", r"can't say", r"hard to say", r"could be",
    r"(?:need|have) to check", r"not known", r"unknown", r"forgot", r"i forget", r"no recollection",
]
HEDGE = [r"i think", r"i believe", r"probably", r"likely", r"i guess", r"(?:pretty|fairly) sure", r"i suppose"]
YES = [r"yes", r"yeah", r"yep", r"yup", r"ya", r"yea", r"yess+", r"y", r"certainly", r"definitely", r"absolutely",
       r"correct", r"that'?s right", r"that is right", r"affirmative", r"indeed", r"of course", r"uh[- ]huh",
       r"(?:think|believe|guess|suppose) so", r"true"]
# Agreement words answer the conversation's own yes-or-no steps (begin? share?),
# never a screening question: "ok" is not a yes to "are you in another study?".
AGREE = [r"ok", r"okay", r"sure", r"fine", r"agreed", r"i agree", r"alright", r"all right", r"no problem",
         r"happy to", r"willing", r"will do", r"let'?s (?:go|start|begin|do it)", r"go ahead", r"start", r"begin",
         r"continue", r"right", r"sounds good", r"please do"]
# Firm noes that hold a yes-word: "definitely not", "not right now".
STRONG_NO = [r"(?:definitely|definately|absolutely|certainly|of course|surely) not", r"not true", r"not right now",
             r"not at the moment", r"not currently", r"not any ?more", r"not at this time", r"no,? not (?:now|currently)"]
NO = [r"no+", r"nope", r"nah", r"never", r"none", r"nothing", r"negative", r"not at all", r"no way", r"neither",
      r"n", r"not anymore", r"not now", r"no longer", r"no no"]
_SUBJECT = r"(?:i|i've|i'm|she|she's|he|he's|they|they're|we|we're|it|it's|my \w+|the patient|mom|mum|dad)"
_AUX = r"(?:do|does|did|have|has|had|am|is|was|are|were|will|would|can|could|'ve|'s|'m)"
_SHORT_NO = re.compile(r"^" + _SUBJECT + r"\s+(?:" + _AUX + r"(?:n't|\s+not)|not)\b|^(?:i'm|she's|he's|they're|we're|it's)\s+not\b")
_SHORT_YES = re.compile(r"^(?:" + _SUBJECT + r"\s+" + _AUX + r")(?:\s+(?:it|so|one|some|too|indeed))?[.!]*$")

_KO_END = r"(?![가-힣])"
KO_YES = [r"^\s*(?:네|넵|넹|예|응|웅|그럼요|물론이죠|물론이에요|물론)" + _KO_END, r"맞아요", r"맞습니다", r"맞아" + _KO_END,
          r"그렇습니다", r"그렇죠", r"^\s*yes\b"]
# Verbs that answer "have you ...?" only when they are the whole message ("있어요", "먹었어요").
KO_YES_WHOLE = r"^\s*(?:네[,.]?\s*)?(?:있어요|있습니다|있음|있었어요|했어요|받았어요|먹었어요|드셨어요|하셨어요|받으셨어요|있으세요|있으십니다|그래요|해요|그렇네요|맞아|ㅇㅇ)\s*[.!~]*\s*$"
KO_AGREE = [r"좋아요", r"좋습니다", r"괜찮아요", r"괜찮습니다", r"할게요", r"할께요", r"하겠습니다", r"시작", r"동의",
            r"그렇게\s?할", r"문제\s?없", r"알겠", r"오케이", r"계속", r"부탁"]
KO_NO = [r"^\s*(?:아니요|아니오|아뇨|아니|아니여|아녀|노노|노|ㄴㄴ)" + _KO_END, r"아니에요", r"아닙니다", r"아니예요",
         r"(?<![가-힣])없어요", r"(?<![가-힣])없습니다", r"(?<![가-힣])없음", r"(?<![가-힣])없었어요", r"(?<![가-힣])없으세요",
         r"(?<![가-힣])없으십니다", r"(?<![가-힣])없슴", r"(?<![가-힣])없어여", r"(?<![가-힣])없는데",
         r"안\s?했", r"안\s?하", r"안\s?해", r"안\s?받", r"안\s?먹", r"안\s?드", r"안\s?써", r"안\s?썼",
         r"적\s?(?:이\s?|은\s?)?없", r"않았", r"않아요", r"않습니다", r"않고\s?있", r"전혀\s?(?:없|안|아니)",
         r"한\s?번도\s?(?:안|없|먹은 적|드신 적|받은 적)", r"싫어", r"싫대", r"싫습니다", r"싫다고"]
KO_UNSURE = [r"모르겠", r"몰라요", r"모릅니다", r"몰라", r"기억이\s?안", r"기억\s?안", r"기억이\s?나지\s?않", r"확실하지",
             r"글쎄", r"잘 모르", r"확인해\s?봐야", r"헷갈", r"모름"]
KO_HEDGED_NO = [r"아닌\s?것\s?같", r"없는\s?것\s?같", r"안\s?\S*\s?것\s?같", r"아마\s?(?:아닐|없을|안)", r"곤란"]
KO_HEDGE = [r"것\s?같아요", r"것\s?같습니다", r"아마", r"듯해요", r"듯합니다"]
# Over and done: a present-tense question ("right now") reads these as no.
PAST_EN = [r"(?:it |that |which )?(?:ended|finished|is over|was over|completed|stopped|ended already)",
           r"(?:\d+|a few|several|many) years ago", r"back in (?:19|20)\d\d", r"used to", r"no longer",
           r"not anymore", r"in the past", r"previously", r"last year", r"years back", r"was in (?:a|one|another)"]
PAST_KO = [r"끝났", r"끝난", r"마쳤", r"종료", r"예전에", r"옛날에", r"작년에", r"그만뒀", r"그만두", r"중단했", r"완치", r"나으셨", r"나았",
           r"지금은\s?(?:안|아니|없)", r"이전에", r"과거에"]


def _cut(text: str) -> Tuple[str, Optional[NoAnswer]]:
    """Rejects what no reader can read: nothing, too much, markup, a question."""
    text = clean(text)
    if not text:
        return text, NoAnswer("an empty message")
    if len(text) > MAX_ANSWER_CHARS:
        return text, NoAnswer("a very long message", "shorter")
    if re.search(r"<\s*/?\s*[A-Za-z][^>]*>", text):
        return text, NoAnswer("markup rather than an answer")
    if not re.search(r"[A-Za-z0-9\uac00-\ud7a3]", text):
        return text, NoAnswer("no words")
    if is_question(text):
        return text, NoAnswer("a question back")
    return text, None


@dataclass(frozen=True)
class Polarity:
    value: Optional[str]  # yes / no / unsure / None
    evidence: str = ""
    hedged: bool = False
    conflict: bool = False


def polarity(text: str, agree: bool = False) -> Polarity:
    """The generic yes/no/not-sure words of a message (English and Korean)."""
    low = text.lower()
    ev = has(HEDGED_NO, low) or has_ko(KO_HEDGED_NO, low)
    if ev:
        return Polarity("no", ev, hedged=True)
    ev = has(UNSURE, low) or has_ko(KO_UNSURE, low)
    if ev:
        return Polarity("unsure", ev)
    ev = has(STRONG_NO, low)
    if ev:
        return Polarity("no", ev)
    hedged = bool(has(HEDGE, low) or has_ko(KO_HEDGE, low))
    yes = has(YES, low) or has_ko(KO_YES, low) or has_ko([KO_YES_WHOLE], low) or \
        (agree and (has(AGREE, low) or has_ko(KO_AGREE, low)))
    no = has(NO, low) or has_ko(KO_NO, low)
    if not no:
        m = _SHORT_NO.match(low)
        no = m.group(0) if m and len(low.split()) <= 7 else None
    if not yes:
        m = _SHORT_YES.match(low)
        yes = m.group(0) if m else None
    if yes and no:
        # "yes, no problem" agrees; otherwise the first word given decides only
        # when it opens the message ("no, she is fine").
        first = re.match(r"\s*(yes|yeah|yep|no|nope|nah|네|예|아니요|아뇨)(?![A-Za-z가-힣])", low)
        if first:
            value = "yes" if first.group(1) in ("yes", "yeah", "yep", "네", "예") else "no"
            return Polarity(value, first.group(1), hedged=hedged)
        return Polarity(None, conflict=True)
    if yes:
        return Polarity("yes", yes, hedged=hedged)
    if no:
        return Polarity("no", no, hedged=hedged)
    if hedged and not re.sub(r"|".join(HEDGE) + r"|[\s.,!]", "", low):
        return Polarity("yes", low.strip(), hedged=True)  # a bare "probably"
    return Polarity(None, hedged=hedged)


def _past(low: str) -> Optional[str]:
    return has(PAST_EN, low) or has_ko(PAST_KO, low)


# ------------------------------------------------------------------ yes / no / not sure

# "I never took it", "prescribed but she never started": the medicine named was not taken.
NOT_TAKEN = [r"never (?:took|taken|take|started|start|used|had|tried) (?:it|them|that|one)", r"prescribed but",
             r"(?:didn't|did not|hasn't|has not|haven't|have not|doesn't|does not|don't|do not) (?:take|taken|start|started|use|used|try|tried|had|have)(?: (?:it|them|that))?",
             r"wants? to start", r"going to start", r"might start", r"will start", r"about to start"]
NOT_TAKEN_KO = [r"처방만", r"처방\s?받았(?:는데|지만)", r"안\s?먹", r"안\s?드", r"복용\s?안", r"시작\s?(?:안|전|예정)", r"먹을\s?예정",
                r"드실\s?예정", r"먹기\s?전", r"권유"]


def _denies_only_a_medicine(found, pol, p) -> Optional[str]:
    """"No, he never took <a medicine>" at a question not about that medicine:
    the no denies the medicine, and says nothing about this question."""
    if pol.value != "no":
        return None
    drugs = [m for m in found if m.label == "DRUG" and m.id != p.get("drug")]
    if drugs and all(m.negated for m in drugs) and all(m.label == "DRUG" for m in found):
        return drugs[0].text
    return None


def read_yes_no(text: str, ctx: Context) -> Result:
    """Yes/no questions. Params: `drug` (a vocabulary id whose mention is a
    yes), `present` (a question about now: finished things read as no). Cues:
    the question's own phrases for yes and for no. A condition named
    outright outweighs one denied in the same message ("no heart attack but
    she has heart failure" is a yes); a hedge never makes a firm yes."""
    text, bad = _cut(text)
    if bad:
        return bad
    low = text.lower()
    p = ctx.params
    found = nlp.mentions(text, ctx.vocab, ctx.cues)
    pol = polarity(text)
    signals: Dict[str, str] = {}
    affirmed_condition = None
    for m in found:
        if m.label == nlp.CUE:
            positive = m.id == "yes"
        elif p.get("drug") and m.label == "DRUG" and m.id == p["drug"]:
            positive = True
            if has(NOT_TAKEN, low) or has_ko(NOT_TAKEN_KO, low):
                signals.setdefault("no", m.text)
                continue
        else:
            continue
        if m.uncertain:
            signals.setdefault("unsure", m.text)
        elif m.hypothetical:
            continue
        elif m.negated:
            signals.setdefault("no" if positive else "yes", m.text)
        elif positive and p.get("present") and (m.past or _past(low)):
            signals.setdefault("no", _past(low) or m.text)
        else:
            signals.setdefault("yes" if positive else "no", m.text)
            if positive and m.label == nlp.CUE:
                affirmed_condition = m.text
    if not signals:
        drug = _denies_only_a_medicine(found, pol, p)
        if drug:
            return NoAnswer(f"the no is about {drug}, not this question")
        if pol.value == "yes" and p.get("present") and _past(low):
            return Reading("no", _past(low), text)
        if pol.value:
            return Reading(pol.value, pol.evidence, text, hedged=pol.hedged and pol.value != "unsure")
        if p.get("present") and _past(low) and _topic_words(low, ctx):
            return Reading("no", _past(low), text)
        if p.get("drug") and re.search(r"\b(?:only|just)\b|만\s|만$|만\b|뿐", low) and any(
                m.label == "DRUG" and m.affirmed for m in found):
            names = ", ".join(m.text for m in found if m.label == "DRUG")
            return Reading("no", names, text)  # "only <another medicine>": not this one
        return NoAnswer("no yes, no or not-sure word about this question")
    if "unsure" in signals:
        return Reading("unsure", signals["unsure"], text)
    if len(signals) > 1:
        if affirmed_condition:
            return Reading("yes", affirmed_condition, text, hedged=pol.hedged)
        return NoAnswer("both yes and no")
    value, evidence = next(iter(signals.items()))
    if pol.value and pol.value != value and pol.value != "unsure" and not pol.conflict and not affirmed_condition:
        # "No, <the medicine>": a bare yes or no against the topic named: ask again.
        if pol.evidence.strip().lower() in ("no", "yes", "아니요", "네"):
            return NoAnswer("both yes and no")
    return Reading(value, evidence, text, hedged=pol.hedged or (pol.value == "unsure"))


def _topic_words(low: str, ctx: Context) -> bool:
    words = ctx.params.get("topic", ())
    return any(w in low for w in words) or bool(re.search(r"\b(?:study|trial|it|that|one)\b|연구|임상|시험", low))


# ------------------------------------------------------------------ age

def read_age(text: str, ctx: Context) -> Result:
    text, bad = _cut(text)
    if bad:
        return bad
    low = words_to_digits(text.lower())
    today = ctx.today
    if polarity(text).value == "unsure" and not re.search(r"\d", low):
        return Reading("unsure", polarity(text).evidence, text)
    for lo, hi, words in find_dates(text, today):
        if lo > today:
            return NoAnswer("a birth date in the future", "impossible")
        oldest, youngest = _years_between(lo, today), _years_between(hi, today)
        if youngest < 1 or oldest > 120:
            return NoAnswer("not a real age", "impossible")
        return Reading("value", words, text, number=float(youngest), number_max=float(oldest))
    if re.search(r"(?<![\d.])-\s*\d", low):
        return NoAnswer("a negative age", "impossible")
    candidates = []
    for m in re.finditer(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])", low):
        before, after = low[:m.start()], low[m.end():]
        if re.match(r"\s*(?:months?|weeks?|days?|개월|달|주|일(?!\s*세)|kg|cm|°|도|degrees?|%|mg|kilo|pounds?|lbs?|am|pm|시)", after):
            continue
        tied = (re.match(r"\s*(?:years?|yrs?|y/?o|세|살)", after)
                or re.match(r"\s+(?:next|in \w+ (?:days?|weeks?|months?)|tomorrow|soon|this (?:week|month|year))\b", after)
                or re.search(r"(?:i'?m|i am|she'?s|she is|he'?s|he is|they'?re|age[d]?|turn(?:ed|ing|s)?|is|was|be|만|나이(?:는|가)?)\s*(?:about|around|almost|nearly|just|only)?\s*$", before)
                or re.search(r"(?:^|\s)(?:almost|nearly|about|around|turning|turns|soon to be|about to turn)\s*$", before)
                or not re.sub(r"\d+(?:\.\d+)?|years?|yrs?|old|about|around|age|세|살|만|이세요|세요|이에요|예요|입니다|이요|요|[\s.,!~]", "", low))
        if tied:
            subject = re.search(r"(she|he|they|i)(?:'s|'m| is| am| are|'re)?\s*(?:about|around|almost|nearly)?\s*$", before)
            candidates.append((m, subject.group(1) if subject else ""))
    if not candidates:
        return NoAnswer("no age, birth year or birth date", "")
    # "I'm 40, she's 17": the patient's age, not the carer's.
    m = next((c for c, who in candidates if who in ("she", "he", "they")), candidates[0][0])
    age = float(m[1])
    turning = re.search(r"(?:will be|'ll be|turns?|turning|be|almost|nearly|soon to be|about to turn)\s+" + re.escape(m[1]) + r"\b"
                        r"|\b" + re.escape(m[1]) + r"\s+(?:next\b|tomorrow\b|soon\b|in\s+(?:\d+|a|an|one|two|three|four|a few|few)\s+(?:days?|weeks?|months?)\b)"
                        r"|" + re.escape(m[1]) + r"\s*(?:살|세)(?:이|가)?\s*(?:돼요|됩니다|되어요|될|돼)", low) \
        or re.search(r"(?:다음|내년|곧|이번)\s*\S*\s*" + re.escape(m[1]) + r"\s*(?:살|세)", low)
    if turning and not re.search(r"\b(?:was|turned)\b", low[:turning.start() + 1] + turning.group(0)):
        age -= 1  # "I'll be 18 next month", "almost 18": 17 today
    if age != int(age) or not 1 <= age <= 120:
        return NoAnswer("not a real age", "impossible")
    return Reading("value", turning.group(0) if turning else m.group(0), text, number=float(int(age)))


def _years_between(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# ------------------------------------------------------------------ time since the last dose

def read_last_dose(text: str, ctx: Context) -> Result:
    """When the last dose of a treatment was. Params: `window_days` (for the
    "none in the window" reading)."""
    text, bad = _cut(text)
    if bad:
        return bad
    low = text.lower()
    try:
        ago = time_ago(text, ctx.today)
    except FutureDate:
        return NoAnswer("a date in the future", "impossible")
    found = nlp.mentions(text, ctx.vocab)
    not_counted = set(ctx.params.get("not_counted", ()))
    others = [m for m in found if m.label == "DRUG" and m.id in not_counted]
    drugs = [m for m in found if m.label == "DRUG" and not m.negated and m.id not in not_counted]
    pol = polarity(text)
    dosed = drugs or has(DOSE_WORDS, low) or has_ko(DOSE_WORDS_KO, low) or (ago and _only_time(low, ago[2]))
    if ago and dosed and not (pol.value == "no" and not drugs and re.match(r"\s*(?:no|nope|아니|아뇨|없)", low)):
        lo, hi, words = ago
        return Reading("value", words, text, number=lo, number_max=hi,
                       when=(ctx.today - timedelta(days=int(lo))).isoformat(),
                       extra={"drug": drugs[0].text} if drugs else {})
    if pol.value == "unsure":
        return Reading("unsure", pol.evidence, text)
    if pol.value == "no" and not any(m.affirmed for m in drugs):
        return Reading("none", pol.evidence, text, hedged=pol.hedged)
    if others and not drugs and re.search(r"\b(?:only|just)\b|만|뿐", low):
        return Reading("none", others[0].text, text)  # "just aspirin": not a cancer medicine
    if any(m.label == "DRUG" and m.negated for m in found) and not any(m.affirmed for m in drugs):
        return Reading("none", next(m.text for m in found if m.negated), text)
    if drugs or pol.value == "yes":
        return NoAnswer("no time for the last dose", "when", partial=True)
    return NoAnswer("no yes, no or time of the last dose")


DOSE_WORDS = [r"dose", r"took", r"taken", r"take", r"taking", r"had", r"got", r"stopped", r"last", r"chemo", r"chemotherapy",
              r"pill", r"pills", r"tablet", r"tablets", r"infusion", r"injection", r"medicine", r"medication", r"treatment",
              r"cycle", r"round", r"till", r"until", r"since", r"finished", r"ended"]
DOSE_WORDS_KO = [r"먹", r"복용", r"맞", r"투여", r"주사", r"받았", r"받으셨", r"드셨", r"항암", r"약", r"끊", r"중단", r"마지막", r"치료"]


def _only_time(low: str, words: str) -> bool:
    """The message is just a time ('5 days ago', '어제요'): an answer to 'when?'."""
    rest = low.replace(words.lower(), " ")
    return not re.sub(r"[\s.,!~]|about|around|maybe|roughly|on|in|the|last|until|till|쯤|정도|까지|에|었어요|았어요|어요|이요|예요|이에요|입니다|습니다|요|전",
                      "", rest)


# ------------------------------------------------------------------ diagnosis: a disease after an earlier one

_LEADING_YES = re.compile(r"\s*(?:yes|yeah|yep|yup|네|넵|예|맞아요)(?![\w가-힣])")
_WHICH_KIND = re.compile(r"(?:not sure|don't know|do not know|dunno|forget|forgot|can't remember|no idea|unsure)\s+"
                         r"(?:of\s+)?(?:which|what kind|what type|the (?:name|kind|type))"
                         r"|(?:어떤|무슨|어느)\s?\S*\s?(?:인지|건지|종류)\S*\s?(?:는\s?|은\s?)?(?:몰라|모르|기억)")


def read_diagnosis(text: str, ctx: Context) -> Result:
    """Params: `disease` (the target, e.g. aml), `combined` (ids that name the
    target-after-precursor at once), `precursors` (ids of the earlier
    disease), `other_precursors` (a different earlier disease: target after
    it does not count), `review` (ids the team judges), `vague` (the target's
    family without its type), `hints` (signs of the precursor)."""
    text, bad = _cut(text)
    if bad:
        return bad
    low = text.lower()
    p = ctx.params
    state: Dict[str, str] = {}
    names: Dict[str, str] = {}
    found = nlp.mentions(text, ctx.vocab)
    for m in found:
        if m.label != "DISEASE":
            continue
        key = "precursor" if m.id in p["precursors"] else m.id
        status = "uncertain" if m.uncertain else "negated" if m.negated else "yes"
        if state.get(key) != "yes":  # an affirmed mention wins over a negated one
            state[key] = status
        if status == "yes" or key not in names:
            names[key] = m.text
    pol = polarity(text)
    said_yes, said_no = pol.value == "yes", pol.value == "no"
    target, pre = state.get(p["disease"]), state.get("precursor")
    # "yes, but I don't know which MPN": the doubt is about the kind, not the
    # yes; without the yes, nothing is said about what came after.
    if pol.value == "unsure" and pre and _WHICH_KIND.search(low):
        if _LEADING_YES.match(low):
            said_yes, pre = True, "yes"
        elif not target:
            return NoAnswer("the earlier condition's kind is not known, and what followed is not said", partial=True)
    pre_name = names.get("precursor", "")

    def reading(value: str, evidence: str, hedged: bool = False) -> Reading:
        return Reading(value, evidence, text, hedged=hedged or pol.hedged)

    if not state:
        drug = _denies_only_a_medicine(found, pol, p)
        if drug:
            return NoAnswer(f"the no is about {drug}, not the diagnosis")
        if pol.value == "unsure":
            return reading("unsure", pol.evidence)
        if said_yes:
            return reading("confirmed", pol.evidence)
        if said_no:
            return reading("none", pol.evidence)
        return NoAnswer("no diagnosis named and no yes or no")
    for key in p.get("review", ()):
        if state.get(key) == "yes":
            return reading(key, names[key])
    other = next((k for k in p.get("other_precursors", ()) if state.get(k) == "yes"), None)
    if any(state.get(k) == "yes" for k in p.get("combined", ())):
        k = next(k for k in p["combined"] if state.get(k) == "yes")
        if other and pre != "yes":  # "MDS turned into AML": not after an MPN
            return reading("target_after_other", names[other])
        return reading("confirmed", names[k])
    if target == "yes":
        if pre == "yes":
            return reading("confirmed", f"{names[p['disease']]} + {pre_name}")
        if other:
            return reading("target_after_other", names[other])
        if pre == "negated" or (said_no and not pre):
            return reading("target_only", names[p["disease"]])
        if pre == "uncertain" or any(k in state for k in p.get("hints", ())):
            return reading("precursor_uncertain", names[p["disease"]])
        if said_yes:
            return reading("confirmed", names[p["disease"]])
        return NoAnswer("the earlier condition is not named", "precursor", partial=True)
    if target == "uncertain" or any(state.get(k) == "uncertain" for k in p.get("vague", ())):
        return reading("unconfirmed", names.get(p["disease"]) or next(names[k] for k in p["vague"] if k in names))
    vague = next((k for k in p.get("vague", ()) if state.get(k) == "yes"), None)
    if vague and target != "negated":
        return reading("unconfirmed", names[vague])
    if pre == "yes":
        if said_yes and target != "negated" and not re.search(r"\bonly\b|\bjust\b|만\s", low):
            return reading("confirmed", pre_name)
        return reading("precursor_only", pre_name)
    if other:
        return reading("other_only", names[other])
    if pre == "uncertain":
        return NoAnswer("the diagnosis is not clear", "precursor")
    if target == "negated" or said_no:
        return reading("none", pol.evidence or names.get(p["disease"], ""))
    if pol.value == "unsure":
        return reading("unsure", pol.evidence)
    return NoAnswer("no diagnosis named and no yes or no")


# ------------------------------------------------------------------ ECOG from a usual day

ECOG_EN = [
    (4, [r"bed[- ]?ridden", r"bed[- ]?bound", r"in (?:a )?(?:bed|chair)(?: or (?:a )?(?:bed|chair))? all (?:the )?(?:day|time)",
         r"all day in (?:a )?(?:bed|chair)", r"(?:confined|stuck) to (?:a |the )?bed", r"can(?:no|')t get out of bed",
         r"completely disabled", r"totally disabled",
         r"can(?:no|')t (?:look after|take care of|care for) (?:myself|herself|himself|themselves)",
         r"need(?:s)? help with everything", r"never (?:gets? )?out of bed"]),
    (3, [r"in (?:a )?(?:bed|chair)(?: or (?:a )?(?:bed|chair))? (?:for )?(?:most|more than half|much|the majority) of the day",
         r"in (?:a )?(?:bed|chair)(?: or (?:a )?(?:bed|chair))? more than half (?:of )?the day",
         r"(?:bed|chair) most of the day", r"more than half (?:of )?the day in (?:a )?(?:bed|chair)", r"mostly in bed",
         r"limited self[- ]?care", r"need(?:s)? help (?:with )?(?:washing|dressing|bathing|showering|the toilet)",
         r"lying down most", r"mostly lying", r"in bed most", r"resting most of the day"]),
    (2, [r"can(?:no|')t work", r"unable to work", r"not able to work", r"stopped working", r"can no longer work",
         r"(?:can|able to) (?:look after|take care of|care for) (?:myself|herself|himself|themselves)", r"self[- ]?care",
         r"up and about more than half", r"up (?:for )?(?:more than half|most) of the day", r"need(?:s)? to rest",
         r"rest (?:a lot|sometimes|during the day)", r"(?:on|off) sick leave"]),
    (1, [r"light (?:work|housework|activity|activities|duties|exercise|chores)", r"office work", r"desk (?:job|work)",
         r"can(?:no|')t do (?:heavy|strenuous|hard)", r"no (?:heavy|strenuous|hard) (?:work|activity|exercise)",
         r"tired but", r"gets? tired", r"still (?:work|working|works)", r"slower than (?:before|usual)",
         r"some (?:limits|limitations)", r"restricted in strenuous", r"housework", r"a (?:bit|little) slower",
         r"(?:can't|cannot|can no longer) (?:run|exercise|do sports|lift|do heavy)", r"walks? (?:slowly|a little)",
         r"(?:easy|light) (?:chores|tasks|jobs)", r"part[- ]time", r"(?:still )?go(?:es)? to work", r"still work(?:s|ing)?"]),
    (0, [r"fully active", r"no (?:restrictions|limits|limitations)", r"normal (?:life|activities|day)",
         r"(?:same|just) as before", r"like before", r"work(?:s|ing)? full[- ]?time", r"everything as (?:before|usual)",
         r"go(?:es)? to the gym", r"(?:run|runs|jog|jogs|hike|hikes) (?:every|most|several)", r"completely normal",
         r"(?:do|does|can do) everything (?:i|she|he|they) (?:used to|did before|always did)",
         r"(?:do|does|can do) (?:everything|anything|all (?:my|her|his|their) usual)", r"nothing has changed",
         r"(?:no|without any) (?:problems|trouble|difficulty)", r"as (?:normal|usual)", r"normal(?:ly)? active",
         r"(?:totally|perfectly|completely) (?:fine|normal|independent)"]),
]
ECOG_KO = [
    (4, [r"하루\s?종일\s?(?:누워|침대)", r"종일\s?누워", r"거동(?:을|이)?\s?(?:못|불가|전혀)", r"못\s?일어나", r"대소변.*도움",
         r"혼자서는?\s?아무것도\s?못", r"모든\s?(?:걸|것을?)\s?도와", r"침대에서\s?(?:못|거의\s?안)\s?나", r"와상"]),
    (3, [r"(?:하루\s?|낮의?\s?)?(?:절반|반)\s?(?:이상|넘게)\s?(?:누워|침대|앉아)", r"대부분\s?(?:누워|침대)", r"거의\s?누워", r"주로\s?누워",
         r"누워\s?(?:있는|계시는|지내는)\s?시간이\s?(?:더\s?)?많", r"앉아\s?(?:있는|계시는)\s?시간이\s?(?:더\s?)?많",
         r"씻(?:는|기).*도움", r"옷.*도움", r"부축", r"화장실.*도움"]),
    (2, [r"일은?\s?(?:못|할\s?수\s?없)", r"일을?\s?(?:그만|쉬고|못)", r"직장.*(?:못|쉬|휴직)", r"휴직", r"병가",
         r"(?:혼자|스스로)\s?(?:씻|먹|옷|생활|챙|할\s?수)", r"자기\s?관리", r"(?:하루\s?)?(?:절반|반)\s?이상\s?(?:움직|활동|깨어)",
         r"자주\s?쉬", r"누워\s?있는\s?시간.*(?:절반|반)\s?(?:이하|안|미만)"]),
    (1, [r"가벼운\s?(?:일|집안일|운동|활동)", r"집안일", r"사무\s?일", r"힘든\s?일[은만]?\s?(?:못|안|힘들|어렵)", r"무리한",
         r"피곤하지만", r"(?:조금|좀)\s?(?:느려|힘들|피곤)", r"아직\s?(?:일|출근|회사)", r"직장\s?(?:다니|나가)", r"출근", r"회사\s?다녀"]),
    (0, [r"(?:완전히\s?)?정상적으?로?\s?(?:생활|활동)", r"제한\s?없", r"예전처럼", r"전과\s?(?:똑같|같)", r"평소(?:처럼|와\s?같)",
         r"일상\s?생활(?:에|은|이)?\s?(?:지장|문제)\s?없", r"아무\s?(?:문제|지장)\s?없", r"운동도", r"등산(?:도|을|하|다니)", r"다\s?할\s?수\s?있",
         r"평소(?:랑|와)\s?똑같", r"아프기\s?전처럼", r"혼자\s?다\s?(?:해|하)", r"잘\s?걷", r"산책도", r"다\s?해요"]),
]


def read_ecog(text: str, ctx: Context) -> Result:
    text, bad = _cut(text)
    if bad:
        return bad
    low = text.lower()
    m = re.search(r"\b(?:ecog|ps|performance status|level|grade)\s*(?:is|of|=|:)?\s*(-?\d+)\b", low) or \
        re.search(r"(?:ecog|활동도|수행\s?상태|수행능력)\s*(?:는|은|이|가)?\s*(-?\d+)", low) or \
        re.search(r"^\s*(-?\d+)\s*(?:단계|점|번|등급)?\s*(?:이에요|예요|입니다|요)?\s*[.!]?\s*$", low)
    if m:
        level = int(m[1])
        if not 0 <= level <= 4:
            return NoAnswer("an ECOG level outside 0-4", "impossible")
        return Reading("value", m.group(0).strip(), text, number=float(level))
    for table, finder in ((ECOG_EN, has), (ECOG_KO, has_ko)):
        for level, patterns in table:
            ev = finder(patterns, low)
            if ev:
                return Reading("value", ev, text, number=float(level))
    pol = polarity(text)
    if pol.value == "unsure":
        return Reading("unsure", pol.evidence, text)
    return NoAnswer("no description of a usual day")


# ------------------------------------------------------------------ another condition within a look-back window

def read_condition_window(text: str, ctx: Context) -> Result:
    """Another disease (label `label`) diagnosed or treated within a window.
    Params: `label` (a vocabulary label, e.g. CANCER), `exempt` (ids allowed),
    `vague_exempt` (ids that may or may not be exempt), `generic` (the id of
    the bare word, e.g. "cancer"), `qualifies_exempt` (word pairs that make
    the generic word exempt, e.g. squamous + skin)."""
    text, bad = _cut(text)
    if bad:
        return bad
    low = text.lower()
    p = ctx.params
    found = nlp.mentions(text, ctx.vocab)
    items = [m for m in found if m.label == p["label"] and not m.negated]
    pol = polarity(text)
    if any(m.uncertain for m in items) or (pol.value == "unsure" and not items):
        return Reading("unsure", pol.evidence or items[0].text, text)
    if items:
        kinds = {m.id for m in items}
        for words, as_id in p.get("qualifies_exempt", ()):
            if all(w in low for w in words):
                kinds = {as_id if k == p.get("generic") else k for k in kinds}
        if kinds <= set(p.get("exempt", ())):
            return Reading("exempt", items[0].text, text)
        if kinds <= set(p.get("exempt", ())) | set(p.get("vague_exempt", ())):
            return Reading("unsure", items[0].text, text)
    try:
        ago = time_ago(text, ctx.today)
    except FutureDate:
        return NoAnswer("a date in the future", "impossible")
    if items or (ago and pol.value == "yes"):
        if not ago:
            return NoAnswer("no time for the other diagnosis", "when", partial=True)
        lo, hi, words = ago
        name = items[0].text if items else ""
        return Reading("value", f"{name} {words}".strip(), text, number=lo, number_max=hi,
                       when=(ctx.today - timedelta(days=int(lo))).isoformat())
    only_main = re.search(r"\b(?:only|just)\b|만\s|뿐", low) and any(m.label == "DISEASE" for m in found)
    negated_item = any(m.label == p["label"] and m.negated for m in found)
    if only_main or pol.value == "no" or negated_item:
        return Reading("none", pol.evidence or next((m.text for m in found if m.negated), "only"), text,
                       hedged=pol.hedged)
    if pol.value == "yes":
        return NoAnswer("which one and when", "when", partial=True)
    return NoAnswer("no yes or no, and no other diagnosis named")


# ------------------------------------------------------------------ lab values

_NORMAL_EN = [r"normal", r"within (?:the )?(?:normal )?(?:range|limits)", r"in range",
              r"(?:all|both|results?|tests?|levels?|labs?|numbers?|bloods?|blood work|they(?:'re| are)|it(?:'s| is)|was|were|are|is|kidneys?|liver|creatinine|alt|ast)\s+(?:were\s+|are\s+|is\s+|was\s+|look\s+|looked\s+)?(?:fine|ok|okay|good|great)"]
_HIGH_EN = [r"(?:a bit |slightly |a little |very |quite )?(?:high|raised|elevated)", r"above normal", r"abnormal",
            r"not normal", r"too high", r"out of range"]
_NORMAL_KO = [r"(?<![가-힣])정상(?!에서|을|에|적)", r"(?:수치|결과|검사|간|신장|콩팥|크레아티닌)\S*\s?(?:는|은|가|이|도)?\s?(?:괜찮|문제\s?없|좋)",
              r"^\s*(?:다\s?|모두\s?|둘\s?다\s?)?(?:괜찮대요|괜찮아요|좋대요|문제\s?없대요|정상이래요|정상이에요)"]
_HIGH_KO = [r"(?:수치|결과|검사|간|신장|콩팥|크레아티닌)\S*\s?(?:는|은|가|이|도)?\s?(?:좀\s?|조금\s?|많이\s?)?(?:높|올라|안\s?좋)", r"비정상",
            r"^\s*(?:좀\s?|조금\s?)?(?:높대요|높아요|높다고)", r"정상(?:보다|치보다)\s?(?:\S+\s)?(?:높|많)"]


def _lab_words(low: str) -> Optional[Tuple[str, str]]:
    ev = has(_HIGH_EN, low) or has_ko(_HIGH_KO, low)
    if ev:
        return "high", ev
    ev = has(_NORMAL_EN, low) or has_ko(_NORMAL_KO, low)
    if ev:
        return "normal", ev
    return None


def _unknown_lab(text: str, low: str) -> Optional[Reading]:
    pol = polarity(text)
    never = has([r"never (?:had|checked|tested)", r"no (?:idea|result)", r"haven't (?:had|got|seen)"], low) or \
        has_ko([r"검사\s?(?:안|못)", r"결과\S*\s?(?:없|모르|못\s?봤|안\s?봤)", r"못\s?봤", r"안\s?봤"], low)
    if (pol.value in ("unsure", "no") or never) and not re.search(r"\d", low):
        return Reading("unknown", never or pol.evidence, text)
    return None


_REF_RANGE = re.compile(r"\(?\s*(?:normal|ref(?:erence)?|range|정상\s?범위|참고치)\s*(?:range|is|:)?\s*(?:is\s*)?\d+(?:\.\d+)?\s*(?:-|–|~|to)\s*\d+(?:\.\d+)?\s*\)?")


def read_lab(text: str, ctx: Context) -> Result:
    """One lab value with its unit. Params: `unit` (the rule's unit, e.g.
    mg/dL), `units` (regexes of other units -> factor to the rule's unit),
    `unit_regex` (the rule's unit), `bare_range` ([lo, hi]: a number without a
    unit is read in the rule's unit only inside it), `plausible` ([lo, hi])."""
    text, bad = _cut(text)
    if bad:
        return bad
    p = ctx.params
    low = re.sub(r"(\d),(\d{1,2})(?!\d)", r"\1.\2", text.lower())
    low = _REF_RANGE.sub(" ", low)  # "normal range 0.5-1.2" is the report's range, not a result
    unknown = _unknown_lab(text, low)
    if unknown:
        return unknown
    if re.search(r"(?<![\d\w.])-\s*\d", low):
        return NoAnswer("a negative value", "impossible")
    unit_alts = [(p["unit_regex"], 1.0)] + [(rx, float(f)) for rx, f in p.get("units", {}).items()]
    units = "|".join(rx for rx, _ in unit_alts)
    values = []
    for m in re.finditer(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(" + units + r")?", low):
        values.append((float(m[1]), m[2], m.group(0).strip()))
    if not values:
        word = _lab_words(low)
        if word:
            return Reading(word[0], word[1], text)
        if re.search(r"(?<![\w/])(?:" + units + r")(?![\w/])", low):
            return NoAnswer("a unit without its number", partial=True)  # "mg/dL", after "1.1"
        return NoAnswer("no number with a unit", "unit")
    with_unit = [v for v in values if v[1]]
    if len({v for v, _, _ in values}) > 1 and len(with_unit) != 1:
        return NoAnswer("more than one number", "one")
    number, unit, words = (with_unit or values)[0]
    if unit:
        factor = next(f for rx, f in unit_alts if re.fullmatch(rx, unit))
        value = round(number * factor, 3)
    elif p["bare_range"][0] <= number <= p["bare_range"][1]:
        value = number
    else:
        return NoAnswer("a number without its unit", "unit", partial=True)
    if not p["plausible"][0] <= value <= p["plausible"][1]:
        return NoAnswer("not a real result", "impossible")
    return Reading("value", words, text, number=value, extra={"unit": p["unit"]})


def read_lab_uln(text: str, ctx: Context) -> Result:
    """Lab values compared with the upper limit of normal (ULN), for several
    analytes. Params: `analytes` ({name: [aliases]}), `names_ko` (Korean words
    for the group, e.g. 간수치)."""
    text, bad = _cut(text)
    if bad:
        return bad
    p = ctx.params
    low = words_to_digits(text.lower())
    low = re.sub(r"(?<![가-힣])(두|세|네|다섯)\s*배", lambda m: {"두": "2", "세": "3", "네": "4", "다섯": "5"}[m[1]] + "배", low)
    unknown = _unknown_lab(text, low)
    if unknown:
        return unknown
    if re.search(r"(?<![\d\w.])-\s*\d", low):
        return NoAnswer("a negative value", "impossible")
    alias = {a.lower(): name for name, aliases in p["analytes"].items() for a in aliases}
    enzyme = r"\b(" + "|".join(sorted(map(re.escape, alias), key=len, reverse=True)) + r")\b"
    uln_rx = (r"(?:normal|uln|upper limit(?: of normal)?|limit|reference(?: range)?|range|max(?:imum)?|ref|정상\s?(?:범위|상한|치)?|기준)"
              r"[^\d]{0,20}?(?:\d+(?:\.\d+)?\s*(?:-|to|–|~)\s*)?(\d+(?:\.\d+)?)")
    cuts = [m.start() for m in re.finditer(enzyme, low)] or [0]
    pieces = [low[:cuts[0]]] + [low[a:b] for a, b in zip(cuts, cuts[1:] + [len(low)])]
    ulns = [float(m[1]) for m in re.finditer(uln_rx, low)]
    names = list(p["analytes"])
    ratios: Dict[str, float] = {}
    words: Dict[str, Tuple[str, str]] = {}
    shown: List[str] = []
    for piece in pieces:
        em = re.match(enzyme, piece)
        targets = [alias[em[1]]] if em else names
        body = piece[em.end():] if em else piece
        mult = re.search(r"(\d+(?:\.\d+)?|twice|double|triple|one and a half|1 and a half)\s*(?:times|x|×|배)\s*(?:the\s+)?"
                         r"(?:upper limit(?: of normal)?|uln|normal|the limit|정상)?", body) or \
            re.search(r"\b(twice|double|triple)\b", body)
        if mult:
            raw = mult[1]
            ratio = {"twice": 2.0, "double": 2.0, "triple": 3.0}.get(raw) or (1.5 if "half" in raw else float(raw))
            for n in targets:
                ratios[n] = ratio
            shown.append(mult.group(0).strip())
            continue
        value = re.match(r"[^\d]{0,15}?(\d+(?:\.\d+)?)", body) if em else None
        if value:
            own = re.search(uln_rx, body[value.end():])
            uln = float(own[1]) if own else (ulns[0] if len(set(ulns)) == 1 else None)
            if not uln:
                return NoAnswer("no upper limit of normal", "uln")
            if float(value[1]) <= 0 or uln <= 0:
                return NoAnswer("not a real result", "impossible")
            ratios[targets[0]] = round(float(value[1]) / uln, 3)
            shown.append(f"{targets[0]} {float(value[1]):g}/{uln:g}")
            continue
        word = _lab_words(body)
        if word:
            for n in targets:
                words[n] = word
    if any(r > 1.5 for r in ratios.values()):
        return Reading("value", ", ".join(shown), text, number=max(ratios.values()))
    if any(w[0] == "high" for w in words.values()):
        return Reading("high", next(w[1] for w in words.values() if w[0] == "high"), text)
    if ratios:
        if all(n in ratios or words.get(n, ("",))[0] == "normal" for n in names):
            return Reading("value", ", ".join(shown), text, number=max(ratios.values()))
        return Reading("partial", ", ".join(shown), text, number=max(ratios.values()))
    if words:
        return Reading("normal", next(iter(words.values()))[1], text)
    if re.search(r"\d", low):
        return NoAnswer("numbers without the test name or the upper limit", "uln")
    return NoAnswer("no result, 'normal' or 'don't know'")


# ------------------------------------------------------------------ who is answering, sex, pregnancy potential

def read_respondent(text: str, ctx: Context) -> Result:
    text, bad = _cut(text)
    if bad:
        return bad
    found = read_relation(text)
    if found is not None:
        return respondent_reading(found, text)
    return NoAnswer("not clear who the patient is")


def respondent_reading(found: Tuple[str, Optional[str], str], text: str) -> Reading:
    """Who is answering, from read_relation's (relation, the patient's sex, words)."""
    relation, sex, evidence = found
    if relation == "self":
        return Reading("self", evidence, text)
    return Reading("proxy", evidence, text, extra={"relation": relation, **({"sex": sex} if sex else {})})


_FEMALE_EN = [r"female", r"woman", r"women", r"f", r"lady", r"girl", r"she", r"her"]
_MALE_EN = [r"male", r"man", r"men", r"m", r"guy", r"boy", r"he", r"him"]
_FEMALE_KO = [r"(?<![가-힣])(?:여자|여성|여)(?:예요|이에요|입니다|요|분)?(?![가-힣])"]
_MALE_KO = [r"(?<![가-힣])(?:남자|남성|남)(?:예요|이에요|입니다|요|분)?(?![가-힣])"]


def read_sex(text: str, ctx: Context) -> Result:
    text, bad = _cut(text)
    if bad:
        return bad
    low = text.lower()
    female = has(_FEMALE_EN, low) or has_ko(_FEMALE_KO, low)
    male = has(_MALE_EN, low) or has_ko(_MALE_KO, low)
    if female and not male:
        return Reading("female", female, text)
    if male and not female:
        return Reading("male", male, text)
    ev = has(UNSURE + [r"prefer not", r"rather not", r"non-?binary", r"intersex", r"other gender"], low) or \
        has_ko(KO_UNSURE + [r"말하고 싶지 않", r"밝히고 싶지 않"], low)
    if ev:
        return Reading("unsure", ev, text)
    return NoAnswer("no female or male")


_NOT_FERTILE_EN = [r"menopause", r"post-?menopausal", r"(?:went|gone|going) through the change", r"hysterectomy",
                   r"womb (?:was )?removed", r"uterus (?:was )?removed", r"ovaries (?:were )?removed",
                   r"no (?:more )?periods", r"periods? (?:have )?stopped", r"(?:too )?old to", r"sterili[sz]ed",
                   r"tubes tied", r"tubal ligation"]
_NOT_FERTILE_KO = [r"폐경", r"완경", r"자궁\s?(?:적출|절제|제거)", r"난소\s?(?:적출|절제|제거)", r"생리\s?(?:가|를)?\s?(?:안|끊|멈|없)",
                   r"월경\s?(?:이|을)?\s?(?:안|끊|멈|없)", r"불임\s?수술", r"나팔관\s?(?:수술|묶)"]


def read_childbearing(text: str, ctx: Context) -> Result:
    text, bad = _cut(text)
    if bad:
        return bad
    low = text.lower()
    ev = has(_NOT_FERTILE_EN, low) or has_ko(_NOT_FERTILE_KO, low)
    if ev:
        return Reading("no", ev, text)
    ev = has([r"pregnant", r"breast-?feeding", r"nursing", r"still (?:have|get|has|gets) (?:my |her )?periods?"], low) or \
        has_ko([r"임신\s?중", r"수유\s?중", r"아직\s?생리", r"생리\s?(?:해요|하고\s?있|중|를?\s?해)"], low)
    if ev and not has([r"not", r"n't", r"no"], low) and not has_ko(KO_NO, low):
        return Reading("yes", ev, text)
    pol = polarity(text)
    if pol.value:
        return Reading(pol.value, pol.evidence, text, hedged=pol.hedged)
    return NoAnswer("no yes, no or not-sure word")


READERS: Dict[str, Callable[[str, Context], Result]] = {
    "yes_no": read_yes_no,
    "age": read_age,
    "last_dose": read_last_dose,
    "diagnosis": read_diagnosis,
    "ecog": read_ecog,
    "condition_window": read_condition_window,
    "lab": read_lab,
    "lab_uln": read_lab_uln,
    "respondent": read_respondent,
    "sex": read_sex,
    "childbearing": read_childbearing,
}
