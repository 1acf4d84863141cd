"""Every word of the staff pages, per language (web/texts/staff.<lang>.yml),
and how stored values are shown in words: statuses, outcomes, verdicts,
signs, audit entries, and times in the site's time zone in each language's
date style ("2026년 12월 2일 (수) 오후 3:05", "Wed 2 Dec 2026, 3:05 pm").
The two files must have the same keys: a missing one stops the start-up."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot import config, yaml_files
from bot.config import STAFF_LANGUAGES
from bot.eligibility import relations

_DIR = Path(__file__).resolve().parent / "texts"
# Each language's own name, for the switch (marked with its lang attribute).
AUTONYMS = {"ko": "한국어", "en": "English"}


def _shape(value: Any, path: str) -> Any:
    """The keys of a texts table, nested, to compare the two languages."""
    if isinstance(value, dict):
        return {k: _shape(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return len(value)
    if not isinstance(value, str):
        raise ValueError(f"{path}: a text must be a string, got {value!r}")
    return None


@lru_cache(maxsize=None)
def table(language: str) -> Dict[str, Any]:
    data = yaml_files.read(_DIR / f"staff.{language}.yml")
    if language != "en" and _shape(data, language) != _shape(table("en"), "en"):
        raise ValueError(f"web/texts/staff.{language}.yml must have exactly the keys of staff.en.yml")
    return data


def check() -> None:
    """Loads every language's texts (the web server does at start): a missing or extra key stops it."""
    for language in STAFF_LANGUAGES:
        table(language)


def language_or_default(value: Optional[str]) -> str:
    return value if value in STAFF_LANGUAGES else config.site().staff_language


@dataclass(frozen=True)
class NoteLine:
    when: Optional[datetime]  # UTC; None for a line written without a stamp
    who: str
    text: str


_NOTE = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d) ([^\]]*)\] (.*)$")
_CHANGE = re.compile(r"^(.*?) -> (.*?)(?:; note: (.*))?$", re.S)


class StaffTexts:
    """The staff pages' words in one language; `t("key", name=...)` in the templates."""

    def __init__(self, language: str):
        self.language = language
        self.table = table(language)

    def __call__(self, key: str, **values: Any) -> str:
        text = self.table[key]
        return text.format(**values) if values else text

    def error(self, key: str, **values: Any) -> str:
        text = self.table["errors"][key]
        return text.format(**values) if values else text

    def word(self, group: str, value: Optional[str]) -> str:
        words = self.table[group]
        key = "none" if value is None else value
        return words.get(key) or words.get("other") or str(value).replace("_", " ")

    def status(self, value: str) -> str:
        return self.word("statuses", value)

    def outcome(self, value: Optional[str]) -> str:
        return self.word("outcomes", value)

    def verdict(self, value: Optional[str]) -> str:
        return self.word("verdicts", value)

    def sign(self, value: str) -> str:
        return self.word("signs", value)

    def language_name(self, code: Optional[str]) -> str:
        return self.table["languages"].get(code or "", code or "-")

    def preferred_language(self, value: Optional[str]) -> str:
        """What the person chose ("Korean", "English", or their own words)."""
        names = {"korean": "ko", "english": "en"}
        return " · ".join(self.language_name(names[w.lower()]) if w.lower() in names else w
                          for w in re.split(r" and ", value or "") if w) or "-"

    def answering(self, respondent: Optional[str], relation: Optional[str]) -> str:
        if not respondent:
            return "-"
        who = self.word("respondents", respondent)
        if not relation or relation == "patient":  # "patient": the relation was not said
            return who
        # The question's honorific noun without its 분 ("아내분" -> "아내"), which reads oddly after "환자의".
        name = relations.name(relation, "ko").removesuffix("분") if self.language == "ko" else relation
        return self("relation", respondent=who, relation=name)

    def actor(self, actor: str) -> str:
        kind, _, user = actor.partition(":")
        if kind == "web":
            return user
        if kind == "cli":
            return self("actor_cli", user=user) if user else self.table["actors"]["cli"]
        return self.table["actors"].get(actor, actor)

    # ------------------------------------------------------------ audit entries and notes

    def action(self, action: str) -> str:
        return self.table["actions"].get(action) or self.table["actions"]["other"]

    def history_detail(self, action: str, detail: str) -> str:
        """A stored change ("new -> contacted; note: ...") in words."""
        m = _CHANGE.match(detail or "")
        if action not in ("status_changed", "assigned", "follow_up_set") or not m:
            return detail if action not in self.table["actions"] else ""
        old, new, note = m.groups()
        show = {"status_changed": self.status, "assigned": self._user_or_nobody,
                "follow_up_set": self._day_or_none}[action]
        text = self("change", old=show(old), new=show(new))
        return text + ("; " + self("note_detail", note=note) if note else "")

    def _user_or_nobody(self, value: str) -> str:
        return self("nobody") if value == "nobody" else value

    def _day_or_none(self, value: str) -> str:
        try:
            return self.day(date.fromisoformat(value))
        except ValueError:
            return "-"

    def notes(self, text: str) -> List[NoteLine]:
        """Notes as written by `set_status`: "[YYYY-MM-DD HH:MM actor] note" (UTC)."""
        out = []
        for line in (text or "").splitlines():
            m = _NOTE.match(line)
            if m:
                out.append(NoteLine(datetime.strptime(m.group(1), "%Y-%m-%d %H:%M"), self.actor(m.group(2)),
                                    m.group(3)))
            elif out:
                out[-1] = NoteLine(out[-1].when, out[-1].who, out[-1].text + "\n" + line)
            else:
                out.append(NoteLine(None, "", line))
        return out

    # ------------------------------------------------------------ dates and times

    def _fields(self, d: date) -> Dict[str, Any]:
        return {"year": d.year, "month": d.month, "day": d.day, "weekday": self.table["weekdays"][d.weekday()],
                "month_name": self.table["months"][d.month - 1]}

    def day(self, d: Optional[date]) -> str:
        return self.table["date_format"].format(**self._fields(d)) if d else "-"

    def month(self, d: date) -> str:
        return self.table["month_format"].format(**self._fields(d))

    # ------------------------------------------------------------ after the call

    def event(self, kind: str, result: str, happened_on: date, detail: str, labels: Dict[str, str]) -> str:
        """One call or screening result in words: "2026년 12월 2일 (수): 연구팀 선별, 부적격 (나이)"."""
        day = self.day(happened_on)
        if kind == "contact":
            return self("event_call", day=day, result=self.word("contact_results", result))
        words = self.word("screening_results", result)
        if not detail:
            return self("event_result", day=day, result=words)
        return self("event_detail", day=day, result=words, detail=self._detail(result, detail, labels))

    def _detail(self, result: str, detail: str, labels: Dict[str, str]) -> str:
        return self.word("decline_reasons", detail) if result == "declined" else labels.get(detail, detail)

    def stop(self, stop: str, detail: str, labels: Dict[str, str]) -> str:
        """Why a handed-off person did not enrol, in words."""
        return self.table["stops"][stop].format(detail=self._detail(stop, detail, labels))

    def week(self, d: date) -> str:
        return self.table["week_format"].format(**self._fields(d))

    def when(self, utc: Optional[datetime], seconds: bool = False) -> str:
        """A stored UTC time in the site's time zone, in this language's style."""
        if utc is None:
            return "-"
        local = utc.replace(tzinfo=timezone.utc).astimezone(config.site().tz())
        return self.table["datetime_format"].format(date=self.day(local.date()), time=self._clock(local, seconds))

    def clock(self, moment: datetime) -> str:
        """The time of day of an aware moment, to the second, in the site's time zone ("오후 3:05:09")."""
        return self._clock(moment.astimezone(config.site().tz()), seconds=True)

    def _clock(self, local: datetime, seconds: bool) -> str:
        return self.table["seconds_format" if seconds else "time_format"].format(
            hour12=local.hour % 12 or 12, minute=local.minute, second=local.second,
            ampm=self.table["am" if local.hour < 12 else "pm"])

    def seconds(self, n: int) -> str:
        return self("seconds_one") if n == 1 else self("seconds_many", n=n)

    def waited(self, since: datetime, now: datetime) -> str:
        waited = now - since
        return self("days", n=waited.days) if waited.days else self("hours", n=max(waited, timedelta()).seconds // 3600)

    def tz_name(self) -> str:
        zone = config.site().time_zone
        return self.table["time_zones"].get(zone, zone)


@lru_cache(maxsize=None)
def texts(language: str) -> StaffTexts:
    return StaffTexts(language if language in STAFF_LANGUAGES else "en")
