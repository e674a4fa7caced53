"""The site's "affected projects" page of each advisory: two projects of one store, from
real saleor lockfiles of different months, and the links that lead to the pages."""

from __future__ import annotations

from pathlib import Path

from auditor.site import paths
from tests.site.htmltables import read_page
from tests.support import run_cli

HISTORY = Path(__file__).parents[2] / "examples" / "saleor-history"


def test_each_open_advisory_lists_the_projects_it_affects(tmp_path: Path) -> None:
    """PYSEC-2021-98 is open in both projects' latest snapshots (different Django
    versions): its page lists each affected project with its latest snapshot, package,
    version and fix, and the snapshot pages link the finding to it."""
    site, db = tmp_path / "site", tmp_path / "store.db"
    for project, folder in (
        ("legacy", "2019-10-17__069b8b82"),
        ("shop", "2020-06-30__30c93eb3"),
    ):
        result = run_cli(
            ["report", str(HISTORY / folder), "--project", project, "--db", str(db),
             "--out", str(site), "--quiet"]
        )  # fmt: skip
        assert 0 == result.code, result.err
    page = read_page(site / paths.advisory_page("PYSEC-2021-98"))
    rows = page.table("affected-table").records()
    assert [
        ("legacy", "django 2.2.6 (PyPI)", "2.2.24"),
        ("shop", "django 3.0.6 (PyPI)", "3.1.12"),
    ] == [(r["Project"], r["Package"], r["Fix"]) for r in rows]
    assert "Open in the latest snapshot of 2 of the 2 projects in the store" in page.text
    assert "CVE-2021-33203" in page.text
    assert "../p/" in " ".join(page.links)
    shop = read_page(site / paths.snapshot_page("shop", 2))
    target = "../../../" + paths.advisory_page("PYSEC-2021-98")
    assert target in shop.links
    every = sorted(p.name for p in (site / "a").glob("*.html"))
    assert paths.advisory_page("PYSEC-2021-98").split("/")[1] in every
