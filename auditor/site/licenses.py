"""A project's licences page: the latest snapshot's packages counted by declared licence,
the ones whose licence is unknown or not verified, the licence policy's findings, and the
packages relicensed since the snapshot before.

Everything comes from the stored snapshots (each package's ``license``, the findings of kind
``license``, the run's unverified items), so the page changes only when the project's state
in the store changes: the digest of its inputs (``auditor.site.manifest``) already covers it.
Licence texts are third-party text (a lockfile's or a registry's): the templates escape them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from auditor.checks.licenses import OWN
from auditor.core.findings import Finding, FindingKind
from auditor.core.model import License, Package
from auditor.licenses.changes import LicenseChange, relicensed
from auditor.site import paths
from auditor.site.data import ProjectHistory
from auditor.site.views import Links
from auditor.store.sets import package_identity

SPDX = "spdx"  # an SPDX expression
TEXT = "text"  # declared, but no SPDX expression (kept as the source said it)
UNKNOWN = "unknown"  # nothing declared
LICENSE_CHECK = "licenses"  # the check whose unverified items the page lists


@dataclass(frozen=True, kw_only=True)
class Named:
    """A package by name (what a link to its page needs) and its locked versions."""

    ecosystem: str
    name: str
    versions: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str]:
        return self.ecosystem, self.name


@dataclass(frozen=True, kw_only=True)
class LicenseCount:
    """The packages of the latest snapshot that declare one licence."""

    shown: str  # the SPDX expression, the declared text, or "" when unknown
    kind: str  # SPDX, TEXT or UNKNOWN
    packages: tuple[Named, ...]

    @property
    def versions(self) -> int:
        """How many locked versions declare it."""
        return sum(len(p.versions) for p in self.packages)


@dataclass(frozen=True, kw_only=True)
class Violation:
    """A finding of the licence policy on a package of the latest snapshot."""

    package: Named
    finding: Finding


@dataclass(frozen=True, kw_only=True)
class UnverifiedRow:
    package: Named
    reason: str


@dataclass(frozen=True, kw_only=True)
class Relicensed:
    """Relicensing since the snapshot the latest is compared with (None: no such snapshot)."""

    since: int | None
    changes: tuple[LicenseChange, ...]


def _kind(license: License | None) -> str:
    if license is None:
        return UNKNOWN
    return SPDX if license.expression else TEXT


def license_counts(packages: list[Package]) -> list[LicenseCount]:
    """Third-party packages grouped by declared licence (the project's own, path, editable
    and workspace packages are left out): most packages first, then by licence."""
    grouped: dict[tuple[str, str], dict[tuple[str, str], set[str]]] = {}
    for package in packages:
        if package.source.kind in OWN:
            continue
        license = package.license
        key = (_kind(license), license.shown if license is not None else "")
        names = grouped.setdefault(key, {})
        names.setdefault((package.ecosystem.value, package.name), set()).add(package.version)
    rows = [
        LicenseCount(
            shown=shown,
            kind=kind,
            packages=tuple(
                Named(ecosystem=e, name=n, versions=tuple(sorted(v)))
                for (e, n), v in sorted(names.items())
            ),
        )
        for (kind, shown), names in grouped.items()
    ]
    return sorted(rows, key=lambda r: (-len(r.packages), r.kind != SPDX, r.shown))


def licenses_context(history: ProjectHistory, links: Links) -> dict[str, Any]:
    """What ``licenses.html`` shows for the latest snapshot of ``history``."""
    latest = history.latest
    result = latest.result
    graph = result.graph
    counts = license_counts(list(graph.packages))

    versions: dict[tuple[str, str], set[str]] = {}
    for package in graph.packages:
        versions.setdefault((package.ecosystem.value, package.name), set()).add(package.version)

    def named(package_id: str) -> Named:
        key = package_identity(package_id, graph)
        return Named(ecosystem=key[0], name=key[1], versions=tuple(sorted(versions.get(key, ()))))

    violations = sorted(
        (
            Violation(package=named(f.package_id), finding=f)
            for f in result.findings
            if f.kind is FindingKind.LICENSE and f.package_id in graph
        ),
        key=lambda v: (-v.finding.severity.rank, v.package.name, v.finding.id),
    )
    unverified = sorted(
        (
            UnverifiedRow(package=named(u.package_id), reason=u.reason)
            for u in result.unverified
            if u.check == LICENSE_CHECK and u.package_id in graph
        ),
        key=lambda u: (u.package.ecosystem, u.package.name, u.reason),
    )
    unknown = next((c.packages for c in counts if c.kind == UNKNOWN), ())
    unverified_keys = {u.package.key for u in unverified}
    base = history.base_of(latest.info.id)
    before = history.loaded.get(base) if base is not None else None
    changes = relicensed(before.result.graph, graph) if before is not None else ()
    return {
        "history": history,
        "links": links,
        "latest": latest.info,
        "counts": counts,
        # locked versions, so that the kinds add up when a name's versions differ in licence
        "total": sum(c.versions for c in counts),
        "spdx": sum(c.versions for c in counts if c.kind == SPDX),
        "text": sum(c.versions for c in counts if c.kind == TEXT),
        "unknown_versions": sum(c.versions for c in counts if c.kind == UNKNOWN),
        "unknown": unknown,
        # unknown although looked up (or not to be looked up): the unverified are listed apart
        "undeclared": tuple(p for p in unknown if p.key not in unverified_keys),
        "unverified": unverified,
        "violations": violations,
        "relicensed": Relicensed(since=base if before is not None else None, changes=changes),
    }


def licenses_page(history: ProjectHistory, links: Links) -> tuple[str, dict[str, Any]]:
    return paths.licenses_page(history.name), licenses_context(history, links)
