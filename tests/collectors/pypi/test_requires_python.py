"""The Python collectors record Requires-Python: the project's, and a package's where the
lockfile records it (the Requires-Python conflict check and the marker environment use it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.pipeline.audit import collect_paths
from tests.support import FIXTURES


@pytest.mark.parametrize(
    ("folder", "project"),
    [
        ("poetry-lock/real/saleor__saleor__069b8b82", "~3.7"),  # poetry.lock metadata
        ("uv-lock/real/getredash__redash__ca79fe98", "==3.13.*"),  # uv.lock requires-python
        ("pylock/real/pdm-project__pdm__a7e9d001", ">=3.3"),  # pylock requires-python
        ("scan/saleor-2020", "==3.8.*"),  # Pipfile.lock _meta.requires.python_version
    ],
)
def test_project_requires_python(folder: str, project: str) -> None:
    """Every root of the file carries the project's Requires-Python."""
    collection = collect_paths([str(FIXTURES / folder)])
    assert {project} == {root.requires_python for root in collection.graph.roots}


def test_package_requires_python() -> None:
    """poetry's python-versions, pdm's requires_python, pylock's requires-python per
    package; "*" (any) is not recorded."""
    poetry = collect_paths([str(FIXTURES / "poetry-lock/real/saleor__saleor__069b8b82")]).graph
    (django,) = poetry.find("django")
    assert ">=3.5" == django.requires_python
    assert {None} != {p.requires_python for p in poetry.packages}
    assert "*" not in {p.requires_python for p in poetry.packages}
    pdm = collect_paths([str(FIXTURES / "pdm-lock/real/pdm-project__pdm__e8918697")]).graph
    (apipkg,) = pdm.find("apipkg")
    assert ">=2.7,!=3.0.*,!=3.1.*,!=3.2.*,!=3.3.*" == apipkg.requires_python
    pylock = collect_paths([str(FIXTURES / "pylock/real/pdm-project__pdm__a7e9d001")]).graph
    (certifi,) = pylock.find("certifi")
    assert ">=3.6" == certifi.requires_python


def test_pyproject_requires_python_when_the_lock_says_nothing(tmp_path: Path) -> None:
    """pdm.lock has no project Requires-Python: the pyproject.toml beside it gives it."""
    folder = tmp_path
    source = FIXTURES / "pdm-lock/real/pdm-project__pdm__e8918697/pdm.lock"
    (folder / "pdm.lock").write_text(source.read_text())
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "1.0"\nrequires-python = ">=3.9"\ndependencies = []\n'
    )
    (root,) = collect_paths([str(folder)]).graph.roots
    assert ">=3.9" == root.requires_python
