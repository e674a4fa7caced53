"""Dependency confusion: internal package names that the public registry can serve.

The user lists internal names or patterns (``internal = ["acme-*", "npm:@acme/*"]``). For
each locked package with such a name:

- ``CONFUSION-PUBLIC-SOURCE`` (critical): it resolves from a public registry: the registry
  its lockfile records (poetry/uv sources, a file's only index), or else the configured one
  that serves it, is public. The internal package was, or will be, fetched from the public
  registry.
- ``CONFUSION-PUBLIC-NAME`` (high; critical when the public registry has a version above the
  locked one, which installers that merge indexes prefer): the name exists on the public
  registry, so whoever owns it there can win the resolution. This holds for the project's own
  packages too (a path dependency, a workspace member locked as a package): installing them
  by name elsewhere would fetch the public one.

Go module paths name their own host, so they cannot be confused this way and are not checked.
A failed lookup leaves the package unverified with the reason. Packages that come from git or
a URL, not a registry, are listed as unverified too: nothing ties them to a registry name,
so the confusion question cannot be answered for them (Dependency-Track users will know them
as "unverifiable components").

``lookup_name`` answers the same question for one name without a lockfile
(``auditor check-name``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from auditor.checks.base import Check, CheckContext, CheckResult
from auditor.core.findings import Finding, FindingKind, Severity, Unverified
from auditor.core.model import Ecosystem, Package, SourceKind
from auditor.enrich.stage import RegistryData
from auditor.registries.internal import InternalNames, InternalPattern
from auditor.registries.lookup import Presence, PublicRegistries
from auditor.versions.base import InvalidVersion
from auditor.versions.plugins import scheme_for

PUBLIC_SOURCE = "CONFUSION-PUBLIC-SOURCE"
PUBLIC_NAME = "CONFUSION-PUBLIC-NAME"
CHECKED = (Ecosystem.PYPI, Ecosystem.NPM)
UNVERIFIABLE = (SourceKind.GIT, SourceKind.URL)


@dataclass(frozen=True, kw_only=True)
class NameVerdict:
    """What auditor knows about one name: the internal pattern it matches (if any) and
    whether the public registry has it (None: not looked up)."""

    ecosystem: Ecosystem
    name: str
    internal: InternalPattern | None
    presence: Presence | None

    @property
    def confused(self) -> bool:
        """An internal name that exists on the public registry."""
        return (
            self.internal is not None and self.presence is not None and bool(self.presence.exists)
        )


def lookup_name(
    ecosystem: Ecosystem,
    name: str,
    *,
    internal: InternalNames,
    public: PublicRegistries | None,
    always: bool = False,
) -> NameVerdict:
    """Is ``name`` internal, and does the public registry have it? The public registry is
    asked only for internal names, unless ``always``."""
    pattern = internal.match(ecosystem, name)
    ask = public is not None and ecosystem in CHECKED and (pattern is not None or always)
    presence = public.presence(ecosystem, name) if ask and public is not None else None
    return NameVerdict(ecosystem=ecosystem, name=name, internal=pattern, presence=presence)


def name_findings(
    packages: Sequence[Package], *, internal: InternalNames, public: PublicRegistries | None
) -> list[Finding]:
    """``auditor check-name``'s confusion question for names not yet locked: an internal
    name the public registry has (a version-less package cannot be older than it)."""
    found = []
    for package in packages:
        verdict = lookup_name(package.ecosystem, package.name, internal=internal, public=public)
        if verdict.confused and verdict.internal is not None and verdict.presence is not None:
            found.append(_public_name(package, verdict.internal, verdict.presence))
    return found


class ConfusionCheck(Check):
    name = "confusion"
    kinds = frozenset({FindingKind.CONFUSION})
    description = "internal package names that resolve from, or exist on, a public registry"

    def run(self, context: CheckContext) -> CheckResult:
        findings: list[Finding] = []
        unverified: list[Unverified] = []
        internal = context.settings.internal
        for package in context.graph.packages:
            if package.source.kind in UNVERIFIABLE:
                unverified.append(self._unverifiable(package))
                continue
            pattern = internal.match(package.ecosystem, package.name) if internal else None
            if pattern is None or package.ecosystem not in CHECKED:
                continue
            if context.registry is None:
                reason = f"internal name ({pattern.shown}) not looked up: {context.registry_note}"
                unverified.append(Unverified(check=self.name, package_id=package.id, reason=reason))
                continue
            source = (
                _resolved_from(package, context.registry, context.file_registries)
                if package.source.is_registry
                else None  # the project's own code (a path, a workspace): only its name counts
            )
            public = context.registry.public
            if (
                source is not None
                and public is not None
                and public.is_public(package.ecosystem, source[0])
            ):
                findings.append(_public_source(package, pattern, source))
            presence = context.registry.presence.get((package.ecosystem, package.name))
            if presence is None or presence.exists is None:
                why = presence.error if presence is not None else "no public registry known"
                unverified.append(
                    Unverified(
                        check=self.name,
                        package_id=package.id,
                        reason=f"internal name ({pattern.shown}): public lookup failed: {why}",
                    )
                )
            elif presence.exists:
                findings.append(_public_name(package, pattern, presence))
        return CheckResult(findings=tuple(sorted(findings)), unverified=tuple(sorted(unverified)))

    def _unverifiable(self, package: Package) -> Unverified:
        where = f" {package.source.url}" if package.source.url else ""
        return Unverified(
            check=self.name,
            package_id=package.id,
            reason=f"from {package.source.kind.value}{where}, not a registry: which registry "
            "name it stands for cannot be verified",
        )


def _resolved_from(
    package: Package, registry: RegistryData, files: Mapping[str, tuple[str, ...]]
) -> tuple[str, str] | None:
    """(registry URL, how auditor knows) for the registry the package comes from."""
    if package.source.url:
        return package.source.url, "the lockfile records it"
    named = {url for loc in package.found_in for url in files.get(loc.path, ())}
    if len(named) == 1:
        return named.pop(), "the only registry its lockfile names"
    served = registry.served_by.get(package.id)
    if served:
        return served, "the configured registry for it"
    return None


def _public_source(package: Package, pattern: InternalPattern, source: tuple[str, str]) -> Finding:
    url, how = source
    return Finding(
        package_id=package.id,
        kind=FindingKind.CONFUSION,
        id=PUBLIC_SOURCE,
        aliases=(f"{PUBLIC_SOURCE}:{package.name}",),
        severity=Severity.CRITICAL,
        summary=f"internal package {package.name} resolves from the public registry {url}",
        evidence=(
            (
                "internal-pattern",
                f"{pattern.shown} ({pattern.origin})" if pattern.origin else pattern.shown,
            ),
            ("registry", url),
            ("registry-from", how),
        ),
    )


def _public_name(package: Package, pattern: InternalPattern, presence: Presence) -> Finding:
    newer = _newer(package, presence.latest)
    severity = Severity.CRITICAL if newer else Severity.HIGH
    summary = f"internal name {package.name} exists on {presence.registry}"
    if newer:
        summary += f" at {presence.latest}, above the locked {package.version}"
    evidence = [
        (
            "internal-pattern",
            f"{pattern.shown} ({pattern.origin})" if pattern.origin else pattern.shown,
        ),
        ("public-registry", presence.registry),
        ("public-versions", str(presence.versions)),
    ]
    if presence.latest:
        evidence.append(("public-latest", presence.latest))
    return Finding(
        package_id=package.id,
        kind=FindingKind.CONFUSION,
        id=PUBLIC_NAME,
        aliases=(f"{PUBLIC_NAME}:{package.name}",),
        severity=severity,
        summary=summary,
        evidence=tuple(evidence),
    )


def _newer(package: Package, latest: str | None) -> bool:
    if not latest:
        return False
    try:
        return scheme_for(package.ecosystem).compare(latest, package.version) > 0
    except InvalidVersion:
        return False
