"""Looking for a person's words everywhere they could be kept: every row of
every table (SQLite or PostgreSQL), the bytes of the SQLite file (deleted rows
stay in its free pages unless zeroed) and every file under the given folders
(the data folder: logs, exports)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, List

import sqlalchemy as sa


def every_row(engine: sa.engine.Engine) -> str:
    with engine.connect() as conn:
        return "\n".join(" | ".join(str(v) for v in row) for table in sa.inspect(engine).get_table_names()
                         for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')))


def files_holding(secret: str, engine: sa.engine.Engine, folders: Iterable[Path]) -> List[str]:
    """The files whose bytes hold `secret` (as UTF-8)."""
    paths = set()
    if engine.dialect.name == "sqlite" and engine.url.database:
        db = Path(engine.url.database)
        paths |= {db, *db.parent.glob(db.name + "-*")}  # the file, and a journal or WAL beside it
    for folder in folders:
        paths |= {p for p in Path(folder).rglob("*") if p.is_file()}
    needle = secret.encode("utf-8")
    return sorted(str(p) for p in paths if p.exists() and needle in p.read_bytes())


def assert_nowhere(engine: sa.engine.Engine, folders: Iterable[Path], *secrets: str) -> None:
    rows = every_row(engine)
    folders = list(folders)
    for secret in secrets:
        assert secret not in rows, f"{secret!r} is still in a table"
        assert files_holding(secret, engine, folders) == [], f"{secret!r} is still in these files"
