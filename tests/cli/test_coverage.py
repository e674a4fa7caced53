"""Nothing to audit is not clean: no supported lockfile is exit 2; lockfiles of other
formats and manifests without a lockfile are named (text, JSON `unsupported[]`) and make
the run partial; a flat requirements file under --no-registry says what it leaves unknown;
`report` never stores a snapshot of nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from auditor.collectors import plugins
from tests.support import FIXTURES, run_cli

UNSUPPORTED = FIXTURES / "unsupported"
SMALL = FIXTURES / "scan" / "small"
INSOMNIA_LOCK = FIXTURES / "npm-package-lock" / "real" / "Kong__insomnia__078bb9b9"
URLLIB3_DEV = FIXTURES / "requirements" / "real" / "urllib3__urllib3" / "dev-requirements.txt"
CLEAN = FIXTURES / "pipfile-lock" / "real" / "pypa__pipenv__examples" / "Pipfile.lock"


def tree(tmp_path: Path, *parts: tuple[Path, str]) -> Path:
    """A project folder holding copies of the given files under the given names."""
    root = tmp_path / "project"
    root.mkdir(exist_ok=True)
    for source, name in parts:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    return root


def claimed(name: str) -> bool:
    """Whether a registered collector reads files of this name (Cargo.lock, one day)."""
    return any(c.claims(name) for c in plugins.COLLECTORS.values())


def test_an_empty_folder_is_nothing_to_audit(tmp_path: Path) -> None:
    """No lockfile at all: exit 2 and one line, as osv-scanner's "no package sources"."""
    (tmp_path / "empty").mkdir()
    result = run_cli(["scan", str(tmp_path / "empty")])
    assert (2, "") == (result.code, result.out)
    assert [
        f"auditor: error: no package sources found in {tmp_path / 'empty'}: no lockfile "
        "auditor reads"
    ] == result.err.splitlines()


def test_only_unsupported_lockfiles_are_named_and_nothing_to_audit(tmp_path: Path) -> None:
    """A real mix.lock alone: exit 2, the file named in the one line. A real Cargo.lock
    beside it is named too while no collector reads Cargo.lock, and audited once one does
    (the table never lists a name a registered collector claims)."""
    root = tree(tmp_path, (UNSUPPORTED / "ex_doc" / "mix.lock", "mix.lock"))
    result = run_cli(["scan", str(root)])
    assert (2, "") == (result.code, result.out)
    assert (
        f"auditor: error: no package sources found in {root}: no lockfile auditor reads; not "
        "audited: mix.lock (lockfile)\n"
    ) == result.err
    tree(tmp_path, (UNSUPPORTED / "pydantic-core" / "Cargo.lock", "core/Cargo.lock"))
    doc = json.loads(run_cli(["scan", "--json", "--offline", str(root)]).out or "{}")
    if claimed("Cargo.lock"):
        assert ["mix.lock"] == [u["path"] for u in doc["unsupported"]]
        assert doc["summary"]["packages"] > 0
    else:
        assert {} == doc


def test_manifests_without_a_lockfile_are_named(tmp_path: Path) -> None:
    """A real pyproject.toml (saleor's, without its poetry.lock) and a real package.json with
    dependencies and no lockfile: nothing was audited, and the run says which manifests
    left it so."""
    root = tree(
        tmp_path,
        (UNSUPPORTED / "saleor-manifest" / "pyproject.toml", "pyproject.toml"),
        (
            UNSUPPORTED / "insomnia" / "packages" / "insomnia-sdk" / "package.json",
            "sdk/package.json",
        ),
    )
    result = run_cli(["scan", str(root)])
    assert 2 == result.code
    assert "not audited: pyproject.toml (manifest), sdk/package.json (manifest)" in result.err, (
        result.err
    )


def test_a_workspace_member_locked_at_the_root_is_not_a_loose_manifest(tmp_path: Path) -> None:
    """insomnia: the workspace root's package-lock.json locks the member's package.json."""
    root = tree(
        tmp_path,
        (INSOMNIA_LOCK / "package-lock.json", "package-lock.json"),
        (UNSUPPORTED / "insomnia" / "package.json", "package.json"),
        (
            UNSUPPORTED / "insomnia" / "packages" / "insomnia-sdk" / "package.json",
            "packages/insomnia-sdk/package.json",
        ),
    )
    result = run_cli(["scan", "--json", "--offline", str(root)])
    doc = json.loads(result.out)
    assert [] == doc["unsupported"]


def test_unsupported_files_beside_a_lockfile_make_the_run_partial(tmp_path: Path) -> None:
    """A real Pipfile.lock (pipenv's example, clean against the bundled sample) with a real
    mix.lock: the Pipfile.lock is audited as always, the mix.lock is named in the table and
    in unsupported[], the run is partial; it fails only with --strict (exit 3)."""
    root = tree(
        tmp_path, (CLEAN, "Pipfile.lock"), (UNSUPPORTED / "ex_doc" / "mix.lock", "docs/mix.lock")
    )
    doc = json.loads(run_cli(["scan", "--json", "--offline", str(root)]).out)
    assert "partial" == doc["status"]
    reason = (
        "lockfile of Elixir (Mix): auditor does not read this format, so none of its "
        "packages were audited"
    )
    assert [{"path": "docs/mix.lock", "kind": "lockfile", "reason": reason}] == doc["unsupported"]
    assert 1 == doc["summary"]["unsupported_files"]
    table = run_cli(["scan", "--offline", str(root)])
    assert f"  docs/mix.lock: {reason}" in table.out.splitlines()
    verdict = table.out.splitlines()[-1]
    assert verdict.startswith("no findings in the 10 packages checked against"), verdict
    assert verdict.endswith("; 1 file not read (listed above)"), verdict
    assert 0 == table.code, table.out + table.err
    assert 3 == run_cli(["scan", "--offline", "--strict", str(root)]).code


def test_report_of_nothing_stores_nothing(tmp_path: Path) -> None:
    """`report` on a folder with only a manifest: exit 2, and no snapshot (no store file)."""
    root = tree(tmp_path, (UNSUPPORTED / "saleor-manifest" / "pyproject.toml", "pyproject.toml"))
    db = tmp_path / "store.db"
    result = run_cli(["report", "--db", str(db), "--out", str(tmp_path / "out"), str(root)])
    assert 2 == result.code
    assert "no package sources found" in result.err
    assert not db.exists()


def test_a_flat_requirements_file_without_registry_says_what_is_unknown(
    tmp_path: Path,
) -> None:
    """urllib3's dev-requirements.txt pins 17 packages without saying which needs which:
    under --no-registry the run says their transitive dependencies are unknown."""
    root = tree(tmp_path, (URLLIB3_DEV, "dev-requirements.txt"))
    result = run_cli(["scan", "--json", "--no-registry", str(root)])
    doc = json.loads(result.out)
    assert [
        "dev-requirements.txt: 17 pinned packages with no dependency information: their "
        "transitive dependencies are unknown without registry lookups (--no-registry); any "
        "that this file does not pin was not audited"
    ] == [w for w in doc["warnings"] if w.startswith("dev-requirements.txt")]


@pytest.mark.parametrize("name", ["mix.lock", "Podfile.lock", "pubspec.lock", "gradle.lockfile"])
def test_a_named_unsupported_lockfile_is_a_clear_usage_error(tmp_path: Path, name: str) -> None:
    """Naming such a file on the command line says what it is, not "use --as"."""
    path = tmp_path / name
    shutil.copy(UNSUPPORTED / "ex_doc" / "mix.lock", path)
    result = run_cli(["scan", str(path)])
    assert 2 == result.code
    assert "auditor does not read this format" in result.err


def test_partial_only_through_unsupported_files_still_has_a_history(tmp_path: Path) -> None:
    """A mix.lock every night keeps every run partial; the runs still compare with each
    other (the mix.lock adds no package to either): the second run's churn and new/resolved
    counts are there. A run whose own lockfile breaks is not compared."""
    root = tree(
        tmp_path, (CLEAN, "Pipfile.lock"), (UNSUPPORTED / "ex_doc" / "mix.lock", "mix.lock")
    )
    db, out = tmp_path / "store.db", tmp_path / "out"

    def report(when: str) -> None:
        result = run_cli(
            ["report", "--offline", "--db", str(db), "--out", str(out), "--project", "demo",
             "--snapshot-time", when, str(root)]
        )  # fmt: skip
        assert result.code in (0, 2), result.err

    report("2024-01-01T00:00:00Z")
    lock = json.loads((root / "Pipfile.lock").read_text())
    name = sorted(lock["default"])[0]
    lock["default"][name]["version"] = "==99999.0"
    (root / "Pipfile.lock").write_text(json.dumps(lock))
    report("2024-01-02T00:00:00Z")
    (root / "Pipfile.lock").write_text("{not json")
    report("2024-01-03T00:00:00Z")
    history = json.loads(run_cli(["history", "--db", str(db), "--project", "demo", "--json"]).out)[
        "snapshots"
    ]
    assert ["partial", "partial", "partial"] == [s["status"] for s in history]
    first, second, third = history
    assert first["id"] == second["churn"]["baseline"]
    assert 1 == second["churn"]["upgraded"]
    assert third["churn"]["baseline"] is None
