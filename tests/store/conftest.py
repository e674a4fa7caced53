"""Databases for the store tests: a fresh SQLite file, and a fresh PostgreSQL database.

PostgreSQL tests run against the server named by ``AUDITOR_TEST_POSTGRES_URL`` (scripts/test
starts a throwaway cluster and sets it; CI always does). Each test gets its own database,
dropped afterwards. Without the variable they are skipped, saying why.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from auditor.store import open_store

POSTGRES_ENV = "AUDITOR_TEST_POSTGRES_URL"
NO_POSTGRES = f"no PostgreSQL server given: set {POSTGRES_ENV} (scripts/test starts one)"


def postgres_server() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """The URL of an SQLite file that does not exist yet."""
    return f"sqlite:///{tmp_path / 'store' / 'auditor.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database (dropped after the test)."""
    server = postgres_server()
    if server is None:
        pytest.skip(NO_POSTGRES)
    name = f"auditor_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def store_engine(store_url: str) -> Iterator[Engine]:
    """An opened store on each backend, disposed afterwards."""
    engine = open_store(store_url)
    yield engine
    engine.dispose()
