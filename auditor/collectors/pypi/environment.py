"""An installed Python environment: a virtual environment or a ``site-packages`` folder.

Like ``pip list`` (and pip-audit's default mode), the packages are the distributions
installed there: each ``*.dist-info`` folder's ``METADATA`` (``*.egg-info``: ``PKG-INFO`` and
``requires.txt``) gives the name and version. Their ``Requires-Dist`` give the edges, with
markers evaluated for that environment's Python: the version ``pyvenv.cfg`` records
(``version_info``/``version``; for a bare ``site-packages`` folder, the ``pythonX.Y`` in its
path) on this machine's platform (Windows for a ``Lib/site-packages`` layout). A
requirement's extras add the dependencies behind ``extra == "..."``. The distributions
nothing installed depends on hang from the root, as ``pip list --not-required`` lists them.

``direct_url.json`` (PEP 610) tells a distribution installed from elsewhere than an index:
an editable or local folder, a VCS checkout (git commit), an archive URL. The environment's
base interpreter (``include-system-site-packages = true``) is outside the environment and
not read. A distribution whose metadata cannot be read is skipped with the reason; a
required distribution that is not installed too.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser
from urllib.parse import unquote, urlsplit

from packaging.markers import (
    InvalidMarker,
    UndefinedComparison,
    UndefinedEnvironmentName,
    default_environment,
)
from packaging.requirements import InvalidRequirement, Requirement

from auditor.collectors.base import Collector, FileReader, InputFile
from auditor.collectors.common import entry_points, hang_from_root
from auditor.core.errors import LockfileError
from auditor.core.model import (
    CollectResult,
    Ecosystem,
    Edge,
    Location,
    Package,
    Root,
    SkippedPackage,
    Source,
    SourceKind,
    canonical_pypi_name,
    root_id,
)
from auditor.core.redact import redact_url
from auditor.licenses.declared import ENVIRONMENT, python_license
from auditor.versions.markers import PLATFORMS

CONFIG = "pyvenv.cfg"
_PYTHON = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?")
_PATH_PYTHON = re.compile(r"(?:^|/)(?:python|pypy)(\d+)\.(\d+)(?:/|$)")
_LIB_FOLDERS = ("lib", "lib64")


@dataclass(frozen=True, kw_only=True)
class _Dist:
    """One installed distribution and what it requires."""

    package: Package
    requires: tuple[str, ...]
    where: Location


class PythonEnvironmentCollector(Collector):
    name = "python-environment"
    ecosystem = Ecosystem.PYPI
    filenames = (CONFIG,)
    description = "installed Python environment (virtual environment or site-packages)"

    def sniff(self, text: str) -> bool:
        return re.search(r"^home\s*=", text[:4096], re.M) is not None and "version" in text[:4096]

    def collect(self, file: InputFile, reader: FileReader) -> CollectResult:
        in_venv = posixpath.basename(file.path) == CONFIG
        config = _config(file) if in_venv else {}
        python = _python(config.get("version_info") or config.get("version") or "")
        if in_venv:
            sites, windows = _venv_sites(file, reader)
            name = posixpath.dirname(file.path) or "."
        else:
            sites, windows = ["."], "/Lib/" in f"/{file.path}/"
            name = file.path
        if python is None and not in_venv:
            found = _PATH_PYTHON.search(file.path)
            python = (found[1], found[2], "") if found else None
        if not sites:
            raise LockfileError(
                file.path, "no site-packages folder (looked in lib/python*/ and Lib/)"
            )
        environment = _environment(python, windows, config.get("implementation"))
        skipped: list[SkippedPackage] = []
        dists: dict[str, _Dist] = {}
        files = [file.path]
        for site in sites:
            for entry in reader.list_dir(file, site):
                folder = posixpath.normpath(f"{site}/{entry}")
                dist = _read_dist(file, reader, folder, skipped=skipped, files=files)
                if dist is not None:
                    dists.setdefault(dist.package.name, dist)
        edges = _edges(dists, environment, skipped)
        packages = [d.package for d in dists.values()]
        requires_python = f"=={python[0]}.{python[1]}.*" if python else None
        root = Root(
            id=root_id(file.path),
            name=name,
            ecosystem=Ecosystem.PYPI,
            path=file.path,
            requires_python=requires_python,
        )
        edges += hang_from_root(root, entry_points(packages, edges))
        return CollectResult(
            path=file.path,
            collector=self.name,
            ecosystem=Ecosystem.PYPI,
            roots=(root,),
            packages=tuple(sorted(packages, key=lambda p: p.id)),
            edges=tuple(sorted(set(edges))),
            skipped=tuple(sorted(set(skipped))),
            files=tuple(files),
        )


def _config(file: InputFile) -> dict[str, str]:
    """``key = value`` lines, as CPython's ``site`` module reads pyvenv.cfg (others ignored)."""
    found = {}
    for line in file.text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            found[key.strip().lower()] = value.strip()
    return found


def _python(text: str) -> tuple[str, str, str] | None:
    match = _PYTHON.match(text)
    return (match[1], match[2], match[3] or "") if match else None


def _venv_sites(file: InputFile, reader: FileReader) -> tuple[list[str], bool]:
    """The site-packages folders of a virtual environment, and whether it is Windows'."""
    if "site-packages" in reader.list_dir(file, "Lib"):
        return ["Lib/site-packages"], True
    for lib in _LIB_FOLDERS:  # lib64 is usually a link to lib: read it only alone
        sites = [
            f"{lib}/{name}/site-packages"
            for name in reader.list_dir(file, lib)
            if name.startswith(("python", "pypy"))
            and reader.list_dir(file, f"{lib}/{name}/site-packages")
        ]
        if sites:
            return sites, False
    return [], False


def _environment(
    python: tuple[str, str, str] | None, windows: bool, implementation: str | None
) -> dict[str, str]:
    env = {key: str(value) for key, value in default_environment().items()}
    if windows:
        env.update(PLATFORMS["windows"])
    if python is not None:
        major, minor, micro = python
        env["python_version"] = f"{major}.{minor}"
        env["python_full_version"] = f"{major}.{minor}.{micro or 0}"
    if implementation:
        env["implementation_name"] = implementation.lower()
        env["platform_python_implementation"] = {"cpython": "CPython", "pypy": "PyPy"}.get(
            implementation.lower(), implementation
        )
    return env


def _read_dist(
    file: InputFile,
    reader: FileReader,
    folder: str,
    *,
    skipped: list[SkippedPackage],
    files: list[str],
) -> _Dist | None:
    """The distribution installed in ``folder`` (relative to the input), if it is one."""
    entry = posixpath.basename(folder)
    if entry.endswith(".dist-info"):
        metadata_name, requires_name = "METADATA", None
    elif entry.endswith(".egg-info"):
        metadata_name, requires_name = "PKG-INFO", "requires.txt"
    else:
        return None
    inside = reader.list_dir(file, folder)
    shown = _shown(file, folder)
    if metadata_name not in inside:
        skipped.append(_broken(entry, f"{folder} has no {metadata_name}", Location(path=shown)))
        return None
    try:
        metadata = reader.read_relative(file, f"{folder}/{metadata_name}")
    except LockfileError as exc:
        skipped.append(_broken(entry, exc.render(), Location(path=shown)))
        return None
    files.append(metadata.path)
    headers = HeaderParser().parsestr(metadata.text)
    name, version = headers.get("Name"), headers.get("Version")
    where = Location(path=metadata.path, line=_line_of(metadata.text, "Version:"))
    if not name or not version or not str(name).strip() or not str(version).strip():
        skipped.append(
            _broken(str(name or entry), f"{metadata_name} has no Name or Version", where)
        )
        return None
    requires = [str(r) for r in headers.get_all("Requires-Dist") or []]
    if requires_name is not None and requires_name in inside:
        requires += _egg_requires(reader.read_relative(file, f"{folder}/{requires_name}"), files)
    source = _source(file, reader, folder, inside)
    package = Package(
        ecosystem=Ecosystem.PYPI,
        name=str(name).strip(),
        version=str(version).strip(),
        source=source,
        found_in=(where,),
        requires_python=(str(headers.get("Requires-Python")).strip() or None)
        if headers.get("Requires-Python")
        else None,
        license=python_license(
            expression=_header(headers, "License-Expression"),
            text=_header(headers, "License"),
            classifiers=[str(c) for c in headers.get_all("Classifier") or []],
            source=ENVIRONMENT,
        ),
    )
    return _Dist(package=package, requires=tuple(requires), where=where)


def _header(headers: Message, name: str) -> str | None:
    value = headers.get(name)
    return str(value) if value is not None else None


def _shown(file: InputFile, folder: str) -> str:
    """``folder`` (relative to the input) as displayed."""
    base = posixpath.dirname(file.path) if posixpath.basename(file.path) == CONFIG else file.path
    return posixpath.normpath(posixpath.join(base, folder))


def _line_of(text: str, header: str) -> int | None:
    at = text.find(f"\n{header}")
    if text.startswith(header):
        return 1
    return text.count("\n", 0, at) + 2 if at >= 0 else None


def _broken(name: str, reason: str, where: Location) -> SkippedPackage:
    return SkippedPackage(
        ecosystem=Ecosystem.PYPI,
        name=canonical_pypi_name(re.split(r"-\d", name, maxsplit=1)[0].removesuffix(".dist-info")),
        requirement=name,
        reason=reason,
        location=where,
    )


def _egg_requires(file: InputFile, files: list[str]) -> list[str]:
    """setuptools' requires.txt: plain lines, then ``[extra]``, ``[:marker]`` or
    ``[extra:marker]`` sections; as Requires-Dist strings."""
    files.append(file.path)
    found = []
    marker = None
    for raw in file.text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            extra, _, condition = line[1:-1].partition(":")
            parts = [f"({condition})"] if condition else []
            if extra:
                parts.append(f'extra == "{extra}"')
            marker = " and ".join(parts) or None
            continue
        found.append(f"{line}; {marker}" if marker else line)
    return found


def _source(file: InputFile, reader: FileReader, folder: str, inside: tuple[str, ...]) -> Source:
    """PEP 610 ``direct_url.json``: where a distribution not from an index came from."""
    if "direct_url.json" not in inside:
        return Source()
    text = reader.read_relative(file, f"{folder}/direct_url.json").text
    try:
        data = json.loads(text)
    except ValueError:
        return Source()
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return Source()
    url: str = data["url"]
    local = unquote(urlsplit(url).path) if url.startswith("file:") else None
    subdirectory = data.get("subdirectory") if isinstance(data.get("subdirectory"), str) else None
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict):
        commit = vcs.get("commit_id")
        return Source(
            kind=SourceKind.GIT if vcs.get("vcs") == "git" else SourceKind.URL,
            url=redact_url(url),
            reference=commit if isinstance(commit, str) else None,
            subdirectory=subdirectory,
        )
    info = data.get("dir_info")
    if isinstance(info, dict):
        kind = SourceKind.EDITABLE if info.get("editable") is True else SourceKind.PATH
        return Source(kind=kind, url=local or redact_url(url), subdirectory=subdirectory)
    if local is not None:
        return Source(kind=SourceKind.PATH, url=local)
    return Source(kind=SourceKind.URL, url=redact_url(url))


def _holds(requirement: Requirement, environment: dict[str, str], extra: str) -> bool:
    if requirement.marker is None:
        return not extra
    try:
        return requirement.marker.evaluate({**environment, "extra": extra})
    except (UndefinedComparison, UndefinedEnvironmentName, InvalidMarker):
        return True  # a marker packaging cannot evaluate: keep the edge


def _edges(
    dists: dict[str, _Dist], environment: dict[str, str], skipped: list[SkippedPackage]
) -> list[Edge]:
    """Edges for every requirement whose marker holds, following the extras asked for."""
    edges: list[Edge] = []
    parsed: dict[str, list[Requirement]] = {}
    for key, dist in dists.items():
        reqs = []
        for text in dist.requires:
            try:
                reqs.append(Requirement(text))
            except InvalidRequirement:
                skipped.append(
                    SkippedPackage(
                        ecosystem=Ecosystem.PYPI,
                        name=key,
                        requirement=text[:200],
                        reason="a Requires-Dist that is not a PEP 508 requirement",
                        location=dist.where,
                    )
                )
        parsed[key] = reqs
    asked: set[tuple[str, str]] = {(key, "") for key in dists}
    todo = list(asked)
    while todo:
        key, extra = todo.pop()
        dist = dists[key]
        for requirement in parsed[key]:
            if not _holds(requirement, environment, extra):
                continue
            child = canonical_pypi_name(requirement.name)
            target = dists.get(child)
            if target is None:
                skipped.append(
                    SkippedPackage(
                        ecosystem=Ecosystem.PYPI,
                        name=child,
                        requirement=str(requirement),
                        reason=f"required by {dist.package.display} but not installed",
                        location=dist.where,
                    )
                )
                continue
            edges.append(
                Edge(parent=dist.package.id, child=target.package.id, requirement=str(requirement))
            )
            for wanted in requirement.extras:
                item = (child, canonical_pypi_name(wanted))
                if item not in asked:
                    asked.add(item)
                    todo.append(item)
    return edges
