"""Installed environments: a real virtual environment the test builds (pip install of
wheels it writes, no network) read exactly as ``pip list`` lists it; markers, extras,
PEP 610 sources, site-packages targets, discovery, broken metadata."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from auditor.collectors.discovery import find_targets
from auditor.collectors.pypi.environment import PythonEnvironmentCollector
from auditor.core.errors import LockfileError
from auditor.core.model import SourceKind, canonical_pypi_name
from auditor.pipeline.audit import collect_paths
from tests.support import FIXTURES, collect_file, collect_text, run_cli

COLLECTOR = PythonEnvironmentCollector()
REAL = FIXTURES / "python-environment" / "real" / "requests-venv"
# name, version, Requires-Dist lines
WHEELS = [
    (
        "Alpha_Pkg",
        "1.0",
        [
            "beta>=1",
            "gamma; python_version >= '3'",
            "epsilon; python_version < '3'",
            "delta[fast]>=2; extra == 'speed'",
        ],
    ),
    ("beta", "2.0.0", []),
    ("gamma", "0.1", ["beta"]),
    ("delta", "3.0", ["zeta; extra == 'fast'"]),
    ("zeta", "1.1", []),
    ("omega", "0.9", ["alpha-pkg[speed]"]),
]


def _wheel(folder: Path, name: str, version: str, requires: list[str]) -> Path:
    """A minimal, valid pure-Python wheel (METADATA, WHEEL, RECORD, one module)."""
    dist = f"{name.replace('-', '_')}-{version}"
    files = {
        f"{name.lower()}_mod.py": "VALUE = 1\n",
        f"{dist}.dist-info/METADATA": "Metadata-Version: 2.1\n"
        + f"Name: {name}\nVersion: {version}\n"
        + "".join(f"Requires-Dist: {r}\n" for r in requires)
        + "".join(f"Provides-Extra: {e}\n" for e in ("speed", "fast")),
        f"{dist}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{dist}.dist-info/RECORD,,")
    files[f"{dist}.dist-info/RECORD"] = "\n".join(record) + "\n"
    target = folder / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return target


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real virtual environment with the wheels installed by pip, offline."""
    base = tmp_path_factory.mktemp("env")
    wheels = base / "wheels"
    wheels.mkdir()
    for name, version, requires in WHEELS:
        _wheel(wheels, name, version, requires)
    env = base / ".venv"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True, timeout=300)
    pip = [str(env / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "install", "--no-index", "--find-links", str(wheels), "omega", "gamma"],
        check=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(base), "PIP_CONFIG_FILE": "/dev/null"},
    )
    return env


def _pip_list(env: Path) -> list[tuple[str, str]]:
    done = subprocess.run(
        [str(env / "bin" / "python"), "-m", "pip", "list", "--format", "json",
         "--disable-pip-version-check"],
        capture_output=True, text=True, check=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(env.parent), "PIP_CONFIG_FILE": "/dev/null"},
    )  # fmt: skip
    return sorted((canonical_pypi_name(p["name"]), p["version"]) for p in json.loads(done.stdout))


def test_venv_packages_equal_pip_list(venv: Path) -> None:
    """``auditor graph`` of the environment lists exactly what its ``pip list`` lists
    (pip itself included), through discovery of the venv folder."""
    collection = collect_paths([str(venv)])
    assert () == collection.errors
    (result,) = collection.results
    assert "python-environment" == result.collector
    assert _pip_list(venv) == sorted((p.name, p.version) for p in result.packages)


def test_venv_edges_follow_markers_and_extras(venv: Path) -> None:
    """Requires-Dist give edges; a marker false for the venv's Python gives none and no
    skip; omega asks for alpha-pkg[speed], which pulls delta[fast], which pulls zeta; the
    distributions nothing requires hang from the root."""
    (result,) = collect_paths([str(venv)]).results
    edges = {(e.parent.split("/")[-1], e.child.split("/")[-1]) for e in result.edges}
    assert {
        ("alpha-pkg@1.0", "beta@2.0.0"),
        ("alpha-pkg@1.0", "gamma@0.1"),
        ("alpha-pkg@1.0", "delta@3.0"),
        ("delta@3.0", "zeta@1.1"),
        ("gamma@0.1", "beta@2.0.0"),
        ("omega@0.9", "alpha-pkg@1.0"),
    } <= edges
    roots = sorted(child for parent, child in edges if parent == "root:.venv")
    assert "omega@0.9" in " ".join(
        sorted(e.child for e in result.edges if e.parent.startswith("root:"))
    )
    assert not any("epsilon" in s.name for s in result.skipped)
    assert () == result.skipped or all("pip" in s.location.path for s in result.skipped)
    del roots
    (root,) = result.roots
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert f"=={py}.*" == root.requires_python


def test_site_packages_folder_is_a_target_too(venv: Path) -> None:
    """The environment's site-packages folder named alone gives the same packages."""
    (site,) = (venv / "lib").glob("python*/site-packages")
    targets = find_targets([str(site)])
    assert ["python-environment"] == [t.collector.name for t in targets]
    (result,) = collect_paths([str(site)]).results
    assert _pip_list(venv) == sorted((p.name, p.version) for p in result.packages)


def test_repository_discovery_still_skips_virtual_environments(venv: Path) -> None:
    """Scanning the folder that holds the venv finds no target inside it."""
    assert [] == find_targets([str(venv.parent / "wheels")]) + [
        t for t in find_targets([str(venv.parent)]) if ".venv" in str(t.path)
    ]


def test_cli_scan_and_sbom_of_the_venv(venv: Path, tmp_path: Path) -> None:
    """``auditor sbom .venv`` writes a CycloneDX document of the installed distributions."""
    result = run_cli(["sbom", str(venv), "--output", str(tmp_path / "bom.json")])
    assert 0 == result.code, result.err
    bom = json.loads((tmp_path / "bom.json").read_text())
    names = {c["name"] for c in bom["components"]}
    assert {"alpha-pkg", "beta", "gamma", "delta", "zeta", "omega", "pip"} <= names


def test_fixture_venv_reads_real_metadata() -> None:
    """The fixture's real METADATA: requests and its four dependencies, ``extra ==
    "socks"`` (PySocks) not asked for, so not an edge and not a skip; packaging is an
    entry point; the root says the venv's Python."""
    result = collect_file(COLLECTOR, REAL / "pyvenv.cfg")
    assert [
        ("certifi", "2026.10.19.post1"),
        ("charset-normalizer", "3.5.3"),
        ("idna", "3.21"),
        ("packaging", "26.4"),
        ("requests", "2.34.2"),
        ("urllib3", "2.8.0"),
    ] == sorted((p.name, p.version) for p in result.packages)
    assert [] == [s.name for s in result.skipped]
    root_children = sorted(e.child for e in result.edges if e.parent == "root:pyvenv.cfg")
    assert ["pkg:pypi/packaging@26.4", "pkg:pypi/requests@2.34.2"] == root_children
    assert "==3.11.*" == result.roots[0].requires_python
    requests = next(p for p in result.packages if p.name == "requests")
    assert ("lib/python3.11/site-packages/requests-2.34.2.dist-info/METADATA", 3) == (
        requests.found_in[0].path,
        requests.found_in[0].line,
    )


def test_pep610_sources_and_broken_metadata(tmp_path: Path) -> None:
    """direct_url.json: editable folder, git commit, archive URL; a dist-info without
    METADATA or Version is skipped with the reason; a missing requirement is skipped."""
    site = tmp_path / "env" / "lib" / "python3.12" / "site-packages"
    (tmp_path / "env" / "pyvenv.cfg").parent.mkdir(parents=True)
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /x\nversion_info = 3.12.1\n")

    def dist(
        name: str, version: str | None, direct: dict[str, object] | None = None, requires: str = ""
    ) -> None:
        folder = site / f"{name}-{version or 'x'}.dist-info"
        folder.mkdir(parents=True)
        header = f"Name: {name}\n" + (f"Version: {version}\n" if version else "") + requires
        (folder / "METADATA").write_text("Metadata-Version: 2.1\n" + header)
        if direct is not None:
            (folder / "direct_url.json").write_text(json.dumps(direct))

    dist("ed", "0.1", {"url": "file:///work/ed", "dir_info": {"editable": True}})
    dist(
        "vcs",
        "1.0",
        {
            "url": "https://token@git.invalid/vcs.git",
            "vcs_info": {"vcs": "git", "commit_id": "abc"},
        },
    )
    dist("arch", "2.0", {"url": "https://files.invalid/arch-2.0.tar.gz", "archive_info": {}})
    dist("noversion", None)
    dist("needy", "1.0", requires="Requires-Dist: absent>=1\nRequires-Dist: not a requirement!!\n")
    (site / "empty-1.0.dist-info").mkdir()
    result = collect_file(PythonEnvironmentCollector(), tmp_path / "env" / "pyvenv.cfg")
    kinds = {p.name: (p.source.kind, p.source.url, p.source.reference) for p in result.packages}
    assert (SourceKind.EDITABLE, "/work/ed", None) == kinds["ed"]
    assert (SourceKind.GIT, "https://****@git.invalid/vcs.git", "abc") == kinds["vcs"]
    assert (SourceKind.URL, "https://files.invalid/arch-2.0.tar.gz", None) == kinds["arch"]
    reasons = sorted((s.name, s.reason) for s in result.skipped)
    assert [
        ("absent", "required by needy@1.0 but not installed"),
        ("empty", "lib/python3.12/site-packages/empty-1.0.dist-info has no METADATA"),
        ("needy", "a Requires-Dist that is not a PEP 508 requirement"),
        ("noversion", "METADATA has no Name or Version"),
    ] == reasons


def test_junk_config_and_an_empty_folder_fail_cleanly() -> None:
    """A pyvenv.cfg with no site-packages beside it is one error naming it."""
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, "home = /x\n", "pyvenv.cfg")
    assert "pyvenv.cfg: no site-packages folder (looked in lib/python*/ and Lib/)" == str(
        info.value
    )


def test_installed_metadata_licences() -> None:
    """License-Expression, else License, from each installed distribution's METADATA."""
    result = collect_file(COLLECTOR, REAL / "pyvenv.cfg")
    found = {
        p.name: (p.license.expression, p.license.source) if p.license else None
        for p in result.packages
    }
    assert ("MIT", "environment") == found["urllib3"]
    assert ("BSD-3-Clause", "environment") == found["idna"]
    assert ("Apache-2.0", "environment") == found["requests"]
    assert ("MPL-2.0", "environment") == found["certifi"]
