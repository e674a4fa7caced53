"""Wrong-shaped but 200 answers from an OSV server make packages unchecked, never clean.

The server is the local OSV API of tests/osvserver.py over real records, with faults that
keep every answer well-formed JSON: querybatch results in the wrong order, records without
``affected``, records whose ``affected`` names another package.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from auditor.advisories.osv_api import OsvApiSource
from auditor.net.client import HttpClient
from tests.advisories.support import pkg
from tests.httpserver import FakeClock, HttpTestServer, quick_config
from tests.osvserver import OsvApi, RecordSet
from tests.support import FIXTURES, run_cli

RECORDS = FIXTURES / "osv-api" / "records"
URLLIB3 = pkg("PyPI", "urllib3", "1.24.1")
JINJA = pkg("PyPI", "jinja2", "2.10")
CLEAN = pkg("PyPI", "pyramid-services", "2.2")
PACKAGES = [URLLIB3, JINJA, CLEAN]


@pytest.fixture(scope="module")
def records() -> RecordSet:
    return RecordSet.load(RECORDS, FIXTURES / "advisories")


def _without_affected(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "affected"}


def _other_package(record: dict[str, Any]) -> dict[str, Any]:
    affected = [
        {**entry, "package": {**entry.get("package", {}), "name": "something-else"}}
        for entry in record.get("affected", [])
    ]
    return {**record, "affected": affected}


def _ask(server: HttpTestServer) -> tuple[set[str], set[str]]:
    client = HttpClient(quick_config(), clock=FakeClock())
    answer = OsvApiSource(server.url, client=client).query_all(PACKAGES)
    return set(answer.records), {package_id for package_id, _ in answer.unchecked}


def test_a_correct_server_is_believed(http_server: HttpTestServer, records: RecordSet) -> None:
    """Without a fault: findings for urllib3 and jinja2, nothing unchecked."""
    OsvApi(records).install(http_server)
    assert ({URLLIB3.id, JINJA.id}, set()) == _ask(http_server)


@pytest.mark.parametrize(
    "fault",
    [
        {"reorder": True},
        {"record_fault": _without_affected},
        {"record_fault": _other_package},
    ],
    ids=["results in reverse order", "records without affected", "affected names another"],
)
def test_wrong_shaped_answers_leave_the_batch_unchecked(
    http_server: HttpTestServer, records: RecordSet, fault: dict[str, Any]
) -> None:
    """Every package of the batch is unchecked (with the reason), none reads as clean."""
    OsvApi(records, **fault).install(http_server)
    found, unchecked = _ask(http_server)
    assert {p.id for p in PACKAGES} == unchecked
    assert set() == found


def test_the_cli_exits_3_not_0(
    http_server: HttpTestServer, records: RecordSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan against a server answering in the wrong order is incomplete (exit 3)."""
    monkeypatch.setenv("AUDITOR_NO_REGISTRY", "1")
    monkeypatch.setenv("AUDITOR_NO_HTTP_CACHE", "1")
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path / "cache"))
    OsvApi(records, reorder=True).install(http_server)
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "scan" / "saleor-2020", project)
    result = run_cli(["scan", "--source", "osv-api", "--osv-url", http_server.url, str(project)])
    assert 3 == result.code, result.out[-500:]
    assert "'affected' does not name it (a wrong-shaped answer)" in result.err
    assert "no known vulnerabilities" not in result.out
