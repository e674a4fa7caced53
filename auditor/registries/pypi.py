"""The Python package index: projects, releases and each release's requirements.

Where the configured index is the default one (``PythonIndexes.json_api``), a project is
read from its JSON API document (``/pypi/<name>/json``): every release with its files,
upload times, yanked flags and Requires-Python, and the project's owners (``ownership``).
Any other index is read through the simple API: PEP 691 JSON when the index speaks it,
else the PEP 503 HTML page (with PEP 592 yanked and PEP 658/714 metadata attributes).

A release's requirements come, in this order, from the wheel's PEP 658/714 ``.metadata``
file, the JSON API's per-release document (``info.requires_dist``), and finally the
wheel's own ``*.dist-info/METADATA`` (small wheels only: mirrors that lack PEP 658 files
still serve the wheels). A release's licence fields come from the per-release JSON API
document, else the same core metadata, else (a release without wheels) a small sdist's
``PKG-INFO`` (``distfiles.py``). Every request goes through the run's ``HttpClient`` (cache, rate
limit, retry budget, offline).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from email.message import Message
from email.parser import HeaderParser
from html.parser import HTMLParser
from typing import Any, ClassVar, TypeVar
from urllib.parse import quote, unquote, urljoin, urlsplit

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from auditor.core.documents import Doc
from auditor.core.errors import LockfileError, SourceError
from auditor.core.model import Ecosystem, canonical_pypi_name
from auditor.core.redact import redact_url
from auditor.net.client import HttpClient, NetworkError
from auditor.registries.distfiles import sdist_metadata, wheel_metadata
from auditor.registries.metadata import (
    DeclaredLicense,
    DistFile,
    Project,
    RegistryClient,
    Release,
    Requirements,
    parse_time,
    sort_releases,
)
from auditor.registries.pipconf import PythonIndexes

T = TypeVar("T")
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
ACCEPT_SIMPLE = f"{SIMPLE_JSON}, text/html;q=0.1"
WHEEL_LIMIT = 4 * 1024 * 1024  # largest wheel downloaded just to read its METADATA
METADATA_LIMIT = 4 * 1024 * 1024
METADATA_TRIES = 2  # .metadata files asked per release before the other ways


class PypiClient(RegistryClient):
    ecosystem: ClassVar[Ecosystem] = Ecosystem.PYPI

    def __init__(
        self, http: HttpClient, indexes: PythonIndexes, *, wheel_limit: int = WHEEL_LIMIT
    ) -> None:
        self.http = http
        self.indexes = indexes
        self.wheel_limit = wheel_limit
        self._projects: dict[str, Project | None] = {}
        self._lock = threading.Lock()

    @property
    def shown(self) -> str:
        return self.indexes.index.shown

    # -- projects ----------------------------------------------------------------------------

    def project(self, name: str) -> Project | None:
        canonical = canonical_pypi_name(name)
        with self._lock:
            if canonical in self._projects:
                return self._projects[canonical]
        found = self._fetch_project(canonical)
        with self._lock:
            self._projects[canonical] = found
        return found

    def _fetch_project(self, name: str) -> Project | None:
        if self.indexes.json_api:
            url = f"{self.indexes.json_api.rstrip('/')}/{quote(name)}/json"
            response = self.http.request("GET", url, expect_json=True, accept=(404,))
            if response.status == 404:
                return None
            return _checked(url, lambda: parse_json_api(response.json(), url, self.shown))
        url = f"{self.indexes.index.url.rstrip('/')}/{quote(name)}/"
        response = self.http.request("GET", url, headers={"Accept": ACCEPT_SIMPLE}, accept=(404,))
        if response.status == 404:
            return None
        kind = (response.header("content-type") or "").split(";")[0].strip().lower()
        body = response.body.decode("utf-8", "replace")
        if kind in (SIMPLE_JSON, "application/json"):
            doc = _json(response.body, url)
            return _checked(url, lambda: parse_simple_json(doc, url, name, self.shown))
        return parse_simple_html(body, url, name, self.shown)

    # -- requirements ------------------------------------------------------------------------

    def requirements(self, name: str, version: str) -> Requirements | None:
        wheels = self._wheels(name, version)
        body = self._metadata_file(wheels)
        if body is not None:
            return parse_metadata(body, name, version, "metadata file")
        from_api = self._json_api_release(name, version)
        if from_api is not None:
            return from_api
        for wheel in wheels[:1]:
            text = self._wheel_metadata(wheel)
            if text is not None:
                return parse_metadata(text, name, version, "wheel METADATA")
        return None

    # -- licences ------------------------------------------------------------------------------

    def license(self, name: str, version: str) -> DeclaredLicense | None:
        """The release's licence fields: the JSON API's per-release ``info`` where the index
        serves it, else the core metadata of a wheel: its PEP 658/714 ``.metadata`` file,
        else (a small wheel) its own ``METADATA``. None for a release without any of them
        (an sdist-only release on an index without the per-release API)."""
        if self.indexes.json_api:
            base = self.indexes.json_api.rstrip("/")
            url = f"{base}/{quote(canonical_pypi_name(name))}/{quote(version)}/json"
            response = self.http.request("GET", url, expect_json=True, accept=(404,))
            if response.status == 200:
                return _checked(url, lambda: _api_license(Doc(redact_url(url), response.json())))
        wheels = self._wheels(name, version)
        body = self._metadata_file(wheels)
        if body is not None:
            return metadata_license(body, "metadata file")
        for wheel in wheels[:1]:
            text = self._wheel_metadata(wheel)
            if text is not None:
                return metadata_license(text, "wheel METADATA")
        if not wheels:
            for sdist in self._sdists(name, version)[:1]:
                text = self._sdist_metadata(sdist)
                if text is not None:
                    return metadata_license(text, "sdist PKG-INFO")
        return None

    def _wheels(self, name: str, version: str) -> list[DistFile]:
        """The release's wheels, advertised metadata first, pure-Python wheels (small)
        first among equals."""
        wheels = [f for f in self._files(name, version) if f.filename.endswith(".whl")]
        wheels.sort(key=_wheel_preference)
        return wheels

    def _sdists(self, name: str, version: str) -> list[DistFile]:
        return [f for f in self._files(name, version) if f.filename.endswith((".tar.gz", ".zip"))]

    def _files(self, name: str, version: str) -> tuple[DistFile, ...]:
        project = self.project(name)
        release = project.release(version) if project is not None else None
        return release.files if release is not None else ()

    def _metadata_file(self, wheels: list[DistFile]) -> bytes | None:
        """The first PEP 658/714 ``.metadata`` file served among the first wheels."""
        for wheel in [w for w in wheels if w.has_metadata is not False][:METADATA_TRIES]:
            response = self.http.request(
                "GET", wheel.url + ".metadata", accept=(404,), max_bytes=METADATA_LIMIT
            )
            if response.status == 200:
                return response.body
        return None

    def _json_api_release(self, name: str, version: str) -> Requirements | None:
        if not self.indexes.json_api:
            return None
        base = self.indexes.json_api.rstrip("/")
        url = f"{base}/{quote(canonical_pypi_name(name))}/{quote(version)}/json"
        response = self.http.request("GET", url, expect_json=True, accept=(404,))
        if response.status == 404:
            return None

        def read() -> Requirements | None:
            info = Doc(redact_url(url), response.json()).table("info")
            child = info.opt_child("requires_dist")
            if child is None:
                return None  # the API does not know them (an sdist-only release, often)
            return Requirements(
                ecosystem=Ecosystem.PYPI,
                name=canonical_pypi_name(name),
                version=version,
                dependencies=tuple(item.as_str() for item in child.as_list()),
                requires_python=info.opt_string("requires_python") or None,
                origin="JSON API",
            )

        return _checked(url, read)

    def _wheel_metadata(self, wheel: DistFile) -> bytes | None:
        body = self._download(wheel)
        return wheel_metadata(body) if body is not None else None

    def _sdist_metadata(self, sdist: DistFile) -> bytes | None:
        body = self._download(sdist)
        return sdist_metadata(sdist.filename, body) if body is not None else None

    def _download(self, dist: DistFile) -> bytes | None:
        """A distribution file of at most ``wheel_limit`` bytes, else None."""
        try:
            response = self.http.request(
                "GET", dist.url, cache=False, max_bytes=self.wheel_limit, accept=(404,)
            )
        except NetworkError as exc:
            if "larger than" in str(exc):
                return None
            raise
        return response.body if response.status == 200 else None


def _api_license(doc: Doc) -> DeclaredLicense:
    info = doc.table("info")
    classifiers = info.opt_child("classifiers")
    return DeclaredLicense(
        expression=info.opt_string("license_expression") or None,
        text=info.opt_string("license") or None,
        classifiers=tuple(c.as_str() for c in classifiers.as_list()) if classifiers else (),
        origin="JSON API",
    )


def metadata_license(body: bytes, origin: str) -> DeclaredLicense:
    """A METADATA file's ``License-Expression``, ``License`` and ``Classifier`` headers."""
    headers = _headers(body)
    return DeclaredLicense(
        expression=headers.get("License-Expression"),
        text=headers.get("License"),
        classifiers=tuple(headers.get_all("Classifier") or ()),
        origin=origin,
    )


def _headers(body: bytes) -> Message:
    text = body.decode("utf-8", "replace")
    return HeaderParser().parsestr(text.partition("\n\n")[0] + "\n\n")


def _wheel_preference(wheel: DistFile) -> tuple[bool, bool, bool]:
    return (
        wheel.has_metadata is not True,
        wheel.has_metadata is False,
        "-none-any" not in wheel.filename,
    )


def _json(body: bytes, url: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        raise SourceError(f"{redact_url(url)}: the answer is not valid JSON") from None


def _checked(url: str, read: Callable[[], T]) -> T:
    """Run ``read``; a malformed document becomes one line naming the URL and key path."""
    try:
        return read()
    except LockfileError as exc:
        where = f" in {exc.key}" if exc.key else ""
        raise SourceError(f"{redact_url(url)}: unexpected answer: {exc.message}{where}") from None


# -- the JSON API ------------------------------------------------------------------------------


def parse_json_api(data: Any, url: str, shown: str) -> Project:
    """A ``/pypi/<name>/json`` document as a ``Project`` (file URLs resolved against ``url``)."""
    doc = Doc(redact_url(url), data)
    info = doc.table("info")
    name = canonical_pypi_name(info.string("name"))
    releases = []
    for version, files in doc.table("releases").items():
        entries = [f for f in files.as_list() if isinstance(f.value, dict)]
        dist = tuple(f for f in (_json_api_file(e, url) for e in entries) if f is not None)
        times = [parse_time(f.value.get("upload_time_iso_8601")) for f in entries]
        dated = [t for t in times if t is not None]
        yanked = bool(dist) and all(f.yanked for f in dist)
        reasons = [f.value.get("yanked_reason") for f in entries if f.value.get("yanked")]
        python = [f.value.get("requires_python") for f in entries]
        releases.append(
            Release(
                version=version,
                published=min(dated) if dated else None,
                yanked=yanked,
                yanked_reason=next((r for r in reasons if isinstance(r, str) and r), None),
                requires_python=next((p for p in python if isinstance(p, str) and p), None),
                files=dist,
            )
        )
    return Project(
        ecosystem=Ecosystem.PYPI,
        name=name,
        registry=shown,
        releases=sort_releases(Ecosystem.PYPI, releases),
        maintainers=_owners(doc),
    )


def _json_api_file(entry: Doc, base: str) -> DistFile | None:
    value = entry.value
    filename, url = value.get("filename"), value.get("url")
    if not isinstance(filename, str) or not isinstance(url, str):
        return None
    return DistFile(
        filename=filename,
        url=urljoin(base, url),
        has_metadata=_metadata_flag(
            value.get("core-metadata", value.get("data-dist-info-metadata"))
        ),
        yanked=bool(value.get("yanked")),
    )


def _owners(doc: Doc) -> int | None:
    """How many people may publish: PyPI's ``ownership.roles`` (None when not published)."""
    ownership = doc.mapping().get("ownership")
    if not isinstance(ownership, dict) or not isinstance(ownership.get("roles"), list):
        return None
    users = {r.get("user") for r in ownership["roles"] if isinstance(r, dict)}
    return len({u for u in users if isinstance(u, str) and u})


def _metadata_flag(value: Any) -> bool | None:
    """PEP 714 ``core-metadata``: a hash table or true means there is a metadata file."""
    if value is None:
        return None
    if isinstance(value, dict):
        return True
    return bool(value)


# -- the simple API (PEP 691 JSON, PEP 503 HTML) -----------------------------------------------


def parse_simple_json(data: Any, url: str, name: str, shown: str) -> Project:
    doc = Doc(redact_url(url), data)
    files: list[tuple[str, DistFile, str | None, Any, Any]] = []
    for entry in doc.array("files"):
        value = entry.mapping()
        filename, href = value.get("filename"), value.get("url")
        if not isinstance(filename, str) or not isinstance(href, str):
            continue
        yanked = value.get("yanked", False)
        dist = DistFile(
            filename=filename,
            url=urljoin(url, href),
            has_metadata=_metadata_flag(
                value.get("core-metadata", value.get("data-dist-info-metadata"))
            ),
            yanked=bool(yanked),
        )
        python = value.get("requires-python")
        python = python if isinstance(python, str) else None
        files.append((filename, dist, python, yanked, value.get("upload-time")))
    canonical = canonical_pypi_name(doc.opt_string("name") or name)
    return _project_from_files(canonical, shown, files)


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.anchors.append(dict(attrs))


def parse_simple_html(text: str, url: str, name: str, shown: str) -> Project:
    """A PEP 503 page: one anchor per file, PEP 592/658/714 attributes, no upload times."""
    parser = _Anchors()
    parser.feed(text)
    files: list[tuple[str, DistFile, str | None, Any, Any]] = []
    for attrs in parser.anchors:
        href = attrs.get("href")
        if not href:
            continue
        target = urljoin(url, href)
        filename = unquote(urlsplit(target).path.rsplit("/", 1)[-1])
        metadata = attrs.get("data-core-metadata", attrs.get("data-dist-info-metadata"))
        dist = DistFile(
            filename=filename,
            url=target.split("#", 1)[0],
            has_metadata=None if metadata is None else metadata.lower() != "false",
            yanked="data-yanked" in attrs,
        )
        # PEP 592: the attribute marks the file yanked; its value, if any, is the reason
        yanked: Any = (attrs.get("data-yanked") or True) if "data-yanked" in attrs else False
        files.append((filename, dist, attrs.get("data-requires-python"), yanked, None))
    return _project_from_files(canonical_pypi_name(name), shown, files)


def _project_from_files(
    name: str, shown: str, files: list[tuple[str, DistFile, str | None, Any, Any]]
) -> Project:
    """Group a simple page's files into releases by the version their names carry."""
    grouped: dict[str, list[tuple[DistFile, str | None, Any, Any]]] = {}
    for filename, dist, python, yanked, uploaded in files:
        version = file_version(filename, name)
        if version is not None:
            grouped.setdefault(version, []).append((dist, python, yanked, uploaded))
    releases = []
    for version, entries in grouped.items():
        dated = [t for t in (parse_time(e[3]) for e in entries) if t is not None]
        reasons = [e[2] for e in entries if isinstance(e[2], str) and e[2]]
        releases.append(
            Release(
                version=version,
                published=min(dated) if dated else None,
                yanked=all(bool(e[2]) for e in entries),
                yanked_reason=reasons[0] if reasons else None,
                requires_python=next((e[1] for e in entries if e[1]), None),
                files=tuple(e[0] for e in entries),
            )
        )
    return Project(
        ecosystem=Ecosystem.PYPI,
        name=name,
        registry=shown,
        releases=sort_releases(Ecosystem.PYPI, releases),
    )


def file_version(filename: str, name: str) -> str | None:
    """The version a distribution's file name carries (wheels and sdists), else None."""
    try:
        if filename.endswith(".whl"):
            parsed_name, version, _, _ = parse_wheel_filename(filename)
        elif filename.endswith((".tar.gz", ".zip")):
            parsed_name, version = parse_sdist_filename(filename)
        else:
            return None
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return _legacy_version(filename, name)
    return str(version) if canonical_pypi_name(parsed_name) == name else None


def _legacy_version(filename: str, name: str) -> str | None:
    """Old sdists such as ``Foo_Bar-1.0.tar.gz`` that packaging's strict parser rejects."""
    stem = re.sub(r"\.(tar\.gz|zip|tar\.bz2|tgz)$", "", filename)
    head, sep, version = stem.rpartition("-")
    if not sep or canonical_pypi_name(head) != name:
        return None
    try:
        return str(Version(version))
    except InvalidVersion:
        return None


# -- core metadata -------------------------------------------------------------------------------


def parse_metadata(body: bytes, name: str, version: str, origin: str) -> Requirements:
    """A METADATA file's ``Requires-Dist`` and ``Requires-Python`` headers."""
    headers = _headers(body)
    requires = tuple(" ".join(v.split()) for v in headers.get_all("Requires-Dist") or ())
    python = headers.get("Requires-Python")
    return Requirements(
        ecosystem=Ecosystem.PYPI,
        name=canonical_pypi_name(name),
        version=version,
        dependencies=requires,
        requires_python=" ".join(python.split()) if python else None,
        origin=origin,
    )
