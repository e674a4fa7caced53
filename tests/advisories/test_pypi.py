"""The pypi source against a local PyPI JSON API serving real PYSEC records: where requests
go, what becomes of the answers, how it combines with other sources, and its failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.advisories.base import AdvisorySource, SourceOptions
from auditor.advisories.osv_local import OsvLocalSource
from auditor.advisories.pypi import PypiSource, json_api_base
from auditor.core.errors import SourceError
from auditor.core.model import Package
from auditor.core.result import AuditResult
from auditor.net.client import HttpClient
from auditor.outputs.findings_json import findings_document
from auditor.pipeline.audit import AuditOptions, audit, collect_paths
from tests.advisories.support import pkg, synthetic
from tests.httpserver import FakeClock, HttpTestServer, json_reply, quick_config
from tests.osvserver import OsvApi, RecordSet
from tests.support import FIXTURES, run_cli

RECORDS = FIXTURES / "osv-api" / "records"
WAREHOUSE_2019 = FIXTURES / "requirements/real/pypi__warehouse__2019-06-21/requirements/main.txt"
URLLIB3 = pkg("PyPI", "urllib3", "1.24.1")


@pytest.fixture(scope="module")
def records() -> RecordSet:
    return RecordSet.load(RECORDS)


def env(server: HttpTestServer) -> dict[str, str]:
    """A user whose pip configuration names the local server as the index."""
    return {"PIP_CONFIG_FILE": "/dev/null", "PIP_INDEX_URL": f"{server.url}/simple"}


def pypi(server: HttpTestServer, tmp_path: Path) -> PypiSource:
    options = SourceOptions(environ=env(server), cache_dir=tmp_path)
    client = HttpClient(quick_config(), clock=FakeClock())
    return PypiSource(client=client, options=options)


def test_json_api_base_from_the_pip_configuration(tmp_path: Path) -> None:
    """The configured index's /simple becomes /pypi; other layouts are refused."""
    base = {
        "PIP_CONFIG_FILE": "/dev/null",
        "PIP_INDEX_URL": "https://u:pw@mirror.invalid/root/simple/",
    }
    assert "https://u:pw@mirror.invalid/root/pypi" == json_api_base(base, tmp_path)
    other = {"PIP_CONFIG_FILE": "/dev/null", "PIP_INDEX_URL": "https://mirror.invalid/+simple"}
    with pytest.raises(SourceError, match="does not end in /simple"):
        json_api_base(other, tmp_path)


def test_asks_the_configured_index_for_each_release(
    http_server: HttpTestServer, records: RecordSet, tmp_path: Path
) -> None:
    """One GET per package to <index>/pypi/<name>/<version>/json; PyPI's answer becomes
    records that affect exactly the locked version, with its fixes."""
    api = OsvApi(records).install(http_server)
    answer = pypi(http_server, tmp_path).query_all([URLLIB3, pkg("PyPI", "Zope.SQLAlchemy", "1.1")])
    assert {"pypi": 2} == {k: v for k, v in api.counts().items() if v}
    paths = sorted(r.path for r in http_server.requests)
    assert ["/pypi/urllib3/1.24.1/json", "/pypi/zope-sqlalchemy/1.1/json"] == paths
    expected = sorted(r["id"] for r in records.matching("PyPI", "urllib3", "1.24.1", True))
    got = answer.records[URLLIB3.id]
    assert expected == sorted(r.id for r in got)
    assert all(r.affected[0].versions == ("1.24.1",) for r in got)
    assert () == answer.unchecked
    assert f"{http_server.url}/pypi" == answer.info.location


def test_same_findings_as_osv_local_on_a_real_lockfile(
    http_server: HttpTestServer, records: RecordSet, tmp_path: Path
) -> None:
    """Same (package, id, aliases, fixed versions, smallest fix) as osv-local on the same
    records. PyPI carries no severity, no details and no CWEs: those are left out."""
    OsvApi(records).install(http_server)
    collection = collect_paths([str(WAREHOUSE_2019)])
    local = audit(collection, AuditOptions(sources=(OsvLocalSource(RECORDS),)))
    remote = audit(collection, AuditOptions(sources=(pypi(http_server, tmp_path),)))
    assert essentials(local) == essentials(remote)
    assert 31 == len(remote.findings)


def essentials(result: AuditResult) -> list[tuple[object, ...]]:
    return [
        (f.package_id, f.id, f.aliases, f.fixed_versions, f.fix_version, f.kind)
        for f in result.findings
    ]


def test_with_osv_local_the_full_records_win(
    http_server: HttpTestServer, records: RecordSet, tmp_path: Path
) -> None:
    """--source osv-local,pypi: the same findings as osv-local alone (its records carry
    severity and details, and are the newer copy of each id)."""
    OsvApi(records).install(http_server)
    collection = collect_paths([str(WAREHOUSE_2019)])
    local = audit(collection, AuditOptions(sources=(OsvLocalSource(RECORDS),)))
    both = audit(
        collection, AuditOptions(sources=(OsvLocalSource(RECORDS), pypi(http_server, tmp_path)))
    )
    assert findings_document(local)["findings"] == findings_document(both)["findings"]


def test_other_ecosystems_are_not_covered(
    http_server: HttpTestServer, records: RecordSet, tmp_path: Path
) -> None:
    """pypi alone: an npm package is unchecked, saying which sources would cover it; with
    osv-local beside it, the npm package is checked there and pypi never sees it."""
    OsvApi(records).install(http_server)
    npm = pkg("npm", "lodash", "4.17.4")
    result = audit_packages([npm, URLLIB3], (pypi(http_server, tmp_path),))
    assert [
        (
            npm.id,
            "no selected advisory source covers npm (pypi covers PyPI only); add osv-api or "
            "osv-local to --source",
        )
    ] == list(result.unchecked)
    direct = pypi(http_server, tmp_path).query_all([npm])
    assert [(npm.id, "pypi source covers PyPI only")] == list(direct.unchecked)
    both = audit_packages(
        [npm, URLLIB3], (OsvLocalSource(FIXTURES / "advisories"), pypi(http_server, tmp_path))
    )
    assert () == both.unchecked
    assert all("lodash" not in r.path for r in http_server.requests)


def audit_packages(packages: list[Package], sources: tuple[AdvisorySource, ...]) -> AuditResult:
    return audit(synthetic(packages), AuditOptions(sources=sources))


def test_unknown_release_and_missing_vulnerability_data(
    http_server: HttpTestServer, records: RecordSet, tmp_path: Path
) -> None:
    """A 404 is pip-audit's skip (unchecked with its reason); an index whose JSON has no
    'vulnerabilities' cannot vouch for anything (unchecked, never clean)."""
    OsvApi(records, known_packages=["urllib3"]).install(http_server)
    ghost = pkg("PyPI", "no-such-thing", "1.0")
    answer = pypi(http_server, tmp_path).query_all([ghost, URLLIB3])
    reasons = dict(answer.unchecked)
    assert (
        "pypi: Dependency not found on PyPI and could not be audited: no-such-thing (1.0)"
        == reasons[ghost.id]
    )
    http_server.route("GET", "/pypi/*", json_reply({"info": {}, "urls": []}))
    answer = pypi(http_server, tmp_path).query_all([URLLIB3])
    [(package, reason)] = answer.unchecked
    assert URLLIB3.id == package
    assert reason.endswith("this index does not publish PyPI's vulnerability data")


def test_server_failures_leave_packages_unchecked(
    http_server: HttpTestServer, tmp_path: Path
) -> None:
    """503 on every attempt: unchecked with the request and the number of attempts."""
    http_server.json("GET", "/pypi/urllib3/1.24.1/json", {"error": "down"}, status=503)
    answer = pypi(http_server, tmp_path).query_all([URLLIB3, pkg("PyPI", "x", "not a version")])
    assert [
        (
            URLLIB3.id,
            f"pypi: GET {http_server.url}/pypi/urllib3/1.24.1/json: HTTP 503 after 4 attempts",
        ),
        ("pkg:pypi/x@not%20a%20version", "pypi: 'not a version' is not a PEP 440 version"),
    ] == sorted(answer.unchecked)


def test_malformed_vulnerability_data(http_server: HttpTestServer, tmp_path: Path) -> None:
    """A vulnerability without fixed_in, or a fix that is not a version: unchecked."""
    http_server.json(
        "GET", "/pypi/urllib3/1.24.1/json", {"vulnerabilities": [{"id": "X-1", "aliases": []}]}
    )
    [(_, reason)] = pypi(http_server, tmp_path).query_all([URLLIB3]).unchecked
    assert reason.startswith("pypi: pip-audit's PyPI service failed: KeyError")
    vuln = {"id": "X-1", "aliases": [], "fixed_in": ["soon"]}
    http_server.json("GET", "/pypi/urllib3/1.24.1/json", {"vulnerabilities": [vuln]})
    [(_, reason)] = pypi(http_server, tmp_path).query_all([URLLIB3]).unchecked
    assert "Received malformed version from PyPI" in reason


def test_cli_source_pypi(
    http_server: HttpTestServer, records: RecordSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`scan --source pypi` reads the index from PIP_INDEX_URL and finds what osv-local finds."""
    OsvApi(records).install(http_server)
    for name, value in env(http_server).items():
        monkeypatch.setenv(name, value)
    result = run_cli(["scan", "--source", "pypi", "--json", str(WAREHOUSE_2019)])
    assert 1 == result.code, result.err
    document = json.loads(result.out)
    assert ("pypi", f"{http_server.url}/pypi") == (
        document["sources"][0]["name"],
        document["sources"][0]["location"],
    )
    assert 31 == len(document["findings"])
    text = run_cli(["scan", "--source", "pypi", str(WAREHOUSE_2019)])
    assert f"auditor: advisories: pypi: {http_server.url}/pypi, updated " in text.err
