"""Database URLs, engine settings, retries and credential hygiene."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from auditor.core.errors import StoreError
from auditor.store import open_store, parse_url, resolve_url
from auditor.store.engine import create, is_retryable, show_url, transaction


def test_url_comes_from_flag_then_environment_then_config_then_default(tmp_path: Path) -> None:
    """--db wins over AUDITOR_DB, which wins over the configuration; else .auditor/auditor.db."""
    env = {"AUDITOR_DB": "sqlite:///env.db"}
    assert "sqlite:///flag.db" == resolve_url(
        "sqlite:///flag.db", project_root=tmp_path, config_url="sqlite:///c.db", environ=env
    )
    assert "sqlite:///env.db" == resolve_url(
        None, project_root=tmp_path, config_url="sqlite:///c.db", environ=env
    )
    assert "sqlite:///c.db" == resolve_url(
        None, project_root=tmp_path, config_url="sqlite:///c.db", environ={}
    )
    assert f"sqlite:///{tmp_path}/.auditor/auditor.db" == resolve_url(
        None, project_root=tmp_path, environ={"AUDITOR_DB": "  "}
    )


def test_default_store_is_created_under_the_project(tmp_path: Path) -> None:
    """The default file and its folder appear on first use."""
    open_store(resolve_url(None, project_root=tmp_path, environ={})).dispose()
    assert (tmp_path / ".auditor" / "auditor.db").is_file()


def test_bare_path_is_an_sqlite_file(tmp_path: Path) -> None:
    """--db some/file.db means an SQLite file there."""
    db = parse_url(str(tmp_path / "x.db"))
    assert db.is_sqlite
    assert tmp_path / "x.db" == db.sqlite_path


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg"])
def test_postgresql_urls_use_psycopg(scheme: str) -> None:
    """postgresql:// and postgres:// mean the psycopg driver."""
    db = parse_url(f"{scheme}://u@h:5432/d")
    assert "postgresql+psycopg" == db.url.drivername


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u:pw@h/d", "mysql://****:****@h/d: unsupported database"),
        ("postgresql+psycopg2://u:pw@h/d", "use the psycopg driver"),
        ("sqlite+pysqlcipher:///x", "unsupported database"),
        ("http://[::1/x", "not a database URL"),
    ],
)
def test_bad_urls_are_one_line_errors(url: str, message: str) -> None:
    """Unsupported or malformed URLs: one line, credentials hidden."""
    with pytest.raises(StoreError) as info:
        parse_url(url)
    assert message in str(info.value)
    assert "pw" not in str(info.value)


def test_credentials_never_shown_on_connection_failure() -> None:
    """A server that is not there: the error names the URL without user or password."""
    port = closed_port()
    with pytest.raises(StoreError) as info:
        open_store(f"postgresql+psycopg://admin:s3cr3t-pw@127.0.0.1:{port}/db")
    message = str(info.value)
    assert "s3cr3t-pw" not in message
    assert "admin" not in message
    assert message.startswith(f"postgresql+psycopg://****:****@127.0.0.1:{port}/db: ")
    assert "\n" not in message


def test_sqlite_settings(sqlite_url: str) -> None:
    """WAL journal, foreign keys on, a busy timeout, and writes take the lock up front."""
    engine = open_store(sqlite_url)
    try:
        with engine.connect() as conn:
            assert "wal" == conn.exec_driver_sql("PRAGMA journal_mode").scalar_one()
            assert 1 == conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one()
            assert 30_000 == conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
        with engine.connect() as conn, pytest.raises(sa.exc.IntegrityError):
            conn.exec_driver_sql("INSERT INTO graph_chunk VALUES (999, 999)")
    finally:
        engine.dispose()


def test_locked_database_is_retried_then_reported(sqlite_url: str) -> None:
    """While another connection holds the write lock, a write waits and retries, and gives
    up with a one-line error naming the store."""
    engine = open_store(sqlite_url)
    path = parse_url(sqlite_url).sqlite_path
    assert path is not None
    holder = sqlite3.connect(path, timeout=0)
    holder.execute("BEGIN IMMEDIATE")
    try:
        fast = create(parse_url(sqlite_url))

        def set_short_timeout(dbapi_connection: sqlite3.Connection, _record: object) -> None:
            dbapi_connection.execute("PRAGMA busy_timeout = 10")

        sa.event.listen(fast, "connect", set_short_timeout)
        calls = []

        def work(conn: sa.Connection) -> int:
            calls.append(1)
            return 1

        with pytest.raises(StoreError) as info:
            transaction(fast, work, write=True, shown="the-store", attempts=3)
        assert "the-store: database is locked" == str(info.value)
        assert [] == calls  # the lock is taken before any work runs
        fast.dispose()
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()


def test_retryable_errors() -> None:
    """Lock and serialization conflicts are retried; other errors are not."""

    class DriverError(Exception):
        def __init__(self, text: str, sqlstate: str | None = None) -> None:
            super().__init__(text)
            self.sqlstate = sqlstate

    def error(text: str, sqlstate: str | None = None) -> sa.exc.DBAPIError:
        return sa.exc.OperationalError("stmt", {}, DriverError(text, sqlstate))

    assert is_retryable(error("database is locked"))
    assert is_retryable(error("could not serialize", "40001"))
    assert is_retryable(error("deadlock detected", "40P01"))
    assert is_retryable(error("duplicate key", "23505"))
    assert is_retryable(error("violates foreign key constraint", "23503"))
    assert not is_retryable(error("syntax error", "42601"))
    assert not is_retryable(error("no such table: x"))
    assert not is_retryable(ValueError("x"))


def test_show_url_keeps_sqlite_paths_and_hides_secrets() -> None:
    """SQLite URLs print as given; server URLs lose their user and password."""
    assert "sqlite:////tmp/a.db" == show_url("sqlite:////tmp/a.db")
    assert "postgresql+psycopg://****@db.invalid/x" == show_url(
        "postgresql+psycopg://token@db.invalid/x"
    )


def closed_port() -> int:
    """A local TCP port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
