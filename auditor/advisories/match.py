"""Deciding whether an OSV record affects a package version, exactly as the schema says.

The OSV schema's evaluation: a version is affected when it equals an entry of
``affected[].versions`` or lies in one of ``affected[].ranges``. A range is evaluated by
walking its events sorted by version (``introduced: "0"`` first): ``introduced`` at or below
the version turns it vulnerable, ``fixed`` at or below turns it safe, ``last_affected``
strictly below turns it safe; ``limit`` events cap the range (``*`` is infinity). ECOSYSTEM
ranges use the ecosystem's version scheme, SEMVER ranges SemVer; GIT ranges name commits,
which a version cannot be compared with, so only the ``versions`` list speaks for them.

When a range cannot be evaluated (a version that does not parse), the matcher does not
guess: the evaluation carries a problem, and the caller reports the package as unchecked
for that advisory unless something else already shows it affected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.advisories.osv import (
    RANGE_ECOSYSTEM,
    RANGE_GIT,
    RANGE_SEMVER,
    Affected,
    OsvRecord,
    Range,
)
from auditor.core.model import Ecosystem, Package
from auditor.versions.base import InvalidVersion, VersionScheme
from auditor.versions.plugins import scheme_for, semver_scheme_for

_BOTTOM = (0,)  # sorts before every (1, key): the special introduced "0"


@dataclass(frozen=True, kw_only=True, eq=False)
class Evaluation:
    """What one record says about one package version."""

    record: OsvRecord
    affected: bool
    entries: tuple[Affected, ...] = ()  # the affected[] entries naming this package
    fixed: tuple[str, ...] = ()  # every fixed version those entries' ranges give, ascending
    problems: tuple[str, ...] = ()  # why some range could not be evaluated


def entry_matches(entry: Affected, ecosystem: Ecosystem, name: str) -> bool:
    """True when ``entry`` names this package (names normalised per ecosystem, PEP 503)."""
    if entry.package is None:
        return False
    try:
        entry_ecosystem = Ecosystem.parse(entry.package.ecosystem)
    except ValueError:
        return False
    if entry_ecosystem is not ecosystem:
        return False
    return ecosystem.normalize_name(entry.package.name) == ecosystem.normalize_name(name)


def entries_for(record: OsvRecord, ecosystem: Ecosystem, name: str) -> tuple[Affected, ...]:
    return tuple(e for e in record.affected if entry_matches(e, ecosystem, name))


def range_scheme(kind: str, ecosystem: Ecosystem) -> VersionScheme[Any] | None:
    if kind == RANGE_ECOSYSTEM:
        return scheme_for(ecosystem)
    if kind == RANGE_SEMVER:
        return semver_scheme_for(ecosystem)
    return None


def in_versions(version: str, versions: Iterable[str], scheme: VersionScheme[Any]) -> bool:
    """Exact membership: the same string, or the same version in the scheme's terms
    (``1.0`` is ``1.0.0`` in PEP 440, ``v1.2.3`` is ``1.2.3`` in Go)."""
    listed = set(versions)
    if version in listed:
        return True
    try:
        key = scheme.parse(version)
    except InvalidVersion:
        return False
    for text in listed:
        try:
            if scheme.parse(text) == key:
                return True
        except InvalidVersion:
            continue
    return False


def includes(rng: Range, version: str, scheme: VersionScheme[Any]) -> bool:
    """The schema's ``IncludedInRanges`` for one range; raises ``InvalidVersion``."""
    current = scheme.parse(version)
    limits = [e.version for e in rng.events if e.kind == "limit"]
    if limits and not any("*" in limit or current < scheme.parse(limit) for limit in limits):
        return False
    timeline: list[tuple[Any, str]] = []
    for event in rng.events:
        if event.kind == "limit":
            continue
        if event.kind == "introduced" and event.version == "0":
            timeline.append((_BOTTOM, event.kind))
        else:
            timeline.append(((1, scheme.parse(event.version)), event.kind))
    # A stable sort keeps the record's order for equal versions, so "fixed 1.0" followed
    # by "introduced 1.0" (a fix that a later change undid) reads as the record wrote it.
    timeline.sort(key=lambda item: item[0])
    vulnerable = False
    for position, kind in timeline:
        at = None if position is _BOTTOM else position[1]
        if kind == "introduced":
            vulnerable = vulnerable or at is None or current >= at
        elif kind == "fixed":
            vulnerable = vulnerable and current < at
        elif kind == "last_affected":
            vulnerable = vulnerable and current <= at
    return vulnerable


def evaluate_version(
    record: OsvRecord, ecosystem: Ecosystem, name: str, version: str
) -> Evaluation:
    entries = entries_for(record, ecosystem, name)
    own = scheme_for(ecosystem)
    affected = False
    fixed: list[str] = []
    problems: list[str] = []
    for entry in entries:
        if in_versions(version, entry.versions, own):
            affected = True
        evaluable = bool(entry.versions)
        for j, rng in enumerate(entry.ranges):
            where = f"affected[{entry.index}].ranges[{j}]"
            scheme = range_scheme(rng.type, ecosystem)
            if scheme is None:
                if rng.type != RANGE_GIT:
                    problems.append(f"{where} has range type {rng.type!r}, not evaluable")
                continue
            evaluable = True
            # Only version ranges give installable fixes; a GIT range's fix is a commit.
            fixed.extend(e.version for e in rng.events if e.kind == "fixed")
            try:
                affected = includes(rng, version, scheme) or affected
            except InvalidVersion as exc:
                problems.append(f"cannot evaluate {where}: {exc}")
        if not evaluable:
            problems.append(
                f"affected[{entry.index}] gives only GIT commit ranges and no versions list"
            )
    ordered = tuple(own.ascending(v for v in fixed if v != "0"))
    return Evaluation(
        record=record,
        affected=affected,
        entries=entries,
        fixed=ordered,
        problems=() if affected else tuple(problems),
    )


def evaluate(record: OsvRecord, package: Package) -> Evaluation:
    """What ``record`` says about ``package`` at its locked version."""
    return evaluate_version(record, package.ecosystem, package.name, package.version)


def smallest_fix(package: Package, records: Sequence[OsvRecord]) -> str | None:
    """The smallest fixed version above the installed one that none of ``records`` affects.

    Taking the next ``fixed`` event is not enough: a later range of the same advisory, or
    an alias record with a different range, can still cover that version.
    """
    scheme = scheme_for(package.ecosystem)
    try:
        installed = scheme.parse(package.version)
    except InvalidVersion:
        return None
    candidates: list[str] = []
    for record in records:
        candidates.extend(evaluate(record, package).fixed)
    for candidate in scheme.ascending(candidates):
        try:
            if not installed < scheme.parse(candidate):
                continue
        except InvalidVersion:
            continue
        verdicts = [
            evaluate_version(r, package.ecosystem, package.name, candidate) for r in records
        ]
        if not any(v.affected or v.problems for v in verdicts):
            return candidate
    return None


# -- alias merge ------------------------------------------------------------------------------

# Which id names a merged vulnerability: the malicious-package id, then the cross-ecosystem
# GitHub id, then ecosystem databases, then anything else, CVE last (a CVE is an alias in
# every OSV database, never a record of its own there).
_PREFIX_RANK = {"MAL": 0, "GHSA": 1, "PYSEC": 2, "GO": 3, "CVE": 9}
_DIGITS = re.compile(r"(\d+)")


def id_rank(advisory_id: str) -> tuple[int, tuple[tuple[int, str], ...]]:
    """Sort key: preferred database first, then natural order (PYSEC-2020-9 < -10)."""
    prefix = advisory_id.split("-", 1)[0].upper()
    natural = tuple(
        (int(part), "") if part.isdigit() else (-1, part) for part in _DIGITS.split(advisory_id)
    )
    return _PREFIX_RANK.get(prefix, 5), natural


def group_by_alias(records: Sequence[OsvRecord]) -> list[tuple[OsvRecord, ...]]:
    """Records that share an id or alias (transitively) describe one vulnerability."""
    parent: dict[str, str] = {}

    def find(item: str) -> str:
        while parent.setdefault(item, item) != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for record in records:
        for alias in record.aliases:
            a, b = find(record.id), find(alias)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, list[OsvRecord]] = {}
    for record in records:
        groups.setdefault(find(record.id), []).append(record)
    merged = [tuple(sorted(g, key=lambda r: id_rank(r.id))) for g in groups.values()]
    return sorted(merged, key=lambda g: id_rank(primary_id(g)))


def primary_id(group: Sequence[OsvRecord]) -> str:
    """The id a merged vulnerability is reported under: one of its records' own ids."""
    return min((r.id for r in group), key=id_rank)


def all_ids(group: Sequence[OsvRecord]) -> tuple[str, ...]:
    ids = {i for r in group for i in r.ids}
    return tuple(sorted(ids, key=id_rank))
