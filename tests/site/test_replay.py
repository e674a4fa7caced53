"""The site of a replayed real history against an independent computation.

Eight monthly versions of saleor's poetry.lock are reported one after the other (as a
nightly job would, with each run filed at its commit date). The numbers the pages show are
read back from the HTML tables and compared with plain set arithmetic over the lockfiles
and the bundled OSV records: packages, direct dependencies, churn, findings open, new and
resolved, their severities and the risk score (a package poetry marks ``category =
"dev"`` is needed only in development and weighs a quarter).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import tomllib
from cvss import CVSS3

from auditor.core.model import canonical_pypi_name
from auditor.site import paths
from tests.site.conftest import ReplayedSite
from tests.site.htmltables import read_page
from tests.store.helpers import independent_churn

ADVISORIES = Path(__file__).parents[2] / "data" / "advisories" / "pypa"
WEIGHTS = {"critical": 10, "high": 6, "medium": 3, "low": 1, "unknown": 3}


@dataclass(frozen=True)
class Expected:
    versions: dict[str, str]  # name -> version
    direct: set[str]
    findings: dict[tuple[str, str], str]  # (name, advisory id) -> severity
    dev: set[str]  # packages only needed in development


def _severity(record: dict[str, object]) -> str:
    for item in record.get("severity", []) or []:  # type: ignore[attr-defined]
        if item["type"] == "CVSS_V3":
            score = CVSS3(item["score"]).scores()[0]
            return (
                "critical"
                if score >= 9
                else "high"
                if score >= 7
                else "medium"
                if score >= 4
                else "low"
            )
    return "unknown"


def expected(folder: Path) -> Expected:
    lock = tomllib.loads((folder / "poetry.lock").read_text())
    poetry = tomllib.loads((folder / "pyproject.toml").read_text())["tool"]["poetry"]
    versions = {canonical_pypi_name(p["name"]): p["version"] for p in lock["package"]}
    dev = {canonical_pypi_name(p["name"]) for p in lock["package"] if p.get("category") == "dev"}
    declared = {
        canonical_pypi_name(n)
        for table in ("dependencies", "dev-dependencies")
        for n in poetry.get(table, {})
        if n.lower() != "python"
    }
    findings = {}
    for path in sorted(ADVISORIES.glob("*.json")):
        record = json.loads(path.read_text())
        for affected in record["affected"]:
            name = canonical_pypi_name(affected["package"]["name"])
            if versions.get(name) in affected.get("versions", []):
                findings[(name, record["id"])] = _severity(record)
    return Expected(
        versions=versions, direct=declared & versions.keys(), findings=findings, dev=dev
    )


def risk(e: Expected) -> float:
    return sum(
        WEIGHTS[sev] * (1 if name in e.direct else 0.5) * (0.25 if name in e.dev else 1)
        for (name, _), sev in e.findings.items()
    )


def number(text: str) -> float:
    return float(text.replace(",", ""))


def test_snapshot_table_matches_the_lockfiles(saleor_site: ReplayedSite) -> None:
    """Per snapshot: packages, open/new/resolved findings, churn and risk."""
    page = read_page(saleor_site.site / paths.snapshots_page("saleor", 1))
    rows = list(reversed(page.table("snapshot-table").records()))  # oldest first
    wanted = [expected(f) for f in saleor_site.folders]
    assert len(wanted) == len(rows)
    for index, (row, e) in enumerate(zip(rows, wanted, strict=True)):
        assert len(e.versions) == number(row["Packages"]), index
        assert len(e.findings) == number(row["Open findings"]), index
        assert round(risk(e), 1) == number(row["Risk"]), index
        if index == 0:
            continue
        before = wanted[index - 1]
        churn = independent_churn(before.versions, e.versions)
        assert [len(churn[k]) for k in ("added", "removed", "upgraded", "downgraded")] == [
            number(row[k]) for k in ("Added", "Removed", "Upgraded", "Downgraded")
        ], index
        assert len(e.findings.keys() - before.findings.keys()) == number(row["New"]), index
        assert len(before.findings.keys() - e.findings.keys()) == number(row["Resolved"]), index


def test_latest_snapshot_findings_and_direct_counts(saleor_site: ReplayedSite) -> None:
    """The latest snapshot page lists exactly the independently matched findings, each
    with the severity its CVSS vector gives; the project page counts direct packages."""
    e = expected(saleor_site.folders[-1])
    snapshot_ids = [
        int(link.rsplit("/", 1)[1].removesuffix(".html"))
        for link in read_page(saleor_site.site / paths.project_page("saleor")).links
        if link.startswith("s/")
    ]
    page = read_page(saleor_site.site / paths.snapshot_page("saleor", max(snapshot_ids)))
    table = page.table("findings-table")
    shown = {}
    for row in table.records():
        name = row["Package"].split()[0]
        advisory = row["Finding"].split()[0]
        shown[(name, advisory)] = row["Severity"].split()[0]
    assert e.findings == shown
    points = [number(p) for p in table.column("Points")]
    assert points == sorted(points, reverse=True)  # riskiest first
    project = read_page(saleor_site.site / paths.project_page("saleor"))
    assert f"{len(e.direct)} direct, {len(e.versions) - len(e.direct)} transitive" in project.text


def test_week_table_carries_the_state_of_each_week(saleor_site: ReplayedSite) -> None:
    """One row per ISO week from the first run to the last; a week without a run shows the
    state of the last run before it, and the runs of a week sum up."""
    page = read_page(saleor_site.site / paths.project_page("saleor"))
    weeks = {r["Week"]: r for r in page.table("week-table").records()}
    state: dict[str, Expected] = {}
    for step, folder in zip(saleor_site.steps, saleor_site.folders, strict=True):
        year, week, _ = step.date.isocalendar()
        state[f"{year}-W{week:02d}"] = expected(folder)
    first, last = min(state), max(state)
    assert first in weeks
    assert last in weeks
    current = None
    for key in sorted(weeks):
        current = state.get(key, current)
        assert current is not None
        row = weeks[key]
        assert len(current.versions) == number(row["Packages"]), key
        assert (1 if key in state else 0) == number(row["Runs"]), key
        severities = dict.fromkeys(WEIGHTS, 0)
        for sev in current.findings.values():
            severities[sev] += 1
        assert severities == {s: number(row[s]) for s in WEIGHTS}, key


def test_package_page_shows_each_version_once_per_change(saleor_site: ReplayedSite) -> None:
    """django's page lists the versions it went through, newest first, as the lockfiles
    say, and who depends on it in the latest lockfile."""
    sequence: list[str] = []
    for folder in saleor_site.folders:
        version = expected(folder).versions["django"]
        if not sequence or sequence[-1] != version:
            sequence.append(version)
    page = read_page(saleor_site.site / paths.package_page("saleor", "PyPI", "django"))
    assert list(reversed(sequence)) == page.table("version-table").column("Version")
    lock = tomllib.loads((saleor_site.folders[-1] / "poetry.lock").read_text())
    parents = {
        canonical_pypi_name(p["name"])
        for p in lock["package"]
        if any(canonical_pypi_name(d) == "django" for d in p.get("dependencies", {}))
    }
    shown = {cell.split()[0] for cell in page.table("parent-table").column("Parent")}
    assert parents | {"saleor"} == shown


def test_every_run_printed_the_index_page(saleor_site: ReplayedSite) -> None:
    """Each run ends by naming the index page of the site it wrote."""
    for output in saleor_site.outputs:
        assert output.rstrip().endswith(str(saleor_site.site / "index.html"))
