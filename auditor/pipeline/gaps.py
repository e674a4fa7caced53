"""What a run's audit could not do, said in its result: the one warning of a registry
outage, where unaudited packages come from, the files the user excluded, and the packages
whose parents (and so whose fix plans' blockers) are unknown."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from auditor.core.findings import PackageHealth, UnknownRequirement, Unverified
from auditor.core.model import CollectResult, Package
from auditor.enrich.edges import is_flat
from auditor.enrich.health import LOOKUP_FAILED, lookup_failures
from auditor.enrich.stage import EDGES_CHECK, RegistrySetup

NAMED_PARENTS = 3  # unknown pins named one by one; more are counted in one line


def parents_unknown(
    results: Sequence[CollectResult], unverified: Iterable[Unverified], setup: RegistrySetup
) -> dict[str, tuple[UnknownRequirement, ...]]:
    """For the packages of flat lockfiles (``results`` as collected) whose edges could not
    all be completed, the parents that may hold them back unseen. Without registries: which
    packages require them is unknown altogether. With them: the pins whose requirements
    could not be looked up, each a possible parent (named when there are a few)."""
    flat = [r for r in results if is_flat(r)]
    if setup.registries is None:
        out: dict[str, tuple[UnknownRequirement, ...]] = {}
        for result in flat:
            why = f"{result.path} records no dependencies between its pins ({setup.note})"
            out.update(
                dict.fromkeys(
                    (p.id for p in result.packages),
                    (UnknownRequirement(parent_id=None, reason=why),),
                )
            )
        return out
    failed = {u.package_id: u.reason for u in unverified if u.check == EDGES_CHECK}
    out = {}
    for result in flat:
        unknown = [p.id for p in result.packages if p.id in failed]
        if not unknown:
            continue
        for package in result.packages:
            others = [pid for pid in unknown if pid != package.id]
            if len(others) > NAMED_PARENTS:
                why = (
                    f"{result.path}: the requirements of {len(others)} of its pins could not "
                    f"be looked up ({_common_cause(failed[pid] for pid in others)})"
                )
                out[package.id] = (UnknownRequirement(parent_id=None, reason=why),)
            elif others:
                out[package.id] = tuple(
                    UnknownRequirement(parent_id=pid, reason=f"unknown: {_bare(failed[pid])}")
                    for pid in others
                )
    return out


_REQUEST = re.compile(r"^(?:requirements unknown: )?[A-Z]+ (\S+): (.*)$")


def _cause(reason: str) -> str:
    """A lookup's failure as its host and cause, whichever request met it first: lookups
    run concurrently, so the one refused outright and those "not sent" after it vary from
    run to run, while what happened to the host does not."""
    match = _REQUEST.match(reason)
    if match is None:
        return _bare(reason)
    url, what = match.groups()
    host = urlsplit(url).netloc
    if what.startswith("not sent: "):
        what = what.removeprefix("not sent: ").removeprefix(host).strip()
        what = what.removeprefix("could not be reached earlier in this run").strip()
        what = what.removeprefix("(").removesuffix(")") if what.startswith("(") else what
    return f"{host}: {what.removesuffix(' (not retried)')}"


def _common_cause(reasons: Iterable[str]) -> str:
    """The most frequent cause (ties: the first in sorted order), so the line is the same
    every run."""
    counts = Counter(_cause(r) for r in reasons)
    return min(counts, key=lambda cause: (-counts[cause], cause))


def _bare(reason: str) -> str:
    return reason.removeprefix("requirements unknown: ")


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
        "exclude",
    )
