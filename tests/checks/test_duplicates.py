"""Names locked at several versions are information, not findings: no finding, no SARIF
alert, no risk; listed in order of their versions, on real npm trees too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.checks.duplicates import duplicate_versions
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Edge, Package, Root
from auditor.core.result import DuplicateVersions
from auditor.outputs.base import RenderOptions
from auditor.outputs.findings_json import findings_document
from auditor.outputs.sarif import render_sarif
from auditor.pipeline.audit import AuditOptions, audit, collect_paths
from auditor.site.risk import assess
from auditor.store.exposure import FindingFact
from tests.outputs.oracles import auditor_validator
from tests.support import FIXTURES


def npm(name: str, version: str) -> Package:
    return Package(ecosystem=Ecosystem.NPM, name=name, version=version)


def test_versions_in_the_ecosystems_order() -> None:
    """npm's 1.10.0 sorts after 1.9.0; a name at one version is not listed; ids follow the
    versions."""
    ms = [npm("ms", v) for v in ("1.10.0", "1.9.0", "2.0.0")]
    debug = npm("debug", "4.3.4")
    root = Root(id="root:lock", name="package-lock.json", ecosystem=Ecosystem.NPM, path="x")
    graph = DependencyGraph(
        packages=[*ms, debug],
        roots=[root],
        edges=[Edge(parent="root:lock", child=p.id) for p in (*ms, debug)],
    )
    assert (
        DuplicateVersions(
            ecosystem=Ecosystem.NPM,
            name="ms",
            versions=("1.9.0", "1.10.0", "2.0.0"),
            packages=(ms[1].id, ms[0].id, ms[2].id),
        ),
    ) == duplicate_versions(graph)


REAL_TREES = {
    # folder: names locked at several versions (counted independently from the version
    # lines of each yarn.lock)
    "yarn-lock/real/wallabag__wallabag": 51,
    "yarn-lock/real/rails__rails": 61,
    "yarn-lock/real/excalidraw__excalidraw": 142,
}


@pytest.mark.parametrize("folder", sorted(REAL_TREES))
def test_real_trees_have_duplicates_but_no_duplicate_findings(folder: str) -> None:
    """wallabag's and rails' yarn.lock and excalidraw's tree lock many names at several
    versions: every one is listed under ``duplicates``, and none is a finding, a SARIF
    result or a point of risk (excalidraw's one finding is a real conflict: a
    ``resolutions`` entry forcing strip-ansi below its dependents' range)."""
    collection = collect_paths([str(FIXTURES / folder)])
    result = audit(collection, AuditOptions())
    assert REAL_TREES[folder] == len(result.duplicates)
    assert all(len(d.versions) >= 2 for d in result.duplicates)
    document = findings_document(result)
    assert (
        len(result.duplicates) == document["summary"]["duplicates"] == len(document["duplicates"])
    )
    assert [] == [f for f in document["findings"] if "DUPLICATE" in f["id"]]
    sarif = json.loads(render_sarif(result, RenderOptions(source_root="")))
    rules = {r["ruleId"] for run in sarif["runs"] for r in run["results"]}
    assert not any("DUPLICATE" in rule for rule in rules)
    risk = assess(
        FindingFact(
            ecosystem=collection.graph.package(f.package_id).ecosystem.value,
            package=collection.graph.package(f.package_id).name,
            finding_id=f.id,
            kind=f.kind,
            severity=f.severity,
            direct=collection.graph.is_direct(f.package_id),
        )
        for f in result.findings
    )
    assert len(result.findings) == risk.findings
    assert len(result.findings) <= 1


def test_duplicate_json_names_each_version_with_its_dependents() -> None:
    """The JSON entry of one duplicated name of wallabag's tree: every version, its package
    id, who requires it and the file it was found in; the document meets its schema."""
    folder = FIXTURES / "yarn-lock/real/wallabag__wallabag"
    result = audit(collect_paths([str(folder)]), AuditOptions())
    document = findings_document(result)
    assert [] == list(auditor_validator("auditor.findings/1").iter_errors(document))
    (entry,) = [d for d in document["duplicates"] if d["name"] == "p-limit"]
    assert {
        "ecosystem": "npm",
        "name": "p-limit",
        "versions": ["2.3.0", "3.1.0"],
        "packages": [
            {
                "package": "pkg:npm/p-limit@2.3.0",
                "version": "2.3.0",
                "dependents": ["p-locate@4.1.0"],
                "files": ["yarn.lock"],
            },
            {
                "package": "pkg:npm/p-limit@3.1.0",
                "version": "3.1.0",
                "dependents": ["p-locate@5.0.0"],
                "files": ["yarn.lock"],
            },
        ],
    } == entry


def test_excalidraw_fixture_is_the_real_file() -> None:
    """The fixture is excalidraw's yarn.lock with only the registry host replaced."""
    text = (FIXTURES / "yarn-lock/real/excalidraw__excalidraw/yarn.lock").read_text()
    assert "yarn-registry.invalid" in text
    assert 1441 == len(
        collect_paths([str(Path(FIXTURES / "yarn-lock/real/excalidraw__excalidraw"))]).graph
    )
