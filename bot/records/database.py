"""The connection to the records database: the engine, transactional sessions
and schema migration. Every part of the store (screenings, handoffs, staff,
retention, ...) builds on `Database`."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bot import config


class Database:
    def __init__(self, url: Optional[str] = None):
        self.url = url or config.database_url()
        self.engine = _engine(self.url)
        self._sessions = sessionmaker(bind=self.engine, future=True, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions() as s:
            try:
                yield s
                s.commit()
            except Exception:
                s.rollback()
                raise

    def migrate(self) -> None:
        """Brings the schema to the newest migration (Alembic)."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


def _engine(url: str) -> sa.engine.Engine:
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        _private_sqlite_file(Path(url[len("sqlite:///"):]))
    sqlite_file = url.startswith("sqlite") and ":memory:" not in url
    # SQLAlchemy 1.4 opens a new SQLite connection for every session; a pool
    # saves that on every turn (the action server and the web server are
    # asynchronous, so a connection may be used by another thread later).
    pooled = {"poolclass": sa.pool.QueuePool, "connect_args": {"check_same_thread": False}} if sqlite_file else {}
    engine = sa.create_engine(url, future=True, pool_pre_ping=True, **pooled)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", sqlite_pragmas)
    return engine


def sqlite_pragmas(conn, _record=None) -> None:
    """SQLite enforces foreign keys (and so cascades) only when asked, and
    keeps deleted rows' bytes in the file's free pages unless told to zero
    them: a deleted conversation or note must not stay readable in the file."""
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA secure_delete=ON")


def _private_sqlite_file(path: Path) -> None:
    """The SQLite file holds everything: readable by its owner only."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    try:
        os.chmod(path, 0o600)
    except PermissionError:
        pass
