"""``bun.lock``: bun's text lockfile (``lockfileVersion`` 0 and 1, JSON with trailing commas).

``workspaces`` maps each workspace folder (``""`` is the project itself) to its name and
``dependencies``/``devDependencies``/``optionalDependencies``/``peerDependencies``: each
workspace is a root with those edges (scopes main/dev/optional/peer). ``packages`` maps an
install path to a tuple whose first item is the resolution ``name@version``:

- ``["name@1.2.3", "<registry URL or empty>", {dependencies...}, "<integrity>"]``: a
  registry package (the URL, when not empty, is recorded in ``registries``);
- ``["name@workspace:path"]``: a workspace (edges to it go to that workspace's root);
- ``["name@github:owner/repo#commit", {...}, "..."]``, ``git+...``, ``file:``, ``link:``,
  tarball URLs: the lock records no version for these, so they are skipped with the reason
  (their dependencies still hang from whoever depends on them).

The keys are install paths, as in ``node_modules``: ``chalk/supports-color`` is the
``supports-color`` installed under ``chalk``. A dependency of the package at ``a/b`` named
``c`` resolves to ``a/b/c``, else ``a/c``, else ``c``, as Node looks it up; a key whose name
differs from the resolution's (``supports-color-old`` → ``supports-color@6.1.0``) is an
alias. Missing optional and peer dependencies are not installed and not reported. The binary
``bun.lockb`` is not read (bun 1.2 and later write ``bun.lock``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from auditor.collectors.base import Collector, FileReader, InputFile
from auditor.collectors.npm.common import (
    LOCAL_PROTOCOLS,
    clip,
    git_source,
    integrity_hashes,
    is_git_spec,
    split_spec,
    unversioned,
    valid_name,
)
from auditor.core.documents import Doc, LineIndex, load_json, type_name
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
from auditor.core.redact import redact_url

SUPPORTED_VERSIONS = (0, 1)
WORKSPACE_SECTIONS = (
    ("dependencies", None),
    ("devDependencies", "dev"),
    ("optionalDependencies", "optional"),
    ("peerDependencies", "peer"),
)
PACKAGE_SECTIONS = (
    ("dependencies", None),
    ("optionalDependencies", "optional"),
    ("peerDependencies", "peer"),
)
# a JSON string (to the end of its line at most, so that an unclosed one costs one line),
# a comment, or a comma before a closing bracket
_JSONC = re.compile(r'"(?:[^"\\\n]|\\.)*"?|//[^\n]*|/\*(?:[^*]|\*(?!/))*(?:\*/)?|,(\s*[\]}])')


def strip_jsonc(text: str) -> str:
    """JSON from bun's JSONC: comments become blank (newlines kept, so line numbers stay
    right) and trailing commas go."""

    def keep(match: re.Match[str]) -> str:
        found = match.group(0)
        if found.startswith('"'):
            return found
        if found.startswith("/"):
            return "\n" * found.count("\n")
        return match.group(1)

    # twice: a comma before a comment before a bracket is trailing once the comment is gone
    return _JSONC.sub(keep, _JSONC.sub(keep, text))


@dataclass
class _Node:
    """One ``packages`` key: the package (or workspace root) it installs, and its deps."""

    key: str
    node_id: str | None  # None: skipped (no version)
    entry: Doc
    deps: list[tuple[str, str, str | None]] = field(default_factory=list)  # name, spec, scope


class BunLockCollector(Collector):
    name = "bun-lock"
    ecosystem = Ecosystem.NPM
    filenames = ("bun.lock",)
    description = "bun text lockfile (bun.lock)"

    def sniff(self, text: str) -> bool:
        head = text[:4096]
        return '"lockfileVersion"' in head and '"workspaces"' in head

    def collect(self, file: InputFile, reader: FileReader) -> CollectResult:
        doc = load_json(InputFile(path=file.path, text=strip_jsonc(file.text)))
        doc.mapping()
        _check_version(doc)
        return _Lock(file, doc).collect(self.name)


def _check_version(doc: Doc) -> None:
    version = doc.child("lockfileVersion")
    if not isinstance(version.value, int) or isinstance(version.value, bool):
        doc.fail(f"'lockfileVersion' is {type_name(version.value)}, expected an integer")
    if version.value not in SUPPORTED_VERSIONS:
        doc.fail(f"bun.lock lockfileVersion {version.value} is not supported (expected 0 or 1)")


def key_names(key: str) -> list[str]:
    """``chalk/@babel/core/x`` → ``["chalk", "@babel/core", "x"]``."""
    parts = key.split("/")
    names: list[str] = []
    i = 0
    while i < len(parts):
        if parts[i].startswith("@") and i + 1 < len(parts):
            names.append(f"{parts[i]}/{parts[i + 1]}")
            i += 2
        else:
            names.append(parts[i])
            i += 1
    return names


class _Lock:
    def __init__(self, file: InputFile, doc: Doc) -> None:
        self.file = file
        self.doc = doc
        self.index = LineIndex(file.text)
        self.packages: dict[str, Package] = {}
        self.nodes: dict[str, _Node] = {}
        self.roots: dict[str, Root] = {}
        self.workspace_roots: dict[str, str] = {}  # workspace package name → root id
        self.edges: set[Edge] = set()
        self.skipped: set[SkippedPackage] = set()
        self.registries: set[str] = set()

    def collect(self, collector: str) -> CollectResult:
        workspaces = self.doc.opt_table("workspaces")
        members = list(workspaces.items()) if workspaces is not None else []
        for path, body in members:
            self._add_root(path, body)
        if not self.roots:
            self._add_root("", Doc(self.file.path, {}, "workspaces"))
        table = self.doc.opt_table("packages")
        offset = max(self.file.text.find('"packages"'), 0)
        for key, entry in table.items() if table is not None else ():
            offset = self._read_package(key, entry, offset)
        for path, body in members:
            body.mapping()
            prefix = body.opt_string("name") or ""
            root = root_id(self.file.path, path) if path else root_id(self.file.path)
            for section, scope in WORKSPACE_SECTIONS:
                for name, spec in _string_map(body, section):
                    self._link(root, [prefix] if prefix and path else [], name, spec, scope)
        for node in self.nodes.values():
            if node.node_id is None:
                continue
            for name, spec, scope in node.deps:
                self._link(node.node_id, key_names(node.key), name, spec, scope)
        return CollectResult(
            path=self.file.path,
            collector=collector,
            ecosystem=Ecosystem.NPM,
            roots=tuple(sorted(self.roots.values())),
            packages=tuple(sorted(self.packages.values(), key=lambda p: p.id)),
            edges=tuple(sorted(self.edges, key=edge_sort_key)),
            skipped=tuple(sorted(self.skipped)),
            registries=tuple(sorted(self.registries)),
            files=(self.file.path,),
        )

    def _add_root(self, path: str, body: Doc) -> None:
        body.mapping()
        name = body.opt_string("name") or (path or self.file.path)
        rid = root_id(self.file.path, path) if path else root_id(self.file.path)
        self.roots[rid] = Root(id=rid, name=name, ecosystem=Ecosystem.NPM, path=self.file.path)
        if body.opt_string("name"):
            self.workspace_roots.setdefault(name, rid)

    def _read_package(self, key: str, entry: Doc, offset: int) -> int:
        items = entry.as_list()
        if not items:
            entry.fail('empty package tuple, expected ["name@version", ...]')
        resolution = items[0].as_str()
        found = re.compile(re.escape(json.dumps(key)) + r"\s*:\s*\[").search(self.file.text, offset)
        at = found.start() if found else -1
        line = self.index.line_of(at) if at >= 0 else None
        location = Location(path=self.file.path, line=line, key=entry.key)
        name, spec = split_spec(resolution)
        if not name or not valid_name(name) or not spec:
            items[0].fail(f"resolution {clip(resolution)} is not name@version")
        info = next((i for i in items[1:] if isinstance(i.value, dict)), None)
        node = _Node(key=key, node_id=None, entry=entry)
        if info is not None:
            for section, scope in PACKAGE_SECTIONS:
                node.deps += [(n, s, scope) for n, s in _string_map(info, section)]
        self.nodes[key] = node
        if spec.startswith("workspace:"):
            member = root_id(self.file.path, spec.removeprefix("workspace:"))
            node.node_id = self.workspace_roots.get(name) or (
                member if member in self.roots else None
            )
            node.deps = []  # the workspace's own entry gives its edges
            return at + 1 if at >= 0 else offset
        source = _source(spec)
        if source is not None:
            self.skipped.add(unversioned(name, resolution, source, location))
            return at + 1 if at >= 0 else offset
        if len(items) > 1 and isinstance(items[1].value, str) and items[1].value:
            self.registries.add(redact_url(items[1].value))
        integrity = items[3].value if len(items) > 3 and isinstance(items[3].value, str) else None
        package = Package(
            ecosystem=Ecosystem.NPM,
            name=name,
            version=spec,
            hashes=integrity_hashes(integrity),
            found_in=(location,),
        )
        known = self.packages.get(package.id)
        self.packages[package.id] = package if known is None else known.merged_with(package)
        node.node_id = package.id
        return at + 1 if at >= 0 else offset

    def _resolve(self, path: list[str], name: str) -> _Node | None:
        """The node a package at install path ``path`` gets for ``name``: the nearest
        enclosing ``.../name`` key, as Node's module lookup finds it."""
        for depth in range(len(path), -1, -1):
            found = self.nodes.get("/".join([*path[:depth], name]))
            if found is not None:
                return found
        return None

    def _link(self, parent: str, path: list[str], name: str, spec: str, scope: str | None) -> None:
        target = self._resolve(path, name)
        requirement = f"{name}@{spec}"
        if target is None:
            if scope in ("optional", "peer"):
                return  # not installed (another platform, or left to the dependent)
            self.skipped.add(
                SkippedPackage(
                    ecosystem=Ecosystem.NPM,
                    name=name,
                    requirement=requirement,
                    reason="not in the lockfile's packages",
                    location=Location(path=self.file.path, key=parent),
                )
            )
            return
        if target.node_id is not None:
            self.edges.add(
                Edge(parent=parent, child=target.node_id, requirement=requirement, scope=scope)
            )
            return
        # a package without a version: its dependencies hang from whoever depends on it
        for dep_name, dep_spec, dep_scope in target.deps:
            self._link(parent, key_names(target.key), dep_name, dep_spec, dep_scope or scope)


def _string_map(entry: Doc, field_name: str) -> list[tuple[str, str]]:
    table = entry.opt_table(field_name)
    if table is None:
        return []
    return [(name, value.as_str()) for name, value in table.items()]


def _source(spec: str) -> Source | None:
    """The source of a resolution that has no registry version, or ``None`` for a version."""
    for prefix in LOCAL_PROTOCOLS:
        if spec.startswith(prefix):
            return Source(kind=SourceKind.PATH, url=spec[len(prefix) :])
    if spec.startswith("github:"):
        repo, _, ref = spec.removeprefix("github:").partition("#")
        return Source(kind=SourceKind.GIT, url=f"github:{repo}", reference=ref or None)
    if is_git_spec(spec) or spec.startswith("git+"):
        return git_source(spec)
    if "://" in spec:
        return Source(kind=SourceKind.URL, url=redact_url(spec))
    return None
