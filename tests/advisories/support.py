"""Helpers for advisory tests: load the real fixture records, build packages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.advisories.osv import OsvRecord, load_record, record_from_value
from auditor.core.model import CollectResult, Ecosystem, Package, Source
from auditor.pipeline.audit import Collection
from tests.support import FIXTURES

ADVISORIES = FIXTURES / "advisories"


def fixture_path(record_id: str) -> Path:
    return next(ADVISORIES.rglob(f"{record_id}.json"))


def record(record_id: str) -> OsvRecord:
    """A real record from tests/fixtures/advisories by id (or file stem)."""
    path = fixture_path(record_id)
    return load_record(path.read_text(), path.name, file_id=path.stem)


def raw(record_id: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(fixture_path(record_id).read_text())
    return value


def edited(record_id: str, **changes: Any) -> OsvRecord:
    """A real record with top-level fields replaced (for cases real data lacks)."""
    value = raw(record_id)
    value.update(changes)
    return record_from_value(value, f"{record_id}.json (edited)")


def pkg(ecosystem: str, name: str, version: str, source: Source | None = None) -> Package:
    eco = Ecosystem.parse(ecosystem)
    if source is None:
        return Package(ecosystem=eco, name=name, version=version)
    return Package(ecosystem=eco, name=name, version=version, source=source)


def synthetic(packages: list[Package]) -> Collection:
    """A collection holding just these packages (one result per ecosystem)."""
    by_eco: dict[Ecosystem, list[Package]] = {}
    for package in packages:
        by_eco.setdefault(package.ecosystem, []).append(package)
    results = tuple(
        CollectResult(
            path=f"versions.{eco.value}", collector="test", ecosystem=eco, packages=tuple(found)
        )
        for eco, found in sorted(by_eco.items())
    )
    return Collection(results=results, errors=())
