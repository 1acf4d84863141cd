"""Settings from the environment and the site file. Defaults keep
everything in a local `var/` folder with a SQLite database."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

ROOT = Path(__file__).resolve().parents[1]
NOT_CONFIGURED = "to be configured by the site"


def data_dir() -> Path:
    return Path(os.environ.get("TRIALBOT_DATA_DIR") or ROOT / "var")


def database_url() -> str:
    return os.environ.get("TRIALBOT_DATABASE_URL") or f"sqlite:///{data_dir() / 'trialbot.db'}"


def key_file() -> Path:
    return Path(os.environ.get("TRIALBOT_KEY_FILE") or data_dir() / "encryption.key")


def site_file() -> Path:
    return Path(os.environ.get("TRIALBOT_SITE_CONFIG") or ROOT / "config" / "site.yml")


@dataclass(frozen=True)
class Site:
    team_name: str
    phone: str
    email: str
    address: str
    hours: str
    retention_days: int

    @property
    def has_contact(self) -> bool:
        return bool(self.phone or self.email)

    def contact_lines(self) -> str:
        """The contact details as configured; says so plainly when missing."""
        lines = [self.team_name]
        for label, value in (("Phone", self.phone), ("Email", self.email), ("Address", self.address),
                             ("Hours", self.hours)):
            if value:
                lines.append(f"{label}: {value}")
        if not self.has_contact:
            lines.append("The team's phone number and email are to be configured by the site and are not "
                         "available in this chat yet; please ask your hematologist at SNUH to put you in touch.")
        return "\n".join(lines)


@lru_cache(maxsize=4)
def _load_site(path: str, mtime: float) -> Site:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}

    def text(key: str) -> str:
        value = raw.get(key)
        return str(value).strip() if value and str(value).strip() != NOT_CONFIGURED else ""

    days = raw.get("retention_days", 90)
    if not isinstance(days, int) or days < 1:
        raise ValueError(f"{path}: retention_days must be a whole number of days")
    return Site(team_name=text("team_name") or "The study team", phone=text("phone"), email=text("email"),
                address=text("address"), hours=text("hours"), retention_days=days)


def site(path: Optional[Path] = None) -> Site:
    p = Path(path or site_file())
    return _load_site(str(p), p.stat().st_mtime)
