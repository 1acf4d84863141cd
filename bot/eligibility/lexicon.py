"""The words of the eligibility readers, per language (lexicon/<lang>.yml),
loaded once into frozen dataclasses with their patterns compiled. Like
medspacy's rule objects, a file with a key the dataclasses do not know is an
error naming the file and the key: a misspelt list must not go unread."""
from __future__ import annotations

import dataclasses
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Tuple

from bot import yaml_files

_DIR = Path(__file__).with_name("lexicon")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
Words = Tuple[str, ...]  # regex pieces a reader joins into one pattern


class LexiconError(ValueError):
    """A lexicon file that does not follow the dataclasses below."""


@dataclass(frozen=True)
class Phrases:
    """Patterns tried in order; the first found is the evidence. English
    phrases match whole words, case-insensitive (Hangul counts as a space:
    "normal이래요" holds "normal"); Korean ones anywhere, as Korean attaches
    particles to words."""
    patterns: Words = ()
    whole_words: bool = False
    compiled: Tuple[re.Pattern, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.whole_words:
            compiled = tuple(re.compile(r"(?<![\w'])(?:" + p + r")(?![\w'])", re.I) for p in self.patterns)
        else:
            compiled = tuple(re.compile(p) for p in self.patterns)
        object.__setattr__(self, "compiled", compiled)

    def first(self, text: str) -> Optional[str]:
        """The words of the first pattern found, or None."""
        if self.whole_words:
            text = _HANGUL.sub(" ", text)
        for rx in self.compiled:
            m = rx.search(text)
            if m:
                return m.group(0)
        return None


def found(text: str, *phrases: Phrases) -> Optional[str]:
    """The first of several phrase lists (English, then Korean) found in `text`."""
    for p in phrases:
        words = p.first(text)
        if words:
            return words
    return None


def either(*pieces: Words) -> str:
    """Regex pieces joined as alternatives, in order."""
    return "|".join(w for piece in pieces for w in piece)


@dataclass(frozen=True)
class Answers:
    hedged_no: Phrases = Phrases()
    unsure: Phrases = Phrases()
    hedge: Phrases = Phrases()
    yes_words: Phrases = Phrases()
    yes_whole: Phrases = Phrases()
    agree: Phrases = Phrases()
    strong_no: Phrases = Phrases()
    no_words: Phrases = Phrases()
    past: Phrases = Phrases()
    opening_yes: Words = ()
    opening_no: Words = ()
    bare: Words = ()


@dataclass(frozen=True)
class ShortAnswer:
    subjects: Words = ()
    auxiliaries: Words = ()
    subject_is: Words = ()
    yes_tail: Words = ()


@dataclass(frozen=True)
class YesNo:
    not_taken: Phrases = Phrases()
    only: Words = ()
    topic: Words = ()
    # "Dad's kidneys and liver are fine", "심장 쪽은 괜찮으세요": the question's topic (params.topic) said to be
    # well, in one clause and not negated, is a no to a question about a problem.
    fine: Words = ()
    not_fine: Words = ()
    # A question about illnesses besides the one screened for (params.others): "apart from the leukaemia she's
    # in good shape", "백혈병 빼면 멀쩡해요" is a no.
    otherwise_well: Words = ()
    # A question about now (params.present): the one condition named is said to be over ("pneumonia in the
    # summer but it cleared up", "폐렴은 다 나으셨어요"): a no.
    resolved: Words = ()
    # A result in one word ("negative", "음성") said of another test the message names ("his MRD was negative")
    # is that test's, never the question's.
    bare_results: Words = ()
    # A cue that is itself a denial ("nobody said", "never said") after a bare "no" ("no nobody said that"):
    # the no is the answer said twice, not a negation of the cue.
    denial: Words = ()
    # A question about a commitment (params.intent): "he'll use them", "she'll keep taking her pill", "쓰겠대요",
    # "계속 먹을 거예요" say yes; "won't use", "안 쓸 거예요" say no. Words of using, in the grammar of a plan.
    intends: Words = ()
    refuses: Words = ()
    # Picking one of a question's numbered options ("number 2", "2번이요"): the digit is the option.
    option_pick: Phrases = Phrases()


@dataclass(frozen=True)
class LastDose:
    dose: Phrases = Phrases()
    only: Words = ()
    opening_no: Words = ()
    time_filler: Words = ()


@dataclass(frozen=True)
class ConditionWindow:
    only: Words = ()


@dataclass(frozen=True)
class EarlierDenied:
    """"Nothing before it", "그 전에 다른 혈액 질환은 없었어요": an earlier condition
    denied without being named (bot.eligibility.earlier). Whole words, not
    regexes: English lowercased ("didn't": did, n't), Korean kiwipiepy lemmas."""
    condition: Words = ()  # a condition in general: disease, anything / 병, 질환
    negation: Words = ()  # no, n't / 없, 않
    earlier: Words = ()  # the time before the diagnosis: before / 전, 예전
    not_earlier: Words = ()  # a unit that makes the next `earlier` a time ago ("two years before", "3년 전")
    other: Words = ()  # other, any other / 다른, 별다른
    blood: Words = ()  # "no other blood disorder" needs no `earlier`
    healthy: Words = ()  # "healthy before": a denial with no negation


@dataclass(frozen=True)
class Diagnosis:
    only: Words = ()
    # The head of a disease name that people leave out when its qualifiers say which one ("acute lymphoblastic,
    # relapsed"; "the acute myeloid kind"): a vocabulary name ending in one is also matched without it.
    heads: Words = ()
    leading_yes: Words = ()
    which_kind_unknown: Words = ()
    earlier_denied: EarlierDenied = EarlierDenied()


@dataclass(frozen=True)
class DaySign:
    """Something a usual day shows, an activity ("goes to school") or a limit
    ("tires easily"), with the ECOG grades it fits ("0-1") and those it fits
    when it is denied ("not at school right now")."""
    words: Words = ()
    grades: str = ""
    denied: str = ""


@dataclass(frozen=True)
class UsualDay:
    """A usual day read compositionally (bot.eligibility.usual_day). English
    signs are matched as whole words, Korean ones on the "lemma/T" morphemes of
    bot.tokens. `negation` and `denial` come before an English sign
    ("not at school") and after a Korean one ("다니/V NEG/X", "학교는 쉬고");
    `negation` denies any sign or level phrase, `denial` (stopping, skipping,
    resting from) only an activity: "누워 쉬어요" is no denial of lying down."""
    signs: Mapping[str, DaySign] = field(default_factory=dict)
    negation: Words = ()
    denial: Words = ()
    # A question about a commitment (params.intent): "he'll use them", "she'll keep taking her pill", "쓰겠대요",
    # "계속 먹을 거예요" say yes; "won't use", "안 쓸 거예요" say no. Words of using, in the grammar of a plan.
    intends: Words = ()
    refuses: Words = ()
    # Words that make one kind of sign a usual day ("most days", "요즘", "full time"): without them, or a
    # second kind of sign, one activity is small talk ("I like gardening", "앱이 느려요"), not an answer.
    frame: Phrases = Phrases()


@dataclass(frozen=True)
class Scale:
    """A scale a performance score is said on ("Karnofsky 70"): its names and its lowest and highest score."""
    names: Phrases = Phrases()
    lowest: float = 0.0
    highest: float = 100.0


@dataclass(frozen=True)
class Ecog:
    levels: Mapping[int, Phrases] = field(default_factory=dict)  # level -> a usual day, from 4 down
    day: UsualDay = UsualDay()
    now: Phrases = Phrases()  # "but now", "지금은": after a spell that is over, the usual day is told from here
    mixed: Phrases = Phrases()  # "some days ...", "반나절": a day told in parts that may differ
    # A score said on a named scale (bot.eligibility.scores): the scales by id, a name as one word (for a
    # word typed one letter off it), and the words around a score.
    scales: Mapping[str, Scale] = field(default_factory=dict)
    spelt: Mapping[str, str] = field(default_factory=dict)
    linking: Words = ()  # between a name and its score
    before_name: Words = ()  # between a score and the name after it
    either: Words = ()  # between two scores it is said to be either of
    current: Words = ()  # right after a later score: the current one
    other_units: Words = ()  # after a number: something other than a score


@dataclass(frozen=True)
class Lab:
    normal: Phrases = Phrases()
    high: Phrases = Phrases()
    never: Phrases = Phrases()
    reference: Words = ()
    upper_limit: Words = ()
    times: Mapping[str, float] = field(default_factory=dict)
    times_half: Words = ()
    times_words: Words = ()
    limit_words: Words = ()
    other_tests: Words = ()  # names of common tests besides the asked one: their numbers never answer
    dates: Words = ()  # a number that is a date or a time ago ("11월에", "nov 20th", "3 weeks ago") is no result


@dataclass(frozen=True)
class Sex:
    female: Phrases = Phrases()
    male: Phrases = Phrases()
    declined: Phrases = Phrases()
    # "I'm a mum of three", "애 셋 키운 엄마예요": the person named as a relation (relations.yml gives its sex).
    # `identity_before`: what ends right before the relation word; `identity_after`: what starts right after it.
    identity_before: Words = ()
    identity_after: Words = ()
    # Someone else's sex, or a record's ("the oncologist I see is female", "the app has me down as male",
    # "담당 의사는 여자분이고"): from that word to the end of its clause (`clause_end`), set aside.
    someone_else: Words = ()
    clause_end: Words = ()


@dataclass(frozen=True)
class Childbearing:
    not_fertile: Phrases = Phrases()
    fertile: Phrases = Phrases()
    negation: Phrases = Phrases()


@dataclass(frozen=True)
class Respondent:
    self: Phrases = Phrases()
    proxy: Phrases = Phrases()
    corrections: Words = ()  # regexes, searched as written in the lowercased message (bot.eligibility.who)
    # The writer says they are the patient ("I'm the one who is ill", "환자는 저예요"): a relative named in the
    # same message helped (set it up, found the site) and is not the patient.
    writer_is_patient: Words = ()


@dataclass(frozen=True)
class Experiencer:
    """Whom a clause is about (bot.eligibility.experiencer); relation words come from relations.yml."""
    self_correction: Words = ()  # "no sorry", "wait", "아 아니다": the words after the last one are the answer
    clause_breaks: Words = ()  # where one clause ends and the next begins ("but", "는데", a full stop)
    soft_breaks: Words = ()  # commas: a clause for whom it is about, not a second answer ("yes, I took it")
    writer: Words = ()  # the person typing: I, me / 저는, 제가
    # The patient set against someone else ("my wife had it, not me", "엄마는 폐경이신데 저는 아직이에요"): the
    # patient's answer is the opposite of the other person's.
    unlike_them: Words = ()
    knowing: Words = ()  # "I don't know", "I think", "제가 알기로는": the writer's knowledge, not their health
    patient_pronouns: Words = ()  # he, she / 그분: the patient when someone answers for them
    others: Words = ()  # never the patient: a pet, a neighbour, the man in the next bed
    # Someone named as the object of a verb or a preposition is not whom the clause is about ("still walks the
    # dog", "a transplant from his sister", "딸에게 받은 신장"): English, what ends right before the name; Korean,
    # what starts right after it.
    object_before: Words = ()
    object_after: Words = ()
    # A relative clause tells about the person right before it ("my mother, who has heart failure"): English.
    relative: Words = ()
    earlier_episode: Words = ()  # "during the infection", "탈수 왔을 때": a value then, not the value now
    # "his brother took it, dad never did": the patient's words leave out what they are about, said before
    ellipsis: Words = ()
    # Where a second answer may begin ("And ...", "그리고", "also"): with clause_breaks, the parts of a message
    # that several questions read (bot.eligibility.several).
    answer_breaks: Words = ()
    soft_correction: Words = ()  # "아 근데": a correction only when the words after it answer
    own_topic: Words = ()  # a clause that names its own topic first ("골수검사도 했고요"): it leaves nothing out
    adds_after: Words = ()  # the end of a part before one that adds another answer (", and", "그리고")
    adds_in: Words = ()  # a word in a part that adds another answer ("either", "{name}도")
    back_reference: Words = ()  # "earlier I said", "the heart answer", "아까": words about an answer given before
    # A part cut at a connective ending, read as a sentence ("둘 다 아니고" -> "둘 다 아니에요"): regex -> ending
    part_ends: Mapping[str, str] = field(default_factory=dict)
    adds_unnamed: Words = ()  # a part that adds an answer without naming its question ("... either", "회사도")


@dataclass(frozen=True)
class Mentions:
    """What a question back is about (bot.eligibility.mentions)."""
    the_study: Words = ()  # "what does this study do?", "이 연구는 뭐예요?"
    # A message that opens by asking what a word means ("그게 무슨 뜻이에요? 처음 들어요") asks back:
    # it answers nothing, however its words read.
    what_is: Words = ()


@dataclass(frozen=True)
class ClauseCues:
    """Korean clause cues (bot.eligibility.nlp); English uses medspacy's ConText."""
    negation: Phrases = Phrases()
    uncertain: Phrases = Phrases()
    past: Phrases = Phrases()
    hypothetical: Phrases = Phrases()


@dataclass(frozen=True)
class Exemptions:
    """Words saying something happened beyond a question's exception ("and again now"): bot.eligibility.exemption."""
    beyond: Phrases = Phrases()


@dataclass(frozen=True)
class Ahead:
    """A time to come (bot.eligibility.ahead): fixed spans and counted ones ("in 3 months", "3개월 뒤")."""
    tomorrow: Phrases = Phrases()
    day_after_tomorrow: Phrases = Phrases()
    next_week: Phrases = Phrases()
    next_month: Phrases = Phrases()
    next_year: Phrases = Phrases()
    # Patterns with the groups n (a number) and unit (a unit word of `units`).
    counted: Words = ()
    # A span counted from now that may be the past window as well ("within 2 weeks", "2주 안에는 없어요"): a time
    # to come only with words of a plan (`planned`).
    counted_window: Words = ()
    units: Mapping[str, str] = field(default_factory=dict)  # unit word -> day / week / month / year
    # Words of a plan ("I'm having", "예정"): a bare month with them is the coming one, never the last.
    planned: Phrases = Phrases()


@dataclass(frozen=True)
class Measure:
    """Grammar of the measure reader (bot.eligibility.quantities)."""
    pair_joiners: Words = ()  # what joins the two numbers of a pair: "/", "over", "에"


@dataclass(frozen=True)
class Dates:
    months: Words = ()  # full names, January first
    month_abbreviations: Mapping[str, int] = field(default_factory=dict)
    weekdays: Words = ()  # Monday first
    # A part of a month ("mid September", "9월 중순") and the day it starts on;
    # it ends where the next later part starts.
    month_parts: Mapping[str, int] = field(default_factory=dict)
    long_date: str = ""  # a format with {day}, {month}, {month_name}, {year}


@dataclass(frozen=True)
class Numbers:
    ones: Mapping[str, int] = field(default_factory=dict)
    tens: Mapping[str, int] = field(default_factory=dict)
    fuzzy: Mapping[str, float] = field(default_factory=dict)  # "a couple of": 2, "half a": 0.5
    sino: Mapping[str, int] = field(default_factory=dict)
    days: Mapping[str, int] = field(default_factory=dict)
    # Birthdays by name ("her eightieth", "팔순", "환갑"): the age reached at that birthday.
    milestones: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Language:
    code: str
    answers: Answers = Answers()
    short_answer: ShortAnswer = ShortAnswer()
    yes_no: YesNo = YesNo()
    last_dose: LastDose = LastDose()
    condition_window: ConditionWindow = ConditionWindow()
    diagnosis: Diagnosis = Diagnosis()
    ecog: Ecog = Ecog()
    lab: Lab = Lab()
    sex: Sex = Sex()
    childbearing: Childbearing = Childbearing()
    respondent: Respondent = Respondent()
    experiencer: Experiencer = Experiencer()
    mentions: Mentions = Mentions()
    context: ClauseCues = ClauseCues()
    dates: Dates = Dates()
    ahead: Ahead = Ahead()
    exemption: Exemptions = Exemptions()
    measure: Measure = Measure()
    numbers: Numbers = Numbers()
    reasons: Mapping[str, str] = field(default_factory=dict)  # general reasons by reason key
    spelling: Mapping[str, str] = field(default_factory=dict)  # casual and regional spellings -> standard (regex)

    def long_date(self, day: Any) -> str:
        """'4 December 2026' / '2026년 12월 4일'."""
        name = self.dates.months[day.month - 1] if self.dates.months else ""
        return self.dates.long_date.format(day=day.day, month=day.month, month_name=name, year=day.year)


def _value(kind: Any, raw: Any, where: str, whole_words: bool) -> Any:
    """`raw` from the file as the field's type; errors name the place."""
    if kind is Phrases:
        return Phrases(_strings(raw, where), whole_words)
    if dataclasses.is_dataclass(kind):
        return _section(kind, raw, where, whole_words)
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple:
        return _strings(raw, where)
    if origin is typing.get_origin(Mapping[str, str]):
        if not isinstance(raw, dict):
            raise LexiconError(f"{where}: must be a mapping")
        return {args[0](k): _value(args[1], v, f"{where}.{k}", whole_words) for k, v in raw.items()}
    if kind in (str, int, float) and isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        return kind(raw)
    raise LexiconError(f"{where}: {raw!r} is not a {getattr(kind, '__name__', kind)}")


def _strings(raw: Any, where: str) -> Words:
    if not isinstance(raw, list) or not all(isinstance(w, str) for w in raw):
        raise LexiconError(f"{where}: must be a list of strings (quote yes, no, on, off)")
    return tuple(raw)


def _section(cls: Any, raw: Any, where: str, whole_words: bool, **given: Any) -> Any:
    if not isinstance(raw, dict):
        raise LexiconError(f"{where}: must be a mapping")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.init} - set(given)
    for key in raw:
        if key not in known:
            raise LexiconError(f"{where}: unknown key '{key}' (known: {', '.join(sorted(known))})")
    values = {k: _value(hints[k], v, f"{where}.{k}", whole_words) for k, v in raw.items()}
    return cls(**values, **given)


def load(code: str, folder: Path = _DIR) -> Language:
    """One language's lexicon file; English phrases match whole words."""
    path = folder / f"{code}.yml"
    return _section(Language, yaml_files.read(path) or {}, str(path), code == "en", code=code)


EN = load("en")
KO = load("ko")
LANGUAGES: Mapping[str, Language] = {"en": EN, "ko": KO}
