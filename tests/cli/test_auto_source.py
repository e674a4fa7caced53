"""`auditor scan` with the default source, auto, end to end: against a local OSV API, a
database synced by `auditor db sync` from a local export server, and an unreachable host;
and the bundled sample, which says what it is wherever the verdict is given."""

from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path

import pytest

from tests.advisories.exports import conditional, make_zip
from tests.httpserver import HttpTestServer
from tests.osvserver import OsvApi, RecordSet
from tests.support import FIXTURES, run_cli

SMALL = FIXTURES / "scan" / "small"  # PyPI packages the fixture records speak about
SALEOR = FIXTURES / "scan" / "saleor-2020"
NPM_LOCK = FIXTURES / "npm-package-lock" / "real" / "atom__atom__apm" / "package-lock.json"
RECORDS = FIXTURES / "advisories"  # real OSV records of every ecosystem
PYPI_RECORDS = [
    *sorted((RECORDS / "pypa").glob("*.json")),
    RECORDS / "malicious" / "MAL-2022-7425.json",
]


@pytest.fixture(autouse=True)
def auto(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The default source (no AUDITOR_SOURCE), an empty cache of this test's own."""
    for name in ("AUDITOR_SOURCE", "AUDITOR_ADVISORY_DB", "AUDITOR_OFFLINE", "AUDITOR_OSV_URL"):
        monkeypatch.delenv(name, raising=False)
    cache = tmp_path / "cache"
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(cache))
    return cache


@pytest.fixture(scope="module")
def records() -> RecordSet:
    return RecordSet.load(RECORDS)


def scan(*args: str) -> tuple[int, dict[str, object], str]:
    result = run_cli(["scan", "--json", *args])
    return result.code, json.loads(result.out), result.err


def found(doc: dict[str, object]) -> list[tuple[str, str]]:
    return sorted((f["package"]["name"], f["id"]) for f in doc["findings"])  # type: ignore[attr-defined, index]


def sync_pypi(server: HttpTestServer, cache: Path) -> None:
    """`auditor db sync --ecosystem PyPI` from a local export of the real PyPI records."""
    data = make_zip((p.name, p.read_bytes()) for p in PYPI_RECORDS)
    server.route("GET", "/exports/PyPI/all.zip", conditional(data))
    result = run_cli(
        ["db", "sync", "--ecosystem", "PyPI", "--cache-dir", str(cache),
         "--osv-export-url", f"{server.url}/exports"]
    )  # fmt: skip
    assert 0 == result.code, result.err


def test_without_a_synced_database_auto_asks_the_osv_api(
    http_server: HttpTestServer, records: RecordSet
) -> None:
    """Nothing synced: the OSV API is asked (one batch), and it finds what osv-local finds
    in the same records."""
    api = OsvApi(records).install(http_server)
    code, doc, err = scan("--osv-url", http_server.url, str(SMALL))
    assert 1 == code, err
    assert ["osv-api"] == [s["name"] for s in doc["sources"]]  # type: ignore[attr-defined, index]
    assert 1 == api.counts()["querybatch"]
    _, local, _ = scan("--source", "osv-local", "--advisory-db", str(RECORDS), str(SMALL))
    assert found(local) == found(doc)
    assert [] == [s["sample"] for s in doc["sources"] if s["sample"]]  # type: ignore[attr-defined, index]


def test_a_fresh_synced_database_answers_offline_for_its_ecosystem(
    http_server: HttpTestServer, records: RecordSet, auto: Path, tmp_path: Path
) -> None:
    """After `auditor db sync --ecosystem PyPI`: PyPI packages are checked against the synced
    database (the API gets no PyPI query), npm packages against the API."""
    sync_pypi(http_server, auto)
    api = OsvApi(records).install(http_server)
    project = tmp_path / "project"
    shutil.copytree(SMALL, project)
    (project / "web").mkdir()
    shutil.copy(NPM_LOCK, project / "web" / "package-lock.json")
    code, doc, err = scan("--osv-url", http_server.url, str(project))
    assert 1 == code, err
    sources = {s["name"]: s for s in doc["sources"]}  # type: ignore[attr-defined, index]
    assert ["osv-api", "osv-local"] == sorted(sources)
    assert f"{auto / 'osv'} (auditor db sync)" == sources["osv-local"]["location"]
    asked = {
        q["package"]["ecosystem"]
        for r in http_server.requests
        if r.path == "/v1/querybatch"
        for q in r.json()["queries"]
    }
    assert {"npm"} == asked
    assert 1 == api.counts()["querybatch"]
    _, local, _ = scan("--source", "osv-local", "--advisory-db", str(RECORDS), str(SMALL))
    pypi = [f for f in found(doc) if f[0] in {p for p, _ in found(local)}]
    assert found(local) == pypi
    # steam's record cannot be evaluated, whoever serves it; nothing else is unchecked
    assert local["unchecked"] == doc["unchecked"], err


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_osv_api_fails_fast_with_one_line(tmp_path: Path) -> None:
    """Nothing synced and the API's host refuses connections: the run ends within seconds,
    exit 3, with one line on stderr saying what failed and how to fix it, and a verdict
    that claims nothing about the packages."""
    url = f"http://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    result = run_cli(["scan", "--osv-url", url, str(SALEOR)])
    elapsed = time.monotonic() - started
    assert 3 == result.code, result.err
    assert elapsed < 5, elapsed
    lines = [line for line in result.err.splitlines() if "osv-api" in line]
    assert [
        f"auditor: not checked: 185 packages (PyPI 185): osv-api failed: POST {url}/v1/querybatch: "
        "connection failed: connection refused (not retried); run auditor db sync (then the "
        "database is used, offline too), give --advisory-db a database of OSV records, or pass "
        "--offline to use the bundled sample on purpose"
    ] == lines
    assert (
        "no findings in the 0 packages checked against osv-api; 185 packages could NOT be "
        "checked (listed on stderr)"
    ) == result.out.strip().splitlines()[-1]


def test_registries_and_osv_api_both_down_still_end_within_seconds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Every network service refuses connections (registries too, through many threads):
    still a few seconds, not minutes of retries."""
    url = f"http://127.0.0.1:{closed_port()}"
    monkeypatch.delenv("AUDITOR_NO_REGISTRY")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AUDITOR_PYPI_URL", f"{url}/simple")
    started = time.monotonic()
    result = run_cli(["scan", "--osv-url", url, str(SALEOR)])
    assert 3 == result.code, result.err
    assert time.monotonic() - started < 10


def test_the_bundled_sample_says_so_in_every_verdict(tmp_path: Path) -> None:
    """--offline with nothing synced: the bundled sample, used on purpose; the verdict line,
    the JSON's sources[].sample, the Markdown and the HTML site all say it is a sample."""
    text = run_cli(["scan", "--offline", str(SALEOR)])
    sample = "osv-local (a bundled SAMPLE of 150 records from 2024-07-11, not an advisory database)"
    verdict = text.out.strip().splitlines()[-1]
    assert verdict.endswith(f"checked against {sample}"), verdict
    _, doc, _ = scan("--offline", str(SALEOR))
    assert [True] == [s["sample"] for s in doc["sources"]]  # type: ignore[attr-defined, index]
    markdown = run_cli(["scan", "--offline", "--format", "markdown", str(SALEOR)]).out
    assert "a bundled SAMPLE of 150 records from 2024-07-11, not an advisory database" in markdown
    out = tmp_path / "report"
    report = run_cli(["report", "--offline", "--no-store", "--out", str(out), str(SALEOR)])
    assert 0 == report.code, report.err
    assert sample in (out / "summary.txt").read_text()
    page = next((out / "p").glob("*/s/*.html")).read_text()
    assert "a bundled SAMPLE of 150 records" in page
