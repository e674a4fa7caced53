"""Human-readable dependency tree and "why" paths for the terminal.

A package whose subtree was already printed is shown once more with ``(*)`` and not
expanded again (as ``npm ls`` does with "deduped"), so the output stays proportional to the
graph's size even when many packages share dependencies.
"""

from __future__ import annotations

from auditor.core.graph import DependencyGraph
from auditor.core.model import Edge, FileError, SkippedPackage
from auditor.outputs.text import safe


def _annotate(graph: DependencyGraph, edge: Edge) -> str:
    if graph.is_root(edge.child):
        # a workspace member used by another project of the same repository
        notes = [n for n in (edge.requirement, edge.scope, "workspace") if n]
        return f"{graph.label(edge.child)} [{'; '.join(notes)}]"
    pkg = graph.package(edge.child)
    notes = []
    if edge.requirement:
        notes.append(edge.requirement)
    scopes = [s for s in graph.scopes(pkg.id) if s != "main"]
    if edge.scope and edge.scope not in scopes:
        scopes.insert(0, edge.scope)
    if scopes:
        notes.append(", ".join(scopes))
    if not pkg.source.is_registry:
        notes.append(pkg.source.kind.value + (f" {pkg.source.url}" if pkg.source.url else ""))
    label = pkg.display
    return f"{label} [{'; '.join(notes)}]" if notes else label


def render_tree(graph: DependencyGraph, *, max_depth: int | None = None) -> str:
    lines: list[str] = []
    expanded: set[str] = set()

    def walk(node: str, prefix: str, depth: int, path: set[str]) -> None:
        edges = graph.children(node)
        for index, edge in enumerate(edges):
            last = index == len(edges) - 1
            branch = "└── " if last else "├── "
            child = edge.child
            mark = ""
            if child in path:
                mark = " (cycle)"
            elif graph.is_root(child):
                mark = " (its own tree below)" if graph.children(child) else ""
            elif child in expanded and graph.children(child):
                mark = " (*)"
            lines.append(f"{prefix}{branch}{_annotate(graph, edge)}{mark}")
            if mark or graph.is_root(child) or (max_depth is not None and depth >= max_depth):
                continue
            expanded.add(child)
            walk(child, prefix + ("    " if last else "│   "), depth + 1, path | {child})

    for root in graph.roots:
        where = "" if root.name == root.path else f", {root.path}"
        lines.append(f"{root.name} ({root.ecosystem.value}{where})")
        walk(root.id, "", 1, {root.id})
    unreachable = [p for p in graph.packages if graph.depth(p.id) is None]
    if unreachable:
        lines.append("not reachable from a root (the lockfile records no path):")
        lines.extend(f"  {p.display}" for p in unreachable)
    if expanded and any(" (*)" in line for line in lines):
        lines.append("(*) dependencies shown above")
    # names come from lockfiles: no escape sequence may reach the terminal
    return "".join(safe(line) + "\n" for line in lines)


def render_paths(graph: DependencyGraph, paths: tuple[tuple[str, ...], ...]) -> str:
    return "".join("  " + safe(" → ".join(graph.label(n) for n in path)) + "\n" for path in paths)


def render_problems(skipped: tuple[SkippedPackage, ...], errors: tuple[FileError, ...]) -> str:
    lines = []
    if skipped:
        lines.append(f"skipped {len(skipped)} dependencies that are not pinned packages:")
        lines.extend(
            safe(f"  {s.location.render()}: {s.requirement} — {s.reason}") for s in skipped
        )
    return "\n".join(lines) + ("\n" if lines else "")
