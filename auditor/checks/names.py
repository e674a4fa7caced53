"""Checks that judge a package by its name alone, before it is installed (``check-name``).

``NAME_CHECKS`` is the extension point: each entry takes the packages asked about (name only,
no version) and the options, and returns findings. The typosquat check is the first; the
malicious-package and dependency-confusion lookups add one line each here (and a field to
``NameCheckOptions`` when they need configuration), and ``auditor check-name`` runs them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from auditor.checks.confusion import name_findings
from auditor.checks.typosquat.allowlist import EMPTY, AllowList
from auditor.checks.typosquat.check import Known, typosquat_findings
from auditor.core.findings import Finding
from auditor.core.model import Ecosystem, Package
from auditor.registries.internal import InternalNames
from auditor.registries.lookup import PublicRegistries

NAME_ECOSYSTEMS = (Ecosystem.PYPI, Ecosystem.NPM)
_VALID = {
    # PEP 508 names, any case and separators (normalised afterwards).
    Ecosystem.PYPI: re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$"),
    # npm names: an optional @scope/, URL-safe characters, at most 214 characters.
    Ecosystem.NPM: re.compile(r"^(@[A-Za-z0-9._~-]+/)?[A-Za-z0-9._~-]+$"),
}
MAX_NAME_LENGTH = 214


def valid_name(ecosystem: Ecosystem, name: str) -> bool:
    pattern = _VALID.get(ecosystem)
    return bool(pattern and len(name) <= MAX_NAME_LENGTH and pattern.match(name))


@dataclass(frozen=True, kw_only=True)
class NameCheckOptions:
    """Configuration every name check may read."""

    allow_list: AllowList = EMPTY  # names never reported as typosquats
    internal: InternalNames = field(default_factory=InternalNames)  # dependency confusion
    public: PublicRegistries | None = None  # None: public registries are not asked


NameCheck = Callable[[Sequence[Package], NameCheckOptions], Sequence[Finding]]


def _typosquat(packages: Sequence[Package], options: NameCheckOptions) -> Sequence[Finding]:
    # an internal name is the team's own: the confusion check judges it
    return typosquat_findings(
        packages, allow=options.allow_list, known=Known(internal=options.internal)
    )


def _confusion(packages: Sequence[Package], options: NameCheckOptions) -> Sequence[Finding]:
    return name_findings(packages, internal=options.internal, public=options.public)


NAME_CHECKS: dict[str, NameCheck] = {
    "typosquat": _typosquat,
    "confusion": _confusion,
}


def name_package(ecosystem: Ecosystem, name: str) -> Package:
    """A package known only by its name (the version is empty)."""
    return Package(ecosystem=ecosystem, name=name, version="")


def check_names(
    ecosystem: Ecosystem, names: Sequence[str], options: NameCheckOptions
) -> dict[str, tuple[Finding, ...]]:
    """Every name check on each name: normalised name → its findings (sorted)."""
    packages: dict[str, Package] = {}
    for raw in names:
        package = name_package(ecosystem, raw)
        packages.setdefault(package.name, package)
    ordered = [packages[name] for name in sorted(packages)]
    found: dict[str, list[Finding]] = {p.name: [] for p in ordered}
    by_id = {p.id: p.name for p in ordered}
    for check in NAME_CHECKS.values():
        for item in check(ordered, options):
            found[by_id[item.package_id]].append(item)
    return {name: tuple(sorted(items)) for name, items in found.items()}
