"""Where the encryption key is kept, and changing it. The key belongs outside
the data folder: a copy of that folder (the database, logs, exports) must not
be able to read what it holds. `rotate_key` re-encrypts every encrypted
column, and every conversation event, with a new key in one transaction, and
keeps the old key in a dated file beside the new one."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import List, Sequence, Tuple

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot import config
from bot.records.conversations import has_events_table
from bot.records.database import Database
from bot.records.tables import RASA_EVENTS, AuditEntry, Base


class RotationRefused(RuntimeError):
    """Nothing was changed; the message says why and what to do."""


@dataclass(frozen=True)
class Rotation:
    key_file: Path
    old_key_file: Path  # the previous key, dated: it still reads backups of the database made before
    values: int         # how many stored values were re-encrypted


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def key_warnings() -> List[str]:
    """What the operator should fix about the key (check-config, the web server at start)."""
    st = config.settings()
    if st.encryption_key:
        return []
    path = st.key_file
    if not path.exists():
        return [f"no encryption key at {path}: run 'python -m bot init' to create one"]
    where, out = path.resolve(), []
    database = st.database_url[len("sqlite:///"):] if st.database_url.startswith("sqlite:///") else ""
    if _inside(where, st.data_dir.resolve()):
        out.append(f"the encryption key {path} is inside the data folder {st.data_dir}: one copy of that folder "
                   f"reads everything. Move it out (mkdir -p ~/.config/trialbot && mv -n {path} "
                   "~/.config/trialbot/encryption.key), or set TRIALBOT_KEY_FILE to a file elsewhere")
    elif database and where.parent == Path(database).resolve().parent:
        out.append(f"the encryption key {path} is beside the database {database}: one copy of that folder reads "
                   "everything. Keep it in another folder (TRIALBOT_KEY_FILE)")
    if path.stat().st_mode & 0o077:
        out.append(f"the encryption key {path} can be read by other accounts: chmod 600 {path}")
    return out


def encrypted_columns(engine: sa.engine.Engine) -> List[Tuple[sa.Table, Sequence[sa.Column]]]:
    """Every column stored encrypted (named *_enc), and Rasa's events."""
    found: List[Tuple[sa.Table, Sequence[sa.Column]]] = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if c.name.endswith("_enc")]
        if columns:
            found.append((table, columns))
    if has_events_table(engine):
        found.append((RASA_EVENTS, [RASA_EVENTS.c.data]))
    return found


def _rotate_table(conn: sa.engine.Connection, table: sa.Table, columns: Sequence[sa.Column],
                  keys: MultiFernet) -> int:
    pk = list(table.primary_key.columns)[0]
    done = 0
    for row in conn.execute(sa.select(pk, *columns)).all():
        new = {c.name: keys.rotate(row[i + 1].encode("ascii")).decode("ascii")
               for i, c in enumerate(columns) if row[i + 1]}
        if new:
            conn.execute(table.update().where(pk == row[0]).values(**new))
            done += len(new)
    return done


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data + b"\n")


def rotate_key(db: Database, actor: str = "cli") -> Rotation:
    """A new key for everything stored. The bot's servers should be stopped:
    a value written with the old key after the change could not be read."""
    st = config.settings()
    if st.encryption_key:
        raise RotationRefused("the key comes from TRIALBOT_ENCRYPTION_KEY, which this command cannot change: "
                              "put it in a file, set TRIALBOT_KEY_FILE to that file instead, and run it again")
    path = st.key_file
    pending = path.with_name(path.name + ".new")
    if not path.exists():
        raise RotationRefused(f"no encryption key at {path}")
    if pending.exists():
        raise RotationRefused(f"{pending} exists: an earlier rotation stopped half-way. If the records read with "
                              f"it (TRIALBOT_KEY_FILE={pending} python -m bot handoffs list), move it to {path}; "
                              "otherwise delete it. Then run this again")
    old = path.read_bytes().strip()
    new = Fernet.generate_key()
    backup = path.with_name(f"{path.name}.{datetime.utcnow().strftime('%Y%m%dT%H%M%SZ')}.old")
    _write_private(backup, old)
    _write_private(pending, new)
    both = MultiFernet([Fernet(new), Fernet(old)])  # reads with either, writes with the new one
    try:
        with db.engine.begin() as conn:  # all or nothing
            values = sum(_rotate_table(conn, t, cols, both) for t, cols in encrypted_columns(db.engine))
    except BaseException as exc:
        pending.unlink()
        backup.unlink()
        if isinstance(exc, InvalidToken):
            raise RotationRefused(f"a stored value cannot be read with the key in {path}; nothing was "
                                  "changed") from None
        raise
    os.replace(pending, path)
    with db.session() as s:
        s.add(AuditEntry(actor=actor, action="key_rotated"))
    return Rotation(path, backup, values)
