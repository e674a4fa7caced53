"""Per-snapshot finding facts (with reach) and the latest text of every finding."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy.engine import Engine

from auditor.core.findings import FindingKind, Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Edge, Root, root_id
from auditor.store import open_store
from auditor.store.exposure import finding_facts, project_findings
from tests.store.helpers import day, finding, pypi, save


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    engine = open_store(store_url)
    yield engine
    engine.dispose()


def graph(direct_version: str = "1.0") -> tuple[DependencyGraph, list]:  # type: ignore[type-arg]
    """root → app → lib: app direct, lib transitive."""
    app, lib = pypi("app", direct_version), pypi("lib", "2.0")
    root = Root(id=root_id("r.txt"), name="r", ecosystem=Ecosystem.PYPI, path="r.txt")
    edges = [Edge(parent=root.id, child=app.id), Edge(parent=app.id, child=lib.id)]
    return DependencyGraph(packages=[app, lib], edges=edges, roots=[root]), [app, lib]


def test_facts_carry_reach_kind_and_severity(engine: Engine) -> None:
    """Directness comes from the stored graph of each snapshot, per finding."""
    g1, (app, lib) = graph()
    first = save(
        engine,
        g1,
        findings=[
            finding(app, "GHSA-A", Severity.CRITICAL),
            finding(lib, "GHSA-L", Severity.LOW),
            replace(finding(lib, "MAL-1", Severity.CRITICAL), kind=FindingKind.MALICIOUS),
        ],
        taken_at=day(0),
    )
    g2, (app2, _) = graph("1.1")
    second = save(
        engine,
        g2,
        findings=[finding(app2, "GHSA-A", Severity.HIGH, summary="new text")],
        taken_at=day(1),
    )
    empty = save(engine, g2, taken_at=day(2))
    facts = finding_facts(engine, "demo")
    assert [first, second, empty] == sorted(facts)
    assert [
        ("app", "GHSA-A", FindingKind.VULNERABILITY, Severity.CRITICAL, True),
        ("lib", "GHSA-L", FindingKind.VULNERABILITY, Severity.LOW, False),
        ("lib", "MAL-1", FindingKind.MALICIOUS, Severity.CRITICAL, False),
    ] == [(f.package, f.finding_id, f.kind, f.severity, f.direct) for f in facts[first]]
    assert [("app", True, Severity.HIGH)] == [
        (f.package, f.direct, f.severity) for f in facts[second]
    ]
    assert () == facts[empty]
    texts = project_findings(engine, "demo")
    assert {("PyPI", "app", "GHSA-A"), ("PyPI", "lib", "GHSA-L"), ("PyPI", "lib", "MAL-1")} == set(
        texts
    )
    assert "new text" == texts[("PyPI", "app", "GHSA-A")].summary
    assert {} == finding_facts(engine, "nobody")
