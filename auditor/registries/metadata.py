"""What a package registry says about a project: its releases (dates, yanked, deprecated,
Requires-Python, files), its maintainers, and each release's own requirements.

These values are what the registry clients (``pypi.py``, ``npm.py``, ``goproxy_client.py``)
return and what the checks and the fix planner read; they never hold a credential (URLs are
the ones the registry published for its files, and ``registry`` is redacted).
"""

from __future__ import annotations

import bisect
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cached_property
from typing import Any, ClassVar, Generic, TypeVar

from packaging.version import Version

from auditor.core.model import Ecosystem
from auditor.versions.base import InvalidVersion
from auditor.versions.plugins import scheme_for


@dataclass(frozen=True, kw_only=True, slots=True)
class DistFile:
    """One downloadable file of a release (PyPI); ``url`` is absolute."""

    filename: str
    url: str
    has_metadata: bool | None = None  # PEP 658/714 metadata advertised; None: not said
    yanked: bool = False


@dataclass(frozen=True, kw_only=True)
class DeclaredLicense:
    """What a registry publishes about one release's licence, in its own fields and
    unnormalised (``auditor.licenses.declared`` reads them): PyPI's core metadata
    ``License-Expression``, ``License`` and ``License ::`` classifiers; npm's ``license``
    (a string, or an old object) and old ``licenses`` list."""

    expression: str | None = None
    text: str | None = None
    classifiers: tuple[str, ...] = ()
    npm_license: Any = None
    npm_licenses: Any = None
    origin: str = ""  # where it was read: "JSON API", "metadata file", "packument"


@dataclass(frozen=True, kw_only=True, slots=True)
class Release:
    """One published version."""

    version: str
    published: datetime | None = None  # the earliest upload of its files, UTC
    yanked: bool = False
    yanked_reason: str | None = None
    deprecated: str | None = None  # npm's deprecation message
    requires_python: str | None = None
    files: tuple[DistFile, ...] = ()
    prerelease: bool | None = None  # known when the releases were sorted; None: parse to see
    license: DeclaredLicense | None = None  # npm's per-version fields (the packument's)


@dataclass(frozen=True, kw_only=True)
class Project:
    """A project on one registry; ``releases`` ascend in the ecosystem's version order.

    Versions the ecosystem's scheme cannot parse are left out (nothing can be compared with
    them). ``latest_tag`` is the registry's own idea of the latest release when it has one
    (npm's ``dist-tags.latest``).

    Lookups go through an index built on first use: a version written as the registry
    writes it is found without parsing anything, any other spelling (``1.0`` for
    ``1.0.0``) by one parse and a binary search, so asking about a project with thousands
    of releases costs no more than asking about one with ten.
    """

    ecosystem: Ecosystem
    name: str
    registry: str
    releases: tuple[Release, ...] = ()
    maintainers: int | None = None
    latest_tag: str | None = None

    @cached_property
    def _by_text(self) -> dict[str, int]:
        return {r.version: i for i, r in enumerate(self.releases)}

    @cached_property
    def _keys(self) -> list[Any]:
        scheme = scheme_for(self.ecosystem)
        return [scheme.parse(r.version) for r in self.releases]

    def _position(self, version: str) -> tuple[int, bool] | None:
        """Where ``version`` is or would go among the releases, and whether it is there."""
        found = self._by_text.get(version)
        if found is not None:
            return found, True
        try:
            wanted = scheme_for(self.ecosystem).parse(version)
        except InvalidVersion:
            return None
        keys = self._keys
        index = bisect.bisect_left(keys, wanted)
        return index, index < len(keys) and keys[index] == wanted

    def release(self, version: str) -> Release | None:
        """The release equal to ``version`` in the ecosystem's scheme (``1.0`` == ``1.0.0``)."""
        position = self._position(version)
        if position is None or not position[1]:
            return None
        return self.releases[position[0]]

    @property
    def latest(self) -> Release | None:
        """The newest release a user would be offered: the registry's latest tag, else the
        newest that is neither yanked nor a pre-release, else the newest at all."""
        if self.latest_tag:
            tagged = self.release(self.latest_tag)
            if tagged is not None:
                return tagged
        stable = [r for r in self.releases if not r.yanked and not is_prerelease(self, r)]
        if stable:
            return stable[-1]
        return self.releases[-1] if self.releases else None

    @property
    def first_published(self) -> datetime | None:
        """When the project first published anything (how long it has been around)."""
        dates = [r.published for r in self.releases if r.published is not None]
        return min(dates) if dates else None

    @property
    def last_published(self) -> datetime | None:
        """When anything was last released (the project's sign of life)."""
        dates = [r.published for r in self.releases if r.published is not None]
        return max(dates) if dates else None

    def newer_than(self, version: str) -> tuple[Release, ...]:
        """Releases above ``version``, ascending."""
        position = self._position(version)
        if position is None:
            return ()
        index, exact = position
        return self.releases[index + 1 if exact else index :]


def is_prerelease(project: Project, release: Release) -> bool:
    if release.prerelease is not None:
        return release.prerelease
    return _key_is_prerelease(scheme_for(project.ecosystem).parse(release.version))


@dataclass(frozen=True, kw_only=True)
class Requirements:
    """What one release requires: PEP 508 strings (PyPI), ``name@range`` (npm and peers), or
    ``path version`` (Go)."""

    ecosystem: Ecosystem
    name: str
    version: str
    dependencies: tuple[str, ...] = ()
    peer: tuple[str, ...] = ()
    requires_python: str | None = None
    origin: str = ""  # where they were read: "metadata file", "JSON API", "packument"
    # the licence fields of the same core metadata (PyPI); None: not read with them
    license: DeclaredLicense | None = None


K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    """Answers kept for the run, each computed once even when several threads ask for it
    at the same time (a lockfile holding one name at several versions): the first asks,
    the others wait for its answer. A failure is shared by those waiting, not kept."""

    def __init__(self) -> None:
        self._answers: dict[K, Future[V]] = {}
        self._lock = threading.Lock()

    def get(self, key: K, compute: Callable[[], V]) -> V:
        with self._lock:
            pending = self._answers.get(key)
            mine = pending is None
            if pending is None:
                pending = self._answers[key] = Future()
        if not mine:
            return pending.result()
        try:
            pending.set_result(compute())
        except BaseException as exc:
            with self._lock:
                del self._answers[key]
            pending.set_exception(exc)
            raise
        return pending.result()

    def put(self, key: K, value: V) -> None:
        done: Future[V] = Future()
        done.set_result(value)
        with self._lock:
            self._answers[key] = done


class RegistryClient(ABC):
    """One ecosystem's registry. ``None`` answers mean "not there"; a failure raises
    ``SourceError`` (``NetworkError`` included) with a one-line reason."""

    ecosystem: ClassVar[Ecosystem]

    @property
    @abstractmethod
    def shown(self) -> str:
        """The registry's base URL for display (redacted)."""

    @abstractmethod
    def project(self, name: str) -> Project | None:
        """The project, or None when the registry has no such name."""

    @abstractmethod
    def requirements(self, name: str, version: str) -> Requirements | None:
        """The release's requirements, or None when the registry does not publish them."""

    def license(self, name: str, version: str) -> DeclaredLicense | None:
        """What the release declares about its licence; None when the registry publishes
        nothing about it (the Go proxy: module licences are in their source)."""
        return None

    def registry_for(self, name: str) -> str:
        """The registry that serves ``name`` (npm scopes may have their own), for display."""
        return self.shown

    def release(self, name: str, version: str) -> Release | None:
        """One release with its date (Go asks per version; the others read the project)."""
        project = self.project(name)
        return project.release(version) if project is not None else None


def sort_releases(ecosystem: Ecosystem, releases: Iterable[Release]) -> tuple[Release, ...]:
    """Releases in ascending version order; unparsable versions dropped, duplicates merged.
    Each comes back knowing whether it is a pre-release (it was parsed here anyway)."""
    scheme = scheme_for(ecosystem)
    keyed: dict[Any, Release] = {}
    for release in releases:
        try:
            key = scheme.parse(release.version)
        except InvalidVersion:
            continue
        keyed.setdefault(key, release)
    return tuple(_with_prerelease(keyed[k], _key_is_prerelease(k)) for k in sorted(keyed))


def _with_prerelease(release: Release, flag: bool) -> Release:
    return Release(
        version=release.version,
        published=release.published,
        yanked=release.yanked,
        yanked_reason=release.yanked_reason,
        deprecated=release.deprecated,
        requires_python=release.requires_python,
        files=release.files,
        prerelease=flag,
        license=release.license,
    )


def _key_is_prerelease(key: Any) -> bool:
    if isinstance(key, Version):
        return key.is_prerelease
    return bool(key[3] == 0)  # SemVer keys (npm, Go): the release flag is 0 for pre-releases


_FRACTION = re.compile(r"\.(\d+)")


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 timestamp (``Z`` or an offset; naive means UTC) as an aware datetime."""
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:  # the usual forms (3 or 6 fraction digits) at once
        parsed = datetime.fromisoformat(text)
    except ValueError:
        # Python 3.10 reads only 3 or 6 fraction digits; registries write anything from 1 to 9
        text = _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], text, count=1)
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
