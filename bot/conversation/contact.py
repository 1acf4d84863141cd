"""Contact details typed in the handoff: names, phone numbers (Korean mobile
and landline forms, international numbers) and email addresses."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})(?![\w@-])")
# Korean area codes (02 Seoul, 031-064 regions) and mobile prefixes (010-019).
_KR_LANDLINE = re.compile(r"^0(?:2|3[1-3]|4[1-4]|5[1-5]|6[1-4])\d{7,8}$")
_KR_MOBILE = re.compile(r"^01[016789]\d{7,8}$")
_KR_SERVICE = re.compile(r"^070\d{8}$")


@dataclass(frozen=True)
class ContactDetails:
    phone: Optional[str] = None  # E.164, e.g. +821012345678
    email: Optional[str] = None
    problem: str = ""  # why nothing valid was found, for the re-ask


def normalize_phone(text: str) -> Optional[str]:
    """A phone number in E.164 form, or None if it is not a valid one."""
    raw = text.strip()
    if re.search(r"[^\d\s().+\-]", raw):
        return None
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+") or raw.startswith("00"):
        digits = digits[2:] if raw.startswith("00") else digits
        if digits.startswith("82"):
            national = "0" + digits[2:].lstrip("0")
            return normalize_phone(national)
        return f"+{digits}" if 8 <= len(digits) <= 15 and digits[0] != "0" else None
    if _KR_MOBILE.match(digits) or _KR_LANDLINE.match(digits) or _KR_SERVICE.match(digits):
        return "+82" + digits[1:]
    return None


def find_contact(text: str) -> ContactDetails:
    """A phone number and/or an email in what the person typed."""
    text = (text or "").strip()
    if not text:
        return ContactDetails(problem="nothing was typed")
    if len(text) > 300:
        return ContactDetails(problem="that was too long for a phone number or email")
    email_match = _EMAIL.search(text)
    email = email_match.group(1).lower() if email_match else None
    rest = _EMAIL.sub(" ", text)
    phone = None
    for candidate in re.findall(r"[+(]?[\d][\d\s().\-]{6,}\d", rest):
        phone = normalize_phone(candidate)
        if phone:
            break
    if phone or email:
        return ContactDetails(phone=phone, email=email)
    if "@" in text:
        return ContactDetails(problem="that email address does not look complete")
    if re.search(r"\d{3,}", text):
        return ContactDetails(problem="that phone number does not look complete")
    return ContactDetails(problem="no phone number or email was found")


def clean_name(text: str) -> Optional[str]:
    """A name as typed (any script), or None if it cannot be a name."""
    name = re.sub(r"\s+", " ", (text or "")).strip().strip(".")
    name = re.sub(r"^(?:my name is|i am|i'm|it's|this is|name:)\s+", "", name, flags=re.I)
    name = re.sub(r"^(?:제 이름은|이름은|저는)\s*", "", name)
    name = re.sub(r"(?<=[가-힣])(?:이에요|예요|이요|입니다|이라고 해요|라고 해요|요)$", "", name).strip()
    if not 1 <= len(name) <= 100 or re.search(r"[\d<>@{}\[\]\\/=;:?]", name):
        return None
    if not re.search(r"[^\W\d_]", name) or _a_sentence(name):
        return None
    return name


MAX_NAME_WORDS = 5


MAX_KOREAN_NAME_WORDS, MAX_KOREAN_NAME_SYLLABLES = 2, 5  # "최 유나", "남궁민수"


def _a_sentence(text: str) -> bool:
    """Words that say something ("사람이랑 직접 얘기하고 싶어요", "I want to talk to someone") are not a
    name: too many words (a Korean name is one or two short words; morphemes would split 김은지), or the
    words of a request."""
    words = text.split()
    if len(words) > MAX_NAME_WORDS:
        return True
    if re.search(r"[가-힣]", text):
        return len(words) > MAX_KOREAN_NAME_WORDS or any(len(w) > MAX_KOREAN_NAME_SYLLABLES for w in words)
    return bool(re.search(r"\b(?:want|need|talk|speak|call|please|can|could|would|help|don't|do not)\b", text, re.I))


_LANGUAGES = {"korean": "Korean", "hangul": "Korean", "한국어": "Korean", "english": "English", "영어": "English",
              "chinese": "Chinese", "mandarin": "Chinese", "japanese": "Japanese", "vietnamese": "Vietnamese",
              "russian": "Russian", "mongolian": "Mongolian", "spanish": "Spanish", "french": "French",
              "german": "German", "thai": "Thai", "filipino": "Filipino", "tagalog": "Filipino"}


def clean_language(text: str) -> Optional[str]:
    """A preferred language: a known name in its usual form, else the words
    as typed (short, no markup); None if it cannot be one."""
    words = " ".join((text or "").split())
    if not words or len(words) > 60 or re.search(r"[<>{}\[\]\\]", words):
        return None
    found = [name for key, name in _LANGUAGES.items() if re.search(r"(?<!\w)" + key + r"(?!\w)", words.lower())]
    return " and ".join(dict.fromkeys(found)) if found else words
