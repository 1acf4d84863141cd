"""Encryption at rest for contact details, typed answers and conversation
events (Fernet: AES-128-CBC with HMAC). The key comes from
TRIALBOT_ENCRYPTION_KEY or a key file that `python -m bot init` creates,
outside the data folder (bot.records.keys: where, and rotation)."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Optional, overload

from cryptography.fernet import Fernet, InvalidToken

from bot import config


class KeyMissing(RuntimeError):
    pass


def create_key_file(path: Path) -> bool:
    """Writes a new key file readable by its owner only; False if one exists."""
    if path.exists():
        return False
    if not path.parent.exists():
        config.ensure_private_dir(path.parent)  # ~/.config/trialbot: the owner's only
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(Fernet.generate_key())
    return True


@lru_cache(maxsize=4)
def _fernet(key: bytes) -> Fernet:
    return Fernet(key)


def cipher() -> Fernet:
    key = config.settings().encryption_key.encode()
    if not key:
        path = config.key_file()
        if not path.exists():
            raise KeyMissing(f"no encryption key: set TRIALBOT_ENCRYPTION_KEY or run 'python -m bot init' "
                             f"to create {path}")
        key = path.read_bytes().strip()
    return _fernet(key)


# None passes through both ways (an empty optional column); the overloads let
# callers with a str in hand get a str back.
@overload
def encrypt(text: str) -> str: ...
@overload
def encrypt(text: None) -> None: ...
@overload
def encrypt(text: Optional[str]) -> Optional[str]: ...
def encrypt(text: Optional[str]) -> Optional[str]:
    if text is None:
        return None
    return cipher().encrypt(text.encode("utf-8")).decode("ascii")


@overload
def decrypt(token: str) -> str: ...
@overload
def decrypt(token: None) -> None: ...
@overload
def decrypt(token: Optional[str]) -> Optional[str]: ...
def decrypt(token: Optional[str]) -> Optional[str]:
    if token is None:
        return None
    try:
        return cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise KeyMissing("stored data cannot be decrypted with this key (was the key changed?)") from None
