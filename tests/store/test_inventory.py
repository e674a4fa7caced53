"""Across every project of the store (``auditor query``, the site's advisory pages), on
SQLite and PostgreSQL: three projects reported from real lockfiles, one of them twice."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from auditor.core.findings import FindingKind, Severity
from auditor.store import open_store
from auditor.store.inventory import affected_by, holding, open_advisories, recent_advisories
from tests.store.helpers import day, finding, pypi, save, small_graph
from tests.support import FIXTURES, run_cli

ROOT = Path(__file__).parents[2]
HISTORY = ROOT / "examples" / "saleor-history"
OLD = HISTORY / "2019-10-17__069b8b82"  # django 2.2.6
NEW = HISTORY / "2020-06-30__30c93eb3"  # django 3.0.6
STOREFRONT = ROOT / "examples" / "saleor-2020"  # django 3.0.6
WEB = FIXTURES / "npm-package-lock" / "real" / "astral-sh__ruff__playground"


def report(url: str, folder: Path, project: str, tmp_path: Path, when: str) -> None:
    result = run_cli(
        ["report", str(folder), "--db", url, "--project", project, "--no-site",
         "--out", str(tmp_path / "out"), "--snapshot-time", when, "--quiet"]
    )  # fmt: skip
    assert result.code in (0, 1), result.err


@pytest.fixture
def portfolio(store_url: str, tmp_path: Path) -> str:
    report(store_url, OLD, "shop", tmp_path, "2019-10-17T00:00:00Z")
    report(store_url, NEW, "shop", tmp_path, "2020-06-30T00:00:00Z")
    front = tmp_path / "storefront"
    shutil.copytree(STOREFRONT, front)
    with (front / "pyproject.toml").open("a") as handle:
        handle.write('\n[[tool.auditor.ignore]]\nid = "CVE-2020-13254"\nreason = "no memcached"\n')
    report(store_url, front, "storefront", tmp_path, "2020-07-01T00:00:00Z")
    report(store_url, WEB, "web", tmp_path, "2020-07-01T00:00:00Z")
    return store_url


def test_who_holds_a_package(portfolio: str) -> None:
    """Each project's latest snapshot by default, every one with every_snapshot; names are
    normalised as the ecosystem does; a version narrows."""
    engine = open_store(portfolio, create_missing=False)
    try:
        latest = holding(engine, "Django")
        every = holding(engine, "django", every_snapshot=True)
        old = holding(engine, "django", version="2.2.6", every_snapshot=True)
        none_now = holding(engine, "django", version="2.2.6")
    finally:
        engine.dispose()
    assert [("shop", "3.0.6"), ("storefront", "3.0.6")] == [
        (h.snapshot.project, h.packages[0].version) for h in latest
    ]
    assert all(h.snapshot.latest for h in latest)
    django = latest[0].packages[0]
    assert (True, ("dev", "main")) == (django.direct, django.scopes)
    assert "poetry.lock" == django.found_in[0].path
    assert ("saleor", "django@3.0.6") == (django.paths[0][0], django.paths[0][-1])  # the root
    assert [("shop", "2.2.6", False), ("shop", "3.0.6", True), ("storefront", "3.0.6", True)] == [
        (h.snapshot.project, h.packages[0].version, h.snapshot.latest) for h in every
    ]
    assert [("shop", "2.2.6")] == [(h.snapshot.project, h.packages[0].version) for h in old]
    assert () == none_now


def test_who_has_an_advisory_open(portfolio: str) -> None:
    """By id or by alias, in any case; a project that suppressed it is not affected; the
    whole history shows the old snapshot too."""
    engine = open_store(portfolio, create_missing=False)
    try:
        by_alias = affected_by(engine, "cve-2021-33203")
        by_id = affected_by(engine, "PYSEC-2021-98", every_snapshot=True)
        ignored = affected_by(engine, "CVE-2020-13254")
        pages = open_advisories(engine)
    finally:
        engine.dispose()
    assert [("shop", "pkg:pypi/django@3.0.6"), ("storefront", "pkg:pypi/django@3.0.6")] == [
        (a.snapshot.project, a.findings[0].package_id) for a in by_alias
    ]
    assert ["2.2.6", "3.0.6", "3.0.6"] == [a.findings[0].package_id.split("@")[1] for a in by_id]
    assert ["shop"] == [a.snapshot.project for a in ignored]  # storefront ignores it
    assert ["shop", "storefront"] == [a.snapshot.project for a in pages["PYSEC-2021-98"]]
    assert ["shop"] == [a.snapshot.project for a in pages["PYSEC-2020-31"]]


def test_the_query_command(portfolio: str) -> None:
    """auditor query answers in text and JSON; nothing found exits 1."""
    text = run_cli(["query", "django", "--db", portfolio])
    assert 0 == text.code, text.err
    lines = text.out.splitlines()
    assert "django: held by 2 projects" == lines[0]
    assert lines[2].startswith("    django 3.0.6 (PyPI) in poetry.lock:")
    result = run_cli(["query", "CVE-2021-33203", "--db", portfolio, "--json", "--all-snapshots"])
    doc = json.loads(result.out)
    assert ("auditor.query/1", "advisory", True) == (
        doc["schema"],
        doc["query"]["kind"],
        doc["query"]["all_snapshots"],
    )
    assert [2, 1] == [len(p["snapshots"]) for p in doc["projects"]]
    assert "PYSEC-2021-98" == doc["projects"][0]["snapshots"][0]["findings"][0]["id"]
    purl = run_cli(["query", "pkg:pypi/django@3.0.6", "--db", portfolio, "--json"])
    assert ["shop", "storefront"] == [p["project"] for p in json.loads(purl.out)["projects"]]
    missing = run_cli(["query", "left-pad", "--db", portfolio])
    assert (1, "no project holds left-pad\n") == (missing.code, missing.out)
    forced = run_cli(["query", "GO-1", "--package", "--db", portfolio])
    assert (1, "no project holds GO-1\n") == (forced.code, forced.out)
    bad = run_cli(["query", "pkg:maven/a/b", "--db", portfolio])
    assert 2 == bad.code


def test_advisory_pages_are_only_for_advisories(store_engine: Engine) -> None:
    """A health, conflict or typosquat finding's id is auditor's verdict on one package,
    not an advisory: no "affected projects" page gathers every unmaintained package under
    HEALTH-UNMAINTAINED; vulnerabilities and malicious packages have theirs."""
    six, evil, squat = pypi("six", "1.16.0"), pypi("evil-pkg", "0.1"), pypi("reqests", "1.0")
    verdicts = [
        replace(finding(six, "HEALTH-UNMAINTAINED", Severity.LOW), kind=FindingKind.HEALTH),
        replace(finding(six, "CONFLICT-REQUIREMENT", Severity.MEDIUM), kind=FindingKind.CONFLICT),
        replace(finding(squat, "typosquat", Severity.MEDIUM), kind=FindingKind.TYPOSQUAT),
    ]
    save(
        store_engine,
        small_graph(six, evil, squat),
        findings=[
            finding(six, "PYSEC-2099-1", aliases=("CVE-2099-1",)),
            replace(finding(evil, "MAL-2099-7"), kind=FindingKind.MALICIOUS),
            *verdicts,
        ],
    )
    assert ["MAL-2099-7", "PYSEC-2099-1"] == sorted(open_advisories(store_engine))


def test_a_projects_recent_advisories_and_the_pages_of_some(store_engine: Engine) -> None:
    """What a report's site reads instead of every advisory of the store: the advisories open
    in a project's latest snapshot or the one before (not older, not another project's, not
    a health verdict), and ``open_advisories(only=)`` gives exactly those ids' pages with
    every project that has them open now."""
    a, b, c = pypi("a", "1.0"), pypi("b", "1.0"), pypi("c", "1.0")
    health = replace(finding(c, "HEALTH-UNMAINTAINED", Severity.LOW), kind=FindingKind.HEALTH)
    runs = {  # project: advisory ids of each snapshot, oldest first
        "alpha": [["GHSA-OLD"], ["GHSA-CLOSED", "GHSA-SHARED"], ["GHSA-NEW", "GHSA-SHARED"]],
        "bravo": [["GHSA-SHARED", "GHSA-BRAVO"]],
    }
    for project, snapshots in runs.items():
        for number, ids in enumerate(snapshots):
            save(store_engine, small_graph(a, b, c), project=project, taken_at=day(number),
                 findings=[finding(b, i, Severity.HIGH) for i in ids] + [health])  # fmt: skip
    recent = recent_advisories(store_engine, "alpha")
    assert {"GHSA-CLOSED", "GHSA-NEW", "GHSA-SHARED"} == recent
    assert {"GHSA-NEW", "GHSA-SHARED"} == recent_advisories(store_engine, "alpha", snapshots=1)
    assert frozenset() == recent_advisories(store_engine, "nobody")
    pages = open_advisories(store_engine, only=recent)
    assert ["GHSA-NEW", "GHSA-SHARED"] == list(pages)  # GHSA-CLOSED: open nowhere now
    assert ["alpha", "bravo"] == [x.snapshot.project for x in pages["GHSA-SHARED"]]
    assert {k: v for k, v in open_advisories(store_engine).items() if k in recent} == pages
    assert {} == open_advisories(store_engine, only=())
