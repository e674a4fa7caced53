"""The Go module proxy protocol (``GOPROXY``): versions, release times and go.mod files.

``<proxy>/<module>/@v/list`` lists a module's tagged versions, ``@v/<version>.info`` gives
``{"Version", "Time"}`` for one version (pseudo-versions included) and ``@v/<version>.mod``
its go.mod. Module paths are escaped as the protocol says (each upper-case letter becomes
``!`` and its lower-case form). A list is cheap, an ``.info`` per version is not, so
``project()`` returns versions without dates and ``release()`` fetches the date of the one
version asked about. 404 and 410 mean "no such module or version".
"""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import quote

from auditor.core.documents import Doc
from auditor.core.errors import LockfileError, SourceError
from auditor.core.model import Ecosystem
from auditor.core.redact import redact_url
from auditor.net.client import HttpClient
from auditor.registries.common import ConfiguredUrl
from auditor.registries.goproxy import GoProxy
from auditor.registries.metadata import (
    Memo,
    Project,
    RegistryClient,
    Release,
    Requirements,
    parse_time,
    sort_releases,
)

GONE = (404, 410)
_REQUIRE_LINE = re.compile(r"^\s*([^\s/][^\s]*)\s+(v[^\s]+)")


def escape_path(text: str) -> str:
    """The proxy protocol's case encoding: ``github.com/Azure/x`` → ``github.com/!azure/x``."""
    return re.sub(r"[A-Z]", lambda m: "!" + m.group(0).lower(), text)


class GoProxyClient(RegistryClient):
    ecosystem: ClassVar[Ecosystem] = Ecosystem.GO

    def __init__(
        self, http: HttpClient, proxy: ConfiguredUrl, *, routing: GoProxy | None = None
    ) -> None:
        self.http = http
        self.proxy = proxy
        self.routing = routing  # which modules go to the proxy (GONOPROXY, GOPRIVATE)
        self._projects: Memo[str, Project | None] = Memo()

    @property
    def shown(self) -> str:
        return self.proxy.shown

    def _url(self, module: str, tail: str) -> str:
        reason = self.routing.private_reason(module) if self.routing is not None else None
        if reason is not None:
            raise SourceError(reason)
        return f"{self.proxy.url.rstrip('/')}/{quote(escape_path(module), safe='/!')}/@v/{tail}"

    def project(self, name: str) -> Project | None:
        return self._projects.get(name, lambda: self._fetch_project(name))

    def _fetch_project(self, name: str) -> Project | None:
        response = self.http.request("GET", self._url(name, "list"), accept=GONE)
        if response.status in GONE:
            return None
        lines = response.body.decode("utf-8", "replace").split()
        versions = [Release(version=v) for v in lines if v.startswith("v")]
        return Project(
            ecosystem=Ecosystem.GO,
            name=name,
            registry=self.shown,
            releases=sort_releases(Ecosystem.GO, versions),
        )

    def release(self, name: str, version: str) -> Release | None:
        url = self._url(name, f"{quote(escape_path(version), safe='!+')}.info")
        response = self.http.request("GET", url, expect_json=True, accept=GONE)
        if response.status in GONE:
            return None
        doc = Doc(redact_url(url), response.json())
        try:
            text = doc.string("Version")
            when = parse_time(doc.opt_string("Time"))
        except LockfileError as exc:
            raise SourceError(f"{doc.file}: unexpected answer: {exc.message}") from None
        return Release(version=text, published=when)

    def requirements(self, name: str, version: str) -> Requirements | None:
        url = self._url(name, f"{quote(escape_path(version), safe='!+')}.mod")
        response = self.http.request("GET", url, accept=GONE)
        if response.status in GONE:
            return None
        return Requirements(
            ecosystem=Ecosystem.GO,
            name=name,
            version=version,
            dependencies=tuple(parse_requires(response.body.decode("utf-8", "replace"))),
            origin="go.mod",
        )


def parse_requires(text: str) -> list[str]:
    """The ``require`` directives of a go.mod as ``path version`` strings."""
    found: list[str] = []
    block = False
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if block:
            if line.startswith(")"):
                block = False
                continue
            match = _REQUIRE_LINE.match(line)
        elif line.startswith("require"):
            rest = line[len("require") :].strip()
            if rest.startswith("("):
                block = True
                continue
            match = _REQUIRE_LINE.match(rest)
        else:
            continue
        if match:
            found.append(f"{match.group(1).strip(chr(34))} {match.group(2)}")
    return found
