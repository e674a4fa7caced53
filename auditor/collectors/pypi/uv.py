"""``uv.lock`` (lock ``version = 1``, any revision).

Each ``[[package]]`` has a ``source``: ``registry`` (an index URL, recorded in
``registries``), ``git`` (``url?rev=...#commit``), ``url``, ``path``, ``directory``,
``editable`` or ``virtual``. The workspace members (``[manifest] members``, or the project at
``.`` when there is only one) are not packages but roots (``root_id(file, member)``): their
``dependencies``, ``optional-dependencies`` (scope ``extra:NAME``) and ``dev-dependencies``
(scope ``dev`` or ``group:NAME``) become root edges. A virtual workspace root's own
requirements (``[manifest] requirements`` and ``[manifest.dependency-groups]``) hang from
the file's root.

Dependencies name a package, and add ``version``/``source`` when that name is locked more
than once (e.g. for different ``resolution-markers``), which binds them exactly. Hashes come
from ``sdist`` and ``wheels``. Scopes are left to the graph, which derives them from the
roots' edges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlsplit, urlunsplit

from auditor.collectors.base import Collector, FileReader, InputFile
from auditor.collectors.common import entry_points, hang_from_root, parse_hash
from auditor.collectors.pypi.deps import (
    edge_scope,
    extra_scope,
    group_scope,
    parse_constraint,
    requirement_text,
)
from auditor.collectors.pypi.pyproject import python_versions
from auditor.core.documents import Doc, LineIndex, load_toml, type_name
from auditor.core.model import (
    CollectResult,
    Ecosystem,
    Edge,
    Hash,
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

SUPPORTED_VERSION = 1
_HEADER = r"^[ \t]*\[\[[ \t]*package[ \t]*\]\]"
_LOCAL = ("editable", "virtual", "path", "directory")
_SOURCE_LINE = r"^source\s*=\s*\{\s*(registry|git|editable|virtual|path|directory|url)\s*="


@dataclass(frozen=True, kw_only=True)
class _Node:
    """A ``[[package]]`` entry: a package, a workspace member (a root), or skipped."""

    doc: Doc
    name: str
    version: str | None
    source: Source
    node_id: str | None  # package or root id; None when skipped


class UvLockCollector(Collector):
    name = "uv-lock"
    ecosystem = Ecosystem.PYPI
    filenames = ("uv.lock",)
    description = "uv lockfile"

    def sniff(self, text: str) -> bool:
        head = text[:65536]
        return (
            re.search(r"^version\s*=\s*\d+\s*$", head, re.M) is not None
            and re.search(_SOURCE_LINE, head, re.M) is not None
        )

    def collect(self, file: InputFile, reader: FileReader) -> CollectResult:
        doc = load_toml(file)
        doc.mapping()
        _check_version(doc)
        doc.opt_array("resolution-markers")
        manifest = doc.opt_table("manifest")
        members = (
            {canonical_pypi_name(m) for m in manifest.strings("members")} if manifest else set()
        )
        tables = doc.opt_array("package")
        headers = LineIndex(file.text).lines_matching(_HEADER)
        lines = headers if len(headers) == len(tables) else [None] * len(tables)
        registries: set[str] = set()
        nodes: list[_Node] = []
        roots: list[Root] = []
        packages: list[Package] = []
        skipped: list[SkippedPackage] = []
        explicit_members = bool(members)
        for table, line in zip(tables, lines, strict=True):
            location = Location(path=file.path, line=line, key=table.key)
            node, made = _entry(
                file.path,
                table,
                location,
                members=members,
                explicit_members=explicit_members,
                registries=registries,
            )
            nodes.append(node)
            if isinstance(made, Root):
                roots.append(made)
            elif isinstance(made, Package):
                packages.append(made)
            else:
                skipped.append(made)
        resolver = _Resolver(nodes)
        edges: list[Edge] = []
        for node in nodes:
            if node.node_id is not None:
                edges.extend(_edges(node, node.node_id, resolver))
        file_root = _workspace_root(file.path, manifest, resolver)
        if file_root is not None:
            roots.insert(0, file_root[0])
            edges.extend(file_root[1])
        if not roots:
            # No member recorded (a hand-trimmed file): the packages nobody depends on
            # are what the project asked for.
            root = Root(
                id=root_id(file.path), name=file.path, ecosystem=self.ecosystem, path=file.path
            )
            roots.append(root)
            edges.extend(hang_from_root(root, entry_points(packages, edges)))
        # the workspace's requires-python is every member's (and the file root's)
        python = python_versions(doc.opt_string("requires-python"))
        roots = [replace(r, requires_python=python) for r in roots]
        return CollectResult(
            path=file.path,
            collector=self.name,
            ecosystem=self.ecosystem,
            roots=tuple(roots),
            packages=tuple(packages),
            edges=tuple(edges),
            skipped=tuple(skipped),
            registries=tuple(sorted(registries)),
            files=(file.path,),
        )


def _check_version(doc: Doc) -> None:
    version = doc.opt_child("version")
    if version is None:
        return
    if not isinstance(version.value, int) or isinstance(version.value, bool):
        doc.fail(f"'version' is {type_name(version.value)}, expected an integer")
    if version.value != SUPPORTED_VERSION:
        doc.fail(f"uv.lock version {version.value} is not supported (expected {SUPPORTED_VERSION})")


def _entry(
    path: str,
    table: Doc,
    location: Location,
    *,
    members: set[str],
    explicit_members: bool,
    registries: set[str],
) -> tuple[_Node, Root | Package | SkippedPackage]:
    name = table.string("name")
    version = table.opt_string("version")
    source, local = _source(table, registries)
    canonical = canonical_pypi_name(name)
    is_member = canonical in members or (
        not explicit_members and local in ("editable", "virtual") and source.url == "."
    )
    if is_member:
        root = Root(
            id=root_id(path, canonical), name=canonical, ecosystem=Ecosystem.PYPI, path=path
        )
        return _Node(
            doc=table, name=canonical, version=version, source=source, node_id=root.id
        ), root
    if not version:
        local_source = not source.is_registry and source.url is not None
        skip = SkippedPackage(
            ecosystem=Ecosystem.PYPI,
            name=canonical,
            requirement=f"{name} @ {source.url}" if local_source else name,
            reason=(
                f"{local or source.kind.value} source without a version"
                if not source.is_registry
                else "no version recorded"
            ),
            location=location,
        )
        return _Node(doc=table, name=canonical, version=None, source=source, node_id=None), skip
    package = Package(
        ecosystem=Ecosystem.PYPI,
        name=name,
        version=version,
        source=source,
        hashes=_hashes(table),
        found_in=(location,),
    )
    return _Node(
        doc=table, name=canonical, version=version, source=source, node_id=package.id
    ), package


def _source(table: Doc, registries: set[str]) -> tuple[Source, str | None]:
    """The package's source, and which local kind (editable, virtual, ...) it is."""
    source = table.opt_table("source")
    if source is None:
        return Source(), None
    entries = dict(source.items())
    if "registry" in entries:
        # an index URL, or the path of a local directory of distributions
        url = entries["registry"].as_str()
        shown = redact_url(url) if "://" in url else url
        if "://" in url:
            registries.add(shown)
        return Source(kind=SourceKind.REGISTRY, url=shown), None
    if "git" in entries:
        return _git(entries["git"].as_str()), None
    if "url" in entries:
        return Source(
            kind=SourceKind.URL,
            url=redact_url(entries["url"].as_str()),
            subdirectory=source.opt_string("subdirectory"),
        ), None
    for local in _LOCAL:
        if local in entries:
            kind = SourceKind.EDITABLE if local == "editable" else SourceKind.PATH
            return Source(kind=kind, url=entries[local].as_str()), local
    return source.fail(f"unknown source (keys: {', '.join(sorted(entries)) or 'none'})")


def _git(text: str) -> Source:
    """``https://host/repo?rev=v1&subdirectory=x#<commit>``."""
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed IPv6 bracket: keep the text, redacted
        return Source(kind=SourceKind.GIT, url=redact_url(text))
    query = parse_qs(parts.query)
    subdirectory = query.get("subdirectory", [None])[0]
    bare = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    reference = parts.fragment or next(
        (query[k][0] for k in ("rev", "tag", "branch") if k in query), None
    )
    return Source(
        kind=SourceKind.GIT, url=redact_url(bare), reference=reference, subdirectory=subdirectory
    )


def _hashes(table: Doc) -> frozenset[Hash]:
    found: set[Hash] = set()
    sdist = table.opt_table("sdist")
    artifacts = ([sdist] if sdist is not None else []) + table.opt_array("wheels")
    for artifact in artifacts:
        text = artifact.opt_string("hash")
        parsed = parse_hash(text) if text else None
        if parsed is not None:
            found.add(parsed)
    return frozenset(found)


class _Resolver:
    """Finds the node(s) a dependency table (``{name, version?, source?, specifier?}``)
    points at."""

    def __init__(self, nodes: list[_Node]) -> None:
        self._by_name: dict[str, list[_Node]] = {}
        for node in nodes:
            self._by_name.setdefault(node.name, []).append(node)

    def resolve(self, dep: Doc) -> list[_Node]:
        name = canonical_pypi_name(dep.string("name"))
        candidates = self._by_name.get(name, [])
        version = dep.opt_string("version")
        if version is not None and len(candidates) > 1:
            candidates = [c for c in candidates if c.version == version] or candidates
        if dep.opt_child("source") is not None and len(candidates) > 1:
            wanted = _source(dep, set())[0]
            candidates = [c for c in candidates if c.source == wanted] or candidates
        specifier = dep.opt_string("specifier")
        constraint = parse_constraint(specifier) if specifier else None
        if constraint is not None and len(candidates) > 1:
            candidates = [
                c for c in candidates if c.version is None or constraint.contains(c.version)
            ] or candidates
        return candidates


def _dependency_edges(
    parent: str, deps: list[Doc], resolver: _Resolver, scope: str | None
) -> list[Edge]:
    edges: list[Edge] = []
    for dep in deps:
        dep.mapping()
        requirement = requirement_text(
            dep.string("name"),
            dep.opt_string("specifier"),
            extras=dep.strings("extra"),
            marker=dep.opt_string("marker"),
        )
        edges.extend(
            Edge(parent=parent, child=node.node_id, requirement=requirement, scope=scope)
            for node in resolver.resolve(dep)
            if node.node_id is not None
        )
    return edges


def _edges(node: _Node, parent: str, resolver: _Resolver) -> list[Edge]:
    table = node.doc
    edges = _dependency_edges(parent, table.opt_array("dependencies"), resolver, None)
    optional = table.opt_table("optional-dependencies")
    if optional is not None:
        for extra, deps in optional.items():
            edges += _dependency_edges(parent, deps.as_list(), resolver, extra_scope(extra))
    dev = table.opt_table("dev-dependencies")
    if dev is not None:
        for group, deps in dev.items():
            scope = edge_scope(group_scope(group))
            edges += _dependency_edges(parent, deps.as_list(), resolver, scope)
    return edges


def _workspace_root(
    path: str, manifest: Doc | None, resolver: _Resolver
) -> tuple[Root, list[Edge]] | None:
    """A virtual workspace root's own requirements: ``[manifest] requirements`` and
    ``[manifest.dependency-groups]``."""
    if manifest is None:
        return None
    requirements = manifest.opt_array("requirements")
    groups = manifest.opt_table("dependency-groups")
    if not requirements and groups is None:
        return None
    root = Root(id=root_id(path), name=path, ecosystem=Ecosystem.PYPI, path=path)
    found = _dependency_edges(root.id, requirements, resolver, None)
    if groups is not None:
        for group, deps in groups.items():
            found += _dependency_edges(
                root.id, deps.as_list(), resolver, edge_scope(group_scope(group))
            )
    return root, found
