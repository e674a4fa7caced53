"""Which packages an ignore or a VEX statement covers: a package (name or purl), versions
and lockfile paths (``IgnoreRule.package``, ``versions``, ``path``).

``versions`` is comparisons in the package's own version order
(``auditor.versions.constraint``). ``path`` is a lockfile (as displayed, relative to the
scanned folder), a folder (every lockfile below it) or a glob whose ``*`` also matches
across folders; a package locked in several files is covered only when every one of them
matches, so an ignore scoped to one service never hides the same package in another.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence

from auditor.core.findings import IgnoreRule
from auditor.core.model import Package
from auditor.core.purl import PurlRef, parse_purl
from auditor.versions.constraint import versions_admit


def path_matches(pattern: str, path: str) -> bool:
    """A lockfile path against a rule's ``path``: the file, a folder above it, or a glob."""
    wanted = pattern.strip().strip("/").removeprefix("./")
    shown = path.strip().removeprefix("./")
    return fnmatch.fnmatchcase(shown, wanted) or shown.startswith(wanted + "/")


def covers(rule: IgnoreRule, package_id: str, package: Package | None) -> bool:
    """Whether the rule's scope covers the finding's package (``package`` is the graph's
    package when known; without it a ``path`` scope covers nothing)."""
    if not rule.scoped:
        return True
    ref = _package_ref(package_id, package)
    if ref is None:
        return False
    if rule.package is not None and not _names(rule.package, ref):
        return False
    if rule.versions is not None and not (
        ref.version is not None and versions_admit(rule.versions, ref.ecosystem, ref.version)
    ):
        return False
    if rule.path is not None:
        places = [loc.path for loc in package.found_in] if package is not None else []
        if not places or not all(path_matches(rule.path, p) for p in places):
            return False
    return True


def _package_ref(package_id: str, package: Package | None) -> PurlRef | None:
    return PurlRef.of(package) if package is not None else parse_purl(package_id)


def _names(wanted: str, ref: PurlRef) -> bool:
    """A rule's ``package``: a purl (its version, if any, must match too) or a bare name
    compared as the package's ecosystem normalises names."""
    if wanted.strip().lower().startswith("pkg:"):
        purl = parse_purl(wanted)
        return purl is not None and purl.covers(ref)
    return ref.ecosystem.normalize_name(wanted.strip()) == ref.name


def first_covering(
    rules: Sequence[IgnoreRule], package_id: str, package: Package | None
) -> IgnoreRule | None:
    return next((r for r in rules if covers(r, package_id, package)), None)
