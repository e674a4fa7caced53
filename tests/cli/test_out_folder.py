"""``report --out`` as users run it: the files' modes follow the umask, a folder with files
of its own is left alone unless --force, files an earlier run wrote and this one does not
are removed, and a terminated run leaves no temporary file."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditor.core.outfolder import MANIFEST
from tests.support import FIXTURES, run_cli

SMALL = FIXTURES / "scan" / "small"


def _report(out: Path, *extra: str, umask: int | None = None) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "auditor", "report", str(SMALL), "--out", str(out), *extra]
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        preexec_fn=None if umask is None else (lambda: os.umask(umask)),
    )


@pytest.mark.parametrize(
    ("umask", "files", "folders"), [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700)]
)
def test_report_files_and_site_pages_follow_the_umask(
    tmp_path: Path, umask: int, files: int, folders: int
) -> None:
    """Every report file, site page and folder under umask 022 (a web server can read
    them) and 077 (nobody else can)."""
    out = tmp_path / "out"
    run = _report(out, "--no-store", umask=umask)
    assert run.returncode in (0, 3), run.stderr
    written = list(out.rglob("*"))
    assert any(p.name == "findings.json" for p in written)
    assert any(p.suffix == ".html" and p.parent != out for p in written)
    for path in written:
        expected = folders if path.is_dir() else files
        assert expected == stat.S_IMODE(path.stat().st_mode), path


def test_out_docs_leaves_a_real_docs_folder_alone(tmp_path: Path) -> None:
    """``--out docs`` where docs/index.html is the project's own: one error line, exit 2,
    nothing written or saved; with --force the report replaces it."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.html").write_text("<h1>Our documentation</h1>")
    (docs / "guide.md").write_text("# guide")
    db = tmp_path / "store.db"
    refused = run_cli(["report", str(SMALL), "--out", str(docs), "--db", str(db)])
    assert 2 == refused.code
    assert [
        f"auditor: error: --out {docs}: index.html exists and auditor did not write it; "
        "choose another folder or pass --force to replace it"
    ] == refused.err.splitlines()
    assert ["guide.md", "index.html"] == sorted(p.name for p in docs.iterdir())
    assert not db.exists()
    forced = run_cli(["report", str(SMALL), "--out", str(docs), "--db", str(db), "--force"])
    assert forced.code in (0, 3), forced.err
    assert "<h1>Our documentation</h1>" != (docs / "index.html").read_text()
    assert "# guide" == (docs / "guide.md").read_text()
    assert "index.html" in json.loads((docs / MANIFEST).read_text())["files"]


def test_a_later_run_removes_what_it_no_longer_writes(tmp_path: Path) -> None:
    """A full report, then one with only findings.json and no site: the other report files
    and every page of the site go, the user's own file in the folder stays."""
    out = tmp_path / "out"
    assert run_cli(["report", str(SMALL), "--out", str(out), "--no-store"]).code in (0, 3)
    (out / "NOTES.md").write_text("ours")
    assert (out / "p").is_dir()
    narrowed = run_cli(
        ["report", str(SMALL), "--out", str(out), "--no-store", "--format", "json", "--no-site"]
    )
    assert narrowed.code in (0, 3), narrowed.err
    assert ["NOTES.md", MANIFEST, "findings.json"] == sorted(p.name for p in out.iterdir())


def test_scan_output_dir_is_the_same_kind_of_folder(tmp_path: Path) -> None:
    """``scan --output-dir`` refuses to replace a file it did not write, too."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.sarif").write_text("{}")
    result = run_cli(["scan", str(SMALL), "--format", "sarif,json", "--output-dir", str(out)])
    assert 2 == result.code
    assert "results.sarif exists and auditor did not write it" in result.err
    assert "{}" == (out / "results.sarif").read_text()


_SLOW_WRITE = """
import os, sys, time
real = os.replace
def slow(src, dst):
    if os.path.basename(os.path.dirname(os.path.abspath(dst))) == "out":
        time.sleep(60)  # a file of the output folder is being written: its .tmp exists
    real(src, dst)
os.replace = slow
sys.argv = ["auditor", *sys.argv[1:]]
from auditor.cli import run
run()
"""


@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGINT, 130)]
)
def test_a_terminated_report_leaves_no_temporary_file(
    tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    """A report terminated (SIGTERM) or interrupted (Ctrl-C) while a file is being
    written: the temporary file goes with it and the file it was to replace is intact."""
    out = tmp_path / "out"
    assert run_cli(["report", str(SMALL), "--out", str(out), "--no-store"]).code in (0, 3)
    before = (out / "findings.json").read_text()
    args = ["report", str(SMALL), "--out", str(out), "--no-store"]
    with subprocess.Popen(
        [sys.executable, "-c", _SLOW_WRITE, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        deadline = time.monotonic() + 120
        while not list(out.glob(".*.tmp")):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(sig)
        assert code == proc.wait(timeout=60)
    assert [] == list(out.rglob("*.tmp"))
    assert before == (out / "findings.json").read_text()
