"""``--omit dev|optional|peer``: findings of packages needed only in those scopes leave the
findings and the gate, are listed apart and never silently; a malicious package is never
left out. On saleor's real poetry.lock, whose dev group pulls black, gitpython and py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from auditor.core.graph import only_in
from tests.support import FIXTURES, run_cli

SALEOR = Path(__file__).parents[2] / "examples" / "saleor-2020"
PYPA = Path(__file__).parents[2] / "data" / "advisories" / "pypa"
DEV_ONLY = {
    ("black", "PYSEC-2024-48"),
    ("django-debug-toolbar", "PYSEC-2021-10"),
    ("gitpython", "PYSEC-2022-42992"),
    ("gitpython", "PYSEC-2023-137"),
    ("gitpython", "PYSEC-2023-161"),
    ("gitpython", "PYSEC-2023-165"),
    ("gitpython", "PYSEC-2024-4"),
    ("jinja2", "PYSEC-2021-66"),
    ("py", "PYSEC-2020-92"),
    ("py", "PYSEC-2022-42969"),
    ("pyyaml", "PYSEC-2021-142"),
}


def scan(path: Path, *args: str) -> tuple[int, dict[str, object], str]:
    result = run_cli(["scan", str(path), "--offline", "--json", *args])
    return result.code, json.loads(result.out), result.err


def pairs(items: object) -> set[tuple[str, str]]:
    assert isinstance(items, list)
    return {(f["package"]["name"], f["id"]) for f in items}


def test_omit_dev_moves_dev_only_findings_out_of_the_gate() -> None:
    """The 11 findings of dev-only packages are listed under omitted; certifi, django and
    the others a dev and a main dependency share stay; --fail-on high then sees only the
    runtime highs; the verdict says what was left out."""
    code, before, _ = scan(SALEOR, "--fail-on", "high")
    _, after, _ = scan(SALEOR, "--omit", "dev", "--fail-on", "high")
    assert 1 == code
    assert DEV_ONLY == pairs(after["omitted"])
    assert pairs(before["findings"]) - DEV_ONLY == pairs(after["findings"])
    assert (["dev"], 11, 57) == (
        after["omit"],
        after["summary"]["omitted"],  # type: ignore[index]
        after["summary"]["findings"],  # type: ignore[index]
    )
    highs = [f["package"]["name"] for f in after["findings"] if f["severity"] == "high"]  # type: ignore[attr-defined]
    assert ["idna", "urllib3"] == sorted(highs)
    table = run_cli(["scan", str(SALEOR), "--offline", "--omit", "optional,dev"])
    assert table.out.rstrip().endswith(
        "; 11 findings of packages only needed in dev, optional left out (--omit dev,optional)"
    )


def test_omitted_unchecked_packages_do_not_make_the_run_incomplete(tmp_path: Path) -> None:
    """An npm dev dependency no advisory data covers is unchecked (exit 3); left out by
    --omit dev, it is listed apart and the run is complete."""
    shutil.copy(SALEOR / "poetry.lock", tmp_path / "poetry.lock")
    shutil.copy(SALEOR / "pyproject.toml", tmp_path / "pyproject.toml")
    web = tmp_path / "web"
    web.mkdir()
    (web / "package.json").write_text('{"name": "web", "devDependencies": {"ms": "0.7.0"}}')
    (web / "package-lock.json").write_text(
        json.dumps(
            {
                "name": "web",
                "lockfileVersion": 3,
                "packages": {
                    "": {"name": "web", "devDependencies": {"ms": "0.7.0"}},
                    "node_modules/ms": {"version": "0.7.0", "dev": True},
                },
            }
        )
    )
    code, doc, _ = scan(tmp_path, "--advisory-db", str(PYPA))
    assert (1, "incomplete") == (code, doc["status"])  # findings fail before incomplete
    code, doc, _ = scan(tmp_path, "--advisory-db", str(PYPA), "--omit", "dev")
    assert (1, "complete") == (code, doc["status"])
    assert ["pkg:npm/ms@0.7.0"] == [u["package"] for u in doc["omitted_unchecked"]]  # type: ignore[attr-defined]
    assert [] == doc["unchecked"]


def test_a_malicious_dev_dependency_is_never_left_out(tmp_path: Path) -> None:
    """A known-malicious package runs on every developer's machine and in CI."""
    (tmp_path / "Pipfile.lock").write_text(
        json.dumps(
            {
                "_meta": {
                    "sources": [
                        {
                            "name": "pypi",
                            "url": "https://pypi-index.invalid/simple",
                            "verify_ssl": True,
                        }
                    ]
                },
                "default": {},
                "develop": {"pyg-utils": {"version": "==1.0.0"}},
            }
        )
    )
    advisories = FIXTURES / "advisories" / "malicious" / "MAL-2022-7425.json"
    code, doc, _ = scan(tmp_path, "--advisory-db", str(advisories), "--omit", "dev")
    assert 1 == code
    assert {("pyg-utils", "MAL-2022-7425")} == pairs(doc["findings"])
    assert [] == doc["omitted"]


def test_the_config_and_the_environment_set_it_and_the_tree_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """config `omit` works like the flag and, set by the scanned tree, is named in the
    verdict; AUDITOR_OMIT overrides it; a scope that is none is one line, exit 2."""
    shutil.copy(SALEOR / "poetry.lock", tmp_path / "poetry.lock")
    shutil.copy(SALEOR / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "auditor.toml").write_text('omit = "dev"\n')
    table = run_cli(["scan", str(tmp_path), "--offline"])
    assert "set by the scanned tree (" in table.out
    assert table.out.rstrip().endswith("auditor.toml): omit")
    monkeypatch.setenv("AUDITOR_OMIT", "peer")
    _, doc, _ = scan(tmp_path)
    assert (["peer"], []) == (doc["omit"], doc["omitted"])
    bad = run_cli(["scan", str(tmp_path), "--offline", "--omit", "tests"])
    assert (2, "auditor: error: --omit: tests: expected dev, optional, peer\n") == (
        bad.code,
        bad.err,
    )


@pytest.mark.parametrize(
    ("scopes", "kinds", "left_out"),
    [
        (("dev",), ("dev",), True),
        (("group:lint", "dev"), ("dev",), True),
        (("dev", "main"), ("dev",), False),
        ((), ("dev",), False),  # no scope: a main package
        (("dev", "optional"), ("dev",), False),  # npm's devOptional
        (("dev", "optional"), ("dev", "optional"), True),
        (("extra:s3",), ("optional",), True),
        (("bundled", "dev"), ("dev",), True),
        (("bundled",), ("dev",), False),
    ],
)
def test_which_scopes_a_kind_covers(
    scopes: tuple[str, ...], kinds: tuple[str, ...], left_out: bool
) -> None:
    """dev covers dependency groups, optional covers extras, bundled only says how."""
    assert left_out == only_in(scopes, kinds)
