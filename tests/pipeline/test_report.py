"""The ``report`` job as one typed function: what it writes, saves and renders, what it
returns, and that each expensive step (directory walk, graph, target environment) runs
once per run."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from auditor.core.errors import UsageError
from auditor.core.findings import Severity
from auditor.core.graph import DependencyGraph
from auditor.core.result import Status
from auditor.outputs import plugins
from auditor.pipeline.report import ReportRequest, run_report
from auditor.pipeline.setup import AuditRequest
from auditor.versions import markers
from tests.httpserver import HttpTestServer
from tests.registries.recorded import serve_registries
from tests.support import FIXTURES

SMALL = FIXTURES / "scan" / "small"
REGISTRY_PROJECT = FIXTURES / "scan" / "registry"


def request(tmp_path: Path, *paths: Path, **changes: Any) -> ReportRequest:
    audit = AuditRequest(paths=tuple(str(p) for p in paths) or (str(SMALL),))
    return ReportRequest(
        **{"audit": audit, "out": tmp_path / "out", "db": str(tmp_path / "store.db"), **changes}
    )


def test_the_job_writes_saves_renders_and_says_so(tmp_path: Path) -> None:
    """Files, snapshot and site land together and the result names each of them; the
    counts are the findings document's."""
    stages: list[str] = []
    done = run_report(request(tmp_path, project="shop"), progress=stages.append)
    out = tmp_path / "out"
    assert [out / f.filename for f in plugins_default()] == list(done.files)
    assert all(p.is_file() for p in done.files)
    assert done.snapshot is not None
    assert (1, "shop", f"sqlite:///{tmp_path / 'store.db'}") == (
        done.snapshot.id,
        done.snapshot.project,
        done.snapshot.store,
    )
    assert done.site is not None
    assert out / "index.html" == done.site.index
    assert (out / "summary.txt").read_text() == done.summary
    assert done.exit_code in (0, 3)
    summary = json.loads((out / "findings.json").read_text())["summary"]
    counts = done.counts
    assert (summary["packages"], summary["findings"]) == (counts.packages, counts.findings)
    assert summary["by_severity"] == {s.value: n for s, n in counts.by_severity}
    assert [s.value for s in reversed(Severity)] == [s.value for s, _ in counts.by_severity]
    assert done.file("results.sarif") == out / "results.sarif"
    assert ["collecting lockfiles", "auditing 1 lockfile(s)", "saving the snapshot"] == (stages[:3])
    assert "writing the report files" == stages[-1]  # files and site together, at the end
    again = run_report(request(tmp_path, project="shop"))
    assert again.snapshot is not None
    assert 2 == again.snapshot.id


def plugins_default() -> list[plugins.OutputFormat]:
    return [plugins.get(n) for n in plugins.REPORT_DEFAULT]


def test_without_store_the_site_shows_this_run_alone(tmp_path: Path) -> None:
    """store=False: nothing is saved anywhere, yet the site is rendered (from a throw-away
    store holding this run)."""
    done = run_report(request(tmp_path, store=False))
    assert done.snapshot is None
    assert not (tmp_path / "store.db").exists()
    assert done.site is not None
    assert 1 == len(list((tmp_path / "out" / "p").glob("*/s/*.html")))


def test_only_the_chosen_files_and_no_site(tmp_path: Path) -> None:
    """formats and site=False are obeyed; the text summary is still in the result."""
    done = run_report(request(tmp_path, formats=(plugins.get("json"),), site=False, store=False))
    assert [tmp_path / "out" / "findings.json"] == list(done.files)
    assert (None, None) == (done.site, done.snapshot)
    assert "status:" in done.summary
    assert ["auditor-files.json", "findings.json"] == sorted(
        p.name for p in (tmp_path / "out").iterdir()
    )


def test_a_broken_lockfile_is_in_the_result_not_raised(tmp_path: Path) -> None:
    """An unreadable lockfile makes the run partial with exit code 2; the report is still
    written and saved."""
    shutil.copytree(SMALL, tmp_path / "project")
    (tmp_path / "project" / "broken").mkdir()
    (tmp_path / "project" / "broken" / "Pipfile.lock").write_text("{")
    done = run_report(request(tmp_path, tmp_path / "project"))
    assert (2, Status.PARTIAL) == (done.exit_code, done.result.status)
    assert ["broken/Pipfile.lock"] == [e.path for e in done.result.errors]
    assert done.snapshot is not None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fail_on": "severe"}, "--fail-on severe: expected one of"),
        ({"config": "missing.toml"}, "--config: missing.toml is not a file"),
    ],
)
def test_a_bad_request_fails_before_anything_is_written(
    tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    """A request that cannot run is one UsageError; no file, no snapshot."""
    audit = AuditRequest(paths=(str(SMALL),), **changes)
    with pytest.raises(UsageError, match=message):
        run_report(request(tmp_path, audit=audit), cwd=tmp_path)
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "store.db").exists()


def test_out_must_be_a_folder(tmp_path: Path) -> None:
    """An out that is a file is refused before anything is collected."""
    (tmp_path / "out").write_text("a file")
    with pytest.raises(UsageError, match="exists and is not a folder"):
        run_report(request(tmp_path))


def count_calls(monkeypatch: pytest.MonkeyPatch, function: Callable[..., Any]) -> list[object]:
    """Count the calls of a module-level function, however it was imported: every loaded
    auditor module that holds it gets the counting wrapper. Returns the first argument of
    each call."""
    calls: list[object] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0] if args else None)
        return function(*args, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("auditor") and getattr(module, function.__name__, None) is function:
            monkeypatch.setattr(module, function.__name__, counting)
    return calls


def count_graphs(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Count the graphs built from collect results (the stored ones the site reads are
    built from the store, not counted)."""
    calls: list[object] = []
    build = DependencyGraph.from_results.__func__  # type: ignore[attr-defined]

    def counting(cls: type[DependencyGraph], results: Any) -> DependencyGraph:
        calls.append(results)
        return build(cls, results)  # type: ignore[no-any-return]

    monkeypatch.setattr(DependencyGraph, "from_results", classmethod(counting))
    return calls


def test_walk_graph_and_environment_happen_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One report run (store and site included) walks the scanned tree once, builds the
    dependency graph once and the target environment once."""
    from auditor.collectors import discovery

    walks = count_calls(monkeypatch, discovery.walk)
    targets = count_calls(monkeypatch, discovery.discover)
    environments = count_calls(monkeypatch, markers.for_project)
    graphs = count_graphs(monkeypatch)
    done = run_report(request(tmp_path))
    assert done.snapshot is not None
    assert done.site is not None
    assert (1, 1, 1, 1) == (len(walks), len(targets), len(graphs), len(environments))


def test_with_registries_the_graph_is_still_built_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, http_server: HttpTestServer
) -> None:
    """With registries completing a flat lockfile's edges (the graph changes), the graph and
    the environment are still built once, after the completion."""
    registry = serve_registries(http_server, monkeypatch, tmp_path / "home")
    shutil.copytree(REGISTRY_PROJECT, tmp_path / "project")
    environments = count_calls(monkeypatch, markers.for_project)
    graphs = count_graphs(monkeypatch)
    done = run_report(request(tmp_path, tmp_path / "project", store=False, site=False))
    assert registry.server.requests
    assert any("edges filled in" in note for note in done.result.notes)
    assert (1, 1) == (len(graphs), len(environments))
    assert any(e.parent == "pkg:pypi/requests@2.19.0" for e in done.result.graph.edges)
