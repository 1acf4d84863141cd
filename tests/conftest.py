"""Fixtures: a fresh database for each test that needs one, on SQLite and,
where TRIALBOT_TEST_POSTGRES_URL names a server, on PostgreSQL too."""
import os

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

# The site ships screening for two trials at once (config/site.yml). The suites
# written for the conversation of one trial run that site: NCT03558607 alone,
# as TRIALBOT_TRIAL sets it. The tests of several trials clear it
# (tests/test_several_trials.py), and so see the site as shipped.
os.environ.setdefault("TRIALBOT_TRIAL", "NCT03558607")

POSTGRES_URL = os.environ.get("TRIALBOT_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("TRIALBOT_REQUIRE_POSTGRES") == "1"


def _reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in ("audit_log", "handoff_events", "corrections", "safety_events", "answers", "handoffs", "screenings", "staff_users", "chat_sessions", "alembic_version",
                      "events"):
            conn.execute(sa.text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    engine.dispose()


def _backends():
    yield pytest.param("sqlite", id="sqlite")
    marks = [pytest.mark.postgres]
    if not POSTGRES_URL and not REQUIRE_POSTGRES:
        marks.append(pytest.mark.skip(reason="set TRIALBOT_TEST_POSTGRES_URL to run against PostgreSQL"))
    yield pytest.param("postgres", id="postgres", marks=marks)


@pytest.fixture(params=list(_backends()))
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'trialbot.db'}"
    assert POSTGRES_URL, "TRIALBOT_REQUIRE_POSTGRES=1 but TRIALBOT_TEST_POSTGRES_URL is not set"
    _reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def bot_env(db_url, tmp_path, monkeypatch):
    """The environment the bot runs in: its own data folder, key and database."""
    monkeypatch.setenv("TRIALBOT_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TRIALBOT_ENCRYPTION_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("TRIALBOT_DATABASE_URL", db_url)
    from bot.records.store import Store

    store = Store(db_url)
    store.migrate()
    yield store
    store.engine.dispose()


def pytest_addoption(parser):
    parser.addoption("--corrections", default=None, metavar="DIR",
                     help="run the correction cases of this folder (default: tests/corrections/)")
