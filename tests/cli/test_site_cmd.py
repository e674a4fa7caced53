"""``auditor site build`` and ``report --full-site``: the whole portfolio from the command
line, what they print, and their errors as one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.site import paths
from auditor.store import open_store
from tests.site.htmltables import read_page
from tests.site.stories import files, story
from tests.support import FIXTURES, run_cli

SMALL = FIXTURES / "scan" / "small"


def store(tmp_path: Path, *names: str) -> str:
    db = tmp_path / "store.db"
    engine = open_store(f"sqlite:///{db}")
    try:
        for number, name in enumerate(names):
            story(engine, name, start=number)
    finally:
        engine.dispose()
    return str(db)


def test_site_build_renders_every_project_then_only_what_changed(tmp_path: Path) -> None:
    """The first build renders both projects; the second finds them current and writes
    nothing; --full renders them again (and still writes nothing: same bytes)."""
    db, out = store(tmp_path, "alpha", "bravo"), tmp_path / "site"
    first = run_cli(["site", "build", "--db", db, "--out", str(out)])
    assert 0 == first.code, first.err
    assert "of 2 projects" in first.out
    assert first.out.rstrip().endswith(f"open {out / 'index.html'}")
    assert (out / paths.project_page("bravo")).is_file()
    again = run_cli(["site", "build", "--db", db, "--out", str(out)])
    assert "of 0 projects, 2 already current, 0 files written" in again.out
    full = run_cli(["site", "build", "--db", db, "--out", str(out), "--full", "--quiet"])
    assert (0, "") == (full.code, full.out)


def test_site_build_errors_are_one_line(tmp_path: Path) -> None:
    """No store there, or --out is a file: exit 2 and one line, nothing written."""
    missing = run_cli(["site", "build", "--db", str(tmp_path / "none.db"), "--out", "x"])
    assert 2 == missing.code
    assert 1 == missing.err.count("\n")
    assert "no snapshot store here yet" in missing.err
    db = store(tmp_path, "alpha")
    (tmp_path / "file").write_text("not a folder")
    refused = run_cli(["site", "build", "--db", db, "--out", str(tmp_path / "file")])
    assert 2 == refused.code
    assert "--out" in refused.err
    assert "exists and is not a folder" in refused.err


def test_report_renders_its_project_and_full_site_renders_all(tmp_path: Path) -> None:
    """A report into a shared store renders its own project and an index of all; with
    --full-site it renders every project, as site build does."""
    db = store(tmp_path, "alpha", "bravo")
    common = ["--db", db, "--cache-dir", str(tmp_path / "cache"), "--project", "small"]
    one = tmp_path / "one"
    done = run_cli(["report", str(SMALL), "--out", str(one), *common])
    assert done.code in (0, 3), done.err
    assert "of 1 project, " in done.out
    assert "index of 3 projects" in done.out
    assert not (one / paths.project_dir("alpha")).exists()
    everything = tmp_path / "all"
    done = run_cli(["report", str(SMALL), "--out", str(everything), "--full-site", *common])
    assert "of 3 projects" in done.out
    built = tmp_path / "built"
    assert 0 == run_cli(["site", "build", "--db", db, "--out", str(built)]).code
    site = {p: b for p, b in files(everything).items() if p.endswith((".html", ".json"))}
    report_files = {"findings.json", "graph.json", "sbom.cdx.json", "auditor-files.json"}
    assert files(built) == {p: b for p, b in site.items() if p not in report_files}


def test_site_weeks_limits_the_weeks_drawn_and_all_draws_every_week(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--site-weeks 1: the project page draws the latest week and says the earlier ones are
    not drawn; --site-weeks all is another option, so the project is rendered again, with
    every week of its history."""
    db, out = store(tmp_path, "alpha"), tmp_path / "site"
    one = run_cli(["site", "build", "--db", db, "--out", str(out), "--site-weeks", "1"])
    assert 0 == one.code, one.err
    page = read_page(out / paths.project_page("alpha"))
    assert 1 == len(page.table("week-table").rows)
    assert "The 1 earliest weeks are not drawn" in page.text
    every = run_cli(["site", "build", "--db", db, "--out", str(out), "--site-weeks", "ALL"])
    assert 0 == every.code, every.err
    assert "of 1 project," in every.out
    page = read_page(out / paths.project_page("alpha"))
    weeks = page.table("week-table").column("Week")
    assert 2 == len(weeks)
    assert "earliest weeks are not drawn" not in page.text
    again = run_cli(["site", "build", "--db", db, "--out", str(out), "--site-weeks", "all"])
    assert "1 already current" in again.out
    with pytest.raises(SystemExit) as info:
        run_cli(["site", "build", "--db", db, "--out", str(out), "--site-weeks", "none"])
    assert 2 == info.value.code
    assert "--site-weeks: 'none' is neither a number of weeks nor all" in capsys.readouterr().err
