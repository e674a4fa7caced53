"""``report`` against golang/vulndb's own records: every one has ``modified:
0001-01-01T00:00:00Z`` (Go's zero time), which used to be written as "1-01-01T00:00:00Z"
and then refused when the snapshot was saved, so no report against the Go database
saved anything."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from auditor.core.graph import DependencyGraph
from auditor.core.result import AuditResult, SourceInfo
from auditor.core.times import rfc3339
from auditor.pipeline.snapshot import advisory_identity
from tests.support import FIXTURES, run_cli

VULNDB = FIXTURES / "go-vulndb"
PROMETHEUS = FIXTURES / "go-mod" / "real" / "prometheus__prometheus"


def test_report_against_the_go_database_saves_and_renders(tmp_path: Path) -> None:
    """The report is written, the snapshot saved and listed, the site rendered; the data's
    age is unknown (the records carry no modification time) and a note says so."""
    project = tmp_path / "prometheus"
    shutil.copytree(PROMETHEUS, project)
    out, db = tmp_path / "out", tmp_path / "store.db"
    args = ["report", str(project), "--advisory-db", str(VULNDB), "--out", str(out)]
    result = run_cli([*args, "--db", str(db)])
    assert 0 == result.code, result.err
    assert "snapshot 1 of prometheus saved" in result.out
    assert (out / "index.html").is_file()
    findings = json.loads((out / "findings.json").read_text())
    assert 17 == sum(1 for f in findings["findings"] if f["kind"] == "vulnerability")
    assert "0001-01-01T00:00:00Z" == findings["findings"][0]["modified"]
    assert [None] == [s["updated"] for s in findings["sources"]]
    assert "42 of 42 records carry no modification time" in result.err
    history = run_cli(["history", "--db", str(db), "--json"])
    assert 0 == history.code, history.err
    assert 1 == len(json.loads(history.out)["snapshots"])
    again = run_cli([*args, "--db", str(db)])
    assert 0 == again.code, again.err
    diff = run_cli(["diff", "--db", str(db)])
    assert 0 == diff.code, diff.err


def test_an_advisory_time_in_year_one_is_saved_and_read_back(tmp_path: Path) -> None:
    """A source updated at Go's zero time (a record file of its own, say) is written in the
    one RFC 3339 form and read back as that instant when the snapshot is saved."""
    zero = dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)
    info = SourceInfo(name="osv-local", location="x", updated=rfc3339(zero))
    assert "0001-01-01T00:00:00Z" == info.updated
    result = AuditResult(graph=DependencyGraph(), sources=(info,))
    assert ("osv-local:x", zero) == advisory_identity(result)
