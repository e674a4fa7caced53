"""``pnpm-lock.yaml`` (pnpm): lockfile versions 5.x, 6.x and 9.0, workspaces included.

Every project of the workspace (``importers``; the whole file when there are none) is a root;
its ``dependencies``/``devDependencies``/``optionalDependencies`` are the root's edges with
scopes main/dev/optional. Packages come from ``packages`` (one per name@version: peer-suffixed
variants such as ``foo@1.0.0(react@18.2.0)`` are the same package, and the edges of every
variant are kept); in 9.0 the dependency graph lives in ``snapshots``. A ``link:`` reference
is an edge to another workspace project. A local directory package without a version is not
a package: it is listed as skipped, and whoever depends on it is linked straight to its own
dependencies, so nothing it brings in is cut off from the roots.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from auditor.collectors.base import Collector, FileReader, InputFile
from auditor.collectors.common import parse_hash
from auditor.collectors.npm.pnpm_paths import (
    SUPPORTED_MAJORS,
    parse_key,
    reference_key,
    remove_peer_suffix,
)
from auditor.core.documents import Doc, load_yaml, type_name
from auditor.core.errors import LockfileError
from auditor.core.graph import edge_sort_key
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
    root_id,
)
from auditor.core.redact import redact_text, redact_url

IMPORTER_SECTIONS = {
    "dependencies": None,
    "devDependencies": "dev",
    "optionalDependencies": "optional",
}
PACKAGE_SECTIONS = {"dependencies": None, "optionalDependencies": "optional"}
_CODELOAD = re.compile(
    r"^https://codeload\.github\.com/([\w.-]+)/([\w.-]+)/tar\.gz/([0-9a-fA-F]{7,64})$"
)
_VERSION = re.compile(r"^(\d+)(?:\.\d+)?(?:-[\w.-]+)?$")


@dataclass(frozen=True)
class _Ref:
    """``name: reference`` in a dependency section, with the scope the section gives."""

    name: str
    ref: str
    scope: str | None
    at: Doc


@dataclass
class _Node:
    """One key of ``packages`` (5.x/6.x) or ``snapshots`` (9.0) and its outgoing references."""

    package_id: str | None  # None: not a package (local directory without a version, ...)
    transparent: bool = False  # depend on it = depend on its dependencies
    refs: list[_Ref] = field(default_factory=list)


class PnpmLockCollector(Collector):
    name = "pnpm-lock"
    ecosystem = Ecosystem.NPM
    filenames = ("pnpm-lock.yaml",)
    description = "pnpm lockfile (lockfile versions 5.x, 6.x, 9.0)"

    def sniff(self, text: str) -> bool:
        for line in text.lstrip("\ufeff").splitlines()[:20]:
            if line.strip() and not line.lstrip().startswith("#") and line.rstrip() != "---":
                return line.startswith("lockfileVersion:")
        return False

    def collect(self, file: InputFile, reader: FileReader) -> CollectResult:
        text = main_document(file.text)
        if text is None:  # only pnpm's env document: pnpm reads no lockfile from it
            return CollectResult(path=file.path, collector=self.name, ecosystem=self.ecosystem)
        main = InputFile(path=file.path, text=text)
        doc = load_yaml(main)
        if doc.value is None:
            raise LockfileError(file.path, "file has only comments, expected a pnpm lockfile")
        doc.mapping()
        return _Lockfile(main, doc).collect(self.name)


_DOCUMENT_START = "---\n"
_DOCUMENT_SEPARATOR = "\n---\n"


def main_document(text: str) -> str | None:
    """The lockfile document of a ``pnpm-lock.yaml``, read as pnpm reads it.

    pnpm 10 may write two YAML documents: its env lockfile (``configDependencies``, the
    package manager itself) and then the lockfile, each started by ``---``. pnpm takes the
    text after the first ``\\n---\\n`` following a leading ``---`` as the lockfile, or none
    when that separator is missing; without a leading ``---`` the whole text is the
    lockfile. The env document's lines are kept as blank lines, so lines still number as
    in the file. None: there is no lockfile document.
    """
    normalized = text.lstrip("\ufeff").replace("\r\n", "\n")
    if not normalized.startswith(_DOCUMENT_START):
        return text
    cut = normalized.find(_DOCUMENT_SEPARATOR, len(_DOCUMENT_START))
    if cut < 0:
        return None
    head = normalized[: cut + len(_DOCUMENT_SEPARATOR)]
    return "\n" * head.count("\n") + normalized[cut + len(_DOCUMENT_SEPARATOR) :]


class _Lockfile:
    """The state of one collection: packages, nodes, roots and what was skipped."""

    def __init__(self, file: InputFile, doc: Doc) -> None:
        self.file = file
        self.doc = doc
        self.major = _major(doc)
        self.packages: dict[str, Package] = {}
        self.nodes: dict[str, _Node] = {}
        self.skipped: dict[tuple[str, str], SkippedPackage] = {}
        self.roots: dict[str, Root] = {}
        self.edges: set[Edge] = set()
        self.lines = {
            section: _key_lines(file.text, section) for section in ("packages", "snapshots")
        }

    def collect(self, collector: str) -> CollectResult:
        self._read_packages()
        if self.major == 9:
            self._read_snapshots()
        importers = self._importers()
        for member, _body in importers:
            self._add_root(member)
        for member, body in importers:
            self._read_importer(member, body)
        for node in self.nodes.values():
            if node.package_id is not None:
                for dep in node.refs:
                    self._link(node.package_id, dep, base=".")
        return CollectResult(
            path=self.file.path,
            collector=collector,
            ecosystem=Ecosystem.NPM,
            roots=tuple(sorted(self.roots.values())),
            packages=tuple(sorted(self.packages.values(), key=lambda p: p.id)),
            edges=tuple(sorted(self.edges, key=edge_sort_key)),
            skipped=tuple(sorted(self.skipped.values())),
            files=(self.file.path,),
        )

    # -- packages and snapshots ------------------------------------------------------------

    def _read_packages(self) -> None:
        table = self.doc.opt_table("packages")
        if table is None:
            return
        for key, entry in table.items():
            body = _entry(entry)
            package, transparent = self._package(key, body)
            node = _Node(package_id=package.id if package else None, transparent=transparent)
            if self.major != 9:
                node.refs = list(_references(body))
            self.nodes[key] = node

    def _read_snapshots(self) -> None:
        table = self.doc.opt_table("snapshots")
        if table is None:
            return
        for key, entry in table.items():
            body = _entry(entry)
            base = self.nodes.get(remove_peer_suffix(key))
            if base is None:
                line = self.lines["snapshots"].get(key)
                self._skip(key, key, "has no entry in 'packages'", entry, line)
                continue
            self.nodes[key] = _Node(
                package_id=base.package_id,
                transparent=base.transparent,
                refs=list(_references(body)),
            )

    def _package(self, key: str, entry: Doc) -> tuple[Package | None, bool]:
        """The package a ``packages`` entry locks, or ``None`` (then it is skipped)."""
        parts = parse_key(key, self.major)
        name = entry.opt_string("name") or parts.name
        version = entry.opt_string("version") or parts.version
        line = self.lines["packages"].get(key)
        if not name:
            reason = "no package name in the key or the entry"
            self._skip(key, remove_peer_suffix(key), reason, entry, line)
            return None, False
        source = REGISTRY_SOURCE if parts.registry else _source(key, entry)
        if not version:
            local = source.kind is SourceKind.PATH
            where = f" ({source.url})" if source.url else ""
            reason = "local directory package without a version" if local else "no version"
            self._skip(name, remove_peer_suffix(key), reason + where, entry, line)
            return None, local
        resolution = entry.opt_table("resolution")
        integrity = resolution.opt_string("integrity") if resolution else None
        hashed = parse_hash(integrity) if integrity else None
        package = Package(
            ecosystem=Ecosystem.NPM,
            name=name,
            version=version,
            source=source,
            hashes=frozenset({hashed}) if hashed else frozenset(),
            scopes=self._scopes(entry),
            found_in=(self._location("packages", key, entry),),
        )
        known = self.packages.get(package.id)
        self.packages[package.id] = package if known is None else known.merged_with(package)
        return package, False

    def _scopes(self, entry: Doc) -> frozenset[str]:
        """5.x/6.x flags: ``dev: true`` only dev, ``dev: false`` only production, no flag
        both; ``optional: true`` installed only as an optional dependency. 9.0 has no flags:
        the graph derives scopes from the importers' edges."""
        if self.major == 9:
            return frozenset()
        dev = entry.opt_child("dev")
        flag = None if dev is None else entry.flag("dev")
        scopes = {"main", "dev"} if flag is None else ({"dev"} if flag else {"main"})
        if entry.flag("optional"):
            scopes.discard("main")
            scopes.add("optional")
        return frozenset(scopes)

    # -- importers (roots) ---------------------------------------------------------------------

    def _importers(self) -> list[tuple[str, Doc]]:
        table = self.doc.opt_table("importers")
        if table is None:
            return [(".", self.doc)]  # a single project: its sections are at the top level
        return [(posixpath.normpath(member), body) for member, body in table.items()]

    def _add_root(self, member: str) -> None:
        if member == ".":
            root = Root(
                id=root_id(self.file.path),
                name=self.file.path,
                ecosystem=Ecosystem.NPM,
                path=self.file.path,
            )
        else:
            here = posixpath.dirname(self.file.path)
            root = Root(
                id=root_id(self.file.path, member),
                name=posixpath.normpath(posixpath.join(here, member)),
                ecosystem=Ecosystem.NPM,
                path=self.file.path,
            )
        self.roots[member] = root

    def _read_importer(self, member: str, body: Doc) -> None:
        if body.value is None:
            return
        body.mapping()
        specifiers = body.opt_table("specifiers")
        root = self.roots[member]
        for section, scope in IMPORTER_SECTIONS.items():
            table = body.opt_table(section)
            if table is None:
                continue
            for name, dep in table.items():
                if isinstance(dep.value, dict):
                    ref = dep.string("version")
                    specifier = dep.opt_string("specifier")
                else:
                    ref = dep.as_str()
                    specifier = specifiers.opt_string(name) if specifiers else None
                requirement = f"{name}@{specifier}" if specifier else name
                self._link(
                    root.id, _Ref(name, ref, scope, dep), base=member, requirement=requirement
                )

    # -- edges ---------------------------------------------------------------------------------

    def _link(self, parent: str, dep: _Ref, *, base: str, requirement: str | None = None) -> None:
        """Add the edges for ``dep`` from ``parent``; ``base`` is the directory ``link:``
        paths are relative to (the importer's; the lockfile's for packages)."""
        key = reference_key(dep.ref, dep.name, self.major)
        if key is None:
            self._link_workspace(parent, dep, base)
            return
        node = self._node(key)
        if node is None:
            reason = f"locked as {key!r}, which has no entry"
            self._skip(dep.name, f"{dep.name}@{dep.ref}", reason, dep.at)
            return
        for child, inner_scope, inner_requirement in self._targets(key, node, dep.name):
            alias = self._alias(dep.name, child) if inner_requirement is None else inner_requirement
            self.edges.add(
                Edge(
                    parent=parent,
                    child=child,
                    requirement=redact_text(requirement) if requirement is not None else alias,
                    scope=dep.scope or inner_scope,
                )
            )

    def _node(self, key: str) -> _Node | None:
        node = self.nodes.get(key)
        if node is None and self.major == 9:
            node = self.nodes.get(remove_peer_suffix(key))  # a package without a snapshot
        return node

    def _targets(
        self, key: str, node: _Node, name: str
    ) -> list[tuple[str, str | None, str | None]]:
        """The package ids a reference reaches, with the scope and requirement to record:
        the node itself, or through a transparent node (a local directory without a
        version) that node's own dependencies, however deep (iterative: files can be
        hostile)."""
        if node.package_id is not None:
            return [(node.package_id, None, None)]
        found: list[tuple[str, str | None, str | None]] = []
        seen = {key}
        stack: list[tuple[_Node, str, str | None]] = (
            [(node, name, None)] if node.transparent else []
        )
        while stack:
            current, via, scope = stack.pop()
            for dep in current.refs:
                dep_key = reference_key(dep.ref, dep.name, self.major)
                dep_node = None if dep_key is None else self._node(dep_key)
                if dep_key is None or dep_node is None:
                    continue
                dep_scope = scope or dep.scope
                if dep_node.package_id is not None:
                    found.append((dep_node.package_id, dep_scope, f"{dep.name} (via {via})"))
                elif dep_node.transparent and dep_key not in seen:
                    seen.add(dep_key)
                    stack.append((dep_node, dep.name, dep_scope))
        return found

    def _alias(self, name: str, child: str) -> str | None:
        package = self.packages.get(child)
        if package is None or package.name == name:
            return None
        return f"{name}@npm:{package.name}@{package.version}"

    def _link_workspace(self, parent: str, dep: _Ref, base: str) -> None:
        target = posixpath.normpath(posixpath.join(base, dep.ref.removeprefix("link:")))
        root = self.roots.get(target)
        requirement = redact_text(f"{dep.name}@{dep.ref}")
        if root is None:
            reason = f"link to local directory {target}, which is not a workspace project"
            self._skip(dep.name, requirement, reason, dep.at)
            return
        self.edges.add(Edge(parent=parent, child=root.id, requirement=requirement, scope=dep.scope))

    # -- provenance ------------------------------------------------------------------------

    def _skip(
        self, name: str, requirement: str, reason: str, at: Doc, line: int | None = None
    ) -> None:
        if (name, requirement) in self.skipped:
            return  # peer-suffixed variants of one entry are skipped once
        self.skipped[(name, requirement)] = SkippedPackage(
            ecosystem=Ecosystem.NPM,
            name=redact_text(name),
            requirement=redact_text(requirement),
            reason=redact_text(reason),
            location=Location(path=self.file.path, line=line, key=redact_text(at.key) or None),
        )

    def _location(self, section: str, key: str, at: Doc) -> Location:
        line = self.lines[section].get(key)
        return Location(path=self.file.path, line=line, key=redact_text(at.key))


REGISTRY_SOURCE = Source()


def _major(doc: Doc) -> int:
    if not doc.has("lockfileVersion"):
        doc.fail("missing 'lockfileVersion'")
    node = doc.child("lockfileVersion")
    value = node.value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        doc.fail(f"'lockfileVersion' is {type_name(value)}, expected a version")
    text = str(value)
    match = _VERSION.match(text)
    major = int(match.group(1)) if match else 0
    if major not in SUPPORTED_MAJORS:
        node.fail(f"unsupported lockfileVersion {text!r} (auditor reads 5.x, 6.x and 9.0)")
    return major


def _entry(entry: Doc) -> Doc:
    """A ``packages``/``snapshots`` entry; an empty one (``key:`` or ``{}``) is a table."""
    if entry.value is None:
        return Doc(entry.file, {}, entry.key)
    entry.mapping()
    return entry


def _references(entry: Doc) -> Iterator[_Ref]:
    for section, scope in PACKAGE_SECTIONS.items():
        table = entry.opt_table(section)
        if table is None:
            continue
        for name, ref in table.items():
            yield _Ref(name, ref.as_str(), scope, ref)


def _source(key: str, entry: Doc) -> Source:
    """Where a non-registry package comes from: git, a tarball URL or a local path."""
    resolution = entry.opt_table("resolution")
    if resolution is not None:
        if resolution.opt_string("type") == "git" or resolution.has("commit"):
            repo = resolution.opt_string("repo")
            commit = resolution.opt_string("commit")
            return Source(
                kind=SourceKind.GIT, url=redact_url(repo) if repo else None, reference=commit
            )
        directory = resolution.opt_string("directory")
        if directory is not None:
            return Source(kind=SourceKind.PATH, url=directory)
        tarball = resolution.opt_string("tarball")
        if tarball is not None:
            return _tarball_source(tarball)
    if key.startswith("file:"):
        return Source(kind=SourceKind.PATH, url=remove_peer_suffix(key).removeprefix("file:"))
    return REGISTRY_SOURCE


def _tarball_source(tarball: str) -> Source:
    if tarball.startswith("file:"):
        return Source(kind=SourceKind.PATH, url=tarball.removeprefix("file:"))
    codeload = _CODELOAD.match(tarball)
    if codeload:
        # pnpm locks GitHub dependencies as codeload tarballs of one commit: that is git.
        owner, repo, commit = codeload.groups()
        return Source(
            kind=SourceKind.GIT, url=f"https://github.com/{owner}/{repo}.git", reference=commit
        )
    return Source(kind=SourceKind.URL, url=redact_url(tarball))


def _key_lines(text: str, section: str) -> dict[str, int]:
    """Line numbers of the keys directly under a top-level ``section:`` (two-space indent)."""
    lines: dict[str, int] = {}
    inside = False
    for number, line in enumerate(text.split("\n"), 1):
        if not line or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            inside = line.startswith(section + ":")
            continue
        if inside and line.startswith("  ") and not line[2:3].isspace():
            key = _key_of(line[2:])
            if key is not None:
                lines.setdefault(key, number)
    return lines


def _key_of(text: str) -> str | None:
    if text and text[0] in "'\"":
        quote = text[0]
        i = 1
        while i < len(text):
            if text[i] == quote:
                if quote == "'" and text[i + 1 : i + 2] == "'":
                    i += 2
                    continue
                return _unquote_key(text[: i + 1])
            if quote == '"' and text[i] == "\\":
                i += 1
            i += 1
        return None
    match = re.match(r"^(.*?):(?:\s|$)", text)
    return match.group(1) if match else None


def _unquote_key(text: str) -> str:
    """A key as written (YAML quotes, or the ``["..."]`` of a key path) → its value."""
    if text.startswith('["') and text.endswith('"]'):
        text = text[1:-1]
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return text
