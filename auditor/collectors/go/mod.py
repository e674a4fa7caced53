"""``go.mod`` (Go modules), with ``go.sum`` hashes and an optional ``go mod graph`` output.

Without a graph file the packages are the modules go.mod requires: from Go 1.17 on that is
every module the build needs (``// indirect`` ones included), before it only the direct ones.
A requirement marked ``// indirect`` is an edge from the root that only pins a version
(``Edge.indirect``), so the module is not direct. With ``go.mod.graph`` (or ``modgraph.txt``)
beside the file, written by ``go mod graph > go.mod.graph``, the packages are the modules
minimal version selection picks from the whole graph, with its edges.

``replace`` is honoured: a module replaced by another module is that module, and the edge's
requirement says so (``k8s.io/klog v1.0.0 => github.com/x/klog-gokit v0.3.0``): a replacement
is the module's own decision, so it is never held against the replacement's version (see
``auditor.versions.requirement``); one replaced by a local directory is skipped with the
reason. The ``go`` directive (or ``toolchain``, when
present) becomes the package ``stdlib``, the name Go's vulnerability database uses for the
standard library. Versions lose the leading ``v`` (``v1.2.3`` → ``1.2.3``), as in OSV records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.collectors.base import Collector, FileReader, InputFile
from auditor.collectors.go.graph import (
    ModuleGraph,
    Requirement,
    parse_go_sum,
    parse_mod_graph,
)
from auditor.collectors.go.modfile import GoModFile, Replace, parse_go_mod
from auditor.core.errors import LockfileError
from auditor.core.graph import edge_sort_key
from auditor.core.model import (
    CollectResult,
    Ecosystem,
    Edge,
    Hash,
    Location,
    Package,
    Root,
    SkippedPackage,
    root_id,
)

GRAPH_NAMES = ("go.mod.graph", "modgraph.txt")
STDLIB = "stdlib"
_TOOLCHAIN_VERSION = re.compile(r"(?:^|-)go(1[0-9.]*(?:(?:rc|beta)[0-9]+)?)")
_SNIFF = re.compile(r"^(module|go|require|replace|toolchain)\s+\S")


class GoModCollector(Collector):
    name = "go-mod"
    ecosystem = Ecosystem.GO
    filenames = ("go.mod",)
    description = "Go module file (go.mod, with go.sum and an optional go mod graph output)"

    def sniff(self, text: str) -> bool:
        for line in text.lstrip("\ufeff").splitlines()[:50]:
            stripped = line.strip()
            if stripped and not stripped.startswith("//"):
                return _SNIFF.match(stripped) is not None
        return False

    def collect(self, file: InputFile, reader: FileReader) -> CollectResult:
        if not file.text.strip():
            raise LockfileError(file.path, "file is empty, expected a go.mod")
        mod = parse_go_mod(file)
        if mod.statements == 0:
            raise LockfileError(file.path, "no directives, expected a go.mod")
        files = [file.path]
        sum_file = reader.read_sibling(file, _sibling(file.path, ".sum", "go.sum"))
        sums = parse_go_sum(sum_file) if sum_file else {}
        graph_file = _graph_file(file, reader)
        graph = parse_mod_graph(graph_file) if graph_file else None
        files += [f.path for f in (sum_file, graph_file) if f is not None]
        build = _Build(file, mod, sums)
        if graph is not None and graph_file is not None:
            build.from_graph(graph, graph_file.path)
        else:
            build.from_requires()
        build.add_stdlib()
        return CollectResult(
            path=file.path,
            collector=self.name,
            ecosystem=self.ecosystem,
            roots=(build.root,),
            packages=tuple(sorted(build.packages.values(), key=lambda p: p.id)),
            edges=tuple(sorted(build.edges, key=edge_sort_key)),
            skipped=tuple(sorted(build.skipped.values())),
            files=tuple(files),
        )


def _sibling(path: str, suffix: str, default: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name.removesuffix(".mod") + suffix if name.endswith(".mod") else default


def _graph_file(file: InputFile, reader: FileReader) -> InputFile | None:
    name = file.path.rsplit("/", 1)[-1]
    names = GRAPH_NAMES if name == "go.mod" or not name.endswith(".mod") else (name + ".graph",)
    for candidate in names:
        found = reader.read_sibling(file, candidate)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class _Target:
    """What one module version becomes: a package, or a skipped local replacement."""

    package: Package | None
    skipped: SkippedPackage | None


class _Build:
    """Packages, edges and skips of one go.mod, built from its requires or from a graph."""

    def __init__(
        self, file: InputFile, mod: GoModFile, sums: dict[tuple[str, str], frozenset[Hash]]
    ):
        self.file = file
        self.mod = mod
        self.sums = sums
        self.root = Root(
            id=root_id(file.path), name=file.path, ecosystem=Ecosystem.GO, path=file.path
        )
        self.packages: dict[str, Package] = {}
        self.edges: set[Edge] = set()
        self.skipped: dict[tuple[str, str], SkippedPackage] = {}
        self.excluded = {(e.path, e.version) for e in mod.excludes}
        self.indirect = {r.path for r in mod.requires if r.indirect}
        self.require_lines: dict[str, int] = {}
        for req in mod.requires:
            self.require_lines.setdefault(req.path, req.line)

    # -- the two sources of the module list -------------------------------------------------

    def from_requires(self) -> None:
        """Every module go.mod requires, each at the version it names (no selection: a file
        that requires one module twice lists both, as the peers do)."""
        for req in self.mod.requires:
            where = Location(path=self.file.path, line=req.line)
            if (req.path, req.version) in self.excluded:
                self._skip(req.path, f"{req.path} {req.version}", "excluded by go.mod", where)
                continue
            for child in self._module(req.path, req.version, (where,)):
                self.edges.add(
                    Edge(
                        parent=self.root.id,
                        child=child,
                        requirement=self._requirement(req.path, req.version),
                        indirect=req.indirect,
                    )
                )

    def from_graph(self, graph: ModuleGraph, graph_path: str) -> None:
        """The modules minimal version selection picks from the graph, with its edges."""
        self._check_graph(graph, graph_path)
        selected = graph.selected()
        first_line: dict[str, int] = {}
        children: dict[str, list[Requirement]] = {}
        for req in graph.requirements:
            first_line.setdefault(req.child, req.line)
            parent = self.root.id if req.parent_version is None else req.parent
            children.setdefault(parent, []).append(req)
        ids: dict[str, str] = {}
        for path, version in selected.items():
            where = [Location(path=graph_path, line=first_line.get(path))]
            if path in self.require_lines:
                where.insert(0, Location(path=self.file.path, line=self.require_lines[path]))
            for package_id in self._module(path, version, tuple(where)):
                ids[path] = package_id
        for parent, reqs in children.items():
            parent_id = parent if parent == self.root.id else ids.get(parent)
            if parent_id is None:
                continue  # a local replacement: its requirements hang from whoever needs it
            for req in reqs:
                for child_id, requirement in self._reach(req, children, ids, selected):
                    self.edges.add(
                        Edge(
                            parent=parent_id,
                            child=child_id,
                            requirement=requirement,
                            indirect=parent_id == self.root.id and req.child in self.indirect,
                        )
                    )

    def _reach(
        self,
        req: Requirement,
        children: dict[str, list[Requirement]],
        ids: dict[str, str],
        selected: dict[str, str],
    ) -> list[tuple[str, str]]:
        """The packages a requirement leads to, with the requirement to record: its module's
        package, or through modules replaced by local directories (not packages) their own
        requirements, however deep (iterative: graph files can be hostile)."""
        requirement = self._requirement(req.child, req.child_version)
        if req.parent_version is not None and req.parent_version != selected.get(req.parent):
            requirement += f" (required by {req.parent} {req.parent_version})"
        if req.child in ids:
            return [(ids[req.child], requirement)]
        found: list[tuple[str, str]] = []
        seen = {req.child}
        stack = [req.child]
        while stack:
            local = stack.pop()
            for inner in children.get(local, ()):
                if inner.child in ids:
                    via = f"{self._requirement(inner.child, inner.child_version)} (via {local})"
                    found.append((ids[inner.child], via))
                elif inner.child not in seen:
                    seen.add(inner.child)
                    stack.append(inner.child)
        return found

    def _check_graph(self, graph: ModuleGraph, graph_path: str) -> None:
        """A graph written for another module or an older go.mod would silently describe
        another build: refuse it, naming what differs (the error is about go.mod, whose
        graph it is; the usual fix is to regenerate the graph)."""
        regenerate = f"(regenerate it with `go mod graph > {graph_path.rsplit('/', 1)[-1]}`)"
        if graph.main is not None and self.mod.module and graph.main != self.mod.module:
            raise LockfileError(
                self.file.path,
                f"{graph_path} is the graph of module {graph.main}, not of {self.mod.module}"
                f" {regenerate}",
            )
        listed = {
            (r.path, r.version)
            for r in self.mod.requires
            if (r.path, r.version) not in self.excluded
        }
        in_graph = {
            (r.child, r.child_version) for r in graph.requirements if r.parent_version is None
        }
        for path, version in [*sorted(listed - in_graph), *sorted(in_graph - listed)]:
            side = "go.mod" if (path, version) in listed else "the graph"
            raise LockfileError(
                self.file.path,
                f"{graph_path} does not match it: only {side} requires {path} {version}"
                f" {regenerate}",
            )

    # -- modules ------------------------------------------------------------------------------

    def _module(self, path: str, version: str, where: tuple[Location, ...]) -> list[str]:
        """Add module ``path@version`` (after ``replace``); the package ids it became."""
        replace = self._replacement(path, version)
        if replace is not None and replace.is_local:
            reason = f"replaced by local path {replace.new_path}"
            self._skip(path, f"{path} {version} => {replace.new_path}", reason, where[0])
            return []
        name, go_version = path, version
        if replace is not None and replace.new_version is not None:
            name, go_version = replace.new_path, replace.new_version
            where = (*where, Location(path=self.file.path, line=replace.line))
        package = Package(
            ecosystem=Ecosystem.GO,
            name=name,
            version=go_version.removeprefix("v"),
            hashes=self.sums.get((name, go_version), frozenset()),
            found_in=tuple(sorted(set(where))),
        )
        known = self.packages.get(package.id)
        self.packages[package.id] = package if known is None else known.merged_with(package)
        return [package.id]

    def _requirement(self, path: str, version: str) -> str:
        """A requirement as the edge records it: ``path version``, followed by the module
        replacing it when go.mod replaces it by another module."""
        replace = self._replacement(path, version)
        if replace is None or replace.new_version is None:
            return f"{path} {version}"
        return f"{path} {version} => {replace.new_path} {replace.new_version}"

    def _replacement(self, path: str, version: str) -> Replace | None:
        """The ``replace`` for this module version: one naming the version wins over one
        for every version of the module."""
        general = None
        for replace in self.mod.replaces:
            if replace.old_path != path:
                continue
            if replace.old_version == version:
                return replace
            if replace.old_version is None:
                general = replace
        return general

    def add_stdlib(self) -> None:
        """The standard library at the ``toolchain`` version, else the ``go`` version."""
        version, line, requirement = None, None, None
        if self.mod.toolchain is not None:
            match = _TOOLCHAIN_VERSION.search(self.mod.toolchain)
            if match:
                version, line = match.group(1), self.mod.toolchain_line
                requirement = f"toolchain {self.mod.toolchain}"
        if version is None and self.mod.go is not None:
            version, line, requirement = self.mod.go, self.mod.go_line, f"go {self.mod.go}"
        if version is None:
            return
        package = Package(
            ecosystem=Ecosystem.GO,
            name=STDLIB,
            version=version,
            found_in=(Location(path=self.file.path, line=line),),
        )
        self.packages[package.id] = package
        self.edges.add(Edge(parent=self.root.id, child=package.id, requirement=requirement))

    def _skip(self, name: str, requirement: str, reason: str, where: Location) -> None:
        self.skipped.setdefault(
            (name, requirement),
            SkippedPackage(
                ecosystem=Ecosystem.GO,
                name=name,
                requirement=requirement,
                reason=reason,
                location=where,
            ),
        )
