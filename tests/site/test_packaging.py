"""The templates ship in the wheel: build it, install it into a fresh virtualenv (no
editable install, no source tree on the path) and render a site from there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from tests.support import FIXTURES

ROOT = Path(__file__).parents[2]


def test_every_package_folder_is_listed() -> None:
    """pyproject.toml lists its packages (templates/ and data/ are mapped into the
    package): every folder of auditor/ with an __init__.py is on that list."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "auditor").rglob("__init__.py")
    }
    assert found | {"auditor.templates", "auditor.data"} == listed


@pytest.mark.slow
def test_installed_wheel_renders_the_site(tmp_path: Path) -> None:
    """auditor report from a wheel-installed auditor writes index.html."""
    # Build from a copy of what the wheel is made of, so that setuptools' build/ folder
    # never lands in (or is reused from) the working tree.
    source = tmp_path / "source"
    for folder in ("auditor", "templates", "data"):
        shutil.copytree(
            ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(dist),
            str(source),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    (wheel,) = dist.glob("auditor-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for asset in ("base.html", "index.html", "project.html", "style.css", "sort.js"):
        assert f"auditor/templates/{asset}" in names
    for data in ("popular/npm.tsv", "schemas/graph.schema.json", "advisories/README.md"):
        assert f"auditor/data/{data}" in names
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True)
    python = fresh / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    zipfile.ZipFile(wheel).extractall(site)  # a pure wheel installs by unpacking
    # The dependencies come from the test environment, added after the fresh install;
    # a .pth line adds the folder without running the editable install's own hooks.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    work = tmp_path / "work"
    work.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import auditor.site; print(auditor.site.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
    ).stdout.strip()
    assert where.startswith(str(site))
    run = subprocess.run(  # noqa: PLW1510 - the exit code is asserted below
        [
            str(python),
            "-m",
            "auditor",
            "report",
            str(FIXTURES / "scan" / "small"),
            "--out",
            str(work / "out"),
            "--db",
            str(work / "db.sqlite"),
            "--cache-dir",
            str(work / "cache"),
        ],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
    )
    assert run.returncode in (0, 3), run.stderr
    assert (work / "out" / "index.html").is_file()
    assert "Content-Security-Policy" in (work / "out" / "index.html").read_text()
