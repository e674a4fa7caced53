"""pip-audit and uv audit, pointed at the same local OSV API, against auditor on real
lockfiles: the same (package, advisory) pairs, alias-aware (a finding matches when it
names the same package and version and shares an id or alias). Known differences are
asserted as such, with the reason:

- uv audit reports withdrawn records (redash's redis 4.6.0 is "affected" by the withdrawn
  PYSEC-2023-73); auditor and pip-audit drop them, as the OSV schema intends.
- uv audit also asks the lock's index for each project's status (PEP 792); the lock's
  index URL is pointed at the same local server, which reports no status.

auditor and uv audit read the same uv.lock; pip-audit reads its requirements export
(``uv export``, the same 238 packages), since it does not read uv.lock.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from auditor.advisories.osv_api import OsvApiSource
from auditor.core.result import AuditResult
from auditor.net.client import HttpClient
from auditor.pipeline.audit import AuditOptions, audit, collect_paths
from tests.httpserver import HttpTestServer, quick_config
from tests.osvserver import OsvApi, RecordSet
from tests.support import FIXTURES

RECORDS = FIXTURES / "osv-api" / "records"
WAREHOUSE_2019 = FIXTURES / "requirements/real/pypi__warehouse__2019-06-21/requirements/main.txt"
REDASH = FIXTURES / "osv-api" / "redash"
UV = Path(sys.executable).parent / "uv"

Item = tuple[str, str, frozenset[str]]  # (canonical name, version, ids and aliases)
pytestmark = pytest.mark.network_peer


@pytest.fixture(scope="module")
def records() -> RecordSet:
    return RecordSet.load(RECORDS)


def auditor_items(server: HttpTestServer, lockfile: Path) -> tuple[AuditResult, set[Item]]:
    client = HttpClient(quick_config())
    source = OsvApiSource(server.url, client=client)
    result = audit(collect_paths([str(lockfile)]), AuditOptions(sources=(source,)))
    items = set()
    for finding in result.findings:
        package = result.graph.package(finding.package_id)
        ids = frozenset((finding.id, *finding.aliases))
        items.add((canonicalize_name(package.name), package.version, ids))
    return result, items


def unmatched(left: set[Item], right: set[Item]) -> set[Item]:
    """Items of ``left`` that no item of ``right`` matches (same package, shared id)."""
    return {
        item
        for item in left
        if not any(item[:2] == other[:2] and item[2] & other[2] for other in right)
    }


def run_pip_audit(server: HttpTestServer, requirements: Path, cache: Path) -> set[Item]:
    command = [
        sys.executable, "-m", "pip_audit", "-r", str(requirements), "--no-deps",
        "--disable-pip", "--vulnerability-service", "osv", "--osv-url",
        f"{server.url}/v1/query", "--format", "json", "--cache-dir", str(cache),
        "--progress-spinner", "off",
    ]  # fmt: skip
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    items = set()
    for dependency in json.loads(proc.stdout)["dependencies"]:
        assert "skip_reason" not in dependency, dependency
        for vuln in dependency["vulns"]:
            ids = frozenset((vuln["id"], *vuln["aliases"]))
            items.add((canonicalize_name(dependency["name"]), dependency["version"], ids))
    return items


def test_pip_audit_finds_the_same_on_warehouse(
    http_server: HttpTestServer, records: RecordSet, tmp_path: Path
) -> None:
    """pip-audit (one /v1/query per package) and auditor (querybatch + hydration) report
    the same 31 (package, advisory) pairs on warehouse's 2019 requirements."""
    api = OsvApi(records).install(http_server)
    peer = run_pip_audit(http_server, WAREHOUSE_2019, tmp_path)
    result, ours = auditor_items(http_server, WAREHOUSE_2019)
    assert 31 == len(ours)
    assert (set(), set()) == (unmatched(ours, peer), unmatched(peer, ours))
    assert len(result.graph) == api.counts()["query"]


@pytest.mark.skipif(not UV.exists(), reason="uv is installed with the test extras")
def test_uv_audit_finds_the_same_on_redash(
    http_server: HttpTestServer, records: RecordSet, tmp_path: Path
) -> None:
    """uv audit on redash's real uv.lock: the same pairs as auditor, except the withdrawn
    record uv reports; pip-audit on the exported requirements agrees with auditor."""
    api = OsvApi(records).install(http_server)
    shutil.copy2(REDASH / "pyproject.toml", tmp_path)
    lock = (REDASH / "uv.lock").read_text(encoding="utf-8")
    index = "https://pypi-index.invalid/simple"
    (tmp_path / "uv.lock").write_text(lock.replace(index, f"{http_server.url}/simple"))
    command = [
        str(UV), "audit", "--frozen", "--service-url", http_server.url,
        "--output-format", "json", "--no-progress", "--cache-dir", str(tmp_path / "cache"),
        "--preview-features", "audit-command,json-output",
    ]  # fmt: skip
    proc = subprocess.run(
        command, capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path
    )
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    assert 238 == report["summary"]["audited_packages"]
    uv_items = {
        (
            canonicalize_name(v["dependency"]["name"]),
            v["dependency"]["version"],
            frozenset((v["id"], *v["aliases"])),
        )
        for v in report["vulnerabilities"]
    }
    result, ours = auditor_items(http_server, REDASH / "uv.lock")
    assert 238 == len(result.graph)
    extra = unmatched(uv_items, ours)
    assert {("redis", "4.6.0", frozenset({"PYSEC-2023-73", "CVE-2023-31655"}))} == extra
    assert all(
        records.by_id[next(iter(i for i in ids if i.startswith("PYSEC")))].get("withdrawn")
        for _, _, ids in extra
    )
    assert set() == unmatched(ours, uv_items)
    assert 2 == api.counts()["querybatch"]  # one from uv, one from auditor
    assert set() == unmatched(
        run_pip_audit(http_server, REDASH / "requirements.txt", tmp_path / "pa"), ours
    )
