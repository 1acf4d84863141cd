"""Readers of a number the person states: the patient's age (a number, a
birth year or date) and the ECOG level (a number, or a usual day).

The age patterns stay in code: they are grammar around a number (what comes
before and after it), with the age units 세 and 살 as part of that grammar."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import List, Optional, Tuple

from bot.eligibility import relations, scores, usual_day
from bot.eligibility.answers import Context, polarity, unreadable
from bot.eligibility.lexicon import EN, KO
from bot.eligibility.reading import NoAnswer, Reading, Result
from bot.eligibility.text import find_dates, words_to_digits

_NEGATIVE = re.compile(r"(?<![\d.])-\s*\d")
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?!\.?\d)")  # "67." ends a sentence; "67.5" is one number
_ANY_DIGIT = re.compile(r"\d")
# A number followed by another unit is not an age ("3 months", "70 kg", "2시").
_OTHER_UNIT = re.compile(r"\s*(?:months?|weeks?|days?|개월|달|주|일(?!\s*세)|kg|cm|°|도|degrees?|%|mg|kilo|pounds?"
                         r"|lbs?|am|pm|시(?!고요|고\b|죠|네요|구요|래요|세요|지요))")
# What ties a number to an age: a unit after it, a birthday soon, a subject before it.
_AGE_UNIT = re.compile(r"\s*(?:years?|yrs?|y/?o|세|살)")
_SOON_AFTER = re.compile(r"\s+(?:next|in \w+ (?:days?|weeks?|months?)|tomorrow|soon|this (?:week|month|year))\b")
# "올해 일흔셋이세요", "지금 58": the age now. (Words around an age are grammar, kept here.)
_SUBJECT_BEFORE = re.compile(r"(?:i'?m|i am|she'?s|she is|he'?s|he is|they'?re|age[d]?|turn(?:ed|ing|s)?|is|was|be"
                             r"|now|만\s*(?:으로는?|으론|나이로는?|나이는)?|(?:한국|세는)?\s*나이(?:는|가|로는?|론)?|연세(?:는|가)?"
                             r"|올해|지금|현재|올해로)\s*(?:about|around|almost|nearly|just|only)?"
                             r"\s*$")
_ROUGHLY_BEFORE = re.compile(r"(?:^|\s)(?:almost|nearly|about|around|turning|turns|soon to be|about to turn|over|past"
                             r"|older than|above)\s*$")
# "She celebrated her eightieth", "80th birthday", "팔순 잔치": a birthday reached, by name or ordinal.
_MILESTONE = re.compile(r"\b(" + "|".join(EN.numbers.milestones) + r")\b|(" + "|".join(KO.numbers.milestones) + ")"
                        r"|\b(\d{2,3})(?:st|nd|rd|th)\s+birthday\b")
_AGE_WORDS = re.compile(r"\d+(?:\.\d+)?|years?|yrs?|old|about|around|age|세|살|만|이세요|세요|이에요"
                        r"|예요|입니다|이십니다|십니다|이신데|신데|인데|이고요|이고|고요|이심|심|이셔요|셔요|이셔|이야|이지|임"
                        r"|이요|요|[\s.,!~\-–—]")  # the copula and its honorific forms: "일흔둘이심", "여든하나신데"
_WHOSE = re.compile(r"(she|he|they|i)(?:'s|'m| is| am| are|'re)?\s*(?:about|around|almost|nearly)?\s*$")
_WAS = re.compile(r"\b(?:was|turned)\b")
# Numbers with another role (number role, not words): a duration ("for 4 yrs", "6 years ago", "3년째"),
# an age at a past event ("retired at 65", "그때 쉰", "40에 진단"), a year with no birth in it ("2010년에 진단").
_DURATION_BEFORE = re.compile(r"\b(?:for|since|over|past|last|had (?:it|this|that) for)\s+(?:about|almost|nearly|"
                              r"around|the\s+)?$")
_DURATION_AFTER = re.compile(r"\s*(?:years?|yrs?)\s+(?:ago|back|now\b|already|since)"
                             r"|\s*(?:년|해)\s*(?:전|째|동안|간|됐|되었)")
_EVENT_BEFORE = re.compile(r"\b(?:at|when (?:she|he|i|they) (?:was|were)|at (?:the )?age(?: of)?)\s+$|그때\s*$")
_EVENT_AFTER = re.compile(r"\s*(?:살|세)?\s*(?:에|때)(?:\s|$)")
_BIRTH = re.compile(r"born|birth|\bdob\b|\bb\.|생년|년생|월생|생(?![가-힣])|태어|생일")
_SENTENCE = re.compile(r"[^.!?;\n]+")


def _relation_words(lang: str) -> str:
    """Every relation word of one language, longest first, as regex alternatives."""
    words = {re.escape(w) for e in relations.table().values() for w in e.get(lang, ())}
    return "|".join(sorted(words, key=len, reverse=True))


# "남편은 60이에요", "엄마가 73", "울엄마 66", "Gran's 81": a relation word as topic or subject before the number.
_RELATION_TOPIC = re.compile("(?:" + _relation_words("ko") + r")(?:님)?(?:은|는|이|가|께서는|께서)?\s*"
                             r"(?:올해|지금|현재)?\s*$"
                             r"|\b(?:" + _relation_words("en") + r")(?:'s| is)\s+"
                             r"(?:now\s+|about\s+|almost\s+|nearly\s+)?$")


# "예순아홉이고요, 심장이나 간은 ...", "여든하나신데 아직 ...": a message that opens with a number and the copula
# opens with the answer (when no other number follows: "열여덟이요, 아 ... 열일곱이네요" is a correction)
_COPULA_AFTER = re.compile(r"\s*(?:세|살)?\s*(?:이고요|이고|고요|이신데|신데|인데|이세요|세요|이에요|예요|이요|입니다"
                           r"|이심|심|이시고요|시고요|이시고|시고)(?=[\s,.!~]|$)")


_COUNTED_AGE = re.compile(r"(?:한국|세는|우리)\s*나이\s*(?:로는?|론|는|로\s*치면)?\s*$")


# "59, had a birthday last week", "생일 지나서 쉰아홉": a birthday ties the number to the age
_BIRTHDAY = re.compile(r"\bbirthday\b|생일")


def _tied_to_age(before: str, after: str, low: str) -> bool:
    return bool(_AGE_UNIT.match(after) or _SOON_AFTER.match(after) or _SUBJECT_BEFORE.search(before)
                or (not before.strip() and _COPULA_AFTER.match(after) and not _ANY_DIGIT.search(after))
                or bool(_BIRTHDAY.search(low))
                or _RELATION_TOPIC.search(before)
                or _ROUGHLY_BEFORE.search(before) or not _AGE_WORDS.sub("", low))


def _another_role(before: str, after: str) -> bool:
    """A duration or an age at a past event, not the age now."""
    duration = _DURATION_AFTER.match(after) or (_AGE_UNIT.match(after) and _DURATION_BEFORE.search(before))
    return bool(duration or _EVENT_BEFORE.search(before) or _EVENT_AFTER.match(after))


def _sentence_of(low: str, m: re.Match) -> str:
    """The sentence a number stands in ("67. had this for 4 yrs": "67")."""
    for s in _SENTENCE.finditer(low):
        if s.start() <= m.start() < s.end():
            return s.group(0)
    return low


def _age_candidates(low: str) -> List[Tuple[re.Match, str]]:
    """Numbers that are an age, each with whose it is ("she", "i", or "")."""
    candidates = []
    for m in _NUMBER.finditer(low):
        before, after = low[:m.start()], low[m.end():]
        if _OTHER_UNIT.match(after) or _another_role(before, after):
            continue
        if not (_tied_to_age(before, after, low) or not _AGE_WORDS.sub("", _sentence_of(low, m))):
            continue
        subject = _WHOSE.search(before)
        candidates.append((m, subject.group(1) if subject else ""))
    return candidates


# A person as the subject right before the number ("I'm 61", "he's 75", "올해 예순넷"), not "is" after any noun
_PERSON_BEFORE = re.compile(r"(?:\bi'?m|\bi am|\bshe'?s|\bshe is|\bhe'?s|\bhe is|\bthey'?re|\baged?|\bturn(?:ed|ing|s)?"
                            r"|나이(?:는|가)?|연세(?:는|가)?|올해|만)\s*(?:about|around|almost|nearly|just|only)?\s*$")


def age_said(text: str) -> bool:
    """Words tie a number of the text to an age: a unit, a subject, "올해", a relation as its topic, the
    copula after a number said in words ("예순넷이에요"); a bare number is not enough."""
    low = words_to_digits(text.lower())
    for m in _NUMBER.finditer(low):
        before, after = low[:m.start()], low[m.end():]
        if _OTHER_UNIT.match(after) or _another_role(before, after):
            continue
        if _AGE_UNIT.match(after) or _PERSON_BEFORE.search(before) or _RELATION_TOPIC.search(before) \
                or (_COPULA_AFTER.match(after) and not _ANY_DIGIT.search(text)):
            return True
    return False


def _turning(low: str, number: str) -> Optional[re.Match]:
    """"I'll be 18 next month", "almost 18", "곧 18살": an age not reached yet."""
    n = re.escape(number)
    return re.search(r"(?:will be|'ll be|turns?|turning|be|almost|nearly|soon to be|about to turn)\s+" + n + r"\b"
                     r"|\b" + n + r"\s+(?:next\b|tomorrow\b|soon\b|in\s+(?:\d+|a|an|one|two|three|four|a few|few)\s+"
                     r"(?:days?|weeks?|months?)\b)"
                     r"|" + n + r"\s*(?:살|세)(?:이|가)?\s*(?:돼요|됩니다|되어요|될|돼)", low) \
        or re.search(r"(?:다음|내년|곧|이번)\s*\S*\s*" + n + r"\s*(?:살|세)", low)


def read_age(text: str, ctx: Context) -> Result:
    text, bad = unreadable(text)
    if bad:
        return bad
    low = words_to_digits(text.lower())
    today = ctx.today
    if polarity(text).value == "unsure" and not _ANY_DIGIT.search(low):
        return Reading("unsure", polarity(text).evidence, text)
    for lo, hi, words in find_dates(text, today):
        if not (_BIRTH.search(low) or not _AGE_WORDS.sub("", low.replace(words.lower(), ""))):
            continue  # "2010년에 진단받았는데": the year of something else, not of birth
        if lo > today:
            return NoAnswer("a birth date in the future", "impossible")
        oldest, youngest = _years_between(lo, today), _years_between(hi, today)
        if youngest < 1 or oldest > 120:
            return NoAnswer("not a real age", "impossible")
        return Reading("value", words, text, number=float(youngest), number_max=float(oldest))
    if _NEGATIVE.search(low):
        return NoAnswer("a negative age", "impossible")
    candidates = _age_candidates(low)
    if not candidates:
        return _milestone(text, low)
    # "한국 나이로 일흔, 만으로는 예순여덟": the counted age beside the age in full years is not the age
    counted = [c for c in candidates if _COUNTED_AGE.search(low[:c[0].start()])]
    candidates = [c for c in candidates if c not in counted] or candidates
    # "I'm 40, she's 17": the patient's age, not the carer's.
    # "열여덟이요, 아 아직 생일 안 지나서 열일곱이네요": told again with the birthday in mind, the later one
    first = candidates[-1][0] if len(candidates) > 1 and _BIRTHDAY.search(low) else candidates[0][0]
    m = next((c for c, who in candidates if who in ("she", "he", "they")), first)
    age = float(m[1])
    turning = _turning(low, m[1])
    if turning and not _WAS.search(low[:turning.start() + 1] + turning.group(0)):
        age -= 1  # "I'll be 18 next month", "almost 18": 17 today
    if age != int(age) or not 1 <= age <= 120:
        return NoAnswer("not a real age", "impossible")
    return Reading("value", turning.group(0) if turning else m.group(0), text, number=float(int(age)))


def _milestone(text: str, low: str) -> Result:
    """A birthday by name ("her eightieth", "팔순 잔치 하셨어요"): at least that age."""
    m = _MILESTONE.search(low)
    if m is None:
        return NoAnswer("no age, birth year or birth date", "")
    age = EN.numbers.milestones.get(m[1] or "") or KO.numbers.milestones.get(m[2] or "") or int(m[3] or 0)
    return Reading("value", m.group(0), text, number=float(age))


def _years_between(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))



# ------------------------------------------------------------------ ECOG from a score or a usual day

# The whole message a number ("2", "3단계예요"): the ECOG level.
_BARE_LEVEL = re.compile(r"^\s*(-?\d+)\s*(?:단계|점|번|등급)?\s*(?:이에요|예요|입니다|요)?\s*[.!]?\s*$")


def read_ecog(text: str, ctx: Context) -> Result:
    """The ECOG level (the reading's number), from a score said on a named scale (bot.eligibility.scores:
    "ECOG 1", "PS 2"), a bare number or a usual day; a score on another scale ("Karnofsky 70", "란스키 40점")
    reads as that scale, with no ECOG number: each trial's rule judges it (its values)."""
    text, bad = unreadable(text)
    if bad:
        return bad
    found = scores.said(text)
    if isinstance(found, NoAnswer):
        return found
    if found:
        return _scored(found, text)
    m = _BARE_LEVEL.search(text.lower())
    if m:
        level = int(m[1])
        if not 0 <= level <= 4:
            return NoAnswer("an ECOG level outside 0-4", "impossible")
        return _graded(Reading("value", m.group(0).strip(), text, number=float(level)))
    day = _usual_day_now(text) or _usual_day(text, text.lower())
    if isinstance(day, Reading):
        return _graded(day)
    if day:
        return day
    answer = polarity(text)
    if answer.value == "unsure":
        return Reading("unsure", answer.evidence, text)
    return NoAnswer("no description of a usual day")


def _graded(reading: Reading) -> Reading:
    """An ECOG level, also named as the value `ecog` (a rule's part may judge it beside other scales)."""
    if reading.number is None:
        return reading
    values = {"values": {scores.OWN: reading.number}}
    if reading.number_max is not None:
        values["values_max"] = {scores.OWN: reading.number_max}
    return replace(reading, extra={**reading.extra, **values})


def _scored(found: List[scores.Score], text: str) -> Reading:
    """Scores said on named scales: each a value (and its upper end when said as either of two); an ECOG
    score is the reading's number, another scale's names the reading."""
    extra: dict = {"values": {s.scale: s.low for s in found}}
    if any(s.high != s.low for s in found):
        extra["values_max"] = {s.scale: s.high for s in found if s.high != s.low}
    evidence, hedged = ", ".join(s.evidence for s in found), polarity(text).hedged
    own = next((s for s in found if s.scale == scores.OWN), None)
    if own:
        return Reading("value", evidence, text, number=own.low, number_max=own.high if own.high != own.low else None,
                       hedged=hedged, extra=extra)
    return Reading(found[0].scale, evidence, text, hedged=hedged, extra=extra)


def _level_phrase(low: str) -> Optional[Tuple[int, str]]:
    """The first level phrase found (the lexicon's tables, tried from 4 down)."""
    for language in (EN, KO):
        for level, phrases in language.ecog.levels.items():
            evidence = phrases.first(low)
            if evidence:
                return level, evidence
    return None


def _mixed(low: str) -> bool:
    return bool(EN.ecog.mixed.first(low) or KO.ecog.mixed.first(low))


def _day_framed(low: str) -> bool:
    return bool(EN.ecog.day.frame.first(low) or KO.ecog.day.frame.first(low))


def _usual_day_now(text: str) -> Optional[Result]:
    """"Last month I was in bed all day, but now I'm back to walking the dog": the day told after "now"."""
    for phrases in (EN.ecog.now, KO.ecog.now):
        for rx in phrases.compiled:
            m = rx.search(text.lower() if phrases.whole_words else text)
            if m and m.start() > 0:
                tail = text[m.start():]
                return _usual_day(tail, tail.lower())
    return None


def _usual_day(text: str, low: str) -> Optional[Result]:
    """A usual day: the level phrases and the signs of bot.eligibility.usual_day
    together. Of two eligible grades the more limited one is read; a day
    between 2 and 3 is "unsure" rather than a 3 that would rule the person out."""
    found = usual_day.signs(text)
    phrase = _level_phrase(low)
    start = low.find(phrase[1]) if phrase else -1
    if phrase and usual_day.denied(text, start, start + len(phrase[1]), found):
        phrase = None  # "she's not bedridden": the signs tell the day
    if phrase:  # a sign inside the level phrase ("in bed" in "in bed most of the day") is read by the phrase
        found = [s for s in found if not start <= s.start < start + len(phrase[1])]
    if not phrase and len({s.name for s in found}) == 1 and not _day_framed(low):
        return None  # one activity alone ("I like gardening", "앱이 느려요") says nothing of a usual day
    stated = (phrase[0], phrase[0]) if phrase else None
    if phrase and phrase[0] == 1 and found:  # "출근해요" among other signs is the activity it names: 0 or 1
        stated = (0, 1)
    reading = usual_day.combined([s.grades for s in found], stated)
    if reading is None:
        return None
    if _mixed(low):  # "some days up and playing, other days in bed": every part counts, not the worst alone
        grades = [s.grades for s in found] + ([stated] if stated else [])
        reading = (min(g[0] for g in grades), max(g[1] for g in grades))
    evidence = ", ".join(dict.fromkeys(([phrase[1]] if phrase else []) + [s.evidence for s in found]))
    lowest, highest = reading
    if lowest <= 2 < highest:
        return Reading("unsure", evidence, text)
    return Reading("value", evidence, text, number=float(highest if highest <= 2 else lowest))
