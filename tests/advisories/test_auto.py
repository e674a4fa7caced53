"""``auto``, the default advisory source: which sources it stands for, per ecosystem."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from auditor.advisories import plugins
from auditor.advisories.auto import HINT
from auditor.advisories.base import SourceOptions
from auditor.advisories.osv_api import OsvApiSource
from auditor.advisories.osv_local import OsvLocalSource
from auditor.core.model import Ecosystem
from tests.support import FIXTURES

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
PYPA = FIXTURES / "advisories" / "pypa"


def synced(cache: Path, ecosystem: str, downloaded: datetime) -> Path:
    """A database as `auditor db sync` leaves it (the zip and a consistent meta.json)."""
    folder = cache / "osv" / ecosystem
    folder.mkdir(parents=True)
    with zipfile.ZipFile(folder / "all.zip", "w") as archive:
        for path in sorted(PYPA.glob("*.json")):
            archive.write(path, path.name)
    meta = {
        "downloaded": downloaded.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source_url": "http://exports.invalid/PyPI/all.zip",
        "sha256": "0" * 64,
        "size": (folder / "all.zip").stat().st_size,
        "records": len(list(PYPA.glob("*.json"))),
    }
    (folder / "meta.json").write_text(json.dumps(meta))
    return cache


def options(cache: Path, **changes: object) -> SourceOptions:
    return SourceOptions(cache_dir=cache, now=NOW, **changes)  # type: ignore[arg-type]


def test_the_default_is_auto() -> None:
    """No --source: auto."""
    assert ("auto",) == plugins.DEFAULT_SOURCES
    assert "auto" in plugins.names()


def test_nothing_synced_means_the_osv_api_for_every_ecosystem(tmp_path: Path) -> None:
    """No database of `auditor db sync`: every ecosystem goes to the OSV API, whose failures
    say how to get data that does not depend on it."""
    (source,) = plugins.create((), options(tmp_path / "cache"))
    assert isinstance(source, OsvApiSource)
    assert frozenset(Ecosystem) == source.ecosystems
    assert HINT == source.hint


def test_a_fresh_synced_database_answers_for_its_ecosystem(tmp_path: Path) -> None:
    """A PyPI database synced a day ago: osv-local on it for PyPI, the API for the others."""
    cache = synced(tmp_path / "cache", "PyPI", NOW - timedelta(days=1))
    local, api = plugins.create((), options(cache))
    assert isinstance(local, OsvLocalSource)
    assert (cache / "osv", True, False) == (local.path, local.synced, local.bundled)
    assert frozenset({Ecosystem.PYPI}) == local.ecosystems
    assert isinstance(api, OsvApiSource)
    assert frozenset(Ecosystem) - {Ecosystem.PYPI} == api.ecosystems
    assert () == api.notes


def test_a_stale_synced_database_is_not_used(tmp_path: Path) -> None:
    """A database older than the staleness threshold is not asked: the API is, and a note
    says why and how to refresh it."""
    cache = synced(tmp_path / "cache", "PyPI", NOW - timedelta(days=30))
    (api,) = plugins.create((), options(cache, stale_days=7.0))
    assert isinstance(api, OsvApiSource)
    assert frozenset(Ecosystem) == api.ecosystems
    assert (
        "the synced PyPI database is stale (30 days old): the OSV API was asked instead "
        "(run auditor db sync --ecosystem PyPI)",
    ) == api.notes
    assert api.notes == api.describe().notes


def test_offline_uses_the_synced_database_else_the_bundled_sample(tmp_path: Path) -> None:
    """--offline: osv-local, on the synced database (stale or not: it is all there is),
    else on the bundled sample, which then calls itself a sample."""
    (bundled,) = plugins.create((), options(tmp_path / "empty", offline=True))
    assert isinstance(bundled, OsvLocalSource)
    assert bundled.bundled
    assert bundled.info().sample
    cache = synced(tmp_path / "cache", "PyPI", NOW - timedelta(days=30))
    (local,) = plugins.create(("auto",), options(cache, offline=True))
    assert isinstance(local, OsvLocalSource)
    assert (True, False) == (local.synced, local.info().sample)


def test_a_database_given_is_used(tmp_path: Path) -> None:
    """--advisory-db with auto: osv-local on that database, nothing else."""
    (local,) = plugins.create((), options(tmp_path / "cache", advisory_db=PYPA))
    assert isinstance(local, OsvLocalSource)
    assert (PYPA, False, False) == (local.path, local.synced, local.bundled)
    assert local.ecosystems is None
