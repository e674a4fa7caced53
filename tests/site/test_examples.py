"""The bundled treadmill demo: examples/saleor-history is the history fixture, and its
folder names give the dates and commits the README's one-liner files each run under."""

from __future__ import annotations

from pathlib import Path

from auditor.cli.site_options import parse_commit, parse_time
from tests.store.helpers import history

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
