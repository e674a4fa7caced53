"""``package-lock.json`` and ``npm-shrinkwrap.json``, lockfileVersion 1, 2 and 3.

v2 and v3 describe the installed tree as a ``packages`` map keyed by folder path
(``node_modules/a/node_modules/b``, workspace folders such as ``packages/foo``); the root
entry ``""`` declares the project's own dependencies. v1 nests the same tree as
``dependencies`` inside ``dependencies``, with ``requires`` naming what each package
needs. A v2 file carries both; the ``packages`` map is the complete one and wins.

Both layouts become a ``npm_tree.Tree`` so that edges bind exactly the way Node (and npm)
resolve them. Workspace members are roots of their own. v1 files do not record the
project's direct dependencies: they come from the ``package.json`` beside the lock, or,
without one, every top-level package nothing else requires hangs from the root.
"""

from __future__ import annotations

import json
import posixpath
import re

from auditor.collectors.base import Collector, FileReader, InputFile
from auditor.collectors.npm.common import (
    Dep,
    Resolved,
    alias_target,
    classify,
    clip,
    declared_deps,
    integrity_hashes,
    string_map,
    valid_name,
)
from auditor.collectors.npm.tree import ROOT_KEY, Node, Tree, build, flag_scopes
from auditor.core.documents import Doc, LineIndex, load_json, type_name
from auditor.core.graph import edge_sort_key
from auditor.core.model import (
    REGISTRY,
    CollectResult,
    Ecosystem,
    Edge,
    Location,
    Root,
    Source,
    SourceKind,
    root_id,
)
from auditor.core.redact import redact_text
from auditor.licenses.declared import LOCKFILE, npm_license

SUPPORTED_VERSIONS = (1, 2, 3)


class NpmPackageLockCollector(Collector):
    name = "npm-package-lock"
    ecosystem = Ecosystem.NPM
    filenames = ("package-lock.json", "npm-shrinkwrap.json")
    description = "npm lockfile (package-lock.json, npm-shrinkwrap.json), lockfileVersion 1-3"

    def sniff(self, text: str) -> bool:
        head = text.lstrip()[:4096]
        return head.startswith("{") and '"lockfileVersion"' in head

    def collect(self, file: InputFile, reader: FileReader) -> CollectResult:
        doc = load_json(file)
        doc.mapping()
        _check_version(doc)
        table = doc.opt_table("packages")
        root_entry = table.opt_table(ROOT_KEY) if table is not None else None
        names = (doc.opt_string("name"), root_entry and root_entry.opt_string("name"))
        project = next((n for n in names if n and valid_name(n)), file.path)
        root = Root(id=root_id(file.path), name=project, ecosystem=self.ecosystem, path=file.path)
        lines = _Lines(file.text)
        files = [file.path]
        if table is not None:
            nodes, members = _read_packages(file.path, table, root, lines)
        else:
            nodes, members = _read_v1(file.path, doc.opt_table("dependencies"), lines), []
        infer = False
        if ROOT_KEY not in nodes:
            deps, manifest = _manifest_deps(file, reader)
            if manifest is not None:
                files.append(manifest)
            infer = deps is None
            nodes[ROOT_KEY] = Node(
                key=ROOT_KEY, name=file.path, location=Location(path=file.path), root=root
            )
            nodes[ROOT_KEY].deps = deps or []
        graph = build(Tree(nodes), infer_root=root if infer else None)
        edges = set(graph.edges)
        for member in members:
            member_node = nodes[member]
            requirement = f"{member_node.name}@file:{member}"
            edges.add(
                Edge(parent=root.id, child=root_id(file.path, member), requirement=requirement)
            )
        registries = {n.origin.registry for n in nodes.values() if n.origin and n.origin.registry}
        return CollectResult(
            path=file.path,
            collector=self.name,
            ecosystem=self.ecosystem,
            roots=graph.roots,
            packages=graph.packages,
            edges=tuple(sorted(edges, key=edge_sort_key)),
            skipped=graph.skipped,
            registries=tuple(sorted(registries)),
            files=tuple(files),
        )


def _check_version(doc: Doc) -> None:
    field = doc.child("lockfileVersion")
    value = field.value
    if not isinstance(value, int) or isinstance(value, bool):
        doc.fail(f"'lockfileVersion' is {type_name(value)}, expected an integer")
    if value not in SUPPORTED_VERSIONS:
        doc.fail(f"unsupported lockfileVersion {value} (expected 1, 2 or 3)")


class _Lines:
    """Line numbers of entries, found in document order with a moving cursor."""

    def __init__(self, text: str) -> None:
        self.index = LineIndex(text)
        self.position = 0

    def next(self, *needles: str) -> int | None:
        """The line of the first needle found after the cursor (later needles are fallbacks
        for other spellings, e.g. minified JSON)."""
        for needle in needles:
            at = self.index.text.find(needle, self.position)
            if at >= 0:
                self.position = at + 1
                return self.index.line_of(at)
        return None


# -- v2/v3: the packages map ---------------------------------------------------------------


def _read_packages(
    path: str, table: Doc, root: Root, lines: _Lines
) -> tuple[dict[str, Node], list[str]]:
    root_entry = table.opt_table(ROOT_KEY)
    patterns = _workspace_patterns(root_entry) if root_entry is not None else []
    nodes: dict[str, Node] = {}
    members: list[str] = []
    for key, entry in table.items():
        entry.mapping()
        location = Location(path=path, line=lines.next(json.dumps(key) + ":"), key=entry.key)
        if key == ROOT_KEY:
            name = entry.opt_string("name") or path
            node = Node(key=key, name=name, location=location, root=root)
            node.deps = declared_deps(entry, dev=True)
        elif entry.flag("link"):
            node = _link(key, entry, location)
        elif _is_folder(key) and _matches(key, patterns):
            name = entry.opt_string("name") or posixpath.basename(key)
            shown = name if valid_name(name) else key
            member = Root(id=root_id(path, key), name=shown, ecosystem=Ecosystem.NPM, path=path)
            node = Node(key=key, name=name, location=location, root=member)
            node.deps = declared_deps(entry, dev=True)
            members.append(key)
        else:
            node = _installed(key, entry, location)
        nodes[key] = node
    return nodes, members


def _is_folder(key: str) -> bool:
    """A project folder (workspace or ``file:`` target) rather than an installed package."""
    return not key.startswith("node_modules/") and "/node_modules/" not in key


def _folder_name(key: str) -> str:
    cut = key.rfind("node_modules/")
    return key[cut + len("node_modules/") :] if cut >= 0 else posixpath.basename(key)


def _link(key: str, entry: Doc, location: Location) -> Node:
    # npm writes a link's target relative to the project root, like every other key
    target = posixpath.normpath(entry.string("resolved"))
    return Node(key=key, name=_folder_name(key), location=location, link=target)


def _installed(key: str, entry: Doc, location: Location) -> Node:
    name = entry.opt_string("name") or _folder_name(key)
    resolved = entry.opt_string("resolved")
    version = entry.opt_string("version")
    if resolved:
        origin = classify(resolved, name)
    elif _is_folder(key):
        origin = Resolved(source=Source(kind=SourceKind.PATH, url=key))
    else:
        origin = Resolved(source=REGISTRY)
    node = Node(
        key=key,
        name=name,
        location=location,
        version=version or None,
        spec=redact_text(resolved or key),
        origin=origin,
        hashes=integrity_hashes(entry.opt_string("integrity")),
        scopes=flag_scopes(
            dev=entry.flag("dev"),
            optional=entry.flag("optional"),
            dev_optional=entry.flag("devOptional"),
            peer=entry.flag("peer"),
            bundled=entry.flag("inBundle"),
        ),
    )
    # npm reads a folder's own devDependencies (workspaces, file: targets) but never
    # those of packages it installs from elsewhere
    node.deps = declared_deps(entry, dev=_is_folder(key))
    node.problem = _name_problem(name)
    fields = entry.mapping()
    node.license = npm_license(
        fields.get("license"), source=LOCKFILE, legacy=fields.get("licenses")
    )
    return node


def _name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a package's name. npm reads the rest of such a lockfile (npm
    ls marks the entry invalid), so the entry is skipped with this reason."""
    if valid_name(name):
        return None
    return f"invalid package name {clip(name)}: npm cannot install it, the entry is ignored"


def _workspace_patterns(root_entry: Doc) -> list[str]:
    field = root_entry.opt_child("workspaces")
    if field is None:
        return []
    if isinstance(field.value, dict):
        return root_entry.table("workspaces").strings("packages")
    return root_entry.strings("workspaces")


def _matches(key: str, patterns: list[str]) -> bool:
    """Whether folder ``key`` is a workspace member: npm's globs, ``!`` negations last."""
    member = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if _glob(pattern.lstrip("!")).fullmatch(key):
            member = not negated
    return member


def _glob(pattern: str) -> re.Pattern[str]:
    text = posixpath.normpath(pattern.strip()).removeprefix("./").rstrip("/")
    out = []
    for part in re.split(r"(\*\*/?|\*|\?)", text):
        if part in ("**", "**/"):
            out.append("(?:.*/)?" if part == "**/" else ".*")
        elif part == "*":
            out.append("[^/]*")
        elif part == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out))


# -- v1: the nested dependencies tree -----------------------------------------------------


def _read_v1(path: str, table: Doc | None, lines: _Lines) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    # depth-first in document order, so that line numbers are found with one cursor
    pending: list[tuple[str, str, Doc]] = []
    if table is not None:
        pending.extend((ROOT_KEY, n, e) for n, e in reversed(list(table.items())))
    while pending:
        parent, name, entry = pending.pop()
        entry.mapping()
        key = f"{parent}/node_modules/{name}" if parent else f"node_modules/{name}"
        needle = json.dumps(name, ensure_ascii=False)
        location = Location(
            path=path, line=lines.next(needle + ": {", needle + ":{"), key=entry.key
        )
        nodes[key] = _v1_node(key, name, entry, location)
        children = entry.opt_table("dependencies")
        if children is not None:
            pending.extend((key, n, e) for n, e in reversed(list(children.items())))
    return nodes


def _v1_node(key: str, name: str, entry: Doc, location: Location) -> Node:
    text = entry.string("version")
    resolved = entry.opt_string("resolved")
    alias = alias_target(text)
    real, version = (alias[0], alias[1]) if alias else (name, text)
    if alias is None and re.search(r"[:/#]", text):
        # a git, tarball or file: specifier: npm 6 recorded no version for these
        origin, version = classify(text, name), ""
    else:
        origin = classify(resolved, real) if resolved else Resolved(source=REGISTRY)
    node = Node(
        key=key,
        name=real,
        location=location,
        version=version or None,
        spec=redact_text(text),
        origin=origin,
        hashes=integrity_hashes(entry.opt_string("integrity")),
        scopes=flag_scopes(
            dev=entry.flag("dev"),
            optional=entry.flag("optional"),
            dev_optional=False,
            peer=False,
            bundled=entry.flag("bundled"),
        ),
    )
    node.deps = [Dep(name=n, spec=s) for n, s in string_map(entry, "requires")]
    node.problem = _name_problem(name)
    return node


def _manifest_deps(file: InputFile, reader: FileReader) -> tuple[list[Dep] | None, str | None]:
    """The project's declared dependencies from ``package.json`` beside the lock."""
    manifest = reader.read_sibling(file, "package.json")
    if manifest is None:
        return None, None
    doc = load_json(manifest)
    doc.mapping()
    return declared_deps(doc, dev=True), manifest.path
