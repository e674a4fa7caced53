"""Small stores for the site tests: a project's story in four runs, and reading a folder."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from auditor.core.findings import Finding, FindingKind, Severity
from auditor.site import paths
from tests.store.helpers import day, finding, pypi, save, small_graph


def story(engine: Engine, project: str = "demo", *, start: int = 0) -> list[int]:
    """Four runs: a finding appears, a typosquat appears, an upgrade fixes the first."""
    a1, a2, b, c = pypi("a", "1.0"), pypi("a", "1.1"), pypi("b", "1.0"), pypi("c", "1.0")
    squat = Finding(
        package_id=c.id,
        kind=FindingKind.TYPOSQUAT,
        id="typosquat:b",
        severity=Severity.HIGH,
        summary="c imitates b",
        evidence=(("imitates", "b"), ("rule", "one edit")),
    )
    return [
        save(engine, small_graph(a1, b), project=project, taken_at=day(start)),
        save(
            engine,
            small_graph(a1, b),
            project=project,
            findings=[finding(a1, "GHSA-1")],
            taken_at=day(start + 1),
        ),
        save(
            engine,
            small_graph(a1, b, c),
            project=project,
            findings=[finding(a1, "GHSA-1"), squat],
            taken_at=day(start + 8),
        ),
        save(
            engine,
            small_graph(a2, b, c),
            project=project,
            findings=[squat],
            taken_at=day(start + 9),
        ),
    ]


def files(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by its path there, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below ``folder`` with its inode and modification time: a file that was
    rewritten (even with the same bytes) gets another."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = os.stat(path)
            out[path.relative_to(folder).as_posix()] = (stat.st_ino, stat.st_mtime_ns)
    return out


def fail_writes_from(monkeypatch: pytest.MonkeyPatch, number: int) -> Callable[[], None]:
    """Make the site's ``number``-th page write (and any after it) fail as a full disk
    would; returns what restores the real writes."""
    real_write = paths._write
    writes = 0

    def failing(target: Path, data: bytes) -> None:
        nonlocal writes
        writes += 1
        if writes >= number:
            raise OSError(28, "No space left on device")
        real_write(target, data)

    monkeypatch.setattr(paths, "_write", failing)
    return lambda: monkeypatch.setattr(paths, "_write", real_write)
