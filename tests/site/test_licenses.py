"""The licences page of a project and the licence on package pages: counts by declared
licence, unknowns and unverified ones, the policy's findings linked to their packages,
relicensing since the snapshot before, escaping of hostile licence text, and re-rendering
when only a licence changed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy.engine import Engine

from auditor.checks.licenses import finding as license_finding
from auditor.core.findings import Finding, Unverified
from auditor.core.model import License, Package, Source, SourceKind
from auditor.core.result import AuditResult
from auditor.licenses.policy import Outcome, Verdict
from auditor.site import paths, render_site
from auditor.site.licenses import SPDX, TEXT, UNKNOWN, license_counts
from auditor.store import SnapshotMeta, open_store, save_snapshot
from tests.site.htmltables import read_page
from tests.site.stories import files
from tests.store.helpers import day, pypi, small_graph

HOSTILE = "<script>self['pwned']=30</script><img src=x onerror=\"self['pwned']=31\">"
UNVERIFIED_REASON = "the lockfile records no licence; registry lookups skipped: --offline"


def mit(name: str, version: str = "1.0") -> Package:
    return pypi(name, version, license=License(text="MIT License", expression="MIT"))


def spdx(name: str, version: str, expression: str) -> Package:
    return pypi(name, version, license=License(text=expression, expression=expression))


def first_and_second(relicensed_to: str = "BUSL-1.1") -> tuple[list[Package], list[Package]]:
    """Two snapshots' packages: ``b`` upgraded from GPL-3.0-only to ``relicensed_to``, ``c``
    unknown, ``d`` a text that is no SPDX expression, ``e`` a hostile text, ``own`` the
    project's own path package (never counted)."""
    common = [
        mit("a"),
        pypi("c", "1.0"),
        pypi("d", "2.0", license=License(text="BSD")),
        pypi("e", "1.0", license=License(text=HOSTILE, source="registry")),
        mit("f"),
        pypi("own", "0.1", source=Source(kind=SourceKind.PATH, url="./own")),
    ]
    first = [*common, spdx("b", "1.0", "GPL-3.0-only")]
    second = [*common, spdx("b", "2.0", relicensed_to)]
    return first, second


def denied(package: Package) -> Finding:
    assert package.license is not None
    return license_finding(
        package, Verdict(outcome=Outcome.DENIED, licenses=(package.license.shown,))
    )


def save(
    engine: Engine,
    graph_packages: list[Package],
    *,
    at: int,
    findings: tuple[Finding, ...] = (),
    unverified: tuple[Unverified, ...] = (),
) -> int:
    result = AuditResult(
        graph=small_graph(*graph_packages), findings=findings, unverified=unverified
    )
    return save_snapshot(engine, "demo", result, SnapshotMeta(taken_at=day(at)))


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Path:
    """Two snapshots: the second relicenses ``b`` (denied by the policy) and cannot verify
    ``c``'s licence."""
    first, second = first_and_second()
    save(engine, first, at=0)
    b2 = next(p for p in second if p.name == "b")
    c = next(p for p in second if p.name == "c")
    save(
        engine,
        second,
        at=1,
        findings=(denied(b2),),
        unverified=(Unverified(check="licenses", package_id=c.id, reason=UNVERIFIED_REASON),),
    )
    out = tmp_path / "site"
    render_site(engine, out)
    return out


def test_counts_group_by_licence_most_packages_first() -> None:
    """SPDX expressions, declared texts and unknown are told apart; most packages first;
    the project's own packages are not counted."""
    _, second = first_and_second()
    rows = license_counts(second)
    assert ("MIT", SPDX, ("a", "f")) == (
        rows[0].shown,
        rows[0].kind,
        tuple(p.name for p in rows[0].packages),
    )
    assert {"MIT": SPDX, "BUSL-1.1": SPDX, "BSD": TEXT, HOSTILE: TEXT, "": UNKNOWN} == {
        r.shown: r.kind for r in rows
    }
    assert 6 == sum(len(r.packages) for r in rows)


def test_the_licences_page_shows_counts_findings_unknowns_and_relicensing(site: Path) -> None:
    """Counts by licence, the denied licence linked to its package's page, the unknown and
    unverified package, and the relicensing since the snapshot before."""
    page = read_page(site / paths.licenses_page("demo"))
    counts = {
        r["Licence"]: (r["Kind"], r["Packages"], r["Which"].replace(" ,", ","))
        for r in page.table("license-table").records()
    }
    assert ("SPDX", "2", "a 1.0, f 1.0") == counts["MIT"]
    assert ("declared text", "1", "d 2.0") == counts["BSD"]
    assert ("none declared", "1", "c 1.0") == counts["unknown"]
    assert ("declared text", "1", "e 1.0") == counts[HOSTILE]
    assert "own" not in " ".join(v[2] for v in counts.values())
    violations = page.table("violation-table").records()
    assert [("b 2.0", "LICENSE-DENIED", "high")] == [
        (v["Package"], v["Rule"], v["Severity"]) for v in violations
    ]
    assert [["c 1.0", UNVERIFIED_REASON]] == page.table("unverified-table").rows
    assert "nor did the registry where it was asked" not in page.text  # c is unverified
    assert [["b", "GPL-3.0-only (1.0)", "BUSL-1.1 (2.0)"]] == page.table("relicensed-table").rows
    here = (site / paths.licenses_page("demo")).parent
    b_page = paths.package_page("demo", "PyPI", "b")
    assert paths.relative(paths.licenses_page("demo"), b_page) in page.links
    for link in page.links:
        if not link.startswith(("#", "http")):
            assert (here / link.split("#")[0]).resolve().is_file(), link


def test_the_project_page_links_to_its_licences(site: Path) -> None:
    """The project page links to the licences page."""
    project = paths.project_page("demo")
    assert paths.relative(project, paths.licenses_page("demo")) in read_page(site / project).links


def test_package_pages_and_the_package_list_show_the_licence(site: Path) -> None:
    """The package page says the declared licence and where it was read; the package list
    has a licence column (unknown where none is declared)."""
    b = read_page(site / paths.package_page("demo", "PyPI", "b"))
    assert "Licence: BUSL-1.1 from the lockfile ." in b.text
    listed = {
        r["Package"]: r["Licence"]
        for r in read_page(site / paths.packages_page("demo", 1)).table("package-table").records()
    }
    expected = {"a": "MIT", "b": "BUSL-1.1", "c": "unknown", "d": "BSD", "e": HOSTILE}
    assert {**expected, "f": "MIT", "own": "unknown"} == listed


def test_hostile_licence_text_is_escaped_everywhere(site: Path) -> None:
    """A licence text with markup is shown as text: never raw in any page, escaped where
    it is shown."""
    shown = 0
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>self" not in html, page
        assert "<img" not in html, page
        shown += str(escape(HOSTILE)) in html
    assert shown >= 2  # the licences page and the package list


def test_a_changed_licence_alone_renders_the_page_again(engine: Engine, site: Path) -> None:
    """A snapshot that differs from the one before only in a licence changes the project's
    inputs: the licences page is written again and shows the new licence and the change."""
    before = files(site)
    _, second = first_and_second()
    _, third = first_and_second(relicensed_to="Apache-2.0")
    assert [p.id for p in second] == [p.id for p in third]  # same packages, same versions
    save(engine, third, at=2)
    summary = render_site(engine, site, projects=("demo",))
    assert 1 == summary.rendered
    after = files(site)
    licences = paths.licenses_page("demo")
    assert before[licences] != after[licences]
    page = read_page(site / licences)
    assert [["b", "BUSL-1.1 (2.0)", "Apache-2.0 (2.0)"]] == page.table("relicensed-table").rows
    assert "Apache-2.0" in {r["Licence"] for r in page.table("license-table").records()}


def test_a_first_snapshot_has_nothing_to_compare(engine: Engine, tmp_path: Path) -> None:
    """With one snapshot the page says there is nothing to compare with, and no finding."""
    first, _ = first_and_second()
    save(engine, first, at=0)
    render_site(engine, tmp_path)
    text = read_page(tmp_path / paths.licenses_page("demo")).text
    assert "No earlier snapshot to compare with." in text
    assert "No licence policy finding in the latest snapshot" in text
    assert "nor did the registry where it was asked (1): c 1.0" in text
    lead = "The licences the 6 locked versions of third-party packages in snapshot"
    assert lead in text
    assert (
        "declare (the lockfile's, else the registry's): 3 with an SPDX expression, 2 with" in text
    )
    assert "no SPDX expression, 1 unknown." in text
