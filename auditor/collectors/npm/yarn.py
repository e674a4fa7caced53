"""``yarn.lock``: yarn classic (v1 syntax) and yarn berry (2+, YAML with ``__metadata``).

Both formats are flat: one entry per resolved package, keyed by every specifier
(``name@range``) that resolved to it, with the ranges each package depends on. An edge is
found by looking its ``name@range`` up among those keys, which is exactly how yarn reads
its own lockfile.

Classic files do not record the project itself: the direct dependencies come from the
``package.json`` beside the lock (``devDependencies`` as the ``dev`` scope), or, without
one, every package nothing else depends on hangs from the root. Berry files record each
workspace as an entry (``name@workspace:path``); those become roots, and their
``package.json`` (when present) tells dev dependencies apart, which the lock does not.
"""

from __future__ import annotations

from collections.abc import Iterable

from auditor.collectors.base import Collector, FileReader, InputFile
from auditor.collectors.common import orphans
from auditor.collectors.npm import yarn_berry
from auditor.collectors.npm.common import (
    Resolved,
    alias_target,
    classify,
    clip,
    declared_deps,
    fragment_problem,
    git_source,
    integrity_hashes,
    integrity_problem,
    is_git_spec,
    split_spec,
    unversioned,
    valid_name,
)
from auditor.collectors.npm.yarn_syntax import Block, Entry, parse
from auditor.core.documents import Doc, load_json
from auditor.core.errors import LockfileError
from auditor.core.graph import edge_sort_key
from auditor.core.model import (
    REGISTRY,
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
from auditor.core.redact import redact_text

DEPENDENCY_FIELDS = (("dependencies", None), ("optionalDependencies", "optional"))


class YarnLockCollector(Collector):
    name = "yarn-lock"
    ecosystem = Ecosystem.NPM
    filenames = ("yarn.lock",)
    description = "yarn lockfile, classic (v1) and berry (2+)"

    def sniff(self, text: str) -> bool:
        head = text[:4096]
        return "# yarn lockfile v1" in head or yarn_berry.is_berry(head)

    def collect(self, file: InputFile, reader: FileReader) -> CollectResult:
        if yarn_berry.is_berry(file.text):
            return yarn_berry.collect(file, reader, collector=self.name)
        if not file.text.strip():
            raise LockfileError(file.path, "file is empty, expected a yarn lockfile")
        return _collect_classic(file, reader, self.name)


def _collect_classic(file: InputFile, reader: FileReader, collector: str) -> CollectResult:
    entries = parse(file.path, file.text)
    files = [file.path]
    manifest = reader.read_sibling(file, "package.json")
    manifest_doc = None
    if manifest is not None:
        files.append(manifest.path)
        manifest_doc = load_json(manifest)
        manifest_doc.mapping()
    project = manifest_doc.opt_string("name") if manifest_doc is not None else None
    name = project if project and valid_name(project) else file.path
    root = Root(id=root_id(file.path), name=name, ecosystem=Ecosystem.NPM, path=file.path)
    index: dict[str, str | None] = {}  # specifier → package id (None: skipped entry)
    packages: dict[str, Package] = {}
    skipped: list[SkippedPackage] = []
    registries: set[str] = set()
    for entry in entries:
        package, skip, origin = _classic_entry(file.path, entry)
        if origin.registry:
            registries.add(origin.registry)
        if skip is not None:
            skipped.append(skip)
        if package is not None:
            known = packages.get(package.id)
            packages[package.id] = package if known is None else known.merged_with(package)
        for key in entry.keys:
            index[key] = package.id if package is not None else None
    edges: set[Edge] = set()
    for entry in entries:
        parent = index[entry.keys[0]]
        for name, spec, scope in _classic_deps(file.path, entry):
            child = index.get(f"{name}@{spec}")
            if parent is not None and child is not None and child != parent:
                edges.add(
                    Edge(parent=parent, child=child, requirement=f"{name}@{spec}", scope=scope)
                )
    if manifest_doc is None:
        edges |= _hang_orphans(root, packages.values(), edges)
    else:
        edges |= _manifest_edges(manifest_doc, root, index)
        if manifest_doc.has("workspaces"):
            # classic locks leave workspace members out, and their package.json files
            # cannot be listed from here: what no listed package needs hangs from the root
            edges |= _hang_orphans(root, packages.values(), edges)
    return CollectResult(
        path=file.path,
        collector=collector,
        ecosystem=Ecosystem.NPM,
        roots=(root,),
        packages=tuple(sorted(packages.values(), key=lambda p: p.id)),
        edges=tuple(sorted(edges, key=edge_sort_key)),
        skipped=tuple(sorted(skipped)),
        registries=tuple(sorted(registries)),
        files=tuple(files),
    )


def _classic_entry(
    path: str, entry: Entry
) -> tuple[Package | None, SkippedPackage | None, Resolved]:
    head = entry.keys[0]
    name, spec = split_spec(head)
    alias = alias_target(spec)
    real = alias[0] if alias else name
    for key in (name, real):
        if not valid_name(key):
            raise LockfileError(
                path, f"invalid package name {clip(key)} in entry {clip(head)}", line=entry.line
            )
    version = _string(path, entry, "version", required=True)
    resolved = _string(path, entry, "resolved")
    _check_digests(path, entry, resolved)
    origin = classify(resolved, real) if resolved else _origin_from_keys(entry.keys)
    location = Location(path=path, line=entry.line, key=head)
    if not version:
        requirement = redact_text(resolved or head)
        return None, unversioned(real, requirement, origin.source, location), origin
    package = Package(
        ecosystem=Ecosystem.NPM,
        name=real,
        version=version,
        source=_with_commit_from_keys(origin.source, entry.keys),
        hashes=integrity_hashes(_string(path, entry, "integrity")) | origin.hashes,
        found_in=(location,),
    )
    return package, None, origin


def _check_digests(path: str, entry: Entry, resolved: str | None) -> None:
    """yarn checks what it downloads against ``integrity`` and the sha1 of a tarball URL:
    one that no tarball can match (a lock cut short, text run into it) fails the install,
    so the file is refused, naming the line."""
    integrity = _string(path, entry, "integrity")
    problem = integrity_problem(integrity) if integrity else None
    field = "integrity"
    if problem is None and resolved:
        problem, field = fragment_problem(resolved), "resolved"
    if problem is not None:
        raise LockfileError(
            path,
            f"{problem}, so no tarball can match it: yarn refuses to install {clip(entry.keys[0])}",
            line=entry.fields.lines.get(field, entry.line),
        )


def _origin_from_keys(keys: Iterable[str]) -> Resolved:
    """Without ``resolved``, the specifiers say whether an entry is a local folder or git."""
    for key in keys:
        _, spec = split_spec(key)
        for prefix in ("file:", "link:", "portal:"):
            if spec.startswith(prefix):
                return Resolved(source=Source(kind=SourceKind.PATH, url=spec[len(prefix) :]))
        if is_git_spec(spec):
            return Resolved(source=git_source(spec))
    return Resolved(source=REGISTRY)


def _with_commit_from_keys(source: Source, keys: Iterable[str]) -> Source:
    """A git source whose URL lacks the commit takes it from a specifier that pins one."""
    if source.kind is not SourceKind.GIT or source.reference:
        return source
    for key in keys:
        spec = split_spec(key)[1]
        pinned = git_source(spec).reference if is_git_spec(spec) else None
        if pinned:
            return Source(kind=SourceKind.GIT, url=source.url, reference=pinned)
    return source


def _string(path: str, entry: Entry, field: str, *, required: bool = False) -> str | None:
    value = entry.fields.values.get(field)
    if value is None:
        if required:
            raise LockfileError(
                path, f"missing {field!r} in entry {clip(entry.keys[0])}", line=entry.line
            )
        return None
    if not isinstance(value, str):
        line = entry.fields.lines[field]
        raise LockfileError(
            path, f"{field!r} is not a string in entry {clip(entry.keys[0])}", line=line
        )
    return value


def _classic_deps(path: str, entry: Entry) -> list[tuple[str, str, str | None]]:
    deps: dict[str, tuple[str, str, str | None]] = {}
    for field, scope in DEPENDENCY_FIELDS:
        block = entry.fields.values.get(field)
        if block is None:
            continue
        if not isinstance(block, Block):
            line = entry.fields.lines[field]
            raise LockfileError(
                path, f"{field!r} is not a block in entry {clip(entry.keys[0])}", line=line
            )
        for name, spec in block.values.items():
            if not isinstance(spec, str):
                line = block.lines[name]
                raise LockfileError(
                    path,
                    f"{field}.{clip(name)[1:-1]} is not a string in entry {clip(entry.keys[0])}",
                    line=line,
                )
            deps[name] = (name, spec, scope)
    return list(deps.values())


def _manifest_edges(doc: Doc, root: Root, index: dict[str, str | None]) -> set[Edge]:
    edges = set()
    for dep in declared_deps(doc, dev=True):
        child = index.get(dep.requirement)
        if child is not None and dep.scope != "peer":  # yarn classic never installs peers
            edges.add(
                Edge(parent=root.id, child=child, requirement=dep.requirement, scope=dep.scope)
            )
    return edges


def _hang_orphans(root: Root, packages: Iterable[Package], edges: set[Edge]) -> set[Edge]:
    return {Edge(parent=root.id, child=p.id) for p in orphans(packages, edges)}
