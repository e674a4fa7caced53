"""A real history replayed through ``auditor report`` once per test session.

The eight monthly saleor versions of ``tests/fixtures/history/saleor`` are copied out of
the repository (so no git state leaks in) and each is reported with ``--snapshot-time``
set to its commit date, into one store and one site. Several test modules read the site:
the numbers test, the browser tests and the screenshots.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.store.helpers import HistoryStep, history
from tests.support import run_cli


@dataclass(frozen=True)
class ReplayedSite:
    site: Path
    db: Path
    steps: list[HistoryStep]
    folders: list[Path]
    outputs: list[str]


def replay(root: Path, *, project: str = "saleor", extra: tuple[str, ...] = ()) -> ReplayedSite:
    steps = history()
    site, db, cache = root / "site", root / "store.db", root / "cache"
    folders, outputs = [], []
    for step in steps:
        folder = root / "checkouts" / step.folder.name
        shutil.copytree(step.folder, folder)
        folders.append(folder)
        result = run_cli(
            [
                "report",
                str(folder),
                "--project",
                project,
                "--snapshot-time",
                step.date.isoformat(),
                "--db",
                str(db),
                "--out",
                str(site),
                "--cache-dir",
                str(cache),
                *extra,
            ]
        )
        assert result.code == 0, result.err
        outputs.append(result.out)
    return ReplayedSite(site=site, db=db, steps=steps, folders=folders, outputs=outputs)


@pytest.fixture(scope="session")
def saleor_site(tmp_path_factory: pytest.TempPathFactory) -> ReplayedSite:
    """The saleor history replayed into one store and one site."""
    return replay(tmp_path_factory.mktemp("saleor-replay"))


from tests.store.conftest import postgres_url, sqlite_url, store_url  # noqa: E402, F401 - fixtures
