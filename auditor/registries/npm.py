"""The npm registry: a package's document ("packument") with every version's dependencies,
peer dependencies and deprecation, publication times and maintainers.

The full document is asked for (``Accept: application/json``), because the abbreviated
install document has neither ``time`` nor ``maintainers``. Scoped packages use the scope's
registry and ``@scope%2fname`` in the path, credentials come from the user's ``.npmrc``
(``NpmRegistries.auth_headers``) and are never shown.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote

from auditor.core.documents import Doc
from auditor.core.errors import LockfileError, SourceError
from auditor.core.model import Ecosystem
from auditor.core.redact import redact_url
from auditor.net.client import HttpClient
from auditor.registries.metadata import (
    DeclaredLicense,
    Project,
    RegistryClient,
    Release,
    Requirements,
    parse_time,
    sort_releases,
)
from auditor.registries.npmrc import NpmRegistries

T = TypeVar("T")


class NpmClient(RegistryClient):
    ecosystem: ClassVar[Ecosystem] = Ecosystem.NPM

    def __init__(self, http: HttpClient, registries: NpmRegistries) -> None:
        self.http = http
        self.registries = registries
        self._documents: dict[str, Doc | None] = {}
        self._lock = threading.Lock()

    @property
    def shown(self) -> str:
        return self.registries.default.shown

    def registry_for(self, name: str) -> str:
        return self.registries.registry_for(name).shown

    def url(self, name: str) -> str:
        base = self.registries.registry_for(name).url.rstrip("/")
        return f"{base}/{quote(name, safe='@')}"  # @scope%2Fname, as npm asks

    def document(self, name: str) -> Doc | None:
        """The packument (memoised for the run), or None when there is no such package."""
        with self._lock:
            if name in self._documents:
                return self._documents[name]
        url = self.url(name)
        response = self.http.request(
            "GET",
            url,
            headers=self.registries.auth_headers(url),
            expect_json=True,
            accept=(404,),
        )
        doc = None if response.status == 404 else Doc(redact_url(url), response.json())
        if doc is not None:
            _checked(doc, doc.mapping)
        with self._lock:
            self._documents[name] = doc
        return doc

    def project(self, name: str) -> Project | None:
        doc = self.document(name)
        if doc is None:
            return None
        shown = self.registries.registry_for(name).shown
        return _checked(doc, lambda: parse_packument(doc, name, shown))

    def requirements(self, name: str, version: str) -> Requirements | None:
        doc = self.document(name)
        if doc is None:
            return None

        def read() -> Requirements | None:
            versions = doc.opt_table("versions")
            entry = versions.opt_table(version) if versions is not None else None
            if entry is None:
                return None
            dependencies = _deps(entry, "dependencies") + _deps(entry, "optionalDependencies")
            return Requirements(
                ecosystem=Ecosystem.NPM,
                name=name,
                version=version,
                dependencies=tuple(sorted(set(dependencies))),
                peer=tuple(sorted(set(_deps(entry, "peerDependencies")))),
                origin="packument",
            )

        return _checked(doc, read)

    def license(self, name: str, version: str) -> DeclaredLicense | None:
        doc = self.document(name)
        if doc is None:
            return None
        versions = doc.mapping().get("versions")
        entry = versions.get(version) if isinstance(versions, dict) else None
        if not isinstance(entry, dict):
            return None
        return DeclaredLicense(
            npm_license=entry.get("license"),
            npm_licenses=entry.get("licenses"),
            origin="packument",
        )


def _checked(doc: Doc, read: Callable[[], T]) -> T:
    try:
        return read()
    except LockfileError as exc:
        where = f" in {exc.key}" if exc.key else ""
        raise SourceError(f"{doc.file}: unexpected answer: {exc.message}{where}") from None


def _deps(entry: Doc, field: str) -> list[str]:
    table = entry.mapping().get(field)
    if not isinstance(table, dict):
        return []
    return [f"{k}@{v}" for k, v in table.items() if isinstance(k, str) and isinstance(v, str)]


def parse_packument(doc: Doc, name: str, shown: str) -> Project:
    """A packument as a ``Project``; odd entries (a version that is not a table, a time that
    is not a date) are skipped rather than failing the whole document."""
    versions = doc.opt_table("versions")
    times = doc.mapping().get("time")
    times = times if isinstance(times, dict) else {}
    releases = []
    for version, entry in versions.items() if versions is not None else ():
        if not isinstance(entry.value, dict):
            continue
        deprecated = entry.value.get("deprecated")
        releases.append(
            Release(
                version=version,
                published=parse_time(times.get(version)),
                deprecated=deprecated if isinstance(deprecated, str) and deprecated else None,
            )
        )
    tags = doc.mapping().get("dist-tags")
    latest = tags.get("latest") if isinstance(tags, dict) else None
    return Project(
        ecosystem=Ecosystem.NPM,
        name=name,
        registry=shown,
        releases=sort_releases(Ecosystem.NPM, releases),
        maintainers=_maintainers(doc.mapping().get("maintainers")),
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
