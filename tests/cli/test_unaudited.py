"""Git, URL and versionless packages: listed as unaudited with their source, never a
reason for exit 3 (which keeps one meaning: a check that should have run could not); asked
by commit of the OSV API; failing a run only with --strict, unless acknowledged. Real
lockfiles: poetry's own poetry.lock (poetry-core from git), paperless-ngx's uv.lock (a git
package and wheels at a URL), insomnia's package-lock.json (a git+ssh package)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.httpserver import HttpTestServer
from tests.osvserver import OsvApi, RecordSet
from tests.outputs.oracles import auditor_validator
from tests.support import FIXTURES, run_cli

POETRY = FIXTURES / "poetry-lock" / "real" / "python-poetry__poetry__f4670233"
PAPERLESS = FIXTURES / "uv-lock" / "real" / "paperless-ngx__paperless-ngx__b0e0e8a3"
INSOMNIA = FIXTURES / "npm-package-lock" / "real" / "Kong__insomnia__078bb9b9"
POETRY_CORE_COMMIT = "e3998b0e111dc03e4aa721fd054c48e5c7de6fc5"


def scan_json(*args: str) -> tuple[int, dict[str, object]]:
    result = run_cli(["scan", "--json", *args])
    return result.code, json.loads(result.out)


def unaudited(doc: dict[str, object]) -> list[tuple[str, str]]:
    return [(u["name"], u["source"]) for u in doc["unaudited"]]  # type: ignore[attr-defined, index]


def project(tmp_path: Path, folder: Path, config: str = "") -> Path:
    target = tmp_path / "project"
    shutil.copytree(folder, target)
    if config:
        (target / "auditor.toml").write_text(config)
    return target


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        (
            POETRY,
            [
                (
                    "poetry-core",
                    f"git https://github.com/python-poetry/poetry-core.git@{POETRY_CORE_COMMIT}",
                )
            ],
        ),
        (
            PAPERLESS,
            [
                (
                    "microsoft-python-type-stubs",
                    "git https://github.com/microsoft/python-type-stubs.git@"
                    "692c37c3969d22612b295ddf7e7af5907204a386",
                ),
                (
                    "psycopg-c",
                    "url https://github.com/paperless-ngx/builder/releases/download/"
                    "psycopg-trixie-3.3.0/psycopg_c-3.3.0-cp312-cp312-linux_aarch64.whl",
                ),
                (
                    "psycopg-c",
                    "url https://github.com/paperless-ngx/builder/releases/download/"
                    "psycopg-trixie-3.3.0/psycopg_c-3.3.0-cp312-cp312-linux_x86_64.whl",
                ),
            ],
        ),
        (
            INSOMNIA,
            [
                (
                    "grpc-reflection-js",
                    "git git+ssh://****@github.com/jackkav/grpc-reflection-js.git@"
                    "e78663356c362d44e629cfa119d12b63ba615bc0",
                )
            ],
        ),
    ],
    ids=["poetry", "paperless-ngx", "insomnia"],
)
def test_git_and_url_packages_are_unaudited_not_incomplete(
    folder: Path, expected: list[tuple[str, str]]
) -> None:
    """Against local advisory data: the git/URL packages are listed with their source, the
    run is not incomplete, and exit 3 is not what they cause."""
    code, doc = scan_json("--offline", str(folder))
    assert expected == unaudited(doc)
    assert "incomplete" != doc["status"]
    assert 0 == doc["summary"]["unchecked"]  # type: ignore[index]
    assert 3 != code


def test_strict_fails_on_them_and_an_ignore_acknowledges_them(tmp_path: Path) -> None:
    """poetry.lock: exit 0; --strict: exit 3; an UNAUDITED:poetry-core rule with its reason
    acknowledges poetry-core (listed with the reason), and --strict passes again."""
    assert 0 == run_cli(["scan", "--offline", str(POETRY)]).code
    strict = run_cli(["scan", "--offline", "--strict", str(POETRY)])
    assert 3 == strict.code
    assert (
        f"  poetry-core@2.4.1 (git https://github.com/python-poetry/poetry-core.git@"
        f"{POETRY_CORE_COMMIT}): from git, not a registry: advisories describe registry releases"
    ) in strict.out.splitlines()
    rule = '[[ignore]]\nid = "UNAUDITED:poetry-core"\nreason = "poetry\'s own core, built in CI"\n'
    acknowledged = project(tmp_path, POETRY, rule)
    code, doc = scan_json("--offline", "--strict", str(acknowledged))
    assert 0 == code
    [entry] = doc["unaudited"]  # type: ignore[misc]
    assert "poetry's own core, built in CI" == entry["acknowledged"]["reason"]
    assert 1 == doc["summary"]["unaudited_acknowledged"]  # type: ignore[index]


def test_the_osv_api_is_asked_about_git_packages_by_commit(http_server: HttpTestServer) -> None:
    """With osv-api, poetry-core is asked by its commit ({"commit": SHA}); the API answers
    no record for it, so it is audited (not listed as unaudited)."""
    OsvApi(RecordSet.load(FIXTURES / "advisories")).install(http_server)
    code, doc = scan_json("--source", "osv-api", "--osv-url", http_server.url, str(POETRY))
    queries = [
        q for r in http_server.requests if r.path == "/v1/querybatch" for q in r.json()["queries"]
    ]
    assert [{"commit": POETRY_CORE_COMMIT}] == [q for q in queries if "commit" in q]
    assert [] == unaudited(doc)
    assert (0, "complete") == (code, doc["status"])


def test_every_output_lists_them(tmp_path: Path) -> None:
    """The Markdown summary and the HTML site list unaudited packages with their source."""
    markdown = run_cli(["scan", "--offline", "--format", "markdown", str(PAPERLESS)]).out
    assert "### Not audited: git, URL or versionless (3)" in markdown
    assert "microsoft-python-type-stubs" in markdown
    out = tmp_path / "report"
    result = run_cli(["report", "--offline", "--no-store", "--out", str(out), str(PAPERLESS)])
    assert 0 == result.code, result.err
    page = next((out / "p").glob("*/s/*.html")).read_text()
    assert "Packages no advisory describes by version (3)" in page
    assert "psycopg_c-3.3.0-cp312-cp312-linux_x86_64.whl" in page


def test_the_json_document_with_them_matches_its_schema() -> None:
    """paperless-ngx's findings.json, with unaudited packages, validates against the
    packaged schema (which describes unaudited[], unsupported[] and sources[].sample)."""
    _, doc = scan_json("--offline", str(PAPERLESS))
    validator = auditor_validator("auditor.findings/1")
    assert [] == [e.message for e in validator.iter_errors(doc)]
    assert 3 == len(doc["unaudited"])  # type: ignore[arg-type]
