"""The bundled treadmill demo: examples/saleor-history is the history fixture, and its
folder names give the dates and commits the README's one-liner files each run under."""

from __future__ import annotations

import subprocess
from pathlib import Path

from auditor.cli.site_options import parse_commit, parse_time
from tests.store.helpers import history
from tests.support import git

EXAMPLE = Path(__file__).parents[2] / "examples" / "saleor-history"


def test_example_history_is_the_fixture_with_dates_in_the_names() -> None:
    """Same folders, same bytes; `cut -c1-10` of each name is its commit date, `cut -c13-`
    a commit id --commit accepts."""
    steps = history()
    assert [s.folder.name for s in steps] == sorted(p.name for p in EXAMPLE.iterdir())
    for step in steps:
        for name in ("poetry.lock", "pyproject.toml"):
            assert (step.folder / name).read_bytes() == (
                EXAMPLE / step.folder.name / name
            ).read_bytes()
        assert step.date.date() == parse_time(step.folder.name[:10]).date()
        assert step.folder.name[12:] == parse_commit(step.folder.name[12:])


BUNDLE = EXAMPLE.parent / "saleor.bundle"


def test_the_bundle_holds_the_history_with_its_dates(tmp_path: Path) -> None:
    """examples/saleor.bundle: one first-parent commit per fixture version, oldest first,
    committed at its date, holding exactly its poetry.lock and pyproject.toml, and naming
    saleor's commit in its message."""
    clone = tmp_path / "saleor"
    git(tmp_path, "clone", "-q", str(BUNDLE), str(clone))
    log = git(clone, "log", "--first-parent", "--reverse", "--format=%H %ct %s").splitlines()
    steps = history()
    assert len(steps) == len(log)
    for step, line in zip(steps, log, strict=True):
        commit, stamp, message = line.split(" ", 2)
        assert int(step.date.timestamp()) == int(stamp)
        assert step.commit in message
        assert "poetry.lock\npyproject.toml" == git(clone, "ls-tree", "--name-only", commit)
        for name in ("poetry.lock", "pyproject.toml"):
            shown = subprocess.run(
                ["git", "-C", str(clone), "show", f"{commit}:{name}"],
                capture_output=True,
                check=True,
            ).stdout
            assert (step.folder / name).read_bytes() == shown
