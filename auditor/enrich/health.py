"""Registry facts about every locked package: release dates, the latest release, yanked and
deprecated flags, maintainers, libyear drift.

Each registry package is looked up on its ecosystem's configured registry. A package whose
lockfile names another index than the configured one is not looked up there (the answer
would be about someone else's package of that name, and the name would leak to that
registry): its health is unknown, with that reason, like every failed lookup. Failures are
data (``PackageHealth.error``), never exceptions: the vulnerability audit goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from auditor.core.errors import SourceError
from auditor.core.findings import PackageHealth
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Package
from auditor.core.times import rfc3339
from auditor.net.model import NetworkError
from auditor.registries.lookup import Registries
from auditor.registries.metadata import Project, RegistryClient, Release, is_prerelease

DAYS_PER_YEAR = 365.25


def registry_packages(graph: DependencyGraph) -> list[Package]:
    """The packages a registry can speak about: registry sources with a version."""
    return [p for p in graph.packages if p.source.is_registry and p.version]


def gather_health(graph: DependencyGraph, registries: Registries) -> tuple[PackageHealth, ...]:
    """One ``PackageHealth`` per registry package, sorted by package id."""
    packages = registry_packages(graph)
    answers = registries.each(packages, lambda p: _health(p, registries))
    found = [answer or _failed(package, error) for package, answer, error in answers]
    return tuple(sorted(found))


def _failed(package: Package, error: SourceError | None) -> PackageHealth:
    """Unknown health: the registry could not be reached (an outage, said as such), or
    could not be asked for another reason (none configured)."""
    if isinstance(error, NetworkError):
        return PackageHealth(package_id=package.id, error=f"{LOOKUP_FAILED}{error}")
    return PackageHealth(package_id=package.id, error=str(error or "no answer"))


LOOKUP_FAILED = "lookup failed: "  # the registry could not answer (not: it has no such package)


def lookup_failures(health: Sequence[PackageHealth]) -> list[PackageHealth]:
    """The packages whose registry could not be asked (down, timing out, refusing)."""
    return [h for h in health if h.error and h.error.startswith(LOOKUP_FAILED)]


def total_libyears(health: Sequence[PackageHealth]) -> float | None:
    """The sum of every known drift (None when none is known)."""
    known = [h.libyears for h in health if h.libyears is not None]
    return round(sum(known), 2) if known else None


def _health(package: Package, registries: Registries) -> PackageHealth:
    client = registries.client(package.ecosystem)
    locked_from = package.source.url
    if locked_from and _norm(locked_from) != _norm(client.shown):
        return PackageHealth(
            package_id=package.id,
            registry=locked_from,
            error=f"locked from {locked_from}, not the configured registry {client.shown}",
        )
    project = client.project(package.name)
    if project is None:
        return PackageHealth(
            package_id=package.id,
            registry=client.shown,
            error=f"{package.name} is not on {client.shown}",
        )
    release = _release(client, project, package)
    latest = project.latest
    if latest is not None and latest.published is None and package.ecosystem is Ecosystem.GO:
        latest = client.release(package.name, latest.version) or latest
    last = project.last_published
    if latest is not None and latest.published and (last is None or latest.published > last):
        last = latest.published
    return PackageHealth(
        package_id=package.id,
        registry=project.registry,
        published=_iso(release.published if release else None),
        latest=latest.version if latest else None,
        latest_published=_iso(latest.published if latest else None),
        last_release=_iso(last),
        first_release=_iso(project.first_published),
        newer_releases=_newer(project, package.version),
        libyears=_libyears(release, latest),
        yanked=bool(release and release.yanked),
        yanked_reason=release.yanked_reason if release else None,
        deprecated=release.deprecated if release else None,
        maintainers=project.maintainers,
        requires_python=release.requires_python if release else None,
        error=None if release else f"{package.version} is not a release on {project.registry}",
    )


def _release(client: RegistryClient, project: Project, package: Package) -> Release | None:
    release = project.release(package.version)
    if package.ecosystem is Ecosystem.GO and (release is None or release.published is None):
        try:
            return client.release(package.name, package.version)
        except SourceError:
            return release
    return release


def _newer(project: Project, version: str) -> int:
    return sum(
        1 for r in project.newer_than(version) if not r.yanked and not is_prerelease(project, r)
    )


def _libyears(release: Release | None, latest: Release | None) -> float | None:
    if release is None or latest is None or release.published is None or latest.published is None:
        return None
    days = (latest.published - release.published).total_seconds() / 86400
    return round(max(0.0, days / DAYS_PER_YEAR), 2)


def _iso(when: datetime | None) -> str | None:
    return None if when is None else rfc3339(when)


def _norm(url: str) -> str:
    return url.strip().rstrip("/").lower()
