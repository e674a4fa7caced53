"""pyproject.toml as the source of a lockfile's direct dependencies: PEP 621, PEP 735,
Poetry and pdm declarations, the project name, errors, and the fallback without one."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.collectors.base import InputFile
from auditor.collectors.inputs import TreeReader
from auditor.collectors.pypi.deps import Locked, LockIndex
from auditor.collectors.pypi.pyproject import (
    direct_edges,
    parse_manifest,
    project_root,
    read_manifest,
)
from auditor.core.errors import LockfileError
from auditor.core.model import Ecosystem, Edge, Package

FULL = """
[project]
name = "Demo-App"
dependencies = ["requests[socks]>=2.31; python_version >= '3.8'", "Demo_App[cli]"]

[project.optional-dependencies]
CLI = ["click>=8"]

[dependency-groups]
test = ["pytest>=8", {include-group = "lint"}]
lint = ["ruff"]

[tool.poetry.dependencies]
python = "^3.9"
requests = "^2.31"
numpy = [
    {version = "<2", python = "<3.10"},
    {version = ">=2", python = ">=3.10"},
]
redis = {version = "^5", optional = true}
lonely = {version = "*", optional = true}
magic = {version = "^0.4", platform = "linux", markers = "implementation_name == 'cpython'"}

[tool.poetry.extras]
cache = ["redis"]

[tool.poetry.dev-dependencies]
black = "*"

[tool.poetry.group.docs.dependencies]
sphinx = {git = "https://git.invalid/sphinx.git"}

[tool.pdm.dev-dependencies]
dev = ["-e file:///${PROJECT_ROOT}/plugins/x#egg=x-plugin", "mypy"]
"""


def declared(text: str) -> list[tuple[str, str, str]]:
    manifest = parse_manifest(InputFile(path="pyproject.toml", text=text))
    return [(d.name, d.requirement, d.scope) for d in manifest.declared]


def test_every_declaration_style_with_scope_and_requirement() -> None:
    """PEP 621 main and extras, PEP 735 groups with includes, Poetry main/optional/extras,
    multiple constraints, dev-dependencies and groups, pdm dev groups with ``-e`` lines;
    the project's self-reference (``Demo_App[cli]``) is not a dependency."""
    assert [
        ("requests", 'requests[socks]>=2.31; python_version >= "3.8"', "main"),
        ("click", "click>=8", "extra:cli"),
        ("requests", "requests (^2.31)", "main"),
        ("numpy", 'numpy<2; python_full_version < "3.10"', "main"),
        ("numpy", 'numpy>=2; python_full_version >= "3.10"', "main"),
        ("redis", "redis (^5)", "extra:cache"),
        ("lonely", "lonely", "optional"),
        (
            "magic",
            "magic (^0.4); (implementation_name == 'cpython') and (sys_platform == \"linux\")",
            "main",
        ),
        ("black", "black", "dev"),
        ("sphinx", "sphinx", "group:docs"),
        ("pytest", "pytest>=8", "group:test"),
        ("ruff", "ruff", "group:test"),
        ("ruff", "ruff", "group:lint"),
        ("x-plugin", "x-plugin @ file:///${PROJECT_ROOT}/plugins/x", "dev"),
        ("mypy", "mypy", "dev"),
    ] == declared(FULL)
    manifest = parse_manifest(InputFile(path="pyproject.toml", text=FULL))
    assert "Demo-App" == manifest.name
    assert frozenset({"cli", "cache"}) == manifest.extras


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[project\n",
            "pyproject.toml:1: not valid TOML: Expected ']' at the end of a table declaration",
        ),
        ("project = 1\n", "pyproject.toml: 'project' is an integer, expected a table"),
        (
            "[project]\ndependencies = ['requests>=']\n",
            "pyproject.toml: not a PEP 508 requirement: 'requests>=' in project.dependencies[0]",
        ),
        (
            "[project.optional-dependencies]\nweb = 'flask'\n",
            "pyproject.toml: value is a string, expected an array"
            " in project.optional-dependencies.web",
        ),
        (
            "[dependency-groups]\ntest = [{include-group = 'nope'}]\n",
            "pyproject.toml: unknown dependency group 'nope' in dependency-groups.test[0]",
        ),
        (
            "[dependency-groups]\na = [{include-group = 'b'}]\nb = [{include-group = 'a'}]\n",
            "pyproject.toml: dependency group 'a' includes itself in dependency-groups.b[0]",
        ),
        (
            "[tool.poetry.dependencies]\nsix = 1\n",
            "pyproject.toml: value is an integer, expected a table in tool.poetry.dependencies.six",
        ),
        (
            "[tool.poetry.group.docs]\ndependencies = []\n",
            "pyproject.toml: 'dependencies' is an array, expected a table"
            " in tool.poetry.group.docs",
        ),
    ],
)
def test_broken_pyproject_names_itself_and_the_key(text: str, message: str) -> None:
    """A broken pyproject.toml is a LockfileError about pyproject.toml, on one line."""
    with pytest.raises(LockfileError) as info:
        parse_manifest(InputFile(path="pyproject.toml", text=text))
    assert message == str(info.value)
    assert "pyproject.toml" == info.value.path


def test_read_manifest_finds_the_sibling_only(tmp_path: Path) -> None:
    """The pyproject.toml in the lockfile's folder is read; none there means ``None``."""
    reader = TreeReader(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "top"\n')
    lock = InputFile(path="sub/poetry.lock", text="")
    assert None is read_manifest(lock, reader)
    (tmp_path / "sub" / "pyproject.toml").write_text('[project]\nname = "sub"\n')
    manifest = read_manifest(lock, reader)
    assert manifest is not None
    assert ("sub", "sub/pyproject.toml") == (manifest.name, manifest.path)


def _pkg(name: str) -> Package:
    return Package(ecosystem=Ecosystem.PYPI, name=name, version="1")


def test_without_declarations_entry_points_hang_from_the_root() -> None:
    """No manifest (or one declaring nothing): the root hangs on the packages nothing
    depends on, and on one package of a cycle nothing else reaches."""
    a, b, c, d = (_pkg(n) for n in "abcd")
    edges = [
        Edge(parent=a.id, child=b.id),
        Edge(parent=c.id, child=d.id),
        Edge(parent=d.id, child=c.id),
    ]
    file = InputFile(path="pdm.lock", text="")
    root = project_root(file, None, Ecosystem.PYPI)
    assert "pdm.lock" == root.name
    index = LockIndex(Locked(package=p) for p in (a, b, c, d))
    found, skipped = direct_edges(root, None, index, [a, b, c, d], edges)
    assert [a.id, c.id] == [e.child for e in found]
    assert [] == skipped
    empty = parse_manifest(InputFile(path="pyproject.toml", text='[project]\nname = "x"\n'))
    found, _ = direct_edges(root, empty, index, [a, b, c, d], edges)
    assert [a.id, c.id] == [e.child for e in found]
