"""What a run's audit could not do, said in its result: the one warning of a registry
outage, where unaudited packages come from, the files the user excluded, and the packages
whose parents (and so whose fix plans' blockers) are unknown."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from auditor.core.findings import PackageHealth, Unverified
from auditor.core.model import CollectResult, Package
from auditor.enrich.edges import is_flat
from auditor.enrich.health import LOOKUP_FAILED, lookup_failures
from auditor.enrich.stage import EDGES_CHECK, RegistrySetup


def parents_unknown(
    results: Sequence[CollectResult], unverified: Iterable[Unverified], setup: RegistrySetup
) -> dict[str, str]:
    """The packages of flat lockfiles (``results`` as collected) whose edges could not be
    completed: which packages require them, and how, is unknown, so their fix plans cannot
    be verified. Without registries, every flat file; with them, a file some of whose pins'
    requirements could not be looked up."""
    flat = [r for r in results if is_flat(r)]
    if setup.registries is None:
        why = f"{{path}} records no dependencies between its pins ({setup.note})"
        return {p.id: why.format(path=r.path) for r in flat for p in r.packages}
    failed = {u.package_id: u.reason for u in unverified if u.check == EDGES_CHECK}
    out: dict[str, str] = {}
    for result in flat:
        unknown = [p.id for p in result.packages if p.id in failed]
        if unknown:
            why = (
                f"{result.path}: the requirements of {len(unknown)} of its pins could not be "
                f"looked up ({failed[unknown[0]]})"
            )
            out.update(dict.fromkeys((p.id for p in result.packages), why))
    return out


def registry_outage(health: Sequence[PackageHealth]) -> tuple[str, ...]:
    """One line when registry lookups failed (not: a package the registry does not have)."""
    failed = lookup_failures(health)
    if not failed:
        return ()
    # the first failure that says what happened (later ones are "not sent" after it)
    reasons = [(h.error or "").removeprefix(LOOKUP_FAILED) for h in failed]
    first = next((r for r in reasons if ": not sent: " not in r), reasons[0])
    return (
        f"registry lookups failed for {len(failed)} of {len(health)} packages ({first}): "
        "their health, dependency-confusion and edge checks could not run (a saved snapshot "
        "keeps their earlier findings, unverified, instead of resolving them)",
    )


def source_of(package: Package) -> str:
    """Where an unaudited package comes from, as outputs show it."""
    if package.source.is_registry:
        return "registry, no version recorded"
    return package.source.describe()


def excluded_note(excluded: Sequence[str]) -> tuple[str, ...]:
    if not excluded:
        return ()
    files = "file" if len(excluded) == 1 else "files"
    return (
        f"{len(excluded)} lockfile or manifest {files} left out by --exclude or the config's "
        "exclude (findings.json excluded_files[] lists them)",
    )
