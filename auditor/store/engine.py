"""Database URLs and engines: SQLite by default, PostgreSQL for a shared store.

The URL comes from ``--db``, then ``AUDITOR_DB``, then the configuration, then the default
SQLite file ``.auditor/auditor.db`` in the scanned project. SQLite runs in WAL mode with
foreign keys on and a busy timeout, and a writing transaction takes the write lock up front
(``BEGIN IMMEDIATE``) so concurrent writers queue instead of failing half way. Every message
that shows a URL shows it redacted.
"""

from __future__ import annotations

import importlib.util
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url

from auditor.core.errors import StoreError
from auditor.core.redact import redact_text, redact_url

ENV_VAR = "AUDITOR_DB"
DEFAULT_DIR = ".auditor"
DEFAULT_FILE = "auditor.db"
BUSY_TIMEOUT_SECONDS = 30.0
WRITE_OPTION = "auditor_write"
_RETRY_ATTEMPTS = 12
_SQLITE_RETRYABLE = ("database is locked", "database is busy", "database table is locked")
# serialization_failure, deadlock_detected, unique_violation (content-addressed inserts
# racing), foreign_key_violation (content reused while a prune deletes it)
_POSTGRES_RETRYABLE = frozenset({"40001", "40P01", "23505", "23503"})

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class DatabaseUrl:
    """A parsed, supported database URL; ``shown`` is safe to print."""

    url: URL
    shown: str

    @property
    def is_sqlite(self) -> bool:
        return self.url.drivername.partition("+")[0] == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        database = self.url.database
        if not self.is_sqlite or not database or database == ":memory:":
            return None
        return Path(database)


def default_url(project_root: Path) -> str:
    return f"sqlite:///{(project_root / DEFAULT_DIR / DEFAULT_FILE).as_posix()}"


def resolve_url(
    explicit: str | None,
    *,
    project_root: Path,
    config_url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """Pick the database URL: flag, environment, configuration, then the default file."""
    env = os.environ if environ is None else environ
    for candidate in (explicit, env.get(ENV_VAR), config_url):
        if candidate and candidate.strip():
            return candidate.strip()
    return default_url(project_root)


def show_url(text: str) -> str:
    """``text`` safe to print: credentials replaced (SQLite URLs and paths have none)."""
    if "://" not in text or text.startswith("sqlite:"):
        return text
    return redact_url(text)


def parse_url(text: str) -> DatabaseUrl:
    """Parse and check a database URL; a bare path means an SQLite file."""
    shown = show_url(text)
    if "://" not in text:
        text = f"sqlite:///{Path(text).absolute().as_posix()}"
    try:
        url = make_url(text)
    except (sa.exc.ArgumentError, ValueError):
        raise StoreError(f"{shown}: not a database URL") from None
    backend, _, driver = url.drivername.partition("+")
    if backend in ("postgresql", "postgres"):
        if driver not in ("psycopg", ""):
            raise StoreError(f"{shown}: use the psycopg driver (postgresql+psycopg://...)")
        url = url.set(drivername="postgresql+psycopg")
    elif backend != "sqlite" or driver not in ("pysqlite", ""):
        raise StoreError(
            f"{shown}: unsupported database (use sqlite:///PATH or postgresql+psycopg://...)"
        )
    return DatabaseUrl(url=url, shown=shown)


def create(db: DatabaseUrl, *, create_dirs: bool = True) -> Engine:
    """An engine for ``db`` with the store's connection settings."""
    if not db.is_sqlite:
        if importlib.util.find_spec("psycopg") is None:
            raise StoreError(
                f"{db.shown}: PostgreSQL needs the 'postgres' extra: "
                "pip install 'auditor[postgres]'"
            )
        return sa.create_engine(db.url, pool_pre_ping=True)
    path = db.sqlite_path
    if path is not None and create_dirs:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.parent.name == DEFAULT_DIR:
                _ignore_in_git(path.parent)
        except OSError as exc:
            raise StoreError(f"{db.shown}: cannot create {path.parent}: {exc.strerror}") from None
    engine = sa.create_engine(db.url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


GITIGNORE = "# auditor's snapshot store: not part of the project\n*\n"


def _ignore_in_git(folder: Path) -> None:
    """``.auditor/`` inside a checkout must not make ``git status`` dirty: the folder gets
    a ``.gitignore`` ignoring everything in it (itself included). One already there (a
    project that commits its store, say) is left as it is."""
    ignore = folder / ".gitignore"
    if not ignore.exists() and not ignore.is_symlink():
        ignore.write_text(GITIGNORE, encoding="utf-8")


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own handling would
    # start transactions late and always DEFERRED).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # a store may come with a checkout: no function its schema names may have side effects
        cursor.execute("PRAGMA trusted_schema = OFF")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def is_retryable(exc: BaseException) -> bool:
    """True for lock and serialization conflicts another attempt can get past."""
    if not isinstance(exc, sa.exc.DBAPIError):
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in _POSTGRES_RETRYABLE
    text = str(exc.orig).lower()
    return any(marker in text for marker in _SQLITE_RETRYABLE)


def transaction(
    engine: Engine,
    work: Callable[[Connection], T],
    *,
    write: bool,
    shown: str,
    attempts: int = _RETRY_ATTEMPTS,
) -> T:
    """Run ``work`` in one transaction, retrying it whole on lock/serialization conflicts.

    Either the transaction commits or nothing of it remains; a failure that retries cannot
    fix becomes a one-line ``StoreError`` with the URL redacted.
    """
    for attempt in range(1, attempts + 1):
        try:
            with engine.connect() as plain:
                conn = plain.execution_options(**{WRITE_OPTION: True}) if write else plain
                with conn.begin():
                    return work(conn)
        except sa.exc.DBAPIError as exc:
            if attempt < attempts and is_retryable(exc):
                # Exponential backoff with jitter, so queued writers do not collide again.
                time.sleep(min(2.0, 0.02 * 2**attempt) * random.uniform(0.5, 1.5))  # noqa: S311
                continue
            raise StoreError(describe(exc, engine, shown)) from None
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(describe(exc, engine, shown)) from None
    raise AssertionError("unreachable")  # pragma: no cover


def describe(exc: BaseException, engine: Engine, shown: str) -> str:
    """One line about a database failure, with no credential in it."""
    orig = getattr(exc, "orig", None) or exc
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    password = engine.url.password
    secrets = [password] if isinstance(password, str) and password else []
    return f"{shown}: {redact_text(first, secrets)}"
