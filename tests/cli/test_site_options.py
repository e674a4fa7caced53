"""``auditor report``'s site options, its output, and the progress display."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from auditor.cli.base import Console
from auditor.cli.site_options import parse_time, progress
from tests.support import FIXTURES, run_cli

SMALL = FIXTURES / "scan" / "small"


def report(tmp_path: Path, *extra: str) -> tuple[int, str, str]:
    result = run_cli(
        [
            "report",
            str(SMALL),
            "--out",
            str(tmp_path / "out"),
            "--cache-dir",
            str(tmp_path / "cache"),
            *extra,
        ]
    )
    return result.code, result.out, result.err


def test_report_writes_the_site_and_names_its_index(tmp_path: Path) -> None:
    """The files, the site and the snapshot land together; the last line is the index."""
    code, out, _ = report(tmp_path, "--db", str(tmp_path / "db.sqlite"))
    assert code in (0, 3)
    index = tmp_path / "out" / "index.html"
    assert index.is_file()
    assert out.rstrip().endswith(f"open {index}")
    assert {"graph.json", "findings.json", "summary.txt", "index.html"} <= {
        p.name for p in (tmp_path / "out").iterdir()
    }


def test_no_store_renders_this_run_alone_and_saves_nothing(tmp_path: Path) -> None:
    """--no-store: a site of one snapshot, and no store file anywhere."""
    code, out, _ = report(tmp_path, "--no-store", "--db", str(tmp_path / "db.sqlite"))
    assert code in (0, 3)
    assert not (tmp_path / "db.sqlite").exists()
    assert "snapshot" not in out.splitlines()[-2]
    snapshots = list((tmp_path / "out" / "p").glob("*/s/*.html"))
    assert 1 == len(snapshots)


def test_no_site_and_quiet(tmp_path: Path) -> None:
    """--no-site writes no HTML; --quiet prints nothing on stdout."""
    code, out, _ = report(tmp_path, "--no-site", "--quiet", "--db", str(tmp_path / "db.sqlite"))
    assert code in (0, 3)
    assert "" == out
    assert not (tmp_path / "out" / "index.html").exists()
    assert (tmp_path / "out" / "findings.json").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--snapshot-time", "yesterday"], "--snapshot-time: 'yesterday' is neither"),
        (["--site-snapshots", "0"], "--site-snapshots: must be at least 1"),
        (["--site-snapshots", "x"], "--site-snapshots: 'x' is not a whole number"),
        (["--site-weeks", "0"], "--site-weeks: must be at least 1"),
        (["--site-weeks", "every"], "--site-weeks: 'every' is neither a number of weeks nor all"),
    ],
)
def test_bad_site_options_are_usage_errors(
    tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad value stops the run before any work, with one line naming the option."""
    with pytest.raises(SystemExit) as info:
        report(tmp_path, *args)
    assert 2 == info.value.code
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_out_must_be_a_folder(tmp_path: Path) -> None:
    """An --out that is a file is refused before anything is collected."""
    (tmp_path / "out").write_text("not a folder")
    code, _, err = report(tmp_path)
    assert 2 == code
    assert "--out" in err
    assert "exists and is not a folder" in err


def test_snapshot_time_files_the_run_in_the_past(tmp_path: Path) -> None:
    """The snapshot is filed under the given time (history shows it)."""
    db = str(tmp_path / "db.sqlite")
    report(tmp_path, "--db", db, "--snapshot-time", "2020-06-30T06:44:33Z", "--project", "p")
    listed = run_cli(["history", "--db", db, "--project", "p", "--json"])
    assert "2020-06-30T06:44:33" in listed.out


def test_parse_time_forms() -> None:
    """Dates, times with zones and epoch seconds all become UTC."""
    assert "2020-06-30T00:00:00+00:00" == parse_time("2020-06-30").isoformat()
    assert "2020-06-30T04:44:00+00:00" == parse_time("2020-06-30T06:44:00+02:00").isoformat()
    assert "1970-01-02T00:00:00+00:00" == parse_time("86400").isoformat()
    with pytest.raises(argparse.ArgumentTypeError):
        parse_time("2020-13-01")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal() -> None:
    """Pipes and --quiet get no spinner; on a terminal, lines printed meanwhile still
    arrive and the streams are restored afterwards."""
    piped = Console(out=io.StringIO(), err=io.StringIO())
    with progress(piped, quiet=False) as stage:
        stage("collecting")
    assert "" == piped.err.getvalue()
    out, err = Terminal(), Terminal()
    console = Console(out=out, err=err)
    with progress(console, quiet=False) as stage:
        stage("rendering")
        console.print("a line of the summary")
    assert console.out is out
    assert console.err is err
    assert "a line of the summary" in out.getvalue()
    quiet = Console(out=Terminal(), err=Terminal())
    with progress(quiet, quiet=True) as stage:
        stage("x")
    assert "" == quiet.err.getvalue()
