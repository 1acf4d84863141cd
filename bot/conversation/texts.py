"""What the assistant says: one YAML file per language (texts.<lang>.yml
here for the conversation, trials/<id>/texts.<lang>.yml for a trial's
questions), filled with the site's and the trial's facts."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple

from bot import yaml_files
from bot.config import CrisisLine, Site
from bot.eligibility.model import Trial
from bot.eligibility.session import Session, long_date

_DIR = Path(__file__).parent
LANGUAGES = ("en", "ko")


@lru_cache(maxsize=4)
def table(language: str) -> Dict[str, Any]:
    return yaml_files.read(_DIR / f"texts.{language}.yml")


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, fields: Mapping[str, Any]) -> str:
    return template.format_map(_Blank(fields))


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class Texts:
    """The texts of one conversation: its language, the trial, the site and
    who the patient is."""

    def __init__(self, language: str, trial: Trial, site: Site, session: Optional[Session] = None):
        self.language, self.trial, self.site, self.session = language, trial, site, session
        self.table = table(language)

    def patient(self) -> Optional[str]:
        return self.session.patient(self.language) if self.session else None

    def fields(self) -> Dict[str, Any]:
        t, lang = self.trial, self.language
        trial_texts = t.texts[lang]
        patient = self.patient()
        you = patient or self.table["you"]
        return {
            # The site's hospital and team, never the trial's sponsor: answers are kept at the site.
            "hospital": self.site.hospital(lang), "team": self.site.team(lang),
            "trial_id": t.id, "short_title": trial_texts["short_title"],
            "end_date": long_date(t.end_date.isoformat(), lang), "updated": long_date(t.updated.isoformat(), lang),
            "retention_days": getattr(self.site, "retention_days", 90),
            "you": you, "You": cap(you),
            "you_are": fill(self.table["patient_is"], {"patient": patient}) if patient else self.table["you_are"],
            "patient": patient or self.table["you"],
        }

    def say(self, key: str, **extra: Any) -> str:
        fields = self.fields()
        fields.update(extra)
        return cap(fill(self.table[key], fields).strip())

    def buttons(self, key: str) -> Dict[str, str]:
        return dict(self.table[key])

    # ---------------------------------------------------------------- the trial's questions

    def q(self, qid: str, key: str, default: Any = None) -> Any:
        return self.trial.text(self.language, qid, key, default)

    def question(self, qid: str) -> str:
        ask = self.q(qid, "ask")
        patient = self.patient()
        template = ask["proxy"] if patient and "proxy" in ask else ask["self"]
        return cap(fill(template, {"patient": patient or "", "Patient": cap(patient or "")}))

    def contact(self) -> str:
        """The study team's contact lines as configured; says so plainly when
        there are none, never inventing one."""
        site, lines = self.site, []
        for key, attr in (("contact_phone", "phone"), ("contact_email", "email"), ("contact_hours", "hours"),
                          ("contact_public", "public_phone")):
            value = getattr(site, attr, "") or ""
            if value:
                lines.append(fill(self.table[key], {"value": value}))
        if not (getattr(site, "phone", "") or getattr(site, "email", "")):
            lines.append(self.say("contact_missing"))
        return " ".join(lines)

    def crisis_lines(self) -> str:
        """The site's crisis lines as words: "자살예방 상담전화 109, 응급 119"."""
        lines: Tuple[CrisisLine, ...] = self.site.crisis_lines
        words = [f"{line.name_in(self.language)} {line.number}" for line in lines]
        return ", ".join(words) or self.table["crisis_lines_default"]
