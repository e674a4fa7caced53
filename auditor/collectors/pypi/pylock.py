"""``pylock.toml`` / ``pylock.<name>.toml`` (PEP 751, lock-version 1.x).

The file is validated the way ``packaging.pylock`` validates it, with errors that name the
key path (``pylock.toml: 'version' is an integer, expected a string in packages[0]``): the
top-level keys, each package's ``name``/``version``/``marker``, and its source, which is
either distributions (``sdist``/``wheels``, each with ``hashes``, from ``index``) or one of
``vcs``/``directory``/``archive``. Unlike ``packaging``, a package with no source at all is
accepted as a registry package (some tools write name and version only), and
``created-by`` may be missing.

A package without a version (a VCS checkout or a local directory, as PEP 751 allows) is
skipped with the reason. Edges come from ``packages[].dependencies`` (references by name,
version, ...), or from PDM's ``[packages.tool.pdm] dependencies`` strings. Scopes come from
the package marker's ``'<group>' in dependency_groups`` and ``'<extra>' in extras`` tests
(the group ``default`` is ``main``). pylock.toml records no root: the ``pyproject.toml``
beside it gives the direct dependencies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.collectors.base import Collector, FileReader, InputFile
from auditor.collectors.common import parse_hash
from auditor.collectors.pypi.deps import (
    ALWAYS,
    Condition,
    Locked,
    LockIndex,
    extra_scope,
    group_scope,
    merge_packages,
    parse_requirement,
)
from auditor.collectors.pypi.pyproject import (
    direct_edges,
    project_root,
    python_versions,
    read_manifest,
)
from auditor.core.documents import Doc, LineIndex, load_toml
from auditor.core.model import (
    CollectResult,
    Ecosystem,
    Edge,
    Hash,
    Location,
    Package,
    SkippedPackage,
    Source,
    SourceKind,
    canonical_pypi_name,
)
from auditor.core.redact import redact_url

SUPPORTED_MAJOR = 1
_HEADER = r"^[ \t]*\[\[[ \t]*packages[ \t]*\]\]"
_MARKER_SCOPE = re.compile(r"""["']([^"']+)["']\s+in\s+(extras|dependency_groups)\b""")
_DIRECT = ("vcs", "directory", "archive")


@dataclass(frozen=True, kw_only=True)
class _Entry:
    doc: Doc
    package: Package
    condition: Condition


class PylockCollector(Collector):
    name = "pylock"
    ecosystem = Ecosystem.PYPI
    filenames = ("pylock.toml", "pylock.*.toml")
    description = "PEP 751 lock file"

    def sniff(self, text: str) -> bool:
        head = text[:65536]
        return re.search(r"^lock-version\s*=", head, re.M) is not None and (
            re.search(_HEADER, head, re.M) is not None
            or re.search(r"^packages\s*=", head, re.M) is not None
        )

    def collect(self, file: InputFile, reader: FileReader) -> CollectResult:
        doc = load_toml(file)
        _check_top(doc)
        tables = doc.array("packages")
        headers = LineIndex(file.text).lines_matching(_HEADER)
        lines = headers if len(headers) == len(tables) else [None] * len(tables)
        registries: set[str] = set()
        entries: list[_Entry] = []
        skipped: list[SkippedPackage] = []
        for table, line in zip(tables, lines, strict=True):
            location = Location(path=file.path, line=line, key=table.key)
            found = _entry(table, location, registries)
            if isinstance(found, SkippedPackage):
                skipped.append(found)
            else:
                entries.append(found)
        packages = merge_packages(e.package for e in entries)
        index = LockIndex(Locked(package=e.package, condition=e.condition) for e in entries)
        edges = [edge for e in entries for edge in _edges(e, index)]
        manifest = read_manifest(file, reader)
        root = project_root(
            file,
            manifest,
            self.ecosystem,
            requires_python=python_versions(doc.opt_string("requires-python")),
        )
        root_edges, not_locked = direct_edges(root, manifest, index, packages, edges)
        return CollectResult(
            path=file.path,
            collector=self.name,
            ecosystem=self.ecosystem,
            roots=(root,),
            packages=tuple(packages),
            edges=tuple(root_edges + edges),
            skipped=tuple(skipped + not_locked),
            registries=tuple(sorted(registries)),
            files=(file.path,) if manifest is None else (file.path, manifest.path),
        )


def _check_top(doc: Doc) -> None:
    doc.mapping()
    version = doc.string("lock-version")
    major = version.split(".", 1)[0]
    if not (major.isascii() and major.isdigit()) or int(major) != SUPPORTED_MAJOR:
        doc.child("lock-version").fail(f"lock-version {version} is not supported (expected 1.x)")
    doc.opt_string("created-by")
    doc.opt_string("requires-python")
    for key in ("environments", "extras", "dependency-groups", "default-groups"):
        doc.strings(key)
    doc.opt_table("tool")


def _entry(table: Doc, location: Location, registries: set[str]) -> _Entry | SkippedPackage:
    name = table.string("name")
    version = table.opt_string("version")
    marker = table.opt_string("marker")
    requires_python = python_versions(table.opt_string("requires-python"))
    source, what = _source(table, registries)
    hashes = _hashes(table)
    if not version:
        return SkippedPackage(
            ecosystem=Ecosystem.PYPI,
            name=canonical_pypi_name(name),
            requirement=name if source.url is None else f"{name} @ {source.url}",
            reason="no version recorded" if what is None else f"{what} source without a version",
            location=location,
        )
    package = Package(
        ecosystem=Ecosystem.PYPI,
        name=name,
        version=version,
        source=source,
        hashes=hashes,
        scopes=_scopes(marker),
        found_in=(location,),
        requires_python=requires_python,
    )
    return _Entry(doc=table, package=package, condition=Condition(marker) if marker else ALWAYS)


def _source(table: Doc, registries: set[str]) -> tuple[Source, str | None]:
    """The package's source and, for a direct one, which key gave it."""
    direct = [key for key in _DIRECT if table.opt_child(key) is not None]
    distributions = table.opt_child("sdist") is not None or bool(table.opt_array("wheels"))
    if direct and distributions:
        table.fail(f"{direct[0]!r} cannot be combined with 'sdist' or 'wheels'")
    if len(direct) > 1:
        table.fail(f"only one of 'vcs', 'directory', 'archive' may be set, found {direct}")
    if direct == ["vcs"]:
        return _vcs(table.table("vcs")), "vcs"
    if direct == ["directory"]:
        directory = table.table("directory")
        kind = SourceKind.EDITABLE if directory.flag("editable") else SourceKind.PATH
        return Source(
            kind=kind,
            url=directory.string("path"),
            subdirectory=directory.opt_string("subdirectory"),
        ), "directory"
    if direct == ["archive"]:
        archive = table.table("archive")
        url, path = _location(archive, required=True)
        subdirectory = archive.opt_string("subdirectory")
        kind = SourceKind.URL if url else SourceKind.PATH
        return Source(kind=kind, url=url or path, subdirectory=subdirectory), "archive"
    index = table.opt_string("index")
    if index:
        shown = redact_url(index)
        registries.add(shown)
        return Source(kind=SourceKind.REGISTRY, url=shown), None
    return Source(), None


def _vcs(vcs: Doc) -> Source:
    kind = vcs.string("type")
    commit = vcs.string("commit-id")
    url, path = _location(vcs, required=True)
    subdirectory = vcs.opt_string("subdirectory")
    if kind == "git":
        return Source(
            kind=SourceKind.GIT, url=url or path, reference=commit, subdirectory=subdirectory
        )
    # Mercurial, Subversion, Bazaar: keep the VCS in the URL, as pip spells it
    return Source(
        kind=SourceKind.URL,
        url=f"{kind}+{url or path}",
        reference=commit,
        subdirectory=subdirectory,
    )


def _location(table: Doc, *, required: bool) -> tuple[str | None, str | None]:
    url = table.opt_string("url")
    path = table.opt_string("path")
    if required and not url and not path:
        table.fail("missing 'url' or 'path'")
    return (redact_url(url) if url else None), path


def _hashes(table: Doc) -> frozenset[Hash]:
    artifacts = [table.table(k) for k in ("sdist", "archive") if table.opt_child(k) is not None]
    artifacts += table.opt_array("wheels")
    found: set[Hash] = set()
    for artifact in artifacts:
        artifact.opt_string("name")
        # PEP 751 wants a url or path here; PDM writes the file name only, which still
        # identifies the file on the index, so that is accepted.
        _location(artifact, required=False)
        hashes = artifact.table("hashes")
        if not hashes.mapping():
            hashes.fail("at least one hash is required")
        for algorithm, value in hashes.items():
            parsed = parse_hash(f"{algorithm}:{value.as_str()}")
            if parsed is not None:
                found.add(parsed)
    return frozenset(found)


def _scopes(marker: str | None) -> frozenset[str]:
    scopes = set()
    for name, kind in _MARKER_SCOPE.findall(marker or ""):
        if kind == "extras":
            scopes.add(extra_scope(name))
        else:
            scopes.add("main" if canonical_pypi_name(name) == "default" else group_scope(name))
    return frozenset(scopes)


def _edges(entry: _Entry, index: LockIndex) -> list[Edge]:
    parent = entry.package.id
    edges: list[Edge] = []
    for ref in entry.doc.opt_array("dependencies"):
        ref.mapping()
        name = ref.string("name")
        version = ref.opt_string("version")
        requirement = name if version is None else f"{name}=={version}"
        edges.extend(
            Edge(parent=parent, child=child.id, requirement=requirement)
            for child in index.bind(name, version=version)
            if child.id != parent
        )
    if edges or entry.doc.opt_child("dependencies") is not None:
        return edges
    return _pdm_edges(entry, index)


def _pdm_edges(entry: _Entry, index: LockIndex) -> list[Edge]:
    """PDM records requirement strings under ``[packages.tool.pdm] dependencies``."""
    tool = entry.doc.opt_table("tool")
    pdm = tool.opt_table("pdm") if tool is not None else None
    if pdm is None:
        return []
    edges: list[Edge] = []
    for item in pdm.opt_array("dependencies"):
        requirement = parse_requirement(item)
        marker = str(requirement.marker) if requirement.marker is not None else None
        condition = (Condition(marker) if marker else ALWAYS).both(entry.condition)
        spec = str(requirement.specifier) or None
        edges.extend(
            Edge(parent=entry.package.id, child=child.id, requirement=str(requirement))
            for child in index.bind(requirement.name, constraint=spec, condition=condition)
            if child.id != entry.package.id
        )
    return edges
