"""Builders for store tests: graphs from the real history fixtures, findings, saving.

``poetry_graph`` is a deliberately small, independent reader of ``poetry.lock`` (packages,
their dependency edges and the project's direct dependencies from ``pyproject.toml``): the
store tests must not depend on the real collectors, and an independent reader doubles as
the oracle the store's diffs are checked against.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import tomllib
from packaging.version import Version
from sqlalchemy.engine import Engine

from auditor.core.findings import Finding, FindingKind, Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import (
    Ecosystem,
    Edge,
    FileError,
    Location,
    Package,
    Root,
    UnsupportedFile,
    canonical_pypi_name,
    root_id,
)
from auditor.core.result import AuditResult, Status
from auditor.store import SnapshotMeta, SuppressionRule, save_snapshot
from tests.support import FIXTURES

HISTORY = FIXTURES / "history" / "saleor"
UTC = dt.timezone.utc


@dataclass(frozen=True)
class HistoryStep:
    folder: Path
    date: dt.datetime
    commit: str


def history() -> list[HistoryStep]:
    """The saleor history fixture, oldest first."""
    rows = json.loads((HISTORY / "index.json").read_text())
    return [
        HistoryStep(
            folder=HISTORY / row["folder"],
            date=dt.datetime.fromisoformat(row["date"].replace("Z", "+00:00")),
            commit=row["commit"],
        )
        for row in rows
    ]


def _dependency_names(table: dict[str, object]) -> list[str]:
    return [canonical_pypi_name(name) for name in table if name.lower() != "python"]


@functools.cache
def poetry_graph(folder: Path) -> DependencyGraph:
    """The dependency graph of ``folder``'s poetry.lock and pyproject.toml."""
    lock = tomllib.loads((folder / "poetry.lock").read_text())
    project = tomllib.loads((folder / "pyproject.toml").read_text())["tool"]["poetry"]
    packages: dict[str, Package] = {}
    edges: list[Edge] = []
    for index, entry in enumerate(lock["package"]):
        pkg = Package(
            ecosystem=Ecosystem.PYPI,
            name=entry["name"],
            version=entry["version"],
            scopes=frozenset({entry.get("category", "main")}),
            found_in=(Location(path="poetry.lock", key=f"package[{index}]"),),
        )
        packages[pkg.name] = pkg
    for entry in lock["package"]:
        parent = packages[canonical_pypi_name(entry["name"])]
        for name, spec in entry.get("dependencies", {}).items():
            child = packages.get(canonical_pypi_name(name))
            if child is not None:
                edges.append(Edge(parent=parent.id, child=child.id, requirement=_spec(name, spec)))
    root = Root(
        id=root_id("poetry.lock"), name="saleor", ecosystem=Ecosystem.PYPI, path="poetry.lock"
    )
    for table, scope in (("dependencies", None), ("dev-dependencies", "dev")):
        for name in _dependency_names(project.get(table, {})):
            if name in packages:
                edges.append(Edge(parent=root.id, child=packages[name].id, scope=scope))
    return DependencyGraph(packages=packages.values(), edges=edges, roots=[root])


def _spec(name: str, spec: object) -> str:
    if isinstance(spec, dict):
        spec = spec.get("version", "*")
    if isinstance(spec, list):
        spec = "|".join(str(s.get("version", "*")) for s in spec if isinstance(s, dict))
    return f"{name} {spec}"


def name_versions(graph: DependencyGraph) -> dict[str, str]:
    """name → version (each saleor package is locked at one version)."""
    return {p.name: p.version for p in graph.packages}


def independent_churn(old: dict[str, str], new: dict[str, str]) -> dict[str, set[str]]:
    """Added/removed/upgraded/downgraded names by plain set arithmetic and PEP 440."""
    both = old.keys() & new.keys()
    changed = {n for n in both if old[n] != new[n]}
    return {
        "added": set(new.keys() - old.keys()),
        "removed": set(old.keys() - new.keys()),
        "upgraded": {n for n in changed if Version(new[n]) > Version(old[n])},
        "downgraded": {n for n in changed if Version(new[n]) < Version(old[n])},
    }


def pypi(name: str, version: str = "1.0", **kw: object) -> Package:
    return Package(ecosystem=Ecosystem.PYPI, name=name, version=version, **kw)  # type: ignore[arg-type]


def small_graph(*packages: Package, root_name: str = "requirements.txt") -> DependencyGraph:
    """Every package a direct dependency of one root."""
    root = Root(id=root_id(root_name), name=root_name, ecosystem=Ecosystem.PYPI, path=root_name)
    return DependencyGraph(
        packages=packages,
        roots=[root],
        edges=[Edge(parent=root.id, child=p.id) for p in packages],
    )


def finding(
    pkg: Package, advisory: str, severity: Severity = Severity.HIGH, **kw: object
) -> Finding:
    fields: dict[str, object] = {"summary": f"{advisory} in {pkg.name}", **kw}
    return Finding(
        package_id=pkg.id,
        kind=FindingKind.VULNERABILITY,
        id=advisory,
        severity=severity,
        **fields,  # type: ignore[arg-type]
    )


def old_duplicate(pkg: Package, versions: str = "1.0, 2.0") -> Finding:
    """A CONFLICT-DUPLICATE finding, as auditor wrote them before duplicate versions became
    information (``auditor.store.retired``)."""
    return Finding(
        package_id=pkg.id,
        kind=FindingKind.CONFLICT,
        id="CONFLICT-DUPLICATE",
        aliases=(f"CONFLICT-DUPLICATE:{pkg.name}",),
        severity=Severity.LOW,
        summary=f"{pkg.name} is locked at 2 versions: {versions}",
    )


def save(
    engine: Engine,
    graph: DependencyGraph,
    *,
    project: str = "demo",
    findings: Iterable[Finding] = (),
    status: Status = Status.COMPLETE,
    taken_at: dt.datetime | None = None,
    suppressions: Iterable[SuppressionRule] = (),
    commit: str | None = None,
    errors: Iterable[FileError] | None = None,
    unsupported: Iterable[UnsupportedFile] = (),
) -> int:
    """Save a run; a partial one is partial through a broken file unless ``errors`` (or
    ``unsupported`` files) say otherwise."""
    if errors is None:
        partial = status is Status.PARTIAL and not unsupported
        errors = (
            (FileError(path="broken/poetry.lock", message="not valid TOML"),) if partial else ()
        )
    result = AuditResult(
        graph=graph,
        findings=tuple(findings),
        status=status,
        errors=tuple(errors),
        unsupported=tuple(unsupported),
    )
    meta = SnapshotMeta(
        taken_at=taken_at or dt.datetime.now(UTC),
        suppressions=tuple(suppressions),
        git_commit=commit,
    )
    return save_snapshot(engine, project, result, meta)


def day(n: int, hour: int = 2) -> dt.datetime:
    """Midnight-ish UTC on day ``n`` counted from Monday 2024-01-01."""
    return dt.datetime(2024, 1, 1, hour, tzinfo=UTC) + dt.timedelta(days=n)


def trimmed(graph: DependencyGraph, count: int) -> DependencyGraph:
    """The first ``count`` packages of ``graph`` (by id) and the edges between them."""
    keep = {p.id for p in graph.packages[:count]}
    return DependencyGraph(
        packages=[p for p in graph.packages if p.id in keep],
        edges=[
            e
            for e in graph.edges
            if e.child in keep and (e.parent in keep or graph.is_root(e.parent))
        ],
        roots=graph.roots,
    )
