"""The npm registry: a package's versions with their publication times and deprecations,
its latest tag and maintainers, and each version's dependencies and peers.

Which document answers what, measured on the registry's two forms (bench/README.md):

- a project (health, confusion lookups, fix plans' newer releases, licences) needs ``time``
  and ``maintainers``, which only the full packument (``Accept: application/json``) has; it
  is decoded against a schema of those fields (``decode.NpmPackument``, each version's
  ``license``/``licenses`` included) and the cache keeps the project's record
  (``records.py``), revalidated by a later run with a conditional request;
- a version's requirements (fix plans) need only its dependencies, which the abbreviated
  install document (``application/vnd.npm.install-v1+json``, about a third of the full one)
  has; each version's requirements are cached on their own.

Scoped packages use the scope's registry and ``@scope%2fname`` in the path, credentials
come from the user's ``.npmrc`` (``NpmRegistries.auth_headers``) and are never shown.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import quote

from auditor.core.model import Ecosystem
from auditor.net.client import HttpClient, HttpResponse
from auditor.registries.decode import (
    NpmInstallDocument,
    NpmPackument,
    NpmRelease,
    decode_version_deps,
    decoder,
)
from auditor.registries.metadata import (
    DeclaredLicense,
    Memo,
    Project,
    RegistryClient,
    Release,
    Requirements,
    parse_time,
    sort_releases,
)
from auditor.registries.npmrc import NpmRegistries
from auditor.registries.records import (
    IMMUTABLE_TTL,
    REQUIREMENTS,
    fetch_project,
    requirements_from_record,
    requirements_record,
)

FULL = "application/json"
ABBREVIATED = "application/vnd.npm.install-v1+json"
_PACKUMENT = decoder(NpmPackument)
_INSTALL_DOCUMENT = decoder(NpmInstallDocument)


class NpmClient(RegistryClient):
    ecosystem: ClassVar[Ecosystem] = Ecosystem.NPM

    def __init__(self, http: HttpClient, registries: NpmRegistries) -> None:
        self.http = http
        self.registries = registries
        self._projects: Memo[str, Project | None] = Memo()
        # install documents asked for this run (only fix plans read them)
        self._install: Memo[str, tuple[NpmInstallDocument, HttpResponse] | None] = Memo()

    @property
    def shown(self) -> str:
        return self.registries.default.shown

    def registry_for(self, name: str) -> str:
        return self.registries.registry_for(name).shown

    def url(self, name: str) -> str:
        base = self.registries.registry_for(name).url.rstrip("/")
        return f"{base}/{quote(name, safe='@')}"  # @scope%2Fname, as npm asks

    def project(self, name: str) -> Project | None:
        """The project (memoised for the run), or None when there is no such package."""
        return self._projects.get(name, lambda: self._fetch_project(name))

    def _fetch_project(self, name: str) -> Project | None:
        url = self.url(name)
        shown = self.registries.registry_for(name).shown
        return fetch_project(
            self.http,
            url,
            ecosystem=Ecosystem.NPM,
            registry=shown,
            read=lambda response: parse_packument(response.json(), name, shown),
            headers={**self.registries.auth_headers(url), "Accept": FULL},
            parse=_PACKUMENT,
        ).project

    def license(self, name: str, version: str) -> DeclaredLicense | None:
        """The version's ``license``/``licenses`` as the packument gives them (read with the
        project, so the health check's document answers it too); None for a version the
        packument does not list."""
        project = self.project(name)
        release = project.release(version) if project is not None else None
        return release.license if release is not None else None

    def requirements(self, name: str, version: str) -> Requirements | None:
        url, kind = self.url(name), f"npm-{REQUIREMENTS}/{version}"
        record = self.http.cached_record(url, kind=kind, ttl=IMMUTABLE_TTL)
        if record is not None:
            cached = requirements_from_record(record, Ecosystem.NPM, name, version)
            if cached is not None:
                return cached
        install = self._install_document(name)
        if install is None:
            return None
        document, response = install
        raw = (document.versions or {}).get(version)
        entry = decode_version_deps(raw) if raw is not None else None
        if entry is None:
            return None
        dependencies = _deps(entry.dependencies) + _deps(entry.optionalDependencies)
        found = Requirements(
            ecosystem=Ecosystem.NPM,
            name=name,
            version=version,
            dependencies=tuple(sorted(set(dependencies))),
            peer=tuple(sorted(set(_deps(entry.peerDependencies)))),
            origin="packument",
        )
        self.http.keep_record(url, kind=kind, value=requirements_record(found), source=response)
        return found

    def _install_document(self, name: str) -> tuple[NpmInstallDocument, HttpResponse] | None:
        """The abbreviated packument, read once a run (None when there is no such package)."""
        return self._install.get(name, lambda: self._fetch_install_document(name))

    def _fetch_install_document(self, name: str) -> tuple[NpmInstallDocument, HttpResponse] | None:
        url = self.url(name)
        response = self.http.request(
            "GET",
            url,
            headers={**self.registries.auth_headers(url), "Accept": f"{ABBREVIATED}, {FULL};q=0.8"},
            expect_json=True,
            parse=_INSTALL_DOCUMENT,
            accept=(404,),
            cache=False,  # what is read of it is kept: each version's requirements
        )
        return None if response.status == 404 else (response.json(), response)


def _deps(table: Any) -> list[str]:
    if not isinstance(table, dict):
        return []
    return [f"{k}@{v}" for k, v in table.items() if isinstance(k, str) and isinstance(v, str)]


def parse_packument(document: NpmPackument, name: str, shown: str) -> Project:
    """A packument as a ``Project``; odd entries (a version that is not a table, a time that
    is not a date) are skipped rather than failing the whole document."""
    times = document.time if isinstance(document.time, dict) else {}
    releases = []
    for version, entry in (document.versions or {}).items():
        if not isinstance(entry, NpmRelease):
            continue
        deprecated = entry.deprecated
        releases.append(
            Release(
                version=version,
                published=parse_time(times.get(version)),
                deprecated=deprecated if isinstance(deprecated, str) and deprecated else None,
                license=DeclaredLicense(
                    npm_license=entry.license, npm_licenses=entry.licenses, origin="packument"
                ),
            )
        )
    tags = document.dist_tags
    latest = tags.get("latest") if isinstance(tags, dict) else None
    return Project(
        ecosystem=Ecosystem.NPM,
        name=name,
        registry=shown,
        releases=sort_releases(Ecosystem.NPM, releases),
        maintainers=_maintainers(document.maintainers),
        latest_tag=latest if isinstance(latest, str) else None,
    )


def _maintainers(value: Any) -> int | None:
    if not isinstance(value, list):
        return None
    names = set()
    for person in value:
        if isinstance(person, dict) and isinstance(person.get("name"), str):
            names.add(person["name"])
        elif isinstance(person, str):
            names.add(person.split("<", 1)[0].strip())  # the old "name <email>" form
    return len(names)
