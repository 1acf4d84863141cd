"""Plain-text helpers every reader shares: cleaning, language, numbers
(English words and Korean numerals), dates and "how long ago"."""
from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache
from typing import List, Mapping, Optional, Tuple

from bot.eligibility.lexicon import EN, KO
from bot.tokens import one_edit

MAX_ANSWER_CHARS = 1000
HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
# A leading word joiner marks text the chat channel received starting with
# "/": typed, never a button payload (addons/rest_channel.py).
TYPED_SLASH = "\u2060"


def clean(text: Optional[str]) -> str:
    """Normalised, single-spaced text: NFC, straight quotes, no control
    characters, 'dont' -> "don't"."""
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace(TYPED_SLASH, "").replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = re.sub(r"\b(do|does|did|have|has|is|are|was|were|ca|wo|could|would|should)nt\b", r"\1n't", text,
                  flags=re.I)
    return re.sub(r"\s+", " ", text).strip()


def clean_lines(text: Optional[str]) -> str:
    """`clean`, keeping where a line ends: a list typed line by line ("1. 열 38.8도",
    "2. 식사 못 하심") is one item per line, and a word of one item says nothing of another."""
    return "\n".join(line for line in (clean(part) for part in (text or "").splitlines()) if line)


def is_korean(text: str) -> bool:
    return bool(HANGUL.search(text or ""))


def language_of(text: str) -> Optional[str]:
    """'ko' for Hangul, 'en' for Latin letters, None for neither (digits, emoji)."""
    if is_korean(text):
        return "ko"
    if re.search(r"[A-Za-z]{2,}", text or ""):
        return "en"
    return None


@lru_cache(maxsize=None)
def pattern(regex: str, flags: int = 0) -> re.Pattern:
    """A compiled pattern, kept for the life of the process: the readers use
    more patterns than the re module's own cache holds (512), and it drops
    the oldest first."""
    return re.compile(regex, flags)


@lru_cache(maxsize=None)
def _compiled(patterns: Tuple[str, ...], english: bool) -> Tuple[re.Pattern, ...]:
    if english:
        return tuple(pattern(r"(?<![\w'])(?:" + p + r")(?![\w'])", re.I) for p in patterns)
    return tuple(pattern(p) for p in patterns)


def _first(patterns, text: str, english: bool) -> Optional[str]:
    for rx in _compiled(tuple(patterns), english):
        m = rx.search(text)
        if m:
            return m.group(0)
    return None


def has(patterns, text: str) -> Optional[str]:
    """The first English pattern found as whole words, or None."""
    # Hangul is not part of an English word: "normal이래요" holds "normal".
    return _first(patterns, HANGUL.sub(" ", text), english=True)


def has_ko(patterns, text: str) -> Optional[str]:
    """The first Korean pattern found anywhere (Korean attaches particles)."""
    return _first(patterns, text, english=False)


def is_question(text: str) -> bool:
    """A question back ('is it dangerous?', '왜 물어보세요?') is never an answer."""
    t = clean(text).lower()
    if not t:
        return False
    if t.endswith("?"):
        return True
    if re.match(r"(?:what|whats|wat|wats|why|how|who|where|when|which|is|are|does|do|can|could|should|would|will|"
                r"may)\b", t) \
            and not re.match(r"(?:is|are|does|do|can|will)\s+(?:not\b|n't)", t):
        return not re.match(r"(?:when|how)\b.*\b(?:ago|days?|weeks?|months?|years?)\b", t)
    if re.search(r"(?:뭐|무엇|왜|어떻게|어떤|무슨).*(?:나요|까요|가요|예요|에요|죠|니)\s*$", t):
        return True
    # "설명해 주세요", "뭔지 알려 주세요", "추천해 주세요": requests, not answers
    return bool(re.search(r"(?:뭔지|무엇인지|뭐가|설명해|알려|추천해|가르쳐)\s?(?:주세요|줘|주실|줄래)", t))


# ------------------------------------------------------------------ numbers

_EN_NUMBERS = EN.numbers
_KO_NUMBERS = KO.numbers
_WORD_NUMBERS = _EN_NUMBERS.ones
_TENS = _EN_NUMBERS.tens
FUZZY = _EN_NUMBERS.fuzzy
# Native Korean numbers (ages: 예순세 살) and Sino-Korean ones (육십삼 세).
_KO_TENS = _KO_NUMBERS.tens
_KO_UNITS = _KO_NUMBERS.ones
# Days counted in native Korean words: 이틀 (2 days), 보름 (15 days), ...
KO_DAY_WORDS = _KO_NUMBERS.days
_SINO = _KO_NUMBERS.sino


def words_to_digits(text: str) -> str:
    """'forty-five' -> '45', 'two weeks' -> '2 weeks', '예순세 살' -> '63 살'."""
    def tens(m: re.Match) -> str:
        value = _TENS[m.group(1).lower()]
        if m.group(2):
            value += _WORD_NUMBERS[m.group(2).lower()]
        return str(value)

    units = "|".join(k for k in _WORD_NUMBERS if _WORD_NUMBERS[k] < 10)
    text = _number_typos(text)
    text = re.sub(r"\b(" + "|".join(_TENS) + r")(?:[\s-](" + units + r"))?\b", tens, text, flags=re.I)
    text = re.sub(r"\b(" + "|".join(_WORD_NUMBERS) + r")\b", lambda m: str(_WORD_NUMBERS[m.group(1).lower()]),
                  text, flags=re.I)
    if is_korean(text):
        text = _korean_numbers(text)
    return text


def _number_typos(text: str) -> str:
    """"sixty sevn": a word one letter off a number word, right beside a number word, is that number."""
    words = list(re.finditer(r"[A-Za-z]+", text))
    known = {*_TENS, *_WORD_NUMBERS}
    for i in reversed(range(len(words))):
        word = words[i].group(0).lower()
        if word in known or len(word) < 4:
            continue
        beside = {w.group(0).lower() for w in words[max(i - 1, 0):i + 2]} - {word}
        near = sorted(k for k in known if len(k) >= 4 and one_edit(word, k))
        if beside & known and near:
            text = text[:words[i].start()] + near[0] + text[words[i].end():]
    return text


_SINO_DIGIT = {"영": 0, "공": 0, "일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}


_D = "[" + "".join(_SINO_DIGIT) + "]"
_SPOKEN_DECIMAL = re.compile(r"(?<![가-힣])(" + _D + r")\s?점\s?(" + _D + r"{1,2})"
                             r"(?:(?![가-힣])|(?=이에요|에요|예요|이요|요|이래요|래요|이었|였|나왔))")


def korean_decimals(text: str) -> str:
    """"영점칠" -> 0.7, "일점이" -> 1.2: a lab value read out digit by digit around 점."""
    def digits(m: re.Match) -> str:
        return f"{_SINO_DIGIT[m[1]]}." + "".join(str(_SINO_DIGIT[c]) for c in m[2])
    return _SPOKEN_DECIMAL.sub(digits, text)


def _korean_numbers(text: str) -> str:
    text = korean_decimals(text)
    tens = "|".join(sorted(_KO_TENS, key=len, reverse=True))
    units = "|".join(sorted(_KO_UNITS, key=len, reverse=True))

    def native(m: re.Match) -> str:
        return str(_KO_TENS.get(m.group(1), 0) + _KO_UNITS.get(m.group(2) or "", 0))

    text = re.sub(r"(?<![가-힣])(" + tens + r")\s?(" + units + r"|셋|넷|둘|하나)?"
                  r"(?=\s*(?:살|세|일|주|달|개월|년|이|입니다|요|신|셔|심|시|십니다|예요|고요|인데|임|다|야)|[^가-힣]|$)",
                  native, text)
    text = re.sub(r"(?<![가-힣])(" + units + r")(?=\s*(?:살|달|주일|주 ?전))",
                  lambda m: str(_KO_UNITS[m.group(1)]), text)

    def sino(m: re.Match) -> str:
        t, u = m.group(1), m.group(2)
        return str((_SINO.get(t, 1) if t else 0) * 10 + (_SINO.get(u, 0) if u else 0))

    text = re.sub(r"(?<![가-힣])([이삼사오육칠팔구]?)십([일이삼사오육칠팔구]?)(?=\s*(?:세|살|이|입니다|요)|[^가-힣]|$)",
                  sino, text)
    return re.sub(r"(?<![가-힣])([이삼사오육칠팔구])십(" + units + r"|셋|넷|둘|하나)(?![가-힣])",
                  lambda m: str(_SINO[m.group(1)] * 10 + _KO_UNITS[m.group(2)]), text)


# ------------------------------------------------------------------ dates

def safe_date(y: int, m: int, d: int) -> Optional[date]:
    try:
        return date(y, m, d)
    except ValueError:
        return None


# The one month table: full names, then the short ones ("sept" too).
_MONTHS = {name.lower(): i for i, name in enumerate(EN.dates.months, start=1)}
_MONTHS.update(EN.dates.month_abbreviations)
_MONTH_RE = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
MONTHS: Mapping[str, int] = _MONTHS  # month names and short names (lowercase) -> 1-12


def _dated(year: Optional[int], month: int, day: int, today: date) -> Optional[date]:
    if year is not None:
        return safe_date(year, month, day)
    d = safe_date(today.year, month, day)  # no year given: the most recent such day
    if d and d > today:
        d = safe_date(today.year - 1, month, day)
    return d


def _year(y: str, today: date) -> int:
    """'1961' -> 1961; a two-digit Korean birth year '61' -> 1961 (or 20xx when that is not in the future)."""
    n = int(y)
    if len(y) == 2:
        return 2000 + n if 2000 + n <= today.year - 1 else 1900 + n
    return n


def find_dates(text: str, today: date) -> List[Tuple[date, date, str]]:
    """Calendar dates in `text` as (earliest, latest, words): a day gives one
    date; a month and year, or a year alone, the range it spans; an
    ambiguous 03/04/2020 both readings. Korean '1961년 3월 2일', '61년생' too."""
    found: List[Tuple[date, date, str]] = []
    taken: List[Tuple[int, int]] = []

    def add(m: re.Match, lo: Optional[date], hi: Optional[date]) -> None:
        if lo and hi and not any(s < m.end() and m.start() < e for s, e in taken):
            found.append((min(lo, hi), max(lo, hi), m.group(0).strip()))
            taken.append((m.start(), m.end()))

    for m in re.finditer(r"(\d{4}|\d{2})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일", text):
        d = safe_date(_year(m[1], today), int(m[2]), int(m[3]))
        add(m, d, d)
    for m in re.finditer(r"(\d{4}|\d{2})\s*년\s*(\d{1,2})\s*월", text):
        y, mo = _year(m[1], today), int(m[2])
        if 1 <= mo <= 12:
            add(m, safe_date(y, mo, 1), safe_date(y, mo, calendar.monthrange(y, mo)[1]))
    for m in re.finditer(r"(?<!\d)(\d{1,2})\s*월\s*(\d{1,2})\s*일", text):
        d = _dated(None, int(m[1]), int(m[2]), today) if 1 <= int(m[1]) <= 12 else None
        add(m, d, d)
    for m in re.finditer(r"(?<!\d)(\d{4}|\d{2})\s*년(?:생|도)?", text):
        y = _year(m[1], today)
        add(m, date(y, 1, 1), date(y, 12, 31))
    for m in re.finditer(r"\b(\d{4})[-./](\d{1,2})[-./](\d{1,2})\b", text):
        d = safe_date(int(m[1]), int(m[2]), int(m[3]))
        add(m, d, d)
    for m in re.finditer(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b", text):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        dm, md = safe_date(y, b, a), safe_date(y, a, b)
        add(m, dm or md, md or dm)
    for m in re.finditer(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + _MONTH_RE + r")(?:,?\s+(\d{4}))?\b", text,
                         re.I):
        d = _dated(int(m[3]) if m[3] else None, _MONTHS[m[2].lower().rstrip(".")], int(m[1]), today)
        add(m, d, d)
    for m in re.finditer(r"\b(" + _MONTH_RE + r")\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b", text, re.I):
        d = _dated(int(m[3]) if m[3] else None, _MONTHS[m[1].lower().rstrip(".")], int(m[2]), today)
        add(m, d, d)
    for m in re.finditer(r"\b(" + _MONTH_RE + r")(?:\s+of)?,?\s+(\d{4})\b", text, re.I):
        month, year = _MONTHS[m[1].lower().rstrip(".")], int(m[2])
        add(m, safe_date(year, month, 1), safe_date(year, month, calendar.monthrange(year, month)[1]))
    for m in re.finditer(r"(?<![\d.,/-])(19\d{2}|20\d{2})(?![\d/-]|\.\d)", text):  # "Born in 1957." ends there
        add(m, date(int(m[1]), 1, 1), date(int(m[1]), 12, 31))
    return found


_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
# Months and years said in passing are rough: "2 years ago" may be 18 or 30 months.
_UNIT_SLACK = {"day": 0, "week": 0, "month": 15, "year": 182}
# "About two weeks ago" / "2주 정도 전" may be 11 days: never enough to call it two weeks.
_ABOUT_WEEKS_SLACK = 3
_KO_UNIT = {"일": "day", "날": "day", "주": "week", "주일": "week", "달": "month", "개월": "month", "년": "year"}
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(FUZZY) + ")"


_WEEKDAY_EN = re.compile(r"\b(?:(?:last|this|on)\s+)?(" + "|".join(EN.dates.weekdays) + r")\b")
_WEEKDAY_KO = re.compile(r"(?:(?:지난|저번)\s?주\s?)?(" + "|".join(KO.dates.weekdays) + r")요일")
_OF_LAST_WEEK = re.compile(r"\blast week\b|지난\s?주|저번\s?주")
_MORE_THAN_EN = re.compile(r"\b(?:more than|over|at least)\s+(\d+)\s+(week|month|year)s?\b")
_MORE_THAN_KO = re.compile(r"(\d+)\s*(주|달|개월|년)\s*(?:이상|넘게|넘었|넘었어요|지났|보다 ?(?:더|오래))")
_AND_A_HALF_KO = re.compile(r"(\d+)\s*년\s*반\s*(?:전|정도|쯤)")
_LAST_YEAR = re.compile(r"\blast year\b|작년|지난 ?해")
_AGO_EN = re.compile(r"(?<!\bfor )(?<!\bfor about )"
                     r"(?:about |around |roughly |approximately |almost |nearly |over |some )?\b"
                     + _NUM + r"\s+(day|week|month|year)s?\b(?:\s+(?:ago|back|before|earlier|since|now))?")
_ABOUT_EN = re.compile(r"(?:about|around|roughly|approximately|almost|nearly|some) ")
_AGO_KO = re.compile(r"(\d+(?:\.\d+)?)\s*(주일|개월|일|주|달|년)\s*(?:전|정도 ?전|쯤 ?전|됐|되었|지났)")
# "끊은 지 3년째": since it ended; "5년째 드세요" (no 지) is still going on, not a time ago
_SINCE_KO = re.compile(r"지\s*(\d+(?:\.\d+)?)\s*(주일|개월|일|주|달|년)\s*째")
_ABOUT_KO = re.compile(r"정도|쯤")
_PART_EN = "|".join(re.escape(p) for p in sorted(EN.dates.month_parts, key=len, reverse=True))
_PART_KO = "|".join(re.escape(p) for p in sorted(KO.dates.month_parts, key=len, reverse=True))
# "in March", "mid September", "in late Oct.", "9월에", "10월 초", "9월 중순쯤"
_IN_MONTH_EN = re.compile(r"\b(?:(?:in|since|during|last)\s+(?:(" + _PART_EN + r")-?\s*(?:of\s+)?)?|(" + _PART_EN
                          + r")-?\s*(?:of\s+)?)(" + _MONTH_RE + r")(?![a-z])")
_IN_MONTH_KO = re.compile(r"(?<!\d)(\d{1,2})\s*월\s*(?:(" + _PART_KO
                          + r")(?=$|[\s.,!?]|에|쯤|경|부터|까지|이었|였)|(?:에|달|쯤))")


class FutureDate(ValueError):
    """A date after today where only the past makes sense."""


Span = Tuple[float, float, str]  # fewest days ago, most days ago, the words


def _calendar_phrase(low: str, today: date, weekday: Optional[re.Match]) -> Optional[Span]:
    """"yesterday", "last week", "이번 달": spans of the calendar."""
    # Calendar weeks start on Monday: "last week" is 1-7 days before this
    # week's Monday; a named weekday of last week is exact ("지난주 수요일").
    last_week = (float(today.weekday() + 1), float(today.weekday() + 7))
    first_of_last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    last_month = (float(today.day), float((today - first_of_last_month).days))
    fixed = [
        (r"today|this morning|this afternoon|this evening|tonight|just now|earlier today", 0, 0),
        (r"(?:the )?day before yesterday", 2, 2),
        (r"yesterday|last night", 1, 1),
        (r"every ?day|daily|twice a day|each day|every morning|every night|still (?:on|taking|take)s?"
         r"|currently (?:on|taking)|taking it now|on it now", 0, 0),
        (r"this week", 0, today.weekday()),
        (r"last week", *last_week), (r"a week or so ago", 7, 13),
        (r"this month", 0, today.day - 1),
        (r"last month", *last_month),
    ]
    ko_fixed = [
        (r"(?<![가-힣])(?:오늘(?!날)|방금|아까(?![워운울]))", 0, 0), (r"그저께|그제", 2, 2), (r"어제|어젯밤", 1, 1),
        (r"매일|지금도|아직도|아직 (?:먹|복용|드시|맞)|계속 (?:먹|복용|맞)|현재 (?:복용|먹)"
         r"|(?:먹|드시|복용하|맞)(?:고 있|고 계시|고 계세)(?![었셨])|(?:먹|드시|복용하|맞)는 ?중|복용 ?중", 0, 0),
        (r"이번 ?주", 0, today.weekday()), (r"지난 ?주|저번 ?주", *last_week),
        (r"이번 ?달", 0, today.day - 1), (r"지난 ?달|저번 ?달", *last_month),
    ]
    # "last week on Wednesday": the weekday says which day, not the week.
    tables = ((fixed, "week", r"\b(?:{})\b"), (ko_fixed, "주", "{}"))
    for table, week_word, shape in tables:
        for rx, lo, hi in table:
            if weekday and week_word in rx:
                continue
            m = pattern(shape.format(rx)).search(low)
            if m:
                return float(lo), float(hi), m.group(0)
    return None


def _counted(low: str, today: date) -> Optional[Span]:
    """"more than 3 weeks", "1년 반 전", "이틀 전", "last year", "2 weeks ago"."""
    m = _MORE_THAN_EN.search(low) or _MORE_THAN_KO.search(low)
    if m:
        at_least = int(m[1]) * _UNIT_DAYS[_KO_UNIT.get(m[2], m[2])] + 1
        return float(at_least), float(at_least + 3650), m.group(0)
    m = _AND_A_HALF_KO.search(low)
    if m:
        half = (int(m[1]) + 0.5) * 365
        return half - 60, half + 60, m.group(0)
    for word, n in KO_DAY_WORDS.items():
        m = pattern(r"(?<![가-힣])" + word + r"\s*(?:전|정도\s?전|쯤\s?전|됐|되었|지났|째)").search(low)
        if m:
            return float(n), float(n), m.group(0)
    m = _LAST_YEAR.search(low)
    if m:
        lo, hi = date(today.year - 1, 12, 31), date(today.year - 1, 1, 1)
        return float((today - lo).days), float((today - hi).days), m.group(0)
    m = _AGO_EN.search(low)
    if m:
        days = float(FUZZY.get(m[1], m[1])) * _UNIT_DAYS[m[2]]
        slack = _ABOUT_WEEKS_SLACK if m[2] == "week" and _ABOUT_EN.match(m.group(0)) else _UNIT_SLACK[m[2]]
        return max(days - slack, 0.0), days + slack, m.group(0).strip()
    m = _AGO_KO.search(low) or _SINCE_KO.search(low)
    if m:
        unit = _KO_UNIT[m[2]]
        days = float(m[1]) * _UNIT_DAYS[unit]
        slack = _ABOUT_WEEKS_SLACK if unit == "week" and _ABOUT_KO.search(m.group(0)) else _UNIT_SLACK[unit]
        return max(days - slack, 0.0), days + slack, m.group(0).strip()
    return None


def _named_weekday(low: str, today: date, weekday: re.Match) -> Span:
    """"on Monday", "지난주 수요일": the most recent such day (of last week when said)."""
    names = EN.dates.weekdays
    wd = names.index(weekday[1]) if weekday[1] in names else KO.dates.weekdays.index(weekday[1])
    of_last_week = _OF_LAST_WEEK.search(low)
    back = today.weekday() + 7 - wd if of_last_week else (today.weekday() - wd) % 7 or 7
    words = weekday.group(0).strip()
    if of_last_week and of_last_week.group(0) not in words:
        words = f"{of_last_week.group(0)} {words}"
    return float(back), float(back), words


def _named_month(low: str, today: date) -> Optional[Span]:
    """"in March", "3월에", "mid September", "10월 초": the most recent such
    month, or the part of it named."""
    en = _IN_MONTH_EN.search(low)
    ko = None if en else _IN_MONTH_KO.search(low)
    said = en or ko
    if said is None:
        return None
    if en:
        name, part, parts = en[3], en[1] or en[2], EN.dates.month_parts
        month = _MONTHS[name.rstrip(".")]
    else:
        month, part, parts = int(said[1]), said[2], KO.dates.month_parts
    if not 1 <= month <= 12:
        return None
    year = today.year if month <= today.month else today.year - 1
    first, last = _part_days(parts, part, calendar.monthrange(year, month)[1])
    if date(year, month, first) > today:  # "mid December" said on 2 December: last year's
        year -= 1
        first, last = _part_days(parts, part, calendar.monthrange(year, month)[1])
    lo_d, hi_d = date(year, month, first), date(year, month, last)
    return float((today - min(hi_d, today)).days), float((today - lo_d).days), said.group(0).strip()


def _part_days(parts: Mapping[str, int], part: Optional[str], month_days: int) -> Tuple[int, int]:
    """The first and last day of a named part of a month (all of it when none is named)."""
    if not part:
        return 1, month_days
    start = parts[part.strip()]
    later = [d for d in parts.values() if d > start]
    return start, min(later) - 1 if later else month_days


def time_ago(text: str, today: date) -> Optional[Span]:
    """How long ago something happened: (fewest days, most days, the words).
    None when the text gives no time; FutureDate for a date after today."""
    low = words_to_digits(clean(text).lower())
    weekday = _WEEKDAY_EN.search(low) or _WEEKDAY_KO.search(low)
    span = _calendar_phrase(low, today, weekday) or _counted(low, today)
    if span:
        return span
    if weekday:
        return _named_weekday(low, today, weekday)
    for lo, hi, words in find_dates(clean(text), today):
        if lo > today:
            raise FutureDate(words)
        return float((today - min(hi, today)).days), float((today - lo).days), words
    return _named_month(low, today)
