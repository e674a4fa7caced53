"""A separate process that saves one snapshot: for the concurrency and kill tests.

    python -m tests.store.writer URL INDEX START_FILE [PAUSE_FILE]

Waits until START_FILE exists (so that many writers start together), opens the store
(creating or upgrading it) and saves the graph ``graph_for(INDEX)`` as project "race".
With PAUSE_FILE, it stops inside the transaction, after every row is written and before
the commit, creates PAUSE_FILE and sleeps: the test then kills it.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

from auditor.core.findings import Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import Edge
from auditor.core.result import AuditResult
from auditor.store import SnapshotMeta, open_store, save_snapshot
from auditor.store import write as write_module
from tests.store.helpers import day, finding, history, poetry_graph, pypi

PROJECT = "race"


def graph_for(index: int) -> DependencyGraph:
    """A real saleor graph (two writers share each one) plus a package of the writer's own."""
    base = poetry_graph(history()[index % 4].folder)
    own = pypi(f"writer-{index}", f"{index}.0")
    root = base.roots[0]
    return DependencyGraph(
        packages=[*base.packages, own],
        edges=[*base.edges, Edge(parent=root.id, child=own.id, requirement=f"writer-{index}")],
        roots=base.roots,
    )


def result_for(index: int) -> AuditResult:
    graph = graph_for(index)
    django = graph.find("django")[0]
    return AuditResult(graph=graph, findings=(finding(django, "PYSEC-RACE", Severity.HIGH),))


def pause_inside_transaction(marker: Path) -> None:
    original = write_module.write_plan

    def paused(conn: object, plan: write_module.SnapshotPlan) -> int:
        snapshot_id = original(conn, plan)  # type: ignore[arg-type]
        marker.write_text(str(snapshot_id))
        time.sleep(120)  # killed long before this ends
        return snapshot_id

    write_module.write_plan = paused  # type: ignore[assignment]


def main(argv: list[str]) -> int:
    url, index, start = argv[0], int(argv[1]), Path(argv[2])
    if len(argv) > 3:
        pause_inside_transaction(Path(argv[3]))
    result = result_for(index)
    meta = dataclasses.replace(SnapshotMeta(), taken_at=day(index))
    deadline = time.monotonic() + 60
    while not start.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    engine = open_store(url)
    try:
        print(save_snapshot(engine, PROJECT, result, meta))
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
