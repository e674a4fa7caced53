"""The scanned tree's own config is untrusted: what it chooses is named in the verdict, and its
paths must stay inside the tree (a typosquat-allow-list at /etc/passwd is refused)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support import FIXTURES, run_cli

SALEOR = FIXTURES / "scan" / "saleor-2020"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AUDITOR_ADVISORY_DB", "AUDITOR_OFFLINE", "AUDITOR_STALE_DAYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AUDITOR_NO_REGISTRY", "1")


def tree(tmp_path: Path, config: str, name: str = "auditor.toml") -> Path:
    target = tmp_path / "project"
    shutil.copytree(SALEOR, target)
    (target / name).write_text(config)
    return target


def test_a_silencing_config_is_named_in_the_verdict(tmp_path: Path) -> None:
    """An empty advisory folder and fail-on = malicious from the tree: the verdict says the
    tree chose them (68 findings with the bundled data, 0 with the tree's)."""
    project = tree(tmp_path, 'advisory-db = "own-db"\nfail-on = "malicious"\n')
    (project / "own-db").mkdir()
    for record in ("npm", "pypa"):  # one record per ecosystem, none about these packages
        first = sorted((FIXTURES / "advisories" / record).glob("*.json"))[0]
        shutil.copy(first, project / "own-db")
    result = run_cli(["scan", str(project)])
    assert 0 == result.code, result.err
    assert [
        "no known vulnerabilities in 185 packages checked against osv-local; set by the scanned "
        f"tree ({project}/auditor.toml): advisory-db, fail-on"
    ] == result.out.strip().splitlines()[-1:]


def test_pyproject_and_suppressing_ignores_are_named(tmp_path: Path) -> None:
    """[tool.auditor] counts too; ignores are named when they suppressed something."""
    project = tree(
        tmp_path,
        '[tool.auditor]\nfail-on = "critical"\n'
        '[[tool.auditor.ignore]]\nid = "GHSA-wpjr-j57x-wxfw"\nreason = "trust me"\n',
        name="pyproject.toml",
    )
    result = run_cli(["scan", str(project)])
    last = result.out.strip().splitlines()[-1]
    assert last.endswith(
        f"; set by the scanned tree ({project}/pyproject.toml): fail-on, ignore (1 suppressed)"
    ), last


def test_flags_win_and_are_not_named(tmp_path: Path) -> None:
    """A setting the command line overrides is not the tree's choice."""
    project = tree(tmp_path, 'fail-on = "malicious"\n')
    result = run_cli(["scan", "--fail-on", "low", str(project)])
    assert 1 == result.code
    assert "set by the scanned tree" not in result.out


def test_a_config_outside_the_tree_is_not_named(tmp_path: Path) -> None:
    """--config naming a file outside the scanned tree is the user's own: nothing to name."""
    project = tree(tmp_path, "")
    own = tmp_path / "mine.toml"
    own.write_text('fail-on = "critical"\n')
    result = run_cli(["scan", "--config", str(own), str(project)])
    assert "set by the scanned tree" not in result.out


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("typosquat-allow-list", "/etc/passwd"),
        ("typosquat-allow-list", "../../../../../../etc/passwd"),
        ("advisory-db", "/etc"),
        ("advisory-db", "../outside"),
    ],
)
def test_tree_paths_must_stay_inside(tmp_path: Path, key: str, value: str) -> None:
    """A path the tree's config sets outside the tree is refused with one line, exit 2, and
    nothing of the file it names is echoed."""
    project = tree(tmp_path, f'{key} = "{value}"\n')
    result = run_cli(["scan", str(project)])
    assert 2 == result.code
    assert [
        f"auditor: error: {project}/auditor.toml: {value!r} is outside the scanned tree (a path "
        f"set by the scanned tree must stay inside it) in {key}"
    ] == result.err.splitlines()
    assert ":0:0:" not in result.out + result.err


def test_a_symlink_out_of_the_tree_is_refused(tmp_path: Path) -> None:
    """A link inside the tree pointing out of it is outside too."""
    project = tree(tmp_path, 'typosquat-allow-list = "allow.txt"\n')
    (project / "allow.txt").symlink_to("/etc/passwd")
    result = run_cli(["scan", str(project)])
    assert 2 == result.code
    assert "'allow.txt' is outside the scanned tree" in result.err
    assert ":0:0:" not in result.out + result.err
