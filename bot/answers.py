"""Free text -> a typed answer.

Each parser reads what a person typed for one kind of question and returns an
`Answer`: a category (`value`), maybe a number, and what it read (`detail`).
When it cannot read the text it says so (`understood=False`) and names what
was missing, so the bot can ask again; it never guesses.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from bot import nlp

MAX_ANSWER_CHARS = 1000


@dataclass(frozen=True)
class Answer:
    understood: bool
    value: Optional[str] = None  # a category: yes / no / unsure / value / normal / ...
    number: Optional[float] = None  # the number the rule compares (age, mg/dL, days, ...)
    number_max: Optional[float] = None  # upper end when the answer is a range (a birth year)
    when: Optional[date] = None  # the date of an event (last dose, diagnosis)
    detail: str = ""  # what was read, in words, for reasons and summaries
    hedged: bool = False  # "I think so", "probably": never enough to rule someone out
    missing: str = ""  # what could not be read, for the re-ask
    extra: Dict[str, str] = field(default_factory=dict)  # e.g. relation, implied sex


def not_understood(missing: str) -> Answer:
    return Answer(understood=False, missing=missing)


# ---------------------------------------------------------------- text helpers

_WORD_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
         "seventy": 70, "eighty": 80, "ninety": 90}
_FUZZY = {"a": 1, "an": 1, "a couple of": 2, "a couple": 2, "couple of": 2,
          "a few": 3, "few": 3, "several": 3}

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH_RE = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"


def normalize(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    text = re.sub(r"\b(do|does|did|have|has|is|are|was|were|ca|wo|could|would|should)nt\b", r"\1n't", text, flags=re.I)
    return re.sub(r"\s+", " ", text).strip()


def words_to_digits(text: str) -> str:
    """'forty-five' -> '45', 'two weeks' -> '2 weeks'."""
    def tens(m: re.Match) -> str:
        value = _TENS[m.group(1).lower()]
        if m.group(2):
            value += _WORD_NUMBERS[m.group(2).lower()]
        return str(value)

    units = "|".join(k for k in _WORD_NUMBERS if _WORD_NUMBERS[k] < 10)
    text = re.sub(r"\b(" + "|".join(_TENS) + r")(?:[\s-](" + units + r"))?\b", tens, text, flags=re.I)
    text = re.sub(r"\b(" + "|".join(_WORD_NUMBERS) + r")\b",
                  lambda m: str(_WORD_NUMBERS[m.group(1).lower()]), text, flags=re.I)
    return text


def precheck(text: Optional[str]) -> Tuple[str, Optional[Answer]]:
    """Rejects what no parser can read: nothing, too much, or no English."""
    text = normalize(text or "")
    if not text:
        return text, not_understood("an answer")
    if len(text) > MAX_ANSWER_CHARS:
        return text, not_understood("a shorter answer")
    if not re.search(r"[A-Za-z0-9]", text):
        return text, not_understood("an answer in English")
    if re.search(r"<\s*/?\s*[A-Za-z][^>]*>", text):
        return text, not_understood("a plain-text answer, without markup")
    return text, None


def _has(patterns: Iterable[str], text: str) -> Optional[str]:
    for p in patterns:
        m = re.search(r"(?<![\w'])" + p + r"(?![\w'])", text, flags=re.I)
        if m:
            return m.group(0)
    return None


# ---------------------------------------------------------------- yes / no / not sure

_HEDGED_NO = [
    r"not that (?:i|we) (?:know|knew|am aware|'m aware|are aware)(?: of)?",
    r"not as far as (?:i|we) know", r"(?:i|we) do(?:n't| not) (?:think|believe) so",
    r"do(?:n't| not) think so", r"probably not", r"(?:i )?doubt (?:it|that)", r"unlikely",
    r"(?:i'm|i am) (?:pretty |fairly )?sure not", r"not really", r"i don't believe (?:she|he|they|i) (?:has|have|did|does|is)",
    r"(?:i|we) do(?:n't| not) think (?:so|she|he|they|i|it)",
]
_UNSURE = [
    r"not (?:really )?sure", r"unsure", r"(?:i )?(?:do(?:n't| not)|dont) know", r"dunno", r"no idea", r"maybe",
    r"perhaps", r"possibly", r"(?:can't|cannot|can not|do(?:n't| not)) (?:remember|recall)", r"not certain",
    r"uncertain", r"idk", r"no clue", r"can't say", r"hard to say", r"could be", r"might (?:have|be)",
    r"(?:need|have) to check", r"not known", r"unknown", r"forgot", r"i forget", r"no recollection",
]
_HEDGE = [r"i think", r"i believe", r"probably", r"likely", r"i guess", r"(?:pretty|fairly) sure", r"i suppose"]
_YES_WORDS = [
    r"yes", r"yeah", r"yep", r"yup", r"ya", r"yea", r"yess+", r"y", r"sure", r"certainly", r"definitely",
    r"absolutely", r"correct", r"that.s right", r"that is right", r"^right[.!]?$", r"affirmative", r"indeed", r"ok", r"okay", r"agreed",
    r"i agree", r"true", r"of course", r"uh[- ]huh", r"(?:think|believe|guess|hope|suppose) so",
]
_NO_WORDS = [
    r"no", r"nope", r"nah", r"never", r"none", r"nothing", r"negative", r"not at all", r"no way", r"neither",
    r"n", r"nor", r"not", r"n't", r"without",
]
_SUBJECT = r"(?:i|i've|i'm|she|she's|he|he's|they|we|you|it|my \w+|the patient|mom|mum|dad|mother|father)"
_AUX = r"(?:do|does|did|have|has|had|am|is|was|are|were|will|would|can|could|took|take|takes|taking|used|use|uses|got|get|gets|'ve|'s|'m)"
_WEAK_YES = _SUBJECT + r"\s+(?:\w+\s+)?" + _AUX


def _outside_entities(doc) -> str:
    """The words of `doc` not inside a recognised entity, so that 'no problem'
    (a cue) or 'not' inside 'not strong enough' is not read twice."""
    covered = {i for e in doc.ents for i in range(e.start, e.end)}
    return " ".join(t.text for t in doc if t.i not in covered)


def _polarity(doc, target_drug: Optional[str] = None) -> Tuple[set, List[str]]:
    """Signals from entities: (set of 'yes'/'no'/'unsure', names read)."""
    signals, names = set(), []
    for ent in doc.ents:
        key = ent.kb_id_ if ent.label_ == nlp.CUE_LABEL else None
        if key in ("yes", "no"):
            positive = key == "yes"
        elif target_drug and ent.label_ == "DRUG":
            if ent.ent_id_ != target_drug:
                continue
            positive = True
        else:
            continue
        if nlp.uncertain(ent):
            signals.add("unsure")
        elif nlp.negated(ent):
            signals.add("no" if positive else "yes")
        else:
            signals.add("yes" if positive else "no")
            if positive:
                names.append(ent.text)
    return signals, names


def parse_yes_no(text: str, cues: Optional[Dict[str, Sequence[str]]] = None, drug: Optional[str] = None,
                 **_: object) -> Answer:
    text, bad = precheck(text)
    if bad:
        return bad
    low = text.lower()
    if _has(_HEDGED_NO, low):
        return Answer(True, "no", hedged=True, detail="probably not")
    if _has(_UNSURE, low):
        return Answer(True, "unsure", detail="not sure")
    hedged = bool(_has(_HEDGE, low))

    doc = nlp.analyze(text, cues)
    signals, names = _polarity(doc, drug)
    rest = _outside_entities(doc).lower()
    if _has(_NO_WORDS, rest):
        signals.add("no")
    if _has(_YES_WORDS, rest):
        signals.add("yes")
    if drug and not signals and any(e.label_ == "DRUG" and not nlp.negated(e) for e in doc.ents):
        signals.add("no")  # "only hydroxyurea": names other medicines, not the one asked about
    if not signals and re.search(r"(?<![\w'])" + _WEAK_YES + r"(?![\w'])", low):
        signals.add("yes")  # "she did", "I have"
    if not signals and hedged and not re.sub(r"|".join(_HEDGE) + r"|[\s.,!]", "", low):
        signals.add("yes")  # a bare "probably"
    if len(signals) != 1:
        return not_understood("a clear yes, no or not sure")
    value = signals.pop()
    return Answer(True, value, hedged=hedged and value != "unsure", detail=", ".join(dict.fromkeys(names)))


# ---------------------------------------------------------------- numbers, dates, times ago

def _safe_date(y: int, m: int, d: int) -> Optional[date]:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str, today: date) -> List[Tuple[date, date, str]]:
    """Calendar dates in `text` as (earliest, latest, matched text): a day gives
    one date; a month and year, or a year alone, the range it spans; an
    ambiguous 03/04/2020 both readings."""
    found: List[Tuple[date, date, str]] = []
    taken: List[Tuple[int, int]] = []

    def add(m: re.Match, lo: Optional[date], hi: Optional[date]) -> None:
        if lo and hi and not any(s < m.end() and m.start() < e for s, e in taken):
            found.append((min(lo, hi), max(lo, hi), m.group(0)))
            taken.append((m.start(), m.end()))

    for m in re.finditer(r"\b(\d{4})[-./](\d{1,2})[-./](\d{1,2})\b", text):
        d = _safe_date(int(m[1]), int(m[2]), int(m[3]))
        add(m, d, d)
    for m in re.finditer(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b", text):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        dm, md = _safe_date(y, b, a), _safe_date(y, a, b)
        add(m, dm or md, md or dm)
    for m in re.finditer(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + _MONTH_RE + r")(?:,?\s+(\d{4}))?\b", text, re.I):
        month = _MONTHS[m[2].lower().rstrip(".")]
        d = _dated(int(m[3]) if m[3] else None, month, int(m[1]), today)
        add(m, d, d)
    for m in re.finditer(r"\b(" + _MONTH_RE + r")\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b", text, re.I):
        month = _MONTHS[m[1].lower().rstrip(".")]
        d = _dated(int(m[3]) if m[3] else None, month, int(m[2]), today)
        add(m, d, d)
    for m in re.finditer(r"\b(" + _MONTH_RE + r")(?:\s+of)?,?\s+(\d{4})\b", text, re.I):
        month, year = _MONTHS[m[1].lower().rstrip(".")], int(m[2])
        add(m, _safe_date(year, month, 1), _safe_date(year, month, calendar.monthrange(year, month)[1]))
    for m in re.finditer(r"(?<![\d.,/-])(19\d{2}|20\d{2})(?![\d./-])", text):
        add(m, date(int(m[1]), 1, 1), date(int(m[1]), 12, 31))
    return found


def _dated(year: Optional[int], month: int, day: int, today: date) -> Optional[date]:
    if year is not None:
        return _safe_date(year, month, day)
    d = _safe_date(today.year, month, day)  # no year given: the most recent such day
    if d and d > today:
        d = _safe_date(today.year - 1, month, day)
    return d


_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
# Months and years said in passing are rough: "2 years ago" may be 18 or 30 months.
_UNIT_SLACK = {"day": 0, "week": 0, "month": 15, "year": 182}
_NUM = r"(\d+(?:\.\d+)?|a couple of|a couple|couple of|a few|few|several|an|a|half a)"


def time_ago(text: str, today: date) -> Optional[Tuple[float, float, str]]:
    """How long ago something happened: (fewest days, most days, words read).
    None when the text gives no time; raises ValueError for a future date."""
    low = words_to_digits(normalize(text).lower())
    fixed = [
        (r"today|this morning|this afternoon|this evening|tonight|just now|earlier today", 0, 0),
        (r"(?:the )?day before yesterday", 2, 2),
        (r"yesterday|last night", 1, 1),
        (r"(?:every ?day|daily|twice a day|each day|every morning|every night|still (?:on|taking|take)|currently (?:on|taking)|taking it now|on it now)", 0, 0),
        (r"this week", 0, today.weekday()),
        (r"last week|a week or so ago", 7, 13),
        (r"this month", 0, today.day - 1),
        (r"last month", 30, 59),
    ]
    for pattern, lo, hi in fixed:
        m = re.search(r"\b(?:" + pattern + r")\b", low)
        if m:
            return float(lo), float(hi), m.group(0)
    m = re.search(r"\b(?:more than|over|at least)\s+(\d+|2)\s+years?\b", low)
    if m:
        days = int(m[1]) * 365 + 1
        return float(days), float(days + 3650), m.group(0)
    m = re.search(r"\blast year\b", low)
    if m:
        lo, hi = date(today.year - 1, 12, 31), date(today.year - 1, 1, 1)
        return float((today - lo).days), float((today - hi).days), m.group(0)
    m = re.search(r"(?<!\bfor )(?<!\bfor about )(?:about |around |roughly |approximately |almost |nearly |over |some )?\b"
                  + _NUM + r"\s+(day|week|month|year)s?\b(?:\s+(?:ago|back|before|earlier|since|now))?", low)
    if m:
        qty = m[1]
        n = 0.5 if qty == "half a" else float(_FUZZY.get(qty, qty))
        unit = m[2]
        days = n * _UNIT_DAYS[unit]
        slack = _UNIT_SLACK[unit]
        return max(days - slack, 0.0), days + slack, m.group(0).strip()
    for lo, hi, words in find_dates(normalize(text), today):
        if lo > today:
            raise ValueError("future date")
        return float((today - min(hi, today)).days), float((today - lo).days), words
    return None


def _when_words(words: str) -> str:
    """'2019' reads 'in 2019'; '5 days ago' stays as it is."""
    return f"in {words}" if words.isdigit() else words


# ---------------------------------------------------------------- age

def parse_age(text: str, today: Optional[date] = None, **_: object) -> Answer:
    today = today or date.today()
    text, bad = precheck(text)
    if bad:
        return bad
    low = text.lower()
    if _has(_UNSURE, low):
        return Answer(True, "unsure", detail="not sure")
    for lo, hi, words in find_dates(text, today):
        if lo > today:
            return not_understood("a birth date in the past")
        oldest = _years_between(lo, today)
        youngest = _years_between(hi, today)
        if youngest < 1 or oldest > 120:
            return not_understood("a real age")
        detail = f"{youngest} (born {words})" if youngest == oldest else f"{youngest}-{oldest} (born {words})"
        return Answer(True, "value", number=float(youngest), number_max=float(oldest), detail=detail)
    digits = words_to_digits(low)
    m = re.search(r"(?<![\d.])(-?\d+(?:\.\d+)?)(?![\d.])", digits)
    if not m:
        return not_understood("an age in years or a birth date")
    age = float(m[1])
    if re.search(r"\bmonths?\b", digits[m.end():m.end() + 12]):
        return not_understood("an age in years")
    if not 1 <= age <= 120:
        return not_understood("a real age")
    return Answer(True, "value", number=float(int(age)), detail=str(int(age)))


def _years_between(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# ---------------------------------------------------------------- last dose of a cancer medicine

def parse_last_dose(text: str, today: Optional[date] = None, **_: object) -> Answer:
    today = today or date.today()
    text, bad = precheck(text)
    if bad:
        return bad
    low = text.lower()
    try:
        ago = time_ago(text, today)
    except ValueError:
        return not_understood("a date in the past")
    doc = nlp.analyze(text)
    drugs = [e.text for e in doc.ents if e.label_ == "DRUG" and not nlp.negated(e)]
    if ago:
        lo, hi, words = ago
        detail = " ".join(drugs[:1] + [_when_words(words)])
        return Answer(True, "value", number=lo, number_max=hi, when=today - timedelta(days=int(lo)), detail=detail)
    if _has(_UNSURE, low) and not _has(_HEDGED_NO, low):
        return Answer(True, "unsure", detail="not sure")
    polarity = parse_yes_no(text)
    if polarity.understood and polarity.value == "no" and not drugs:
        return Answer(True, "none", detail="none in the last 2 weeks", hedged=polarity.hedged)
    if drugs or (polarity.understood and polarity.value == "yes"):
        return not_understood("when the last dose was")
    return not_understood("whether there was any cancer medicine in the last 2 weeks, and when")


# ---------------------------------------------------------------- diagnosis: AML after an MPN

_MPN_IDS = {"pv", "et", "mf", "mpn"}
_MPN_NAMES = {"pv": "polycythemia vera", "et": "essential thrombocythemia", "mf": "myelofibrosis", "mpn": "an MPN"}


def parse_diagnosis(text: str, **_: object) -> Answer:
    text, bad = precheck(text)
    if bad:
        return bad
    low = text.lower()
    doc = nlp.analyze(text)
    state: Dict[str, str] = {}
    names: Dict[str, str] = {}
    for ent in doc.ents:
        if ent.label_ != "DISEASE":
            continue
        key = "mpn" if ent.ent_id_ in _MPN_IDS else ent.ent_id_
        status = "uncertain" if nlp.uncertain(ent) else "negated" if nlp.negated(ent) else "yes"
        if state.get(key) != "yes":  # an affirmed mention wins over a negated one
            state[key] = status
        if status == "yes" and key == "mpn":
            names.setdefault("mpn", _MPN_NAMES[ent.ent_id_])
        names.setdefault(key, ent.text)
    rest = _outside_entities(doc).lower()
    said_yes = bool(_has(_YES_WORDS, rest)) and not _has(_NO_WORDS, rest)
    said_no = bool(_has(_NO_WORDS, rest))
    mpn = state.get("mpn")
    mpn_name = names.get("mpn", "an MPN")

    if not state:
        if _has(_UNSURE, low):
            return Answer(True, "unsure", detail="not sure")
        if said_yes:
            return Answer(True, "post_mpn_aml", detail="as asked", hedged=bool(_has(_HEDGE, low)))
        if said_no:
            return Answer(True, "none", detail="no", hedged=bool(_has(_HEDGED_NO, low)))
        return not_understood("whether a doctor has diagnosed AML, and which condition came before it")
    if state.get("overlap") == "yes":
        return Answer(True, "overlap", detail=names["overlap"])
    if state.get("cml") == "yes":
        return Answer(True, "cml", detail=names["cml"])
    if state.get("post_mpn_aml") == "yes":
        detail = f"AML after {mpn_name}" if mpn == "yes" else names["post_mpn_aml"]
        return Answer(True, "post_mpn_aml", detail=detail)
    aml = state.get("aml")
    if aml == "yes":
        if mpn == "yes":
            return Answer(True, "post_mpn_aml", detail=f"AML after {mpn_name}")
        if mpn == "negated" or (said_no and not mpn):
            return Answer(True, "aml_without_mpn", detail="AML")
        if mpn == "uncertain" or "mpn_hint" in state:
            return Answer(True, "mpn_uncertain", detail="AML")
        if state.get("mds") == "yes":
            return Answer(True, "aml_without_mpn", detail="AML after MDS")
        if said_yes:
            return Answer(True, "post_mpn_aml", detail="AML after an MPN")
        return not_understood("whether an MPN (such as PV, ET or myelofibrosis) came before the AML")
    if aml == "uncertain" or state.get("leukemia") == "uncertain":
        return Answer(True, "aml_unconfirmed", detail="suspected AML")
    if state.get("leukemia") == "yes" and aml != "negated":
        return Answer(True, "aml_unconfirmed", detail=f"{names['leukemia']} of a type not named")
    if mpn == "yes":
        if said_yes and aml != "negated":
            return Answer(True, "post_mpn_aml", detail=f"AML after {mpn_name}")
        return Answer(True, "mpn_only", detail=mpn_name)
    if state.get("mds") == "yes":
        return Answer(True, "mds_only", detail="MDS")
    if mpn == "uncertain" or "mpn_hint" in state:
        return not_understood("whether AML was diagnosed, and whether a doctor named the earlier condition")
    if aml == "negated" or said_no:
        return Answer(True, "none", detail="no")
    return not_understood("whether a doctor has diagnosed AML, and which condition came before it")


# ---------------------------------------------------------------- ECOG from a usual day

_ECOG = [
    (4, "in bed or a chair all day", [
        r"bed[- ]?ridden", r"bed[- ]?bound", r"in (?:a )?(?:bed|chair)(?: or (?:a )?(?:bed|chair))? all (?:the )?(?:day|time)",
        r"all day in (?:a )?(?:bed|chair)", r"(?:confined|stuck) to (?:a |the )?bed", r"can(?:no|')t get out of bed",
        r"completely disabled", r"totally disabled", r"can(?:no|')t (?:look after|take care of|care for) (?:myself|herself|himself|themselves)",
        r"need(?:s)? help with everything", r"never (?:gets? )?out of bed",
    ]),
    (3, "in bed or a chair more than half the day", [
        r"in (?:a )?(?:bed|chair)(?: or (?:a )?(?:bed|chair))? (?:for )?(?:most|more than half|much|the majority) of the day",
        r"in (?:a )?(?:bed|chair)(?: or (?:a )?(?:bed|chair))? more than half (?:of )?the day",
        r"(?:bed|chair) most of the day", r"more than half (?:of )?the day in (?:a )?(?:bed|chair)", r"mostly in bed",
        r"limited self[- ]?care", r"need(?:s)? help (?:with )?(?:washing|dressing|bathing|showering|the toilet)",
        r"lying down most", r"mostly lying", r"in bed most", r"resting most of the day",
    ]),
    (2, "looks after themselves but cannot work", [
        r"can(?:no|')t work", r"unable to work", r"not able to work", r"stopped working", r"can no longer work",
        r"(?:can|able to) (?:look after|take care of|care for) (?:myself|herself|himself|themselves)", r"self[- ]?care",
        r"up and about more than half", r"up (?:for )?(?:more than half|most) of the day", r"need(?:s)? to rest",
        r"rest (?:a lot|sometimes|during the day)", r"(?:on|off) sick leave",
    ]),
    (1, "light activity only", [
        r"light (?:work|housework|activity|activities|duties|exercise|chores)", r"office work", r"desk (?:job|work)",
        r"can(?:no|')t do (?:heavy|strenuous|hard)", r"no (?:heavy|strenuous|hard) (?:work|activity|exercise)",
        r"tired but", r"gets? tired", r"still (?:work|working|works)", r"slower than (?:before|usual)",
        r"some (?:limits|limitations)", r"restricted in strenuous", r"housework", r"a (?:bit|little) slower",
        r"(?:can't|cannot|can no longer) (?:run|exercise|do sports|lift|do heavy)", r"walks? (?:slowly|a little)",
        r"(?:easy|light) (?:chores|tasks|jobs)", r"part[- ]time",
    ]),
    (0, "fully active", [
        r"fully active", r"no (?:restrictions|limits|limitations)", r"normal (?:life|activities|day)",
        r"(?:same|just) as before", r"like before", r"work(?:s|ing)? full[- ]?time", r"everything as (?:before|usual)",
        r"go(?:es)? to the gym", r"(?:run|runs|jog|jogs|hike|hikes) (?:every|most|several)", r"completely normal",
        r"(?:do|does|can do) everything (?:i|she|he|they) (?:used to|did before|always did)",
        r"(?:do|does|can do) (?:everything|anything|all (?:my|her|his|their) usual)", r"nothing has changed",
        r"(?:no|without any) (?:problems|trouble|difficulty)", r"as (?:normal|usual)", r"normal(?:ly)? active",
        r"(?:totally|perfectly|completely) (?:fine|normal|independent)",
    ]),
]


def parse_ecog(text: str, **_: object) -> Answer:
    text, bad = precheck(text)
    if bad:
        return bad
    low = text.lower()
    m = re.search(r"\b(?:ecog|ps|performance status|level|grade)\s*(?:is|of|=|:)?\s*(\d)\b", low) or \
        re.fullmatch(r"\s*(\d)\s*[.!]?\s*", low)
    if m:
        level = int(m[1])
        if level > 4:
            return not_understood("an ECOG level from 0 to 4, or a description of a usual day")
        return Answer(True, "value", number=float(level), detail=_ECOG[4 - level][1])
    for level, label, patterns in _ECOG:
        if _has(patterns, low):
            return Answer(True, "value", number=float(level), detail=label)
    if _has(_UNSURE, low):
        return Answer(True, "unsure", detail="not sure")
    return not_understood("a description of a usual day")


# ---------------------------------------------------------------- other cancers

def parse_malignancy(text: str, today: Optional[date] = None, **_: object) -> Answer:
    today = today or date.today()
    text, bad = precheck(text)
    if bad:
        return bad
    low = text.lower()
    doc = nlp.analyze(text)
    cancers = [e for e in doc.ents if e.label_ == "CANCER" and not nlp.negated(e)]
    if any(nlp.uncertain(e) for e in cancers) or (_has(_UNSURE, low) and not cancers):
        return Answer(True, "unsure", detail="not sure")
    if cancers:
        kinds = {e.ent_id_ for e in cancers}
        if "squamous cell" in low and "skin" in low:
            kinds = {"exempt_skin" if k == "cancer" else k for k in kinds}
        name = cancers[0].text[0].upper() + cancers[0].text[1:]
        if kinds <= {"exempt_skin", "exempt_cervix"}:
            return Answer(True, "exempt", detail=name)
        if kinds <= {"exempt_skin", "exempt_cervix", "skin_unspecified"}:
            return Answer(True, "unsure", detail=f"{name} of a type not named")
    try:
        ago = time_ago(text, today)
    except ValueError:
        return not_understood("a date in the past")
    polarity = parse_yes_no(text)
    if cancers or (ago and polarity.value == "yes"):
        if not ago:
            return not_understood("when the other cancer was diagnosed or treated")
        lo, hi, words = ago
        name = cancers[0].text if cancers else "another cancer"
        detail = f"{name[0].upper()}{name[1:]} {_when_words(words)}"
        return Answer(True, "value", number=lo, number_max=hi, when=today - timedelta(days=int(lo)), detail=detail)
    only_leukemia = re.search(r"\b(?:only|just)\b", low) and any(e.label_ == "DISEASE" for e in doc.ents)
    if only_leukemia or (polarity.understood and polarity.value == "no"):
        return Answer(True, "none", detail="no other cancer", hedged=polarity.hedged)
    if polarity.understood and polarity.value == "yes":
        return not_understood("which cancer it was and when it was found")
    return not_understood("a yes or no, and if yes which cancer and when")


# ---------------------------------------------------------------- lab values

_MGDL = r"mg\s*/\s*d[l]|mg\s*per\s*dl|mg\s*dl|milligrams?\s*(?:per|/)\s*decilit(?:er|re)s?"
_UMOL = r"[µμu]mol\s*/\s*l|[µμu]mol/?l|micro\s*mol(?:e|es)?\s*(?:per|/)\s*lit(?:er|re)s?|mcmol\s*/\s*l|micromol\s*/\s*l"
MG_PER_UMOL = 88.4
_NORMAL_WORDS = [r"normal", r"fine", r"ok", r"okay", r"good", r"within (?:the )?(?:normal )?(?:range|limits)", r"in range"]
_HIGH_WORDS = [r"(?:a bit |slightly |a little |very |quite )?(?:high|raised|elevated)", r"above normal", r"abnormal",
               r"not normal", r"off", r"too high", r"out of range"]


def _lab_words(low: str) -> Optional[str]:
    if _has(_HIGH_WORDS, low):
        return "high"
    if _has(_NORMAL_WORDS, low):
        return "normal"
    return None


def parse_creatinine(text: str, **_: object) -> Answer:
    text, bad = precheck(text)
    if bad:
        return bad
    low = re.sub(r"(\d),(\d{1,2})(?!\d)", r"\1.\2", text.lower())
    if _has(_UNSURE + [r"no", r"never (?:had|checked|tested)"], low) and not re.search(r"\d", low):
        return Answer(True, "unknown", detail="not known")
    values = []
    for m in re.finditer(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(" + _MGDL + "|" + _UMOL + r")?", low):
        values.append((float(m[1]), m[2]))
    if not values:
        word = _lab_words(low)
        if word:
            return Answer(True, word, detail=word)
        return not_understood("the creatinine number with its unit, or 'don't know'")
    with_unit = [v for v in values if v[1]]
    if len({v for v, _ in values}) > 1 and len(with_unit) != 1:
        return not_understood("one creatinine result, the latest, with its unit")
    number, unit = (with_unit or values)[0]
    if unit and re.fullmatch(_UMOL, unit):
        mg = round(number / MG_PER_UMOL, 3)
        detail = f"{number:g} µmol/L ({mg:.2f} mg/dL)"
    elif unit:
        mg, detail = number, f"{number:g} mg/dL"
    elif 0.1 <= number <= 15:
        mg, detail = number, f"{number:g} mg/dL"
    else:
        return not_understood("the unit of the creatinine result (mg/dL or µmol/L)")
    if not 0.05 <= mg <= 30:
        return not_understood("a real creatinine result")
    return Answer(True, "value", number=mg, detail=detail)


_ENZYME = r"\b(alt|sgpt|ast|sgot)\b"
_CANONICAL = {"alt": "ALT", "sgpt": "ALT", "ast": "AST", "sgot": "AST"}
_MULTIPLE = (r"(\d+(?:\.\d+)?|twice|double|triple|one and a half|1 and a half)\s*(?:times|x|×)?\s*(?:the\s+)?"
             r"(?:upper limit(?: of normal)?|uln|normal(?: limit| level| range| value)?|the limit|the normal)")
_ULN = (r"(?:normal|uln|upper limit(?: of normal)?|limit|reference(?: range)?|range|max(?:imum)?|ref)"
        r"[^\d]{0,20}?(?:\d+(?:\.\d+)?\s*(?:-|to|–)\s*)?(\d+(?:\.\d+)?)")


def parse_liver(text: str, **_: object) -> Answer:
    text, bad = precheck(text)
    if bad:
        return bad
    low = words_to_digits(text.lower())
    if _has(_UNSURE, low) and not re.search(r"\d", low):
        return Answer(True, "unknown", detail="not known")
    # Split into one piece per enzyme named, so each value meets its own limit.
    cuts = [m.start() for m in re.finditer(_ENZYME, low)] or [0]
    pieces = [low[:cuts[0]]] + [low[a:b] for a, b in zip(cuts, cuts[1:] + [len(low)])]
    ulns = [float(m[1]) for m in re.finditer(_ULN, low)]
    ratios: Dict[str, float] = {}
    words: Dict[str, str] = {}
    shown: List[str] = []
    for piece in pieces:
        em = re.match(_ENZYME, piece)
        names = [_CANONICAL[em[1]]] if em else ["ALT", "AST"]
        body = piece[em.end():] if em else piece
        mult = re.search(_MULTIPLE, body)
        if mult:
            raw = mult[1]
            ratio = {"twice": 2.0, "double": 2.0, "triple": 3.0}.get(raw) or (1.5 if "half" in raw else float(raw))
            for n in names:
                ratios[n] = ratio
            shown.append(f"{'/'.join(names)} {ratio:g} × the upper limit")
            continue
        value = re.match(r"[^\d]{0,15}?(\d+(?:\.\d+)?)", body) if em else None
        if value:
            own = re.search(_ULN, body[value.end():])
            uln = float(own[1]) if own else (ulns[0] if len(set(ulns)) == 1 else None)
            if not uln:
                return not_understood("the upper limit of normal from the lab report (for example 'normal up to 40')")
            ratios[names[0]] = round(float(value[1]) / uln, 3)
            shown.append(f"{names[0]} {float(value[1]):g} (upper limit {uln:g})")
            continue
        word = _lab_words(body)
        if word:
            for n in names:
                words[n] = word
    if any(r > 1.5 for r in ratios.values()):
        return Answer(True, "value", number=max(ratios.values()), detail=", ".join(shown))
    if "high" in words.values():
        return Answer(True, "high", detail="high")
    if ratios:
        if all(n in ratios or words.get(n) == "normal" for n in ("ALT", "AST")):
            return Answer(True, "value", number=max(ratios.values()), detail=", ".join(shown))
        return Answer(True, "partial", number=max(ratios.values()), detail=", ".join(shown))
    if words:
        return Answer(True, "normal", detail="normal")
    if re.search(r"\d", low):
        return not_understood("which test each number is (ALT or AST) and the upper limit of normal")
    return not_understood("the ALT and AST results with the upper limit of normal, 'normal', or 'don't know'")


# ---------------------------------------------------------------- profile

_FEMALE_RELATIONS = {"mother", "mom", "mum", "mommy", "wife", "daughter", "sister", "grandmother", "grandma",
                     "aunt", "niece", "girlfriend", "mother-in-law", "stepmother"}
_MALE_RELATIONS = {"father", "dad", "daddy", "husband", "son", "brother", "grandfather", "grandpa", "uncle",
                   "nephew", "boyfriend", "father-in-law", "stepfather"}
_OTHER_RELATIONS = {"partner", "spouse", "parent", "child", "friend", "relative", "patient", "cousin",
                    "neighbour", "neighbor", "colleague", "client", "family member", "grandparent", "sibling"}
_RELATION_WORDS = {"mom": "mother", "mum": "mother", "mommy": "mother", "dad": "father", "daddy": "father",
                   "grandma": "grandmother", "grandpa": "grandfather"}


def parse_respondent(text: str, **_: object) -> Answer:
    text, bad = precheck(text)
    if bad:
        return bad
    low = text.lower()
    relations = sorted(_FEMALE_RELATIONS | _MALE_RELATIONS | _OTHER_RELATIONS, key=len, reverse=True)
    m = re.search(r"\b(" + "|".join(re.escape(r) for r in relations) + r")\b", low)
    if m and not re.search(r"\b(?:i am|i'm) the patient\b", low):
        word = m[1]
        relation = _RELATION_WORDS.get(word, word)
        extra = {"relation": relation}
        if word in _FEMALE_RELATIONS:
            extra["sex"] = "female"
        elif word in _MALE_RELATIONS:
            extra["sex"] = "male"
        who = "the patient" if relation == "patient" else f"your {relation}"
        return Answer(True, "proxy", detail=who, extra=extra)
    if _has([r"someone else", r"somebody else", r"another person", r"on behalf", r"for (?:him|her|them)",
             r"caregiver", r"carer", r"a relative", r"a family member", r"not (?:for )?me", r"not myself"], low):
        return Answer(True, "proxy", detail="the patient", extra={"relation": "patient"})
    if _has([r"myself", r"me", r"i am", r"i'm", r"self", r"mine", r"for me", r"my own", r"i am the patient"], low):
        return Answer(True, "self", detail="for themselves")
    return not_understood("whether you are answering for yourself or for someone else")


def parse_sex(text: str, **_: object) -> Answer:
    text, bad = precheck(text)
    if bad:
        return bad
    low = text.lower()
    female = _has([r"female", r"woman", r"women", r"f", r"lady", r"girl", r"she", r"her"] + sorted(_FEMALE_RELATIONS), low)
    male = _has([r"male", r"man", r"men", r"m", r"guy", r"boy", r"he", r"him"] + sorted(_MALE_RELATIONS), low)
    if female and not male:
        return Answer(True, "female", detail="female")
    if male and not female:
        return Answer(True, "male", detail="male")
    if _has(_UNSURE + [r"prefer not", r"rather not", r"other", r"non-?binary", r"intersex"], low):
        return Answer(True, "unsure", detail="not given")
    return not_understood("female or male")


_NOT_FERTILE = [r"menopause", r"post-?menopausal", r"(?:went|gone|going) through the change", r"hysterectomy",
                r"womb (?:was )?removed", r"uterus (?:was )?removed", r"ovaries (?:were )?removed",
                r"no (?:more )?periods", r"periods? (?:have )?stopped", r"(?:too )?old to"]


def parse_childbearing(text: str, **_: object) -> Answer:
    text, bad = precheck(text)
    if bad:
        return bad
    low = text.lower()
    reason = _has(_NOT_FERTILE, low)
    if reason:
        return Answer(True, "no", detail=reason)
    if _has([r"pregnant", r"breast-?feeding", r"nursing"], low) and not _has([r"not", r"n't", r"no"], low):
        return Answer(True, "yes", detail="pregnant or breastfeeding")
    answer = parse_yes_no(text)
    if answer.understood and answer.value == "unsure":
        return Answer(True, "unknown", detail="not sure")  # the spec's profile value
    return answer


PARSERS: Dict[str, Callable[..., Answer]] = {
    "yes_no_unsure": parse_yes_no,
    "age": parse_age,
    "last_dose": parse_last_dose,
    "diagnosis": parse_diagnosis,
    "ecog": parse_ecog,
    "malignancy": parse_malignancy,
    "creatinine": parse_creatinine,
    "liver": parse_liver,
    "respondent": parse_respondent,
    "sex": parse_sex,
    "childbearing": parse_childbearing,
}
