"""The pipeline: collect every target, merge into one graph, run checks, build the result.

No printing and no output files here: the CLI and the output formats consume the values
this module returns, which keeps every stage testable alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.discovery import Target, find_targets
from auditor.errors import LockfileError
from auditor.graph import DependencyGraph
from auditor.inputs import TreeReader
from auditor.model import AuditResult, CollectResult, FileError, SkippedPackage, Status


@dataclass(frozen=True, kw_only=True)
class Collection:
    """Everything collected from the targets of one run, before any check."""

    results: tuple[CollectResult, ...]
    errors: tuple[FileError, ...]

    @property
    def graph(self) -> DependencyGraph:
        return DependencyGraph.from_results(self.results)

    @property
    def skipped(self) -> tuple[SkippedPackage, ...]:
        return tuple(sorted({s for r in self.results for s in r.skipped}))

    @property
    def registries(self) -> tuple[str, ...]:
        return tuple(sorted({u for r in self.results for u in r.registries}))

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(sorted({f for r in self.results for f in (r.files or (r.path,))}))

    @property
    def status(self) -> Status:
        return Status.PARTIAL if self.errors else Status.COMPLETE


def collect_target(target: Target) -> CollectResult:
    """Collect one target; raises ``LockfileError`` for a broken file."""
    reader = TreeReader(target.root)
    file = reader.read_path(target.path)
    return target.collector.collect(file, reader)


def collect(targets: Sequence[Target]) -> Collection:
    """Collect every target; a broken file becomes a ``FileError`` and the rest go on."""
    results: list[CollectResult] = []
    errors: list[FileError] = []
    for target in targets:
        try:
            results.append(collect_target(target))
        except LockfileError as exc:
            errors.append(FileError(path=exc.path, message=exc.message, line=exc.line, key=exc.key))
    return Collection(results=tuple(results), errors=tuple(sorted(set(errors))))


def collect_paths(
    paths: Sequence[str], *, force: str | None = None, cwd: Path | None = None
) -> Collection:
    return collect(find_targets(paths, force=force, cwd=cwd))


def audit(collection: Collection) -> AuditResult:
    """Build the result of a run from what was collected (checks plug in here)."""
    return AuditResult(
        graph=collection.graph,
        skipped=collection.skipped,
        errors=collection.errors,
        registries=collection.registries,
        status=collection.status,
    )
