"""The "affected projects" page of each advisory: every project whose latest snapshot has
it open, with the package, version, severity and fix. One page per advisory open anywhere,
from one store query (``auditor.store.inventory.open_advisories``), linked from the
findings of the snapshot pages.

``auditor site build`` renders every advisory's page. A run for some projects (``auditor
report``) renders only the pages its projects' snapshots can have changed: the advisories
open in each project's latest snapshot or in the one before it (``touched_by``), so its
cost does not grow with the portfolio. The other pages are left as they are; the "of N
projects" count they show is brought up to date by the next ``site build``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from auditor.core.findings import Finding
from auditor.core.purl import parse_purl
from auditor.site import paths
from auditor.store.inventory import Affected, open_advisories, recent_advisories
from auditor.store.sets import parse_purl_name


@dataclass(frozen=True, kw_only=True)
class AffectedRow:
    project: str
    project_page: str
    snapshot_id: int
    snapshot_page: str
    taken_at: dt.datetime
    ecosystem: str
    name: str
    version: str
    finding: Finding


def advisory_index(
    engine: Engine, *, only: Collection[str] | None = None
) -> dict[str, tuple[Affected, ...]]:
    """Every advisory open in some project's latest snapshot (``only``: of those ids), by id."""
    return open_advisories(engine, only=only)


def touched_by(engine: Engine, projects: Sequence[str]) -> frozenset[str]:
    """The advisories whose pages a new snapshot of ``projects`` can change: those open in
    each one's latest snapshot (it may have just opened them) or in the one before (it may
    have just closed them). Only these projects' rows of those pages changed."""
    return frozenset().union(*(recent_advisories(engine, name) for name in projects))


def advisory_pages(
    index: dict[str, tuple[Affected, ...]], projects: int
) -> list[tuple[str, dict[str, Any]]]:
    """(site path, template context) of each advisory's page."""
    pages = []
    packages: dict[str, tuple[str, str, str]] = {}  # the same package in many projects
    for advisory_id, affected in index.items():
        rows = [_row(a, f, packages) for a in affected for f in a.findings]
        first = affected[0].findings[0]
        pages.append(
            (
                paths.advisory_page(advisory_id),
                {
                    "advisory_id": advisory_id,
                    "summary": first.summary,
                    "aliases": sorted({x for a in affected for f in a.findings for x in f.aliases}),
                    "kev": any(f.kev for a in affected for f in a.findings),
                    "rows": rows,
                    "projects": projects,
                },
            )
        )
    return pages


def _row(
    affected: Affected, finding: Finding, packages: dict[str, tuple[str, str, str]]
) -> AffectedRow:
    if finding.package_id not in packages:
        purl = parse_purl(finding.package_id)
        ecosystem, name = parse_purl_name(finding.package_id)
        version = (purl.version or "") if purl is not None else ""
        packages[finding.package_id] = (ecosystem, name, version)
    ecosystem, name, version = packages[finding.package_id]
    ref = affected.snapshot
    return AffectedRow(
        project=ref.project,
        project_page=paths.project_page(ref.project),
        snapshot_id=ref.id,
        snapshot_page=paths.snapshot_page(ref.project, ref.id),
        taken_at=ref.taken_at,
        ecosystem=ecosystem,
        name=name,
        version=version,
        finding=finding,
    )
