"""Licences from the registries, for the packages whose lockfile records none.

Each registry package without a licence is looked up once (``RegistryClient.license``); the
answer is normalised (``auditor.licenses.declared``) and set on the package in every collect
result, so the graph, the SBOMs, the store and the site carry it. A registry that publishes
nothing leaves the licence unknown; a failed lookup does too, and says so in one warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from auditor.core.model import CollectResult, Ecosystem, License, Package
from auditor.licenses.declared import REGISTRY, npm_license, python_license
from auditor.registries.lookup import Registries
from auditor.registries.metadata import DeclaredLicense

# the ecosystems whose registries publish a release's licence
LOOKED_UP = frozenset({Ecosystem.PYPI, Ecosystem.NPM})


@dataclass(frozen=True, kw_only=True)
class LicenseLookup:
    results: tuple[CollectResult, ...]
    asked: int = 0
    found: int = 0
    warnings: tuple[str, ...] = ()
    errors: Mapping[str, str] = field(default_factory=dict)  # package id → why the lookup failed


def registry_licenses(results: tuple[CollectResult, ...], registries: Registries) -> LicenseLookup:
    """``results`` with the registries' licences set on packages that had none."""
    wanted: dict[str, Package] = {}
    for result in results:
        for package in result.packages:
            if package.license is None and looked_up(package):
                wanted.setdefault(package.id, package)
    if not wanted:
        return LicenseLookup(results=results)

    def ask(package: Package) -> DeclaredLicense | None:
        return registries.client(package.ecosystem).license(package.name, package.version)

    found: dict[str, License] = {}
    failed: list[str] = []
    errors: dict[str, str] = {}
    for package, answer, error in registries.each(sorted(wanted.values(), key=_key), ask):
        if error is not None:
            failed.append(f"{package.display}: {error}")
            errors[package.id] = f"licence lookup failed: {error}"
        elif answer is not None:
            license = declared(package.ecosystem, answer)
            if license is not None:
                found[package.id] = license
    warnings: tuple[str, ...] = ()
    if failed:
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        warnings = (
            f"the licences of {len(failed)} package{'s' if len(failed) != 1 else ''} are "
            f"unknown: the registry lookup failed: {failed[0]}{more}",
        )
    patched = tuple(
        replace(
            r,
            packages=tuple(
                replace(p, license=found[p.id]) if p.id in found and p.license is None else p
                for p in r.packages
            ),
        )
        for r in results
    )
    return LicenseLookup(
        results=patched, asked=len(wanted), found=len(found), warnings=warnings, errors=errors
    )


def looked_up(package: Package) -> bool:
    """Whether the registry stage asks about ``package``'s licence (when the lockfile has
    none): a registry release of an ecosystem whose registry publishes licences."""
    return package.ecosystem in LOOKED_UP and package.source.is_registry and bool(package.version)


def declared(ecosystem: Ecosystem, answer: DeclaredLicense) -> License | None:
    """A registry's answer as one ``License`` (None: it declares nothing)."""
    if ecosystem is Ecosystem.NPM:
        return npm_license(answer.npm_license, source=REGISTRY, legacy=answer.npm_licenses)
    return python_license(
        expression=answer.expression,
        text=answer.text,
        classifiers=answer.classifiers,
        source=REGISTRY,
    )


def _key(package: Package) -> str:
    return package.id
