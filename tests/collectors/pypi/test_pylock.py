"""pylock.toml (PEP 751): peer fixtures (osv-scalibr, pip-audit), real files, sources,
dependencies, scopes from markers, validation errors by key path."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from auditor.collectors.pypi.pylock import PylockCollector
from auditor.core.errors import LockfileError
from auditor.core.graph import DependencyGraph
from auditor.core.model import SourceKind
from tests.support import FIXTURES, PeerCase, collect_file, collect_text, name_versions, peer_cases

HERE = FIXTURES / "pylock"
COLLECTOR = PylockCollector()
PIP_AUDIT = HERE / "peer" / "pip-audit"
DEVIATIONS = {
    # An empty file is not a pylock.toml; auditor reports it instead of auditing nothing.
    "osv-scalibr/empty.toml": "error",
}
# pip-audit raises for these; auditor raises too, with the key path (expected messages).
PIP_AUDIT_ERRORS = {
    "pylock.invalid-version.toml": (
        "pylock.invalid-version.toml: lock-version 666 is not supported (expected 1.x)"
        " in lock-version"
    ),
    "pylock.invalid.toml": (
        "pylock.invalid.toml:1: not valid TOML: Expected '=' after a key in a key/value pair"
    ),
    "pylock.missing-packages.toml": "pylock.missing-packages.toml: missing 'packages'",
    "pylock.missing-version.toml": "pylock.missing-version.toml: missing 'lock-version'",
    "pylock.package-missing-name.toml": (
        "pylock.package-missing-name.toml: missing 'name' in packages[0]"
    ),
}
# (folder, [[packages]] tables): every entry has a version, so each is one package.
REAL = [
    ("pydantic__pydantic__2151025a", 19),
    ("pdm-project__pdm__a7e9d001", 10),
    ("pypa__pipenv__3f1b272a", 5),
]


def real(folder: str) -> Path:
    return HERE / "real" / folder / "pylock.toml"


OSV_CASES = [c for c in peer_cases(HERE / "peer") if c.source == "osv-scalibr"]


@pytest.mark.parametrize("case", OSV_CASES, ids=lambda c: c.id)
def test_osv_scalibr_fixture(case: PeerCase) -> None:
    """Each osv-scalibr expectation (name, version) matches exactly."""
    if DEVIATIONS.get(case.id) == "error":
        with pytest.raises(LockfileError, match="file is empty"):
            collect_file(COLLECTOR, case.fixture)
        return
    assert case.expected == name_versions(collect_file(COLLECTOR, case.fixture))


@pytest.mark.parametrize(
    "expected", sorted(PIP_AUDIT.glob("*.expected.json")), ids=lambda p: p.name
)
def test_pip_audit_fixture(expected: Path) -> None:
    """pip-audit's packages, skipped packages and errors: the same packages in the same
    order, the same names skipped, an error wherever pip-audit raises one."""
    data = json.loads(expected.read_text())
    fixture = expected.with_name(expected.name.removesuffix(".expected.json"))
    if data["error"]:
        with pytest.raises(LockfileError) as info:
            collect_file(COLLECTOR, fixture)
        assert PIP_AUDIT_ERRORS[fixture.name] == str(info.value)
        return
    result = collect_file(COLLECTOR, fixture)
    assert [tuple(p) for p in data["packages"]] == [(p.name, p.version) for p in result.packages]
    assert [name for name, _ in data["skipped"]] == [s.name for s in result.skipped]


@pytest.mark.parametrize(("folder", "tables"), REAL)
def test_real_file_has_exact_package_count_and_edges(folder: str, tables: int) -> None:
    """Each ``[[packages]]`` table (counted in the text) is one package with hashes; every
    package is reachable from the root."""
    assert tables == len(re.findall(r"^\[\[packages\]\]$", real(folder).read_text(), re.M))
    result = collect_file(COLLECTOR, real(folder))
    assert tables == len(result.packages)
    assert () == result.skipped
    assert all(p.hashes for p in result.packages)
    graph = DependencyGraph.from_results([result])
    assert [] == [p.display for p in graph.packages if graph.depth(p.id) is None]
    assert graph.edges


def test_pdm_tool_dependencies_become_edges() -> None:
    """PDM's ``[packages.tool.pdm] dependencies`` give the edges; only the packages nothing
    depends on hang from the root."""
    result = collect_file(COLLECTOR, real("pdm-project__pdm__a7e9d001"))
    edges = {
        (e.parent.removeprefix("pkg:pypi/"), e.child.removeprefix("pkg:pypi/"), e.requirement)
        for e in result.edges
    }
    assert ("requests@2.27.1", "idna@2.7", 'idna<3,>=2.5; python_version < "3"') in edges
    assert ("pytest@3.2.5", "py@1.4.34", "py>=1.4.33") in edges
    root = {child for parent, child, _ in edges if parent == "root:pylock.toml"}
    assert {"pytest@3.2.5", "requests@2.27.1"} == root


def test_dependencies_references_become_edges() -> None:
    """``dependencies = [{name = 'attrs'}]`` is an edge to the locked attrs."""
    result = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/example.toml")
    assert [("pkg:pypi/cattrs@24.1.2", "pkg:pypi/attrs@25.1.0", "attrs")] == [
        (e.parent, e.child, e.requirement) for e in result.edges if not e.parent.startswith("root")
    ]


def test_scopes_come_from_markers() -> None:
    """``'dev' in dependency_groups`` → dev, another group → ``group:NAME``, ``'x' in
    extras`` → ``extra:x``, no such test → left to the graph (main here)."""
    result = collect_file(COLLECTOR, real("pypa__pipenv__3f1b272a"))
    assert {
        "certifi": set(),
        "cryptography": {"extra:crypto"},
        "pytest": {"dev", "group:test"},
        "requests": set(),
        "urllib3": set(),
    } == {p.name: set(p.scopes) for p in result.packages}
    graph = DependencyGraph.from_results([result])
    assert {"main"} == {graph.view(p.id).scope for p in graph.packages if not p.scopes}
    lines = real("pypa__pipenv__3f1b272a").read_text().splitlines()
    for index, package in enumerate(result.packages):
        location = package.found_in[0]
        assert f"packages[{index}]" == location.key
        assert "[[packages]]" == lines[location.line - 1]
        assert f"name = '{package.name}'" == lines[location.line]


def test_vcs_and_directory_sources() -> None:
    """A git vcs package keeps its commit; a directory package without a version (the
    project itself) is skipped with the reason."""
    result = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/commits.toml")
    mleroc = next(p for p in result.packages if p.name == "mleroc")
    assert (SourceKind.GIT, "https://github.com/Veggente/mleroc.git") == (
        mleroc.source.kind,
        mleroc.source.url,
    )
    assert "735093f03c4d8be70bfaaae44074ac92d7419b6d" == mleroc.source.reference
    assert [("net-inf-eval", "net-inf-eval @ .", "directory source without a version")] == [
        (s.name, s.requirement, s.reason) for s in result.skipped
    ]
    assert ("https://pypi-index.invalid/simple",) == result.registries


SOURCES = """
lock-version = "1.0"
created-by = "hand"

[[packages]]
name = "a"
version = "1.0"
archive = { url = "https://u:p@files.invalid/a-1.0.zip", hashes = { sha256 = "aa" } }

[[packages]]
name = "b"
version = "2.0"
archive = { path = "dist/b-2.0.tar.gz", hashes = { sha256 = "bb" } }

[[packages]]
name = "c"
version = "3.0"
vcs = { type = "hg", url = "https://hg.invalid/c", commit-id = "cafe" }

[[packages]]
name = "d"
version = "4.0"
directory = { path = "../d", editable = true }

[[packages]]
name = "e"
version = "5.0"
index = "https://me:token@private.invalid/simple"
wheels = [{ name = "e-5.0-py3-none-any.whl", hashes = { sha256 = "ee" } }]
"""


def test_archive_vcs_directory_and_index_sources() -> None:
    """archive by URL (credentials redacted) or path, a non-git VCS, an editable directory
    with a version, and a custom index (recorded, redacted)."""
    result = collect_text(COLLECTOR, SOURCES, "pylock.toml")
    sources = {p.name: (p.source.kind, p.source.url, p.source.reference) for p in result.packages}
    assert {
        "a": (SourceKind.URL, "https://****:****@files.invalid/a-1.0.zip", None),
        "b": (SourceKind.PATH, "dist/b-2.0.tar.gz", None),
        "c": (SourceKind.URL, "hg+https://hg.invalid/c", "cafe"),
        "d": (SourceKind.EDITABLE, "../d", None),
        "e": (SourceKind.REGISTRY, "https://****:****@private.invalid/simple", None),
    } == sources
    assert ("https://****:****@private.invalid/simple",) == result.registries
    assert {"sha256:aa"} == {h.render() for h in result.packages[0].hashes}


def test_pyproject_beside_gives_direct_dependencies(tmp_path: Path) -> None:
    """With a pyproject.toml, the root is the project and hangs on what it declares."""
    (tmp_path / "pylock.toml").write_text(SOURCES)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "proj"\ndependencies = ["a>=1"]\n'
        '[dependency-groups]\ndev = ["e"]\ndocs = [{include-group = "dev"}, "b"]\n'
    )
    result = collect_file(COLLECTOR, tmp_path / "pylock.toml")
    assert "proj" == result.roots[0].name
    assert [
        ("a@1.0", "a>=1", None),
        ("b@2.0", "b", "group:docs"),
        ("e@5.0", "e", "dev"),
        ("e@5.0", "e", "group:docs"),
    ] == sorted(
        (e.child.removeprefix("pkg:pypi/").partition("?")[0], e.requirement, e.scope)
        for e in result.edges
    )


HEAD = "lock-version = '1.0'\ncreated-by = 'x'\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "pylock.toml: file is empty, expected TOML"),
        ("lock-version = 1\n", "pylock.toml: 'lock-version' is an integer, expected a string"),
        (
            "lock-version = '2.0'\npackages = []\n",
            "pylock.toml: lock-version 2.0 is not supported (expected 1.x) in lock-version",
        ),
        (HEAD + "created-by = 1\n", "pylock.toml:3: not valid TOML: Cannot overwrite a value"),
        (
            "lock-version = '1.0'\ncreated-by = 1\npackages = []\n",
            "pylock.toml: 'created-by' is an integer, expected a string",
        ),
        (
            HEAD + "environments = [1]\npackages = []\n",
            "pylock.toml: value is an integer, expected a string in environments[0]",
        ),
        (HEAD + "packages = {}\n", "pylock.toml: 'packages' is a table, expected an array"),
        (
            HEAD + "[[packages]]\nname = 'a'\nversion = 1\n",
            "pylock.toml: 'version' is an integer, expected a string in packages[0]",
        ),
        (
            HEAD + "[[packages]]\nname = 'a'\nmarker = 1\n",
            "pylock.toml: 'marker' is an integer, expected a string in packages[0]",
        ),
        (
            HEAD + "[[packages]]\nname = 'a'\nvcs = { type = 'git', url = 'x' }\n",
            "pylock.toml: missing 'commit-id' in packages[0].vcs",
        ),
        (
            HEAD + "[[packages]]\nname = 'a'\nvcs = { type = 'git', commit-id = 'c' }\n",
            "pylock.toml: missing 'url' or 'path' in packages[0].vcs",
        ),
        (
            HEAD + "[[packages]]\nname = 'a'\ndirectory = { editable = true }\n",
            "pylock.toml: missing 'path' in packages[0].directory",
        ),
        (
            HEAD + "[[packages]]\nname = 'a'\narchive = { url = 'x' }\n",
            "pylock.toml: missing 'hashes' in packages[0].archive",
        ),
        (
            HEAD
            + "[[packages]]\nname = 'a'\nversion = '1'\nwheels = [{ name = 'a', hashes = {} }]\n",
            "pylock.toml: at least one hash is required in packages[0].wheels[0].hashes",
        ),
        (
            HEAD + "[[packages]]\nname = 'a'\nversion = '1'\nsdist = { hashes = { sha256 = 1 } }\n",
            "pylock.toml: value is an integer, expected a string"
            " in packages[0].sdist.hashes.sha256",
        ),
        (
            HEAD + "[[packages]]\nname = 'a'\ndirectory = { path = '.' }\n"
            "vcs = { type = 'git', url = 'x', commit-id = 'c' }\n",
            "pylock.toml: only one of 'vcs', 'directory', 'archive' may be set,"
            " found ['vcs', 'directory'] in packages[0]",
        ),
        (
            HEAD + "[[packages]]\nname = 'a'\ndirectory = { path = '.' }\n"
            "wheels = [{ name = 'a', hashes = { sha256 = 'aa' } }]\n",
            "pylock.toml: 'directory' cannot be combined with 'sdist' or 'wheels' in packages[0]",
        ),
        (
            HEAD + "[[packages]]\nname = 'a'\nversion = '1'\ndependencies = [{ version = '1' }]\n",
            "pylock.toml: missing 'name' in packages[0].dependencies[0]",
        ),
    ],
)
def test_malformed_input_names_file_and_key(text: str, message: str) -> None:
    """Each shape PEP 751 rules out gives one precise message naming file and key path."""
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "pylock.toml")
    assert message == str(info.value)


def test_claims_pylock_names_and_sniffs_content() -> None:
    """``pylock.toml`` and ``pylock.<name>.toml`` are claimed by name; a renamed file is
    recognised by content; uv.lock and poetry.lock are not taken for one."""
    assert COLLECTOR.claims("pylock.toml")
    assert COLLECTOR.claims("pylock.dev.toml")
    assert not COLLECTOR.claims("pyproject.toml")
    assert COLLECTOR.sniff(real("pydantic__pydantic__2151025a").read_text())
    uv = FIXTURES / "uv-lock/real/astral-sh__uv__26a9dd4b/uv.lock"
    poetry = FIXTURES / "poetry-lock/real/python-poetry__poetry__f4670233/poetry.lock"
    assert not COLLECTOR.sniff(uv.read_text())
    assert not COLLECTOR.sniff(poetry.read_text())


def test_discovery_finds_every_python_lockfile(tmp_path: Path) -> None:
    """A tree with each Python lockfile name: each is found and given its collector."""
    from auditor.collectors.discovery import find_targets

    names = {
        "a/poetry.lock": "poetry-lock",
        "b/uv.lock": "uv-lock",
        "c/pdm.lock": "pdm-lock",
        "d/pylock.toml": "pylock",
        "d/pylock.docs.toml": "pylock",
        "e/pyproject.toml": None,
    }
    for name in names:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("")
    found = {
        t.path.relative_to(tmp_path).as_posix(): t.collector.name
        for t in find_targets([str(tmp_path)])
    }
    assert {k: v for k, v in names.items() if v} == found
