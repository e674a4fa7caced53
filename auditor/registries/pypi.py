"""The Python package index: projects, releases and each release's requirements.

A project is read from its simple API page, the smallest document that says what the
checks read: PEP 691 JSON when the index speaks it (every file with its upload time,
yanked flag and reason, Requires-Python and PEP 658/714 metadata flag), else the PEP 503
HTML page (with PEP 592 yanked and PEP 658/714 metadata attributes, no upload times). The
default index's JSON API document (``/pypi/<name>/json``) would add the owners only, at
twice the size, so it is not asked. The JSON page is decoded against a schema of those
fields (``decode.py``), and the cache keeps the project's record (``records.py``), which a
later run revalidates with a conditional request.

A release's requirements come, in this order, from the wheel's PEP 658/714 ``.metadata``
file, the JSON API's per-release document (``info.requires_dist``, on the default index
only), and finally the wheel's own ``*.dist-info/METADATA`` (small wheels only: mirrors
that lack PEP 658 files still serve the wheels); they are cached per release. The same
core metadata gives the release's licence fields (``License-Expression``, ``License``,
``License ::`` classifiers), kept in the requirements record, so a licence costs no
request of its own; a release without wheels falls back to a small sdist's ``PKG-INFO``
(``distfiles.py``), kept in a licence record. Every request goes through the run's
``HttpClient`` (cache, concurrency, retry budget, offline).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
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
from auditor.net.client import HttpClient, HttpResponse, NetworkError
from auditor.registries.decode import SimpleFile, SimplePage, decoder
from auditor.registries.distfiles import sdist_metadata, wheel_metadata
from auditor.registries.metadata import (
    DeclaredLicense,
    DistFile,
    Memo,
    Project,
    RegistryClient,
    Release,
    Requirements,
    parse_time,
    sort_releases,
)
from auditor.registries.pipconf import PythonIndexes
from auditor.registries.records import (
    IMMUTABLE_TTL,
    REQUIREMENTS,
    fetch_project,
    license_from_record,
    license_record,
    requirements_from_record,
    requirements_record,
)

T = TypeVar("T")
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
ACCEPT_SIMPLE = f"{SIMPLE_JSON}, text/html;q=0.1"
LICENSE = "license/1"  # the record of a licence read from an sdist's PKG-INFO
WHEEL_LIMIT = 4 * 1024 * 1024  # largest wheel downloaded just to read its METADATA
METADATA_LIMIT = 4 * 1024 * 1024
METADATA_TRIES = 2  # .metadata files asked per release before the other ways
_SIMPLE_PAGE = decoder(SimplePage)


@dataclass(frozen=True)
class _Html:
    """A simple page that is not JSON (PEP 503), read as HTML by the caller."""

    body: bytes


def _decode_page(body: bytes) -> SimplePage | _Html:
    """An HTML page (PEP 503) for the anchor parser, anything else as a PEP 691 page."""
    if body.lstrip()[:1] == b"<":
        return _Html(body)
    return _SIMPLE_PAGE(body)


class PypiClient(RegistryClient):
    ecosystem: ClassVar[Ecosystem] = Ecosystem.PYPI

    def __init__(
        self, http: HttpClient, indexes: PythonIndexes, *, wheel_limit: int = WHEEL_LIMIT
    ) -> None:
        self.http = http
        self.indexes = indexes
        self.wheel_limit = wheel_limit
        self._projects: Memo[str, Project | None] = Memo()
        # the projects read from their page this run (whose releases have their files)
        self._with_files: Memo[str, Project | None] = Memo()

    @property
    def shown(self) -> str:
        return self.indexes.index.shown

    # -- projects ----------------------------------------------------------------------------

    def project(self, name: str) -> Project | None:
        canonical = canonical_pypi_name(name)
        return self._projects.get(canonical, lambda: self._fetch_project(canonical))

    def _page_url(self, name: str) -> str:
        return f"{self.indexes.index.url.rstrip('/')}/{quote(name)}/"

    def _fetch_project(self, name: str, *, refresh: bool = False) -> Project | None:
        """The project from its page, or from the record a previous run kept of it (then
        without its files: ``_project_with_files`` reads the page again if they matter)."""
        url = self._page_url(name)
        answer = fetch_project(
            self.http,
            url,
            ecosystem=Ecosystem.PYPI,
            registry=self.shown,
            read=lambda response: self._read_page(response, url, name),
            headers={"Accept": ACCEPT_SIMPLE},
            parse=_decode_page,
            refresh=refresh,
        )
        if answer.read:
            self._with_files.put(name, answer.project)
        return answer.project

    def _read_page(self, response: HttpResponse, url: str, name: str) -> Project:
        page = response.json()
        if isinstance(page, _Html):
            text = page.body.decode("utf-8", "replace")
            return parse_simple_html(text, url, name, self.shown)
        return _checked(url, lambda: parse_simple_page(page, url, name, self.shown))

    def _project_with_files(self, name: str) -> Project | None:
        """The project with its releases' files: the one read this run, else read again."""
        if self.project(name) is None:
            return None
        return self._with_files.get(name, lambda: self._fetch_project(name, refresh=True))

    # -- requirements ------------------------------------------------------------------------

    def requirements(self, name: str, version: str) -> Requirements | None:
        canonical = canonical_pypi_name(name)
        return self._recorded(
            canonical,
            f"pypi-{REQUIREMENTS}/{version}",
            read=lambda record: requirements_from_record(
                record, Ecosystem.PYPI, canonical, version
            ),
            find=lambda: self._find_requirements(canonical, version),
            write=requirements_record,
        )

    def _recorded(
        self,
        name: str,
        kind: str,
        *,
        read: Callable[[Any], T | None],
        find: Callable[[], tuple[T | None, HttpResponse | None]],
        write: Callable[[T], Any],
    ) -> T | None:
        """A release's value from its record of ``kind`` (a published release's do not
        change), else found with ``find`` and recorded with the answer it came from."""
        url = self._page_url(name)
        record = self.http.cached_record(url, kind=kind, ttl=IMMUTABLE_TTL)
        if record is not None:
            cached = read(record)
            if cached is not None:
                return cached
        found, source = find()
        if found is not None and source is not None:
            self.http.keep_record(url, kind=kind, value=write(found), source=source)
        return found

    def _find_requirements(
        self, name: str, version: str
    ) -> tuple[Requirements | None, HttpResponse | None]:
        wheels = self._wheels(name, version)
        for wheel in [w for w in wheels if w.has_metadata is not False][:METADATA_TRIES]:
            answer = self.http.request(
                "GET",
                wheel.url + ".metadata",
                accept=(404,),
                max_bytes=METADATA_LIMIT,
                cache=False,  # the requirements read from it are kept instead
            )
            if answer.status == 200:
                return parse_metadata(answer.body, name, version, "metadata file"), answer
        from_api, response = self._json_api_release(name, version)
        if from_api is not None:
            return from_api, response
        for wheel in wheels[:1]:
            text, source = self._wheel_metadata(wheel)
            if text is not None:
                return parse_metadata(text, name, version, "wheel METADATA"), source
        return None, None

    # -- licences ----------------------------------------------------------------------------

    def license(self, name: str, version: str) -> DeclaredLicense | None:
        """The release's licence fields: those of the core metadata its requirements were
        read from (no request of their own); else (a release whose requirements are not
        published, often an sdist-only one) the JSON API's per-release ``info`` where the
        index has that API, else, for a release without wheels, a small sdist's
        ``PKG-INFO``; these two are kept in a licence record. None when none is there."""
        found = self.requirements(name, version)
        if found is not None and found.license is not None:
            return found.license
        canonical = canonical_pypi_name(name)
        return self._recorded(
            canonical,
            f"pypi-{LICENSE}/{version}",
            read=_license_or_none,
            find=lambda: self._license_elsewhere(canonical, version),
            write=license_record,
        )

    def _license_elsewhere(
        self, name: str, version: str
    ) -> tuple[DeclaredLicense | None, HttpResponse | None]:
        url = self._release_api_url(name, version)
        if url is not None:
            response = self.http.request("GET", url, expect_json=True, accept=(404,), cache=False)
            if response.status == 200:
                info = _checked(url, lambda: Doc(redact_url(url), response.json()).table("info"))
                return _checked(url, lambda: _api_license(info)), response
        if self._wheels(name, version):
            return None, None  # their core metadata was not to be had
        for sdist in self._sdists(name, version)[:1]:
            text, source = self._sdist_metadata(sdist)
            if text is not None:
                return metadata_license(text, "sdist PKG-INFO"), source
        return None, None

    def _wheels(self, name: str, version: str) -> list[DistFile]:
        """The release's wheels, advertised metadata first, pure-Python wheels (small)
        first among equals."""
        wheels = [f for f in self._files(name, version) if f.filename.endswith(".whl")]
        wheels.sort(key=_wheel_preference)
        return wheels

    def _sdists(self, name: str, version: str) -> list[DistFile]:
        return [f for f in self._files(name, version) if f.filename.endswith((".tar.gz", ".zip"))]

    def _files(self, name: str, version: str) -> tuple[DistFile, ...]:
        project = self._project_with_files(name)
        release = project.release(version) if project is not None else None
        return release.files if release is not None else ()

    def _release_api_url(self, name: str, version: str) -> str | None:
        """The JSON API's per-release document, where the index has that API."""
        if not self.indexes.json_api:
            return None
        base = self.indexes.json_api.rstrip("/")
        return f"{base}/{quote(canonical_pypi_name(name))}/{quote(version)}/json"

    def _json_api_release(
        self, name: str, version: str
    ) -> tuple[Requirements | None, HttpResponse | None]:
        url = self._release_api_url(name, version)
        if url is None:
            return None, None
        response = self.http.request("GET", url, expect_json=True, accept=(404,), cache=False)
        if response.status == 404:
            return None, None

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
                license=_api_license(info),
            )

        return _checked(url, read), response

    def _wheel_metadata(self, wheel: DistFile) -> tuple[bytes | None, HttpResponse | None]:
        response = self._download(wheel)
        body = wheel_metadata(response.body) if response is not None else None
        return (body, response) if body is not None else (None, None)

    def _sdist_metadata(self, sdist: DistFile) -> tuple[bytes | None, HttpResponse | None]:
        response = self._download(sdist)
        body = sdist_metadata(sdist.filename, response.body) if response is not None else None
        return (body, response) if body is not None else (None, None)

    def _download(self, dist: DistFile) -> HttpResponse | None:
        """A distribution file of at most ``wheel_limit`` bytes, else None (what is read
        of it is kept instead: a requirements or licence record)."""
        try:
            response = self.http.request(
                "GET", dist.url, cache=False, max_bytes=self.wheel_limit, accept=(404,)
            )
        except NetworkError as exc:
            if "larger than" in str(exc):
                return None
            raise
        return response if response.status == 200 else None


def _license_or_none(record: Any) -> DeclaredLicense | None:
    """A licence record as read, None when it is not one (it is read again)."""
    try:
        return license_from_record(record)
    except (TypeError, ValueError):
        return None


def _api_license(info: Doc) -> DeclaredLicense:
    """The JSON API's ``info`` licence fields."""
    classifiers = info.opt_child("classifiers")
    return DeclaredLicense(
        expression=info.opt_string("license_expression") or None,
        text=info.opt_string("license") or None,
        classifiers=tuple(c.as_str() for c in classifiers.as_list()) if classifiers else (),
        origin="JSON API",
    )


def _wheel_preference(wheel: DistFile) -> tuple[bool, bool, bool]:
    return (
        wheel.has_metadata is not True,
        wheel.has_metadata is False,
        "-none-any" not in wheel.filename,
    )


def _checked(url: str, read: Callable[[], T]) -> T:
    """Run ``read``; a malformed document becomes one line naming the URL and key path."""
    try:
        return read()
    except LockfileError as exc:
        where = f" in {exc.key}" if exc.key else ""
        raise SourceError(f"{redact_url(url)}: unexpected answer: {exc.message}{where}") from None


def _metadata_flag(value: Any) -> bool | None:
    """PEP 714 ``core-metadata``: a hash table or true means there is a metadata file."""
    if value is None:
        return None
    if isinstance(value, dict):
        return True
    return bool(value)


# -- the simple API (PEP 691 JSON, PEP 503 HTML) -----------------------------------------------


def parse_simple_page(page: SimplePage, url: str, name: str, shown: str) -> Project:
    """A PEP 691 page (decoded by ``decode.SimplePage``) as a ``Project``; file URLs are
    resolved against ``url``, entries without a file name or URL are skipped."""
    files: list[tuple[str, DistFile, str | None, Any, Any]] = []
    for entry in page.files:
        filename, href = entry.filename, entry.url
        if not isinstance(filename, str) or not isinstance(href, str):
            continue
        files.append(
            (
                filename,
                _simple_file(entry, filename, urljoin(url, href)),
                entry.requires_python if isinstance(entry.requires_python, str) else None,
                entry.yanked,
                entry.upload_time,
            )
        )
    stated = page.name if isinstance(page.name, str) and page.name else name
    return _project_from_files(canonical_pypi_name(stated), shown, files)


def _simple_file(entry: SimpleFile, filename: str, url: str) -> DistFile:
    metadata = entry.core_metadata
    if metadata is None:
        metadata = entry.data_dist_info_metadata
    return DistFile(
        filename=filename,
        url=url,
        has_metadata=_metadata_flag(metadata),
        yanked=bool(entry.yanked),
    )


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
    """A METADATA file's ``Requires-Dist`` and ``Requires-Python`` headers, and its licence
    fields."""
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
        license=_metadata_license(headers, origin),
    )


def metadata_license(body: bytes, origin: str) -> DeclaredLicense:
    """A METADATA file's ``License-Expression``, ``License`` and ``Classifier`` headers."""
    return _metadata_license(_headers(body), origin)


def _metadata_license(headers: Message, origin: str) -> DeclaredLicense:
    return DeclaredLicense(
        expression=headers.get("License-Expression"),
        text=headers.get("License"),
        classifiers=tuple(headers.get_all("Classifier") or ()),
        origin=origin,
    )


def _headers(body: bytes) -> Message:
    text = body.decode("utf-8", "replace")
    return HeaderParser().parsestr(text.partition("\n\n")[0] + "\n\n")
