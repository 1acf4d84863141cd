"""A ClinicalTrials.gov record (the registry's API, version 2: a study with
`protocolSection`, or a search answer holding exactly one study) as a typed
Record. Only what a draft needs is read; a record without eligibility text
is an error naming the field."""
from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Mapping, Optional, Tuple


class RecordError(ValueError):
    """A file that is not a usable ClinicalTrials.gov API v2 record."""


class Sex(str, enum.Enum):
    ALL = "ALL"
    FEMALE = "FEMALE"
    MALE = "MALE"


@dataclass(frozen=True)
class Intervention:
    name: str
    kind: str  # DRUG, BIOLOGICAL, DEVICE, ...
    other_names: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Record:
    nct_id: str
    brief_title: str
    official_title: str
    sponsor: str
    status: str
    conditions: Tuple[str, ...]
    interventions: Tuple[Intervention, ...]
    criteria: str  # eligibilityModule.eligibilityCriteria, as published
    minimum_age: Optional[float]  # years; None for "N/A"
    maximum_age: Optional[float]
    minimum_age_text: str
    maximum_age_text: str
    sex: Sex
    last_update: Optional[date]
    completion: Optional[date]
    summary: str


def _get(data: Mapping[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)  # type: ignore[assignment]
    return data


def _years(text: Optional[str]) -> Optional[float]:
    """'18 Years' -> 18; '6 Months' -> 0.5; 'N/A' or nothing -> None."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(year|month|week|day)s?\s*", (text or "").lower())
    if not m:
        return None
    per_year = {"year": 1, "month": 12, "week": 52, "day": 365}[m[2]]
    return round(float(m[1]) / per_year, 2)


def _date(text: Optional[str]) -> Optional[date]:
    """'2024-08-31' -> that day; '2024-08' -> the last day of August (the registry's month precision)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text or "")
    if not m:
        return None
    year, month = int(m[1]), int(m[2])
    if m[3]:
        return date(year, month, int(m[3]))
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _study(data: Any, where: str) -> Mapping[str, Any]:
    if isinstance(data, Mapping) and isinstance(data.get("studies"), list):
        if len(data["studies"]) != 1:
            raise RecordError(f"{where}: holds {len(data['studies'])} studies; give a file with one")
        data = data["studies"][0]
    if not isinstance(data, Mapping) or not isinstance(data.get("protocolSection"), Mapping):
        raise RecordError(f"{where}: no 'protocolSection': not a ClinicalTrials.gov API v2 record")
    return data["protocolSection"]


def parse_record(data: Any, where: str = "record") -> Record:
    p = _study(data, where)
    nct = _get(p, "identificationModule", "nctId")
    criteria = _get(p, "eligibilityModule", "eligibilityCriteria")
    if not isinstance(nct, str) or not re.fullmatch(r"NCT\d{8}", nct):
        raise RecordError(f"{where}: field 'protocolSection.identificationModule.nctId' is missing or not "
                          "NCT and 8 digits")
    if not isinstance(criteria, str) or not criteria.strip():
        raise RecordError(f"{where}: field 'protocolSection.eligibilityModule.eligibilityCriteria' is missing or empty")
    elig = _get(p, "eligibilityModule") or {}
    sex = str(elig.get("sex") or "ALL").upper()
    return Record(
        nct_id=nct, brief_title=str(_get(p, "identificationModule", "briefTitle") or ""),
        official_title=str(_get(p, "identificationModule", "officialTitle") or ""),
        sponsor=str(_get(p, "sponsorCollaboratorsModule", "leadSponsor", "name") or ""),
        status=str(_get(p, "statusModule", "overallStatus") or ""),
        conditions=tuple(str(c) for c in _get(p, "conditionsModule", "conditions") or ()),
        interventions=tuple(Intervention(str(i.get("name") or ""), str(i.get("type") or ""),
                                         tuple(str(o) for o in i.get("otherNames") or ()))
                            for i in _get(p, "armsInterventionsModule", "interventions") or ()
                            if isinstance(i, Mapping) and i.get("name")),
        criteria=criteria, minimum_age=_years(elig.get("minimumAge")), maximum_age=_years(elig.get("maximumAge")),
        minimum_age_text=str(elig.get("minimumAge") or "N/A"), maximum_age_text=str(elig.get("maximumAge") or "N/A"),
        sex=Sex(sex) if sex in Sex.__members__ else Sex.ALL,
        last_update=_date(_get(p, "statusModule", "lastUpdatePostDateStruct", "date")),
        completion=_date(_get(p, "statusModule", "completionDateStruct", "date")),
        summary=str(_get(p, "descriptionModule", "briefSummary") or ""),
    )


def read_record(path: Path) -> Record:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc.__class__.__name__}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")
    return parse_record(data, str(path))
