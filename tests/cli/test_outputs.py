"""`auditor sbom`, several formats in one run, output destinations, credential hygiene."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zlib
from pathlib import Path

import pytest

from auditor.outputs import plugins
from tests.outputs.oracles import ORACLES, cyclonedx_json_errors
from tests.support import FIXTURES, run_cli

SMALL = FIXTURES / "scan" / "small"
RECORDS = FIXTURES / "advisories"
PIPFILE = FIXTURES / "pipfile-lock/real/pypa__pipenv__examples/Pipfile.lock"
WHEN = "2025-06-01T00:00:00Z"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AUDITOR_ADVISORY_DB", "AUDITOR_OFFLINE", "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(name, raising=False)


def test_sbom_defaults_to_cyclonedx_json_on_stdout() -> None:
    """Components and dependencies only: no vulnerabilities without the flag."""
    result = run_cli(["sbom", str(PIPFILE), "--timestamp", WHEN])
    assert 0 == result.code, result.err
    assert [] == cyclonedx_json_errors(result.out)
    bom = json.loads(result.out)
    assert "1.6" == bom["specVersion"]
    assert "vulnerabilities" not in bom
    assert 10 == len(bom["components"])
    assert "pypa__pipenv__examples" == bom["metadata"]["component"]["name"]
    assert "2025-06-01T00:00:00+00:00" == bom["metadata"]["timestamp"]


def test_sbom_is_reproducible_with_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    """SOURCE_DATE_EPOCH fixes the time and derives the serial number from the content."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748736000")
    first = run_cli(["sbom", str(PIPFILE)]).out
    second = run_cli(["sbom", str(PIPFILE)]).out
    assert first == second
    assert "2025-06-01T00:00:00+00:00" == json.loads(first)["metadata"]["timestamp"]
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    third = json.loads(run_cli(["sbom", str(PIPFILE)]).out)
    assert third["serialNumber"] != json.loads(first)["serialNumber"]


def test_sbom_with_vulnerabilities_and_older_spec(tmp_path: Path) -> None:
    """--with-vulnerabilities adds the findings; --spec-version 1.5 is honoured."""
    out = tmp_path / "bom.json"
    args = ["sbom", str(SMALL), "--with-vulnerabilities", "--advisory-db", str(RECORDS)]
    result = run_cli([*args, "--spec-version", "1.5", "-o", str(out), "--timestamp", WHEN])
    assert 3 == result.code, result.err  # one record of small/ cannot be evaluated
    bom = json.loads(out.read_text())
    assert "1.5" == bom["specVersion"]
    assert [] == cyclonedx_json_errors(out.read_text(), "1.5")
    assert {"MAL-2022-7425", "PYSEC-2021-98"} <= {v["id"] for v in bom["vulnerabilities"]}


def test_sbom_several_formats_into_a_directory(tmp_path: Path) -> None:
    """Each SBOM format into --output-dir under its standard name, each valid."""
    out = tmp_path / "sboms"
    formats = "cyclonedx-json,cyclonedx-xml,spdx-json"
    result = run_cli(["sbom", str(PIPFILE), "--format", formats, "--output-dir", str(out)])
    assert 0 == result.code, result.err
    for name in formats.split(","):
        path = out / plugins.get(name).filename
        assert [] == ORACLES[name](path.read_text()), name


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "sarif"], "--format sarif: unknown format (known: cyclonedx-json,"),
        (["--format", "spdx-json,cyclonedx-xml"], "several formats need --output-dir DIR"),
        (["-o", "x", "--output-dir", "y"], "-o/--output and --output-dir exclude each other"),
        (["--advisory-db", "db"], "--advisory-db applies only with --with-vulnerabilities"),
        (["--timestamp", "yesterday"], "--timestamp: 'yesterday' is neither seconds"),
    ],
)
def test_sbom_usage_errors(args: list[str], message: str) -> None:
    """Bad output options are one-line usage errors with exit 2, and nothing is written."""
    result = run_cli(["sbom", str(PIPFILE), *args])
    assert 2 == result.code
    assert message in result.err
    assert 1 == result.err.count("\n")
    assert "" == result.out


def test_sbom_of_a_partial_run_is_written_and_exits_2(tmp_path: Path) -> None:
    """A broken lockfile: the other file's SBOM is written, marked partial; exit 2."""
    (tmp_path / "a").mkdir()
    shutil.copy(PIPFILE, tmp_path / "a" / "Pipfile.lock")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "Pipfile.lock").write_text("{")
    result = run_cli(["sbom", str(tmp_path)])
    assert 2 == result.code
    bom = json.loads(result.out)
    assert {"name": "auditor:status", "value": "partial"} in bom["metadata"]["properties"]
    assert 10 == len(bom["components"])


def test_scan_several_formats_in_one_run(tmp_path: Path) -> None:
    """scan --format a --format b,c --output-dir: every file written, verdict printed."""
    out = tmp_path / "out"
    args = ["scan", str(SMALL), "--advisory-db", str(RECORDS), "--output-dir", str(out)]
    result = run_cli([*args, "--format", "sarif", "--format", "markdown,json"])
    assert 1 == result.code, result.err  # findings fail a scan by default
    written = {p.name for p in out.iterdir()}
    assert {"results.sarif", "summary.md", "findings.json", "auditor-files.json"} == written
    assert result.out.startswith("6 findings in 6 packages")
    assert f"wrote {out / 'results.sarif'}" in result.out


def test_scan_one_format_to_stdout_or_a_file(tmp_path: Path) -> None:
    """One format goes to stdout; -o writes it to a file."""
    args = ["scan", str(SMALL), "--advisory-db", str(RECORDS), "--format", "sarif"]
    printed = run_cli(args)
    assert "2.1.0" == json.loads(printed.out)["version"]
    target = tmp_path / "r.sarif"
    written = run_cli([*args, "-o", str(target)])
    assert json.loads(target.read_text())["runs"][0]["results"]
    assert not written.out.startswith("{")


def test_report_writes_its_default_set(tmp_path: Path) -> None:
    """report --out: graph.json, findings.json, sbom.cdx.json, results.sarif, summary.md,
    summary.txt and the site beside them; --format narrows the set of files, --no-site
    leaves the site out."""
    out = tmp_path / "out"
    result = run_cli(["report", str(SMALL), "--advisory-db", str(RECORDS), "--out", str(out)])
    assert 3 == result.code, result.err  # incomplete: one record cannot be evaluated
    names = {p.name for p in out.iterdir() if p.is_file()}
    expected = {"graph.json", "findings.json", "sbom.cdx.json", "results.sarif", "summary.md"}
    assert expected | {"summary.txt", "index.html", "auditor-files.json"} == names
    assert result.out.startswith((out / "summary.txt").read_text())  # printed as written
    bom = json.loads((out / "sbom.cdx.json").read_text())
    assert bom["vulnerabilities"]
    only = tmp_path / "only"
    args = ["report", str(SMALL), "--output-dir", str(only), "--format", "spdx-json"]
    narrowed = run_cli([*args, "--no-site"])
    assert ["auditor-files.json", "sbom.spdx.json"] == sorted(p.name for p in only.iterdir())
    assert narrowed.out.startswith("status: ")  # the summary is printed all the same


SECRETS = ("s3cr3t-pass", "tok-ABCDEF123456", "envtoken-987654", "ghp_vcsTOKEN42")


def test_no_secret_reaches_any_output_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Credentials in index URLs, a VCS URL and the environment never appear in any
    registered format (new formats are covered automatically), in any page of the site, nor
    anywhere in the snapshot store (compressed blobs included)."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text(
        "--index-url https://deploy:s3cr3t-pass@pypi-index.invalid/simple\n"
        "--extra-index-url https://tok-ABCDEF123456@mirror.invalid/simple\n"
        "django==3.0.6 --hash=sha256:" + "a" * 64 + "\n"
        "private @ git+https://ghp_vcsTOKEN42@github.com/acme/private.git@0123456789abcdef\n"
    )
    monkeypatch.setenv("AUDITOR_OSV_TOKEN", "envtoken-987654")
    monkeypatch.setenv("PIP_INDEX_URL", "https://user:envtoken-987654@pypi-index.invalid/simple")
    out = tmp_path / "out"
    formats = ",".join(plugins.names())
    store = tmp_path / "store.db"
    args = ["report", str(project), "--advisory-db", str(RECORDS), "--out", str(out)]
    result = run_cli([*args, "--format", formats, "--db", str(store)])
    assert result.code in (0, 3), result.err
    written = {str(p.relative_to(out)): p.read_text() for p in out.rglob("*") if p.is_file()}
    assert {plugins.get(n).filename for n in plugins.names()} <= set(written)
    assert "index.html" in written
    assert "django" in written["sbom.cdx.json"]
    stored = store_text(store)
    assert "django" in stored
    assert "https://****@github.com/acme/private.git" in stored  # redacted, inside a blob
    outputs = [*written.items(), ("stdout", result.out), ("stderr", result.err)]
    for name, text in [*outputs, ("the store", stored)]:
        for secret in SECRETS:
            assert secret not in text, f"{secret} leaked into {name}"


def store_text(path: Path) -> str:
    """Every value of every table of an SQLite store as text; compressed blobs unpacked."""
    values: list[str] = []
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 - own table names
                values.extend(_as_text(value) for value in row)
    return "\n".join(values)


def _as_text(value: object) -> str:
    if not isinstance(value, bytes):
        return str(value)
    try:
        return zlib.decompress(value).decode("utf-8", "replace")
    except zlib.error:
        return value.decode("utf-8", "replace")
