"""uv.lock: peer fixtures, real files checked against ``uv export``, workspace members as
roots, dependency binding, sources, hashes, errors."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.collectors.pypi.uv import UvLockCollector
from auditor.core.errors import LockfileError
from auditor.core.graph import DependencyGraph
from auditor.core.model import SourceKind
from tests.support import FIXTURES, PeerCase, collect_file, collect_text, name_versions, peer_cases

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = FIXTURES / "uv-lock"
COLLECTOR = UvLockCollector()
DEVIATIONS = {
    # An empty file is not a uv.lock; auditor reports it instead of auditing nothing.
    "osv-scalibr/empty.lock": "error",
}
# (folder, [[package]] tables, workspace members among them): members are roots, so the
# packages are tables - members. Members are counted in the text as the entries whose
# source is `editable`/`virtual` (these files have no other editable or virtual entry).
REAL = [
    ("astral-sh__ruff__fca5c7cf", 89, 1),  # ruff (editable ".")
    ("astral-sh__uv__26a9dd4b", 89, 1),  # uv (editable ".")
    ("getredash__redash__ca79fe98", 239, 1),  # redash (virtual ".")
    ("pydantic__pydantic__2151025a", 176, 2),  # pydantic, pydantic-core (workspace)
]


def real(folder: str) -> Path:
    return HERE / "real" / folder / "uv.lock"


@pytest.mark.parametrize("case", peer_cases(HERE / "peer"), ids=lambda c: c.id)
def test_peer_fixture(case: PeerCase) -> None:
    """Each osv-scalibr expectation (name, version) matches exactly."""
    if DEVIATIONS.get(case.id) == "error":
        with pytest.raises(LockfileError, match="file is empty"):
            collect_file(COLLECTOR, case.fixture)
        return
    assert case.expected == name_versions(collect_file(COLLECTOR, case.fixture))


@pytest.mark.parametrize(("folder", "tables", "members"), REAL)
def test_real_file_has_exact_package_count_and_edges(
    folder: str, tables: int, members: int
) -> None:
    """[[package]] tables minus workspace members is the package count; every package is
    reachable from a member root and has hashes unless it is a git checkout."""
    text = real(folder).read_text()
    assert tables == len(re.findall(r"^\[\[package\]\]$", text, re.M))
    assert members == len(re.findall(r"^source = \{ (editable|virtual) = ", text, re.M))
    result = collect_file(COLLECTOR, real(folder))
    assert tables - members == len(result.packages)
    assert members == len(result.roots)
    assert () == result.skipped
    assert all(p.hashes for p in result.packages if p.source.kind is not SourceKind.GIT)
    graph = DependencyGraph.from_results([result])
    assert [] == [p.display for p in graph.packages if graph.depth(p.id) is None]
    assert ("https://pypi-index.invalid/simple",) == result.registries


def _uv_project(lock: Path, where: Path) -> None:
    """Copy ``lock`` into ``where`` with the minimal pyproject.toml files uv needs to read
    it: the root project and each workspace member (name, version, requires-python)."""
    data = tomllib.loads(lock.read_text())
    shutil.copy(lock, where / "uv.lock")
    members = {}
    for package in data["package"]:
        source = package["source"]
        for kind in ("editable", "virtual"):
            if kind in source:
                members[source[kind]] = (package["name"], package.get("version"), kind)
    requires = data["requires-python"]
    for path, (name, version, kind) in members.items():
        folder = where / path
        folder.mkdir(parents=True, exist_ok=True)
        lines = ["[project]", f'name = "{name}"', f'requires-python = "{requires}"']
        lines.append(f'version = "{version}"' if version else 'dynamic = ["version"]')
        if path == ".":
            others = sorted(p for p in members if p != ".")
            lines += ["[tool.uv.workspace]", f"members = {others!r}".replace("'", '"')]
            if kind == "virtual":
                lines += ["[tool.uv]", "package = false"]
        (folder / "pyproject.toml").write_text("\n".join(lines) + "\n")


def _uv() -> str:
    from uv import find_uv_bin  # installed with the test extras

    return str(find_uv_bin())


@pytest.mark.network_peer
@pytest.mark.parametrize("folder", [r[0] for r in REAL])
def test_packages_equal_uv_export(folder: str, tmp_path: Path) -> None:
    """``uv export --frozen --format pylock.toml`` of every group, extra and member (run
    offline, without user configuration or cache) lists exactly auditor's packages."""
    _uv_project(real(folder), tmp_path)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "UV_OFFLINE": "1",
        "UV_NO_CONFIG": "1",
        "UV_CACHE_DIR": str(tmp_path / "cache"),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_PROGRESS": "1",
    }
    command = [_uv(), "export", "--frozen", "--format", "pylock.toml", "--all-groups"]
    command += ["--all-extras", "--all-packages", "--no-emit-workspace", "--quiet"]
    done = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert 0 == done.returncode, done.stderr
    exported = tomllib.loads(done.stdout)["packages"]
    expected = sorted((p["name"], p["version"]) for p in exported)
    assert expected == name_versions(collect_file(COLLECTOR, real(folder)))


def test_workspace_members_are_roots_with_scoped_edges() -> None:
    """pydantic: both members are roots; pydantic depends on the pydantic-core member;
    optional dependencies are ``extra:NAME``, dependency groups ``dev``/``group:NAME``;
    a package depending on a member points at the member's root."""
    result = collect_file(COLLECTOR, real("pydantic__pydantic__2151025a"))
    assert [
        ("root:uv.lock#pydantic", "pydantic"),
        ("root:uv.lock#pydantic-core", "pydantic-core"),
    ] == [(r.id, r.name) for r in result.roots]
    edges = {(e.parent, e.child, e.scope) for e in result.edges}
    assert ("root:uv.lock#pydantic", "root:uv.lock#pydantic-core", None) in edges
    assert ("root:uv.lock#pydantic", "pkg:pypi/email-validator@2.2.0", "extra:email") in edges
    assert ("root:uv.lock#pydantic", "pkg:pypi/pytest@9.1.1", "dev") in edges
    assert ("root:uv.lock#pydantic", "pkg:pypi/mkdocs@1.6.1", "group:docs") in edges
    assert ("pkg:pypi/pydantic-settings@2.14.2", "root:uv.lock#pydantic", None) in edges
    graph = DependencyGraph.from_results([result])
    scopes = {p.name: graph.scopes(p.id) for p in graph.packages}
    assert "main" in scopes["annotated-types"]
    assert "group:docs" in scopes["mkdocs"]
    assert "main" not in scopes["mkdocs"]


def test_a_name_locked_twice_is_bound_by_version() -> None:
    """numpy is locked at 2.2.6 and 2.3.4 for different Pythons; each dependency says
    which one with ``version``, and keeps its marker in the requirement."""
    result = collect_file(COLLECTOR, real("pydantic__pydantic__2151025a"))
    to_numpy = sorted(
        (e.child, e.requirement)
        for e in result.edges
        if e.parent == "pkg:pypi/pandas@2.3.3" and "numpy" in e.child
    )
    assert [
        (
            "pkg:pypi/numpy@2.2.6",
            "numpy; python_full_version < '3.11' or python_full_version >= '3.13'",
        ),
        (
            "pkg:pypi/numpy@2.3.4",
            "numpy; python_full_version >= '3.11' and python_full_version < '3.13'",
        ),
    ] == to_numpy


def test_git_sources_and_lines() -> None:
    """ruff's git sources keep the commit (the URL fragment) and drop ``?rev=``; each
    package says on which line its ``[[package]]`` table starts."""
    path = real("astral-sh__ruff__fca5c7cf")
    result = collect_file(COLLECTOR, path)
    packages = {p.name: p for p in result.packages}
    primer = packages["mypy-primer"].source
    assert (SourceKind.GIT, "https://github.com/hauntsaninja/mypy_primer") == (
        primer.kind,
        primer.url,
    )
    assert "3058720299b812c393ad926bcca96eede20fa683" == primer.reference
    location = packages["mypy-primer"].found_in[0]
    lines = path.read_text().splitlines()
    assert "[[package]]" == lines[location.line - 1]
    assert 'name = "mypy-primer"' == lines[location.line]


CASES = """
version = 1
requires-python = ">=3.9"

[manifest]
members = ["app", "lib"]
requirements = [{ name = "tool", specifier = ">=1" }]

[manifest.dependency-groups]
lint = [{ name = "tool" }]

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "app" }
dependencies = [{ name = "lib" }, { name = "b" }, { name = "c" }, { name = "d" }, { name = "e" }]

[[package]]
name = "lib"
source = { editable = "lib" }

[[package]]
name = "b"
version = "2.0"
source = { url = "https://files.invalid/b-2.0.tar.gz" }
sdist = { hash = "sha256:aaaa" }

[[package]]
name = "c"
version = "3.0"
source = { path = "dist/c-3.0-py3-none-any.whl" }
wheels = [{ filename = "c-3.0-py3-none-any.whl", hash = "sha256:bbbb" }]

[[package]]
name = "d"
version = "4.0"
source = { directory = "../d" }

[[package]]
name = "e"
source = { editable = "../e" }

[[package]]
name = "tool"
version = "1.5"
source = { registry = "https://me:secret@private.invalid/simple" }
"""


def test_sources_members_and_workspace_root_requirements() -> None:
    """url, path, directory sources; an editable path dependency without a version is
    skipped; the virtual workspace root's requirements and groups hang from the file's
    root; a member without a version is still a root; index credentials are redacted."""
    result = collect_text(COLLECTOR, CASES, "uv.lock")
    assert ["root:uv.lock", "root:uv.lock#app", "root:uv.lock#lib"] == [r.id for r in result.roots]
    sources = {p.name: (p.source.kind, p.source.url) for p in result.packages}
    assert {
        "b": (SourceKind.URL, "https://files.invalid/b-2.0.tar.gz"),
        "c": (SourceKind.PATH, "dist/c-3.0-py3-none-any.whl"),
        "d": (SourceKind.PATH, "../d"),
        "tool": (SourceKind.REGISTRY, "https://****:****@private.invalid/simple"),
    } == sources
    assert [("e", "e @ ../e", "editable source without a version")] == [
        (s.name, s.requirement, s.reason) for s in result.skipped
    ]
    assert sorted(
        [
            ("root:uv.lock", "tool@1.5", "tool>=1", None),
            ("root:uv.lock", "tool@1.5", "tool", "group:lint"),
            ("root:uv.lock#app", "root:uv.lock#lib", "lib", None),
            ("root:uv.lock#app", "b@2.0", "b", None),
            ("root:uv.lock#app", "c@3.0", "c", None),
            ("root:uv.lock#app", "d@4.0", "d", None),
        ]
    ) == sorted(
        (e.parent, e.child.removeprefix("pkg:pypi/").partition("?")[0], e.requirement, e.scope)
        for e in result.edges
    )
    assert ("https://****:****@private.invalid/simple",) == result.registries


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "uv.lock: file is empty, expected TOML"),
        ("version = 2\n", "uv.lock: uv.lock version 2 is not supported (expected 1)"),
        ('version = "1"\n', "uv.lock: 'version' is a string, expected an integer"),
        ("package = {}\n", "uv.lock: 'package' is a table, expected an array"),
        ("[[package]]\nversion = '1'\n", "uv.lock: missing 'name' in package[0]"),
        (
            "[[package]]\nname = 'a'\nversion = 1\n",
            "uv.lock: 'version' is an integer, expected a string in package[0]",
        ),
        (
            "[[package]]\nname = 'a'\nversion = '1'\nsource = { hg = 'x' }\n",
            "uv.lock: unknown source (keys: hg) in package[0].source",
        ),
        (
            "[[package]]\nname = 'a'\nversion = '1'\nsource = { registry = 1 }\n",
            "uv.lock: value is an integer, expected a string in package[0].source.registry",
        ),
        (
            "[[package]]\nname = 'a'\nversion = '1'\ndependencies = { name = 'b' }\n",
            "uv.lock: 'dependencies' is a table, expected an array in package[0]",
        ),
        (
            "[[package]]\nname = 'a'\nversion = '1'\ndependencies = [{ marker = 'x' }]\n",
            "uv.lock: missing 'name' in package[0].dependencies[0]",
        ),
        (
            "[[package]]\nname = 'a'\nversion = '1'\noptional-dependencies = []\n",
            "uv.lock: 'optional-dependencies' is an array, expected a table in package[0]",
        ),
        (
            "[[package]]\nname = 'a'\nversion = '1'\nsdist = { hash = 1 }\n",
            "uv.lock: 'hash' is an integer, expected a string in package[0].sdist",
        ),
        (
            "[manifest]\nmembers = 'a'\n",
            "uv.lock: 'members' is a string, expected an array in manifest",
        ),
        (
            "resolution-markers = 'x'\n",
            "uv.lock: 'resolution-markers' is a string, expected an array",
        ),
    ],
)
def test_malformed_input_names_file_and_key(text: str, message: str) -> None:
    """Each broken shape gives one precise message naming file and key."""
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "uv.lock")
    assert message == str(info.value)


def test_sniffs_content_of_unusually_named_file() -> None:
    """A renamed uv.lock is recognised by content; a poetry.lock is not taken for one."""
    assert COLLECTOR.sniff(real("astral-sh__uv__26a9dd4b").read_text())
    poetry = FIXTURES / "poetry-lock/real/python-poetry__poetry__f4670233/poetry.lock"
    assert not COLLECTOR.sniff(poetry.read_text())
