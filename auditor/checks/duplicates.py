"""Package names locked at several versions: what ``duplicates`` in a result lists.

Several versions of one package in an npm tree are normal (npm nests a copy wherever two
dependents need incompatible versions), and Python lockfiles split a package by environment
markers, so these are information for whoever wants a smaller tree (``auditor scan --show
duplicates``, ``duplicates`` in findings.json, the site), never findings: they do not fail a
run, raise an alert or weigh in the risk score.
"""

from __future__ import annotations

from collections import defaultdict

from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Package
from auditor.core.result import DuplicateVersions
from auditor.versions.plugins import scheme_for


def duplicate_versions(graph: DependencyGraph) -> tuple[DuplicateVersions, ...]:
    """Every (ecosystem, name) with packages at two versions or more, sorted by name."""
    by_name: dict[tuple[Ecosystem, str], list[Package]] = defaultdict(list)
    for package in graph.packages:
        if package.version:
            by_name[(package.ecosystem, package.name)].append(package)
    found = []
    for (ecosystem, name), packages in sorted(by_name.items()):
        versions = scheme_for(ecosystem).ascending({p.version for p in packages})
        if len(versions) < 2:
            continue
        order = {version: index for index, version in enumerate(versions)}
        ordered = sorted(packages, key=lambda p: (order[p.version], p.id))
        found.append(
            DuplicateVersions(
                ecosystem=ecosystem,
                name=name,
                versions=tuple(versions),
                packages=tuple(p.id for p in ordered),
            )
        )
    return tuple(found)
