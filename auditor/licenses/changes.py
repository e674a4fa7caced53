"""Relicensing: package names whose declared licences differ between two graphs.

A name is compared when both graphs know a licence for it (the same version relicensed, or
an upgrade under another licence); a licence that became unknown (a run without registry
lookups) is no change. Used by ``auditor diff`` and by ``report`` against the snapshot before.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.core.graph import DependencyGraph

Pairs = tuple[tuple[str, str], ...]  # (version, licence as shown), sorted


@dataclass(frozen=True, kw_only=True)
class LicenseChange:
    """One package name's declared licences, as (version, licence) pairs, before and after."""

    ecosystem: str
    name: str
    before: Pairs
    after: Pairs

    def describe(self) -> str:
        """``name (ecosystem): MIT (1.0) → BUSL-1.1 (2.0)`` (third-party text: callers
        make it safe for where it goes)."""

        def side(pairs: Pairs) -> str:
            return ", ".join(f"{text} ({version})" for version, text in pairs)

        return f"{self.name} ({self.ecosystem}): {side(self.before)} → {side(self.after)}"


def relicensed(old: DependencyGraph, new: DependencyGraph) -> tuple[LicenseChange, ...]:
    """Names in both graphs whose known licences differ (module docstring), sorted."""
    before, after = _licences(old), _licences(new)
    changes = []
    for key in sorted(before.keys() & after.keys()):
        was, now = before[key], after[key]
        if {text for _, text in was} != {text for _, text in now}:
            changes.append(LicenseChange(ecosystem=key[0], name=key[1], before=was, after=now))
    return tuple(changes)


def _licences(graph: DependencyGraph) -> dict[tuple[str, str], Pairs]:
    found: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for package in graph.packages:
        if package.license is not None:
            key = (package.ecosystem.value, package.name)
            found.setdefault(key, set()).add((package.version, package.license.shown))
    return {key: tuple(sorted(pairs)) for key, pairs in found.items()}
