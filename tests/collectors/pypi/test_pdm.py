"""pdm.lock: peer fixtures, real files of lock 3, 3.1 and 4.3, extras entries, groups as
scopes, pyproject.toml direct dependencies, sources, errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor.collectors.pypi.pdm import PdmLockCollector
from auditor.core.errors import LockfileError
from auditor.core.graph import DependencyGraph
from auditor.core.model import SourceKind
from tests.support import FIXTURES, PeerCase, collect_file, collect_text, name_versions, peer_cases

HERE = FIXTURES / "pdm-lock"
COLLECTOR = PdmLockCollector()
DEVIATIONS = {
    # An empty file is not a pdm.lock; auditor reports it instead of auditing nothing.
    "osv-scalibr/empty-file.toml": "error",
}
# (folder, [[package]] tables, entries with `extras = [...]`): an extras entry repeats a
# package already locked (same name and version) with what its extras add, so the
# packages are tables - extras entries.
REAL = [
    ("pdm-project__pdm__06c74973", 116, 3),  # cachecontrol, coverage, mkdocstrings
    ("pdm-project__pdm__f760b1ff", 77, 2),  # coverage, mkdocstrings
    ("pdm-project__pdm__e8918697", 73, 2),  # coverage, lunr
]


def real(folder: str) -> Path:
    return HERE / "real" / folder / "pdm.lock"


@pytest.mark.parametrize("case", peer_cases(HERE / "peer"), ids=lambda c: c.id)
def test_peer_fixture(case: PeerCase) -> None:
    """Each osv-scalibr / osv-scanner expectation (name, version) matches exactly."""
    if DEVIATIONS.get(case.id) == "error":
        with pytest.raises(LockfileError, match="file is empty"):
            collect_file(COLLECTOR, case.fixture)
        return
    assert case.expected == name_versions(collect_file(COLLECTOR, case.fixture))


@pytest.mark.parametrize(("folder", "tables", "extras_entries"), REAL)
def test_real_file_has_exact_package_count_and_edges(
    folder: str, tables: int, extras_entries: int
) -> None:
    """Counted in the text: tables minus extras entries is the package count; every
    package has the hashes of its files and is reachable from the root."""
    text = real(folder).read_text()
    assert tables == len(re.findall(r"^\[\[package\]\]$", text, re.M))
    assert extras_entries == len(re.findall(r"^extras = \[", text, re.M))
    result = collect_file(COLLECTOR, real(folder))
    assert tables - extras_entries == len(result.packages)
    assert () == result.skipped
    assert all(p.hashes for p in result.packages)
    graph = DependencyGraph.from_results([result])
    assert len([e for e in graph.edges if not e.parent.startswith("root:")]) > 80
    assert [] == [p.display for p in graph.packages if graph.depth(p.id) is None]


def test_extras_entry_merges_into_its_package_with_scoped_edges() -> None:
    """``cachecontrol[filecache]`` is the same package as ``cachecontrol``: found in both
    tables, its ``filelock`` edge is scoped ``extra:filecache``, and its dependency on
    ``cachecontrol==0.13.1`` (itself) is no edge."""
    path = real("pdm-project__pdm__06c74973")
    result = collect_file(COLLECTOR, path)
    package = next(p for p in result.packages if p.name == "cachecontrol")
    assert [79, 93] == [loc.line for loc in package.found_in]
    lines = path.read_text().splitlines()
    assert ["[[package]]", "[[package]]"] == [lines[loc.line - 1] for loc in package.found_in]
    edges = sorted(
        (e.child, e.requirement, e.scope) for e in result.edges if e.parent == package.id
    )
    assert [
        ("pkg:pypi/filelock@3.12.2", "filelock>=3.8.0", "extra:filecache"),
        ("pkg:pypi/msgpack@1.0.5", "msgpack>=0.5.2", None),
        ("pkg:pypi/requests@2.31.0", "requests>=2.16.0", None),
    ] == edges


def test_lock_3_hashes_come_from_metadata_files() -> None:
    """Lock 3.x keys ``[metadata.files]`` by ``"name version"``."""
    result = collect_file(COLLECTOR, real("pdm-project__pdm__e8918697"))
    apipkg = next(p for p in result.packages if p.name == "apipkg")
    assert {
        "sha256:58587dd4dc3daefad0487f6d9ae32b4542b185e1c36db6993290e7c41ca2b47c",
        "sha256:37228cda29411948b422fae072f57e31d3396d2ee1c9783775980ee9c9990af6",
    } == {h.render() for h in apipkg.hashes}


def test_groups_are_scopes() -> None:
    """4.4 ``groups``: ``default`` → main, ``dev`` → dev, another group → ``group:NAME``."""
    result = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/dev-dependency.toml")
    assert {"pyroute2": {"dev"}, "toml": {"main"}, "win-inet-pton": {"dev"}} == {
        p.name: set(p.scopes) for p in result.packages
    }
    other = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/optional-dependency.toml")
    assert {"group:tmp"} == next(p.scopes for p in other.packages if p.name == "pyroute2")


def test_git_source_keeps_the_revision() -> None:
    """``git`` + ``revision`` is a git source at that commit."""
    result = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/git-dependency.toml")
    source = result.packages[0].source
    assert (SourceKind.GIT, "https://github.com/uiri/toml.git") == (source.kind, source.url)
    assert "65bab7582ce14c55cdeec2244c65ea23039c9e6f" == source.reference


LOCK = """
[metadata]
groups = ["default", "web", "test"]
lock_version = "4.4"

[[package]]
name = "app-lib"
version = "1.0"
path = "./lib"
editable = true
groups = ["default"]
dependencies = ["six>=1.0; python_version >= \\"3\\""]

[[package]]
name = "six"
version = "1.16.0"
groups = ["default"]

[[package]]
name = "flask"
version = "3.0.0"
url = "https://files.invalid/flask-3.0.0.tar.gz"
groups = ["web"]

[[package]]
name = "pytest"
version = "8.0.0"
git = "https://u:p@git.invalid/pytest.git"
ref = "main"
groups = ["test"]

[[package]]
name = "local"
path = "../local"
groups = ["default"]
"""

PYPROJECT = """
[project]
name = "demo"
dependencies = ["app-lib", "missing-one"]
[project.optional-dependencies]
web = ["flask>=3"]
[tool.pdm.dev-dependencies]
test = ["pytest"]
lint = ["ruff"]
"""


def test_pyproject_gives_direct_dependencies_for_the_locked_groups(tmp_path: Path) -> None:
    """The root is named after the project; its edges go to the declared dependencies with
    their scope; an optional-dependency group is ``extra:NAME``; a declared dependency
    missing from the lock is skipped, except in groups the lock was not made for
    (``lint``); a package without a version is skipped with its source."""
    (tmp_path / "pdm.lock").write_text(LOCK)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    result = collect_file(COLLECTOR, tmp_path / "pdm.lock")
    assert "demo" == result.roots[0].name
    assert [
        ("root:pdm.lock", "app-lib@1.0", "app-lib", None),
        ("root:pdm.lock", "flask@3.0.0", "flask>=3", "extra:web"),
        ("root:pdm.lock", "pytest@8.0.0", "pytest", "group:test"),
        ("app-lib@1.0", "six@1.16.0", 'six>=1.0; python_version >= "3"', None),
    ] == [
        (
            e.parent.removeprefix("pkg:pypi/").partition("?")[0],
            e.child.removeprefix("pkg:pypi/").partition("?")[0],
            e.requirement,
            e.scope,
        )
        for e in result.edges
    ]
    packages = {p.name: p for p in result.packages}
    assert {"extra:web"} == set(packages["flask"].scopes)
    assert (SourceKind.EDITABLE, "./lib") == (
        packages["app-lib"].source.kind,
        packages["app-lib"].source.url,
    )
    assert (SourceKind.URL, SourceKind.GIT) == (
        packages["flask"].source.kind,
        packages["pytest"].source.kind,
    )
    assert ("https://****:****@git.invalid/pytest.git", "main") == (
        packages["pytest"].source.url,
        packages["pytest"].source.reference,
    )
    assert [
        ("local", "path source without a version"),
        ("missing-one", "declared in pyproject.toml but not in the lockfile"),
    ] == [(s.name, s.reason) for s in result.skipped]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "pdm.lock: file is empty, expected TOML"),
        (
            "[metadata]\nlock_version = 4\n",
            "pdm.lock: 'lock_version' is an integer, expected a string in metadata",
        ),
        (
            '[metadata]\nlock_version = "5.0"\n',
            "pdm.lock: pdm.lock lock_version 5.0 is not supported (expected 3.x or 4.x)"
            " in metadata",
        ),
        (
            '[metadata]\ngroups = "default"\n',
            "pdm.lock: 'groups' is a string, expected an array in metadata",
        ),
        ("[metadata]\nfiles = []\n", "pdm.lock: 'files' is an array, expected a table in metadata"),
        ("package = [1]\n", "pdm.lock: value is an integer, expected a table in package[0]"),
        ("[[package]]\nversion = '1'\n", "pdm.lock: missing 'name' in package[0]"),
        (
            "[[package]]\nname = 'a'\nversion = '1'\ndependencies = 'b'\n",
            "pdm.lock: 'dependencies' is a string, expected an array in package[0]",
        ),
        (
            "[[package]]\nname = 'a'\nversion = '1'\ndependencies = [1]\n",
            "pdm.lock: value is an integer, expected a string in package[0].dependencies[0]",
        ),
        (
            "[[package]]\nname = 'a'\nversion = '1'\ndependencies = ['>=1']\n",
            "pdm.lock: not a PEP 508 requirement: '>=1' in package[0].dependencies[0]",
        ),
        (
            "[[package]]\nname = 'a'\nversion = '1'\nfiles = [{file = 'a.whl', hash = 1}]\n",
            "pdm.lock: 'hash' is an integer, expected a string in package[0].files[0]",
        ),
        (
            "[[package]]\nname = 'a'\nversion = '1'\neditable = 'yes'\npath = '.'\n",
            "pdm.lock: 'editable' is a string, expected a boolean in package[0]",
        ),
    ],
)
def test_malformed_input_names_file_and_key(text: str, message: str) -> None:
    """Each broken shape gives one precise message naming file and key."""
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "pdm.lock")
    assert message == str(info.value)


def test_sniffs_content_of_unusually_named_file() -> None:
    """Renamed pdm.lock files of lock 3 and 4 are recognised by content; a poetry.lock and
    a uv.lock are not taken for one."""
    assert COLLECTOR.sniff(real("pdm-project__pdm__e8918697").read_text())
    assert COLLECTOR.sniff(real("pdm-project__pdm__06c74973").read_text())
    poetry = FIXTURES / "poetry-lock/real/python-poetry__poetry__a2683800/poetry.lock"
    assert not COLLECTOR.sniff(poetry.read_text())
    uv = FIXTURES / "uv-lock/real/astral-sh__uv__26a9dd4b/uv.lock"
    assert not COLLECTOR.sniff(uv.read_text())


def test_static_urls_files_give_hashes() -> None:
    """With ``static_urls`` the files carry a ``url`` instead of a ``file`` name."""
    text = (
        '[metadata]\nlock_version = "4.4"\nstrategy = ["cross_platform", "static_urls"]\n'
        '[[package]]\nname = "six"\nversion = "1.16.0"\ngroups = ["default"]\nfiles = [\n'
        '  {url = "https://pypi-files.invalid/six-1.16.0-py2.py3-none-any.whl",'
        ' hash = "sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254"},\n]\n'
    )
    result = collect_text(COLLECTOR, text, "pdm.lock")
    assert ["sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254"] == [
        h.render() for h in result.packages[0].hashes
    ]
