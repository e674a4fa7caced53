"""Oracles for the live sources over real data.

- osv-api and osv-local give identical findings for the same records, on real lockfiles.
  The local API decides which records affect a version with its own implementation of
  the OSV evaluation (tests/osvserver.py), as the real API does; auditor evaluates every
  returned record again. So the comparison checks the server's evaluation against
  auditor's matcher, plus batching, paging, hydration and name handling; and with
  ``evaluate=False`` (every record of the name) it shows auditor does not depend on the
  API's filtering.
- With every third request failing (500, 429 with Retry-After, a dropped connection, a
  truncated body, cut JSON), the result is identical to the fault-free run, or the run is
  incomplete (exit 3) and every package whose findings are missing is listed unchecked.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from auditor.advisories import osv_api
from auditor.advisories.osv_api import OsvApiSource
from auditor.advisories.osv_local import BUNDLED, OsvLocalSource
from auditor.core.model import Ecosystem, Package
from auditor.core.result import AuditResult, Status
from auditor.net.client import HttpClient
from auditor.outputs.findings_json import findings_document
from auditor.pipeline.audit import AuditOptions, Collection, audit, collect_paths
from tests.advisories.support import synthetic
from tests.httpserver import (
    FakeClock,
    HttpTestServer,
    Reply,
    drop,
    invalid_json,
    json_reply,
    quick_config,
    retry_after,
    truncated,
)
from tests.osvserver import OsvApi, RecordSet
from tests.support import FIXTURES, run_cli

RECORDS = FIXTURES / "osv-api" / "records"
REAL = FIXTURES / "requirements" / "real"
LOCKFILES = [
    REAL / "pypi__warehouse__2015-11-27" / "requirements" / "main.txt",
    REAL / "pypi__warehouse__2019-06-21" / "requirements" / "main.txt",
    REAL / "pypi__warehouse" / "requirements" / "main.txt",
    FIXTURES / "osv-api" / "redash" / "uv.lock",
    FIXTURES / "npm-package-lock" / "real" / "atom__atom" / "package-lock.json",
    FIXTURES / "go-mod" / "real" / "prometheus__prometheus" / "go.mod",
]
WAREHOUSE_2019 = LOCKFILES[1]


@pytest.fixture(scope="module")
def records() -> RecordSet:
    return RecordSet.load(RECORDS)


def comparable(result: AuditResult) -> dict[str, Any]:
    """The findings document without what names the source."""
    document = findings_document(result)
    for key in ("sources", "warnings"):
        document.pop(key)
    return document


def api_result(
    server: HttpTestServer, collection: Collection, clock: FakeClock | None = None, **net: Any
) -> AuditResult:
    client = HttpClient(quick_config(**net), clock=clock or FakeClock())
    return audit(collection, AuditOptions(sources=(OsvApiSource(server.url, client=client),)))


def local_result(collection: Collection, folder: Path = RECORDS) -> AuditResult:
    return audit(collection, AuditOptions(sources=(OsvLocalSource(folder),)))


@pytest.mark.parametrize("lockfile", LOCKFILES, ids=lambda p: f"{p.parent.parent.name}-{p.name}")
@pytest.mark.parametrize("evaluate", [True, False], ids=["api-filters", "every-record"])
def test_osv_api_and_osv_local_agree_on_real_lockfiles(
    http_server: HttpTestServer, records: RecordSet, lockfile: Path, evaluate: bool
) -> None:
    """Same records, same findings, same unchecked list, whichever source asks (small
    pages, so that paging is exercised; Go's stdlib has 167 records here)."""
    OsvApi(records, evaluate=evaluate, page_size=3 if evaluate else 10).install(http_server)
    collection = collect_paths([str(lockfile)])
    local = comparable(local_result(collection))
    api = comparable(api_result(http_server, collection))
    assert "complete" == local["status"] == api["status"]
    if lockfile.name == "package-lock.json":
        # atom's 68 git dependencies: no advisory describes them by version, so the local
        # database lists them as unaudited; the API is asked by their commit and answers
        assert 68 == len(local["unaudited"])
        assert [] == api["unaudited"]
        assert 958 - 68 == local["summary"]["checked"]
        assert 958 == api["summary"]["checked"]
        for document in (local, api):
            document.pop("unaudited")
            document["summary"].pop("checked")
            document["summary"].pop("unaudited")
    assert local == api


def test_the_comparison_has_findings_to_compare(
    http_server: HttpTestServer, records: RecordSet
) -> None:
    """The 2019 lockfile really is affected (the comparison is not of two empty lists)."""
    OsvApi(records).install(http_server)
    result = api_result(http_server, collect_paths([str(WAREHOUSE_2019)]))
    assert (31, 16) == (len(result.findings), len({f.package_id for f in result.findings}))


def boundary_packages(folder: Path) -> list[Package]:
    """Every (package, version) the npm and Go records name in events and ``versions``
    lists: where an evaluation can go wrong (introduced, fixed, last_affected exactly)."""
    found: set[tuple[str, str, str]] = set()
    for path in folder.rglob("*.json"):
        record = json.loads(path.read_text())
        for entry in record.get("affected", []):
            eco, name = entry["package"]["ecosystem"], entry["package"]["name"]
            if eco not in ("npm", "Go") or name == "stdlib":
                continue
            versions = [
                next(iter(e.values())) for r in entry.get("ranges", []) for e in r["events"]
            ]
            for version in [*versions, *entry.get("versions", [])]:
                if version not in ("0", "*"):
                    found.add((eco, name, ("v" if eco == "Go" else "") + version))
    return [Package(ecosystem=Ecosystem.parse(e), name=n, version=v) for e, n, v in sorted(found)]


def test_osv_api_and_osv_local_agree_on_npm_and_go_boundaries(
    http_server: HttpTestServer, tmp_path: Path
) -> None:
    """SEMVER ranges of real npm and Go records at every event version: the server's own
    SemVer evaluation and auditor's matcher agree."""
    folders = (
        BUNDLED / "npm",
        BUNDLED / "go",
        FIXTURES / "advisories" / "npm",
        FIXTURES / "advisories" / "go",
    )
    for i, folder in enumerate(folders):
        shutil.copytree(folder, tmp_path / str(i) / folder.name)
    OsvApi(RecordSet.load(tmp_path)).install(http_server)
    packages = boundary_packages(tmp_path)
    assert len(packages) > 90
    collection = synthetic(packages)
    local = comparable(local_result(collection, tmp_path))
    assert local["findings"]
    assert local == comparable(api_result(http_server, collection))


# -- faults --------------------------------------------------------------------------------------

FAULTS: dict[str, Callable[[Reply], Reply]] = {
    "500": lambda _real: json_reply({"error": "boom"}, status=500),
    "429-retry-after": lambda _real: retry_after(2),
    "dropped-connection": lambda _real: drop(),
    "truncated-body": lambda real: truncated(real.body, headers=real.headers),
    "cut-json": lambda _real: invalid_json(),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_every_third_request_failing_changes_nothing(
    http_server: HttpTestServer, records: RecordSet, fault: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One request at a time, each failure is followed by a success: retries inside the
    budget absorb every fault and the result is the fault-free one."""
    monkeypatch.setattr(osv_api, "WORKERS", 1)
    collection = collect_paths([str(WAREHOUSE_2019)])
    expected = comparable(local_result(collection))
    api = OsvApi(records, fail_every=3, failure=FAULTS[fault], page_size=3).install(http_server)
    clock = FakeClock()
    result = api_result(http_server, collection, clock, retry_budget=60, host_failure_limit=0)
    assert expected == comparable(result)
    assert api.counts()["querybatch"] > 1
    assert sum(api.counts().values()) // 3 == result_retries(clock, fault)


def result_retries(clock: FakeClock, fault: str) -> int:
    """Every failed request was retried once (a Retry-After of 2 s is waited in full)."""
    if fault == "429-retry-after":
        assert {2.0} == set(clock.sleeps)
    return len(clock.sleeps)


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_concurrent_faults_give_the_same_result_or_name_what_is_unchecked(
    http_server: HttpTestServer, records: RecordSet, fault: str
) -> None:
    """With eight requests in flight, a request may draw several failures in a row; then
    its packages are unchecked. Either way nothing is silently lost."""
    collection = collect_paths([str(WAREHOUSE_2019)])
    clean = local_result(collection)
    OsvApi(records, fail_every=3, failure=FAULTS[fault], page_size=3).install(http_server)
    faulty = api_result(http_server, collection, retry_budget=60, host_failure_limit=0)
    if faulty.status is Status.COMPLETE:
        assert comparable(clean) == comparable(faulty)
    else:
        assert_nothing_lost(clean, faulty)


def assert_nothing_lost(clean: AuditResult, faulty: AuditResult) -> None:
    """No finding invented, and every missing one belongs to an unchecked package."""
    assert Status.INCOMPLETE == faulty.status
    unchecked = {p for p, _ in faulty.unchecked}
    assert unchecked
    expected = {(f.package_id, f.id) for f in clean.findings}
    got = {(f.package_id, f.id) for f in faulty.findings}
    assert got <= expected
    assert {p for p, _ in expected - got} <= unchecked


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_faults_beyond_the_budget_leave_packages_unchecked_never_clean(
    http_server: HttpTestServer, records: RecordSet, fault: str
) -> None:
    """Without retries, every third request fails for good: the run is incomplete, and
    every package whose findings are missing is listed as unchecked."""
    collection = collect_paths([str(WAREHOUSE_2019)])
    clean = local_result(collection)
    OsvApi(records, fail_every=3, failure=FAULTS[fault], page_size=3).install(http_server)
    faulty = api_result(http_server, collection, max_attempts=1, host_failure_limit=0)
    assert_nothing_lost(clean, faulty)


def test_cli_exits_3_naming_the_unchecked_packages(
    http_server: HttpTestServer, records: RecordSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`scan --source osv-api` with failing requests and no retries: exit 3, each package
    that could not be checked is named on stderr; fault-free, the findings match osv-local."""
    monkeypatch.setenv("AUDITOR_RATE_LIMIT", "0")
    monkeypatch.setenv("AUDITOR_HOST_FAILURE_LIMIT", "0")
    api = OsvApi(records, page_size=3).install(http_server)
    args = ["scan", "--source", "osv-api", "--osv-url", http_server.url, str(WAREHOUSE_2019)]
    fine = run_cli([*args, "--json"])
    assert 1 == fine.code, fine.err
    local = run_cli(["scan", "--advisory-db", str(RECORDS), str(WAREHOUSE_2019), "--json"])
    assert without_sources(local.out) == without_sources(fine.out)
    api.fail_every = 3
    broken = run_cli([*args, "--retry-budget", "0", "--fail-on", "malicious"])
    assert 3 == broken.code, broken.err
    assert "auditor: not checked: " in broken.err
    assert "osv-api: " in broken.err
    assert "could NOT be checked" in broken.out


def without_sources(text: str) -> dict[str, Any]:
    return {k: v for k, v in json.loads(text).items() if k not in ("sources", "warnings")}
