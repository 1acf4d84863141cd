"""Settings from the environment (`settings()`, the one place any
TRIALBOT_* variable is read) and the site file. Defaults keep everything in a
local `var/` folder with a SQLite database.

`site()` gives the site's facts (from the listing) and the contact details
the site must configure itself. An unset detail stays unset (an empty
string): nothing is ever made up. `site_warnings()` lists what the operator
still has to fill in; the web server and `python -m bot check-config` print
it for the operator, the patient never sees it."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, List, Optional, Tuple

from bot import yaml_files

ROOT = Path(__file__).resolve().parents[1]
NOT_CONFIGURED = "to be configured by the site"


@dataclass(frozen=True)
class Settings:
    """Everything the environment sets, read at call time (tests and the
    servers set it before they ask). Secrets are kept out of repr."""
    data_dir: Path
    database_url: str
    key_file: Path
    site_file: Path
    trials_dir: Path
    trial: str  # TRIALBOT_TRIAL: the active trial instead of the site's study_id
    behind_https_proxy: bool
    chat_idle_minutes: Optional[float]
    staff_user: str
    rasa_urls: Tuple[str, ...]  # the Rasa servers the web server talks to, in order
    web_port: int
    action_host: str
    encryption_key: str = field(default="", repr=False)
    actions_token: str = field(default="", repr=False)
    api_token: str = field(default="", repr=False)


def settings() -> Settings:
    env = os.environ
    data = Path(env.get("TRIALBOT_DATA_DIR") or ROOT / "var")
    many = tuple(u.strip().rstrip("/") for u in env.get("TRIALBOT_RASA_URLS", "").split(",") if u.strip())
    one = env.get("TRIALBOT_RASA_URL") or f"http://127.0.0.1:{env.get('TRIALBOT_RASA_PORT', '5005')}"
    idle = env.get("TRIALBOT_CHAT_IDLE_MINUTES")
    return Settings(
        data_dir=data, database_url=env.get("TRIALBOT_DATABASE_URL") or f"sqlite:///{data / 'trialbot.db'}",
        key_file=_key_file(env.get("TRIALBOT_KEY_FILE"), data, env.get("XDG_CONFIG_HOME")),
        site_file=Path(env.get("TRIALBOT_SITE_CONFIG") or ROOT / "config" / "site.yml"),
        trials_dir=Path(env.get("TRIALBOT_TRIALS_DIR") or ROOT / "trials"), trial=env.get("TRIALBOT_TRIAL", ""),
        behind_https_proxy=env.get("TRIALBOT_BEHIND_HTTPS_PROXY", "").strip().lower() in ("1", "true", "yes", "on"),
        chat_idle_minutes=float(idle) if idle else None,
        staff_user=env.get("TRIALBOT_STAFF_USER", ""), rasa_urls=many or (one,),
        web_port=int(env.get("TRIALBOT_WEB_PORT", "8000")), action_host=env.get("SANIC_HOST", "127.0.0.1"),
        encryption_key=env.get("TRIALBOT_ENCRYPTION_KEY", ""), actions_token=env.get("TRIALBOT_ACTIONS_TOKEN", ""),
        api_token=env.get("TRIALBOT_API_TOKEN", ""))


LEGACY_KEY_NAME = "encryption.key"  # in the data folder, where installs before the key moved keep it


def _key_file(given: Optional[str], data: Path, config_home: Optional[str]) -> Path:
    """The key is kept outside the data folder, so that one copy of that folder
    (the database, logs, exports) cannot read what it holds: TRIALBOT_KEY_FILE,
    else ~/.config/trialbot/encryption.key. An install made before the key
    moved keeps reading its var/encryption.key (check-config warns), even
    when another install has made the default one since."""
    if given:
        return Path(given)
    legacy = data / LEGACY_KEY_NAME
    return legacy if legacy.exists() else Path(config_home or Path.home() / ".config") / "trialbot" / "encryption.key"


def data_dir() -> Path:
    return settings().data_dir


def ensure_private_dir(path: Path) -> Path:
    """Creates a folder readable by its owner only (0700) and tightens an
    existing one: it holds the database, key, logs or exports."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(path, 0o700)
    except PermissionError:  # not ours (e.g. /tmp): leave it
        pass
    return path


def database_url() -> str:
    return settings().database_url


def key_file() -> Path:
    return settings().key_file


def site_file() -> Path:
    return settings().site_file


def behind_https_proxy() -> bool:
    """TRIALBOT_BEHIND_HTTPS_PROXY=1: the web server sits behind a proxy that
    terminates TLS and sets X-Forwarded-Proto / X-Forwarded-For. Cookies then
    get `Secure`, responses get HSTS, and the client address is read from
    X-Forwarded-For."""
    return settings().behind_https_proxy


@dataclass(frozen=True)
class CrisisLine:
    number: str
    name: str
    name_ko: str = ""

    def __post_init__(self) -> None:
        if not (self.number.strip() and self.name.strip()):
            raise ValueError("a crisis line needs a number and a name")

    def name_in(self, language: str) -> str:
        return (self.name_ko if language == "ko" else "") or self.name


class TrialStatus(str, Enum):
    """A listed trial's recruitment, as the site states it."""
    RECRUITING = "recruiting"
    NOT_YET_RECRUITING = "not_yet_recruiting"
    CLOSED = "closed"
    UNKNOWN = "unknown"  # the listing states none: screened, with the note that recruitment may have closed

    @property
    def screened(self) -> bool:
        return self != TrialStatus.CLOSED


@dataclass(frozen=True)
class SiteTrial:
    id: str  # a folder of trials/
    status: TrialStatus


@dataclass(frozen=True)
class Site:
    team_name: str      # the site's study team, in English; team_name_ko in Korean
    phone: str          # the study team's phone (study_phone); "" when the site has not set it
    email: str          # the study team's email (study_email)
    address: str
    hours: str
    retention_days: int
    # The site: the hospital the chat names as where answers are kept, whatever the trial's sponsor
    institution: str = "Seoul National University Hospital"
    institution_short: str = "SNUH"
    institution_ko: str = ""  # "" means the English name
    team_name_ko: str = ""
    trials: Tuple[SiteTrial, ...] = ()  # the trials this site runs, in the order the chat names them
    contact_role: str = "Primary Contact"
    # Configured by the site
    public_phone: str = ""  # the hospital's general number
    time_zone: str = "Asia/Seoul"
    reference_prefix: str = "SNU"
    crisis_lines: Tuple[CrisisLine, ...] = field(default_factory=tuple)
    chat_idle_minutes: int = 30
    staff_language: str = "ko"  # the staff pages' language until an account or a session chooses another
    # Limits per visitor (web/limits.py): a kind reply and HTTP 429 beyond them.
    new_chats_per_address_per_hour: int = 30
    messages_per_chat_per_minute: int = 30

    @property
    def study_id(self) -> str:
        """The first listed trial (the tracker's `screening_outcome` is its outcome)."""
        return self.trials[0].id if self.trials else ""

    # Names the bot side may prefer; the same values.
    @property
    def study_phone(self) -> str:
        return self.phone

    @property
    def study_email(self) -> str:
        return self.email

    @property
    def emergency_number(self) -> str:
        """The number the web server's own replies name for emergencies: the
        crisis line called "emergency" (119), else the first line."""
        lines = self.crisis_lines or DEFAULT_CRISIS_LINES
        return next((c.number for c in lines if c.name.lower() == "emergency"), lines[0].number)

    @property
    def has_contact(self) -> bool:
        return bool(self.phone or self.email)

    def hospital(self, language: str) -> str:
        """The site's name as the chat says it ({hospital}): never a trial's sponsor."""
        return (self.institution_ko if language == "ko" else "") or self.institution

    def team(self, language: str) -> str:
        return (self.team_name_ko if language == "ko" else "") or self.team_name

    def tz(self):
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.time_zone)

    def warnings(self) -> List[str]:
        """What the operator still has to configure (never shown to patients)."""
        out = []
        for key, value in (("study_phone", self.phone), ("study_email", self.email),
                           ("public_phone", self.public_phone), ("address", self.address), ("hours", self.hours)):
            if not value:
                out.append(f"{key} is not set: the bot tells patients this detail is not available yet")
        if not self.has_contact:
            out.append("neither study_phone nor study_email is set: patients cannot reach the study team "
                       "through the bot")
        if not self.crisis_lines:
            out.append("crisis_lines is empty: emergency advice has no crisis line numbers")
        return out


DEFAULT_CRISIS_LINES = (CrisisLine("109", "suicide prevention line", "자살예방 상담전화"),
                        CrisisLine("119", "emergency", "응급"))


SITE_KEYS = frozenset({
    "team_name", "study_phone", "phone", "study_email", "email", "address", "hours", "retention_days", "institution",
    "institution_short", "institution_ko", "team_name_ko", "study_id", "trials",
    "contact_role", "public_phone", "time_zone",
    "reference_prefix", "crisis_lines", "chat_idle_minutes", "staff_language", "new_chats_per_address_per_hour",
    "messages_per_chat_per_minute"})
STAFF_LANGUAGES = ("ko", "en")


def _text(raw: dict, *keys: str) -> str:
    for key in keys:
        value = raw.get(key)
        if value is not None and str(value).strip() and str(value).strip() != NOT_CONFIGURED:
            return str(value).strip()
    return ""


def _crisis_line(path: str, raw: Any) -> CrisisLine:
    """One crisis line, strictly: a mapping of number, name and name_ko, all text."""
    if not isinstance(raw, dict) or set(raw) - {"number", "name", "name_ko"}:
        raise ValueError(f"{path}: each crisis line is {{number, name, name_ko}}; got {raw!r}")
    if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in raw.values()):
        raise ValueError(f"{path}: crisis line values must be text: {raw!r}")
    try:
        return CrisisLine(str(raw.get("number", "")).strip(), str(raw.get("name", "")).strip(),
                          str(raw.get("name_ko", "")).strip())
    except ValueError as e:
        raise ValueError(f"{path}: {e}: {raw!r}") from None


def _trials(path: str, raw: dict) -> Tuple[SiteTrial, ...]:
    """`trials: [{id, status}]`, strictly; `study_id: X` is a site of one trial."""
    if "trials" in raw and "study_id" in raw:
        raise ValueError(f"{path}: give either trials or study_id, not both")
    if "trials" not in raw:
        one = _text(raw, "study_id")
        return (SiteTrial(one, TrialStatus.UNKNOWN),) if one else ()
    entries = raw["trials"]
    if not isinstance(entries, list):
        raise ValueError(f"{path}: trials must be a list of {{id, status}}")
    out = []
    for e in entries:
        if not isinstance(e, dict) or set(e) - {"id", "status"} or not str(e.get("id") or "").strip():
            raise ValueError(f"{path}: each trial is {{id, status}}; got {e!r}")
        try:
            status = TrialStatus(str(e.get("status") or "unknown"))
        except ValueError:
            known = ", ".join(s.value for s in TrialStatus)
            raise ValueError(f"{path}: trial {e['id']}: status must be one of {known}") from None
        out.append(SiteTrial(str(e["id"]).strip(), status))
    if len({t.id.lower() for t in out}) != len(out):
        raise ValueError(f"{path}: a trial is listed twice")
    return tuple(out)


@lru_cache(maxsize=4)
def _load_site(path: str, mtime: float) -> Site:
    raw = yaml_files.read(path) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping of settings")
    unknown = sorted(set(raw) - SITE_KEYS)
    if unknown:  # a misspelt key would silently leave a contact detail unset
        raise ValueError(f"{path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(SITE_KEYS))}")

    def whole(key: str, default: int) -> int:
        value = raw.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{path}: {key} must be a whole number of at least 1")
        return value

    tz = _text(raw, "time_zone") or "Asia/Seoul"
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(tz)
    except Exception:
        raise ValueError(f"{path}: time_zone '{tz}' is not a known time zone (e.g. Asia/Seoul)") from None
    prefix = _text(raw, "reference_prefix") or "SNU"
    if not (prefix.isascii() and prefix.isalnum() and 1 <= len(prefix) <= 8):
        raise ValueError(f"{path}: reference_prefix must be 1-8 letters or digits")
    staff_language = _text(raw, "staff_language") or "ko"
    if staff_language not in STAFF_LANGUAGES:
        raise ValueError(f"{path}: staff_language must be one of {', '.join(STAFF_LANGUAGES)}")
    lines = raw.get("crisis_lines")
    crisis: Tuple[CrisisLine, ...] = DEFAULT_CRISIS_LINES
    if lines is not None:
        if not isinstance(lines, list):
            raise ValueError(f"{path}: crisis_lines must be a list of {{number, name}}")
        crisis = tuple(_crisis_line(path, x) for x in lines)
    return Site(team_name=_text(raw, "team_name") or "The study team",
                phone=_text(raw, "study_phone", "phone"), email=_text(raw, "study_email", "email"),
                address=_text(raw, "address"), hours=_text(raw, "hours"),
                retention_days=whole("retention_days", 90),
                institution=_text(raw, "institution") or "Seoul National University Hospital",
                institution_short=_text(raw, "institution_short") or "SNUH",
                institution_ko=_text(raw, "institution_ko"), team_name_ko=_text(raw, "team_name_ko"),
                trials=_trials(path, raw),
                contact_role=_text(raw, "contact_role") or "Primary Contact",
                public_phone=_text(raw, "public_phone"), time_zone=tz, reference_prefix=prefix.upper(),
                crisis_lines=crisis, chat_idle_minutes=whole("chat_idle_minutes", 30),
                staff_language=staff_language,
                new_chats_per_address_per_hour=whole("new_chats_per_address_per_hour", 30),
                messages_per_chat_per_minute=whole("messages_per_chat_per_minute", 30))


def site(path: Optional[Path] = None) -> Site:
    p = Path(path or site_file())
    return _load_site(str(p), p.stat().st_mtime)


def site_warnings(path: Optional[Path] = None) -> List[str]:
    return site(path).warnings()


def chat_idle_seconds() -> float:
    """How long a patient's chat stays open without use (TRIALBOT_CHAT_IDLE_MINUTES
    overrides the site file's chat_idle_minutes)."""
    minutes = settings().chat_idle_minutes
    return (minutes if minutes else site().chat_idle_minutes) * 60
