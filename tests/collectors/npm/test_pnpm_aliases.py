"""YAML alias amplification: a pnpm-lock.yaml whose dependency tables are shared by alias.

A 117 KB file of this shape took 531 MB and 18 s, 355 KB took 4.3 GB. No lockfile format
uses aliases, so an alias is refused: one line naming the file and line, exit 2, the other
lockfiles still audited. Measured in a fresh process: time and peak memory per case.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support import FIXTURES, run_cli, run_measured


def amplified(shared: int, users: int) -> str:
    """A pnpm v9 lockfile: one table of ``shared`` dependencies anchored once and used by
    ``users`` snapshot entries (``shared * users`` edges once expanded)."""
    lines = ["lockfileVersion: '9.0'", "", "importers:", "", "  .:", "    dependencies:"]
    for i in range(shared):
        lines += [f"      dep-{i}:", "        specifier: 1.0.0", "        version: 1.0.0"]
    lines += ["", "packages:", ""]
    for i in range(shared):
        lines += [f"  dep-{i}@1.0.0:", "    resolution: {integrity: sha512-x}"]
    lines += ["", "snapshots:", "", "  dep-0@1.0.0:", "    dependencies: &deps"]
    lines += [f"      dep-{i}: 1.0.0" for i in range(1, shared)]
    lines += [f"  dep-{i}@1.0.0:\n    dependencies: *deps" for i in range(1, users)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("shared", "users", "kilobytes"), [(500, 1400, 117), (1500, 4400, 355)])
def test_aliases_are_refused_within_bounds(
    tmp_path: Path, shared: int, users: int, kilobytes: int
) -> None:
    """The 117 KB and 355 KB shapes: one clean error at the anchor's line, in under 5 s and
    200 MB of peak memory (the whole interpreter included)."""
    lock = tmp_path / "pnpm-lock.yaml"
    lock.write_text(amplified(shared, users))
    assert abs(lock.stat().st_size / 1024 - kilobytes) < kilobytes * 0.25
    measured = run_measured(
        f"""
        from pathlib import Path
        from auditor.collectors import plugins
        from auditor.core.errors import LockfileError
        from tests.support import collect_file
        try:
            collect_file(plugins.get("pnpm-lock"), Path({str(lock)!r}))
        except LockfileError as exc:
            print(exc)
        """
    )
    line = lock.read_text().splitlines().index("    dependencies: &deps") + 1  # the anchor
    assert (
        f"pnpm-lock.yaml:{line}: YAML aliases are not allowed (this format never uses them): "
        "the node anchored here is used again"
    ) == measured.out.strip().rpartition("/")[2]
    assert measured.seconds < 5.0
    assert measured.peak_mb < 200


def test_the_other_lockfiles_are_still_audited(tmp_path: Path) -> None:
    """The refused file is a per-file error (exit 2, run partial); the rest is audited."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "scan" / "small", project)
    (project / "web").mkdir()
    (project / "web" / "pnpm-lock.yaml").write_text(amplified(200, 200))
    result = run_cli(["scan", "--json", "--no-registry", str(project)])
    assert 2 == result.code
    errors = [line for line in result.err.splitlines() if "error" in line]
    assert 1 == len(errors), result.err
    assert "web/pnpm-lock.yaml:" in errors[0]
    assert "YAML aliases are not allowed" in errors[0]
    assert '"status": "partial"' in result.out
    assert "Pipfile.lock" in result.out
