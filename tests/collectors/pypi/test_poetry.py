"""poetry.lock: peer fixtures, real files of every lock format, edges, scopes, sources, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from auditor.collectors.pypi.poetry import PoetryLockCollector
from auditor.core.errors import LockfileError
from auditor.core.graph import DependencyGraph
from auditor.core.model import CollectResult, Hash, SourceKind, canonical_pypi_name
from tests.support import (
    FIXTURES,
    PeerCase,
    collect_file,
    collect_text,
    name_versions,
    peer_cases,
    run_cli,
)

HERE = FIXTURES / "poetry-lock"
CYCLONEDX = HERE / "peer" / "cyclonedx-python"
COLLECTOR = PoetryLockCollector()
# Where auditor deliberately differs from a peer expectation, and why.
DEVIATIONS = {
    # An empty file is not a poetry.lock; auditor reports it instead of auditing nothing.
    "osv-scalibr/empty-file.lock": "error",
    # ray[serve] (the project's only dependency) requires uvicorn[standard], whose extra
    # pulls in these four; Poetry installs them (category "main", optional = false) and
    # cyclonedx-py's own lock 2.0/2.1 snapshots of the same project list them. Its lock
    # 1.0/1.1 snapshots leave them out, which is that tool's bug, not the lock's meaning.
    "regression-issue702/lock10/plain": {
        ("httptools", "0.6.1"),
        ("python-dotenv", "1.0.1"),
        ("uvloop", "0.19.0"),
        ("websockets", "12.0"),
    },
    "regression-issue702/lock11/plain": {
        ("httptools", "0.6.1"),
        ("python-dotenv", "1.0.1"),
        ("uvloop", "0.19.0"),
        ("websockets", "12.0"),
    },
}
# group-deps declares groupA with `optional = true`: Poetry does not install it by default.
OPTIONAL_GROUPS = {"group:groupa"}


def real(folder: str) -> Path:
    return HERE / "real" / folder / "poetry.lock"


def by_name(result: CollectResult) -> dict[str, list]:
    found: dict[str, list] = {}
    for pkg in result.packages:
        found.setdefault(pkg.name, []).append(pkg)
    return found


@pytest.mark.parametrize("case", peer_cases(HERE / "peer"), ids=lambda c: c.id)
def test_peer_fixture(case: PeerCase) -> None:
    """Each osv-scalibr / osv-scanner expectation (name, version) matches exactly."""
    if DEVIATIONS.get(case.id) == "error":
        with pytest.raises(LockfileError, match="file is empty"):
            collect_file(COLLECTOR, case.fixture)
        return
    assert case.expected == name_versions(collect_file(COLLECTOR, case.fixture))


def _installed_in_mode(graph: DependencyGraph, package_id: str, mode: str) -> bool:
    """What cyclonedx-py's snapshot mode installs, in terms of auditor's scopes."""
    scopes = graph.scopes(package_id)
    if mode == "all-extras":
        return True
    if mode == "no-dev":
        return "main" in scopes
    # plain: every non-optional group, no extras
    return any(
        not (s.startswith("extra:") or s == "optional" or s in OPTIONAL_GROUPS) for s in scopes
    )


@pytest.mark.parametrize(
    "components",
    sorted(CYCLONEDX.glob("*/*/*.components.json")),
    ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name.split('.')[0]}",
)
def test_cyclonedx_snapshots_agree_with_scopes(components: Path) -> None:
    """cyclonedx-py's SBOM of each mode (all extras, default install, no dev) is exactly the
    set of packages whose scopes that mode installs; every locked package is found."""
    mode = components.name.split(".")[0]
    case = f"{components.parent.parent.name}/{components.parent.name}/{mode}"
    expected = {
        (canonical_pypi_name(n), v) for n, v in json.loads(components.read_text())["packages"]
    }
    result = collect_file(COLLECTOR, components.parent / "poetry.lock")
    graph = DependencyGraph.from_results([result])
    installed = {
        (p.name, p.version) for p in graph.packages if _installed_in_mode(graph, p.id, mode)
    }
    assert expected == installed - DEVIATIONS.get(case, set())
    assert expected <= {(p.name, p.version) for p in result.packages}


# (folder, [[package]] tables, packages): a (name, version) locked twice under two spellings
# is one package; the same name at two versions is two packages.
REAL = [
    ("python-poetry__poetry__f4670233", 78, 78),
    ("python-poetry__poetry__29d3c5f4", 69, 69),
    ("python-poetry__poetry__a2683800", 83, 83),
    # nine names locked at two versions each (keyring 18.0.1 for Python 2.7, 19.2.0 for 3.5+)
    ("python-poetry__poetry__e54f3907", 97, 97),
    ("getredash__redash__c97afeb3", 223, 223),
    ("saleor__saleor__069b8b82", 187, 187),
    ("saleor__saleor__1068c569", 199, 199),
    ("saleor__saleor__8259d9da", 239, 239),
    ("saleor__saleor__6b6c6dbb", 236, 236),
]


@pytest.mark.parametrize(("folder", "tables", "packages"), REAL)
def test_real_file_has_exact_package_count_and_edges(
    folder: str, tables: int, packages: int
) -> None:
    """Every ``[[package]]`` table (counted in the text, not through TOML) is one package;
    all have hashes except git checkouts; edges exist and every package is reachable."""
    text = real(folder).read_text()
    assert tables == len(re.findall(r"^\[\[package\]\]$", text, re.M))
    result = collect_file(COLLECTOR, real(folder))
    assert packages == len(result.packages)
    assert () == result.skipped
    assert all(p.hashes for p in result.packages if p.source.kind is not SourceKind.GIT)
    graph = DependencyGraph.from_results([result])
    package_edges = [e for e in graph.edges if not e.parent.startswith("root:")]
    assert len(package_edges) > len(result.packages) // 2
    assert [] == [p.display for p in graph.packages if graph.depth(p.id) is None]


def test_cyclonedx_lock_formats_parse_to_the_same_packages() -> None:
    """The same project locked as 1.0, 1.1, 2.0 and 2.1 gives the same names; Poetry 1.0
    wrote ``ruamel.yaml`` and ``ruamel-yaml`` as two tables for one package."""
    names = {}
    for lock in ("lock10", "lock20", "lock21"):
        result = collect_file(COLLECTOR, CYCLONEDX / "normalize-packagename" / lock / "poetry.lock")
        names[lock] = sorted(p.name for p in result.packages)
    assert names["lock10"] == names["lock20"] == names["lock21"]
    assert ["ruamel-yaml", "ruamel-yaml-clib", "ruamel-yaml-jinja2"] == names["lock10"]
    text = (CYCLONEDX / "normalize-packagename/lock10/poetry.lock").read_text()
    assert 4 == text.count("[[package]]")


def test_groups_markers_lines_and_keys() -> None:
    """2.1 ``groups`` become scopes; ``found_in`` names the ``[[package]]`` line and key."""
    path = real("python-poetry__poetry__f4670233")
    result = collect_file(COLLECTOR, path)
    packages = {p.name: p for p in result.packages}
    assert frozenset({"dev"}) == packages["pre-commit"].scopes
    assert frozenset({"main", "group:github-actions", "group:test"}) == packages["colorama"].scopes
    location = packages["pre-commit"].found_in[0]
    lines = path.read_text().splitlines()
    assert "[[package]]" == lines[location.line - 1]
    assert 'name = "pre-commit"' == lines[location.line]
    assert re.fullmatch(r"package\[\d+\]", location.key or "")


def test_category_scopes_and_metadata_files_hashes() -> None:
    """1.1: ``category`` gives main/dev (no pyproject.toml here), hashes come from
    ``[metadata.files]`` keyed by name."""
    result = collect_file(COLLECTOR, real("python-poetry__poetry__a2683800"))
    scopes = [p.scopes for p in result.packages]
    assert 33 == scopes.count(frozenset({"dev"}))
    assert 83 - 33 == scopes.count(frozenset({"main"}))
    assert all(len(p.hashes) >= 1 for p in result.packages)


def test_metadata_files_of_two_versions_are_split_by_file_name() -> None:
    """``[metadata.files]`` lists keyring 18.0.1 and 19.2.0 under one key; each version
    gets the hashes of its own files."""
    packages = by_name(collect_file(COLLECTOR, real("python-poetry__poetry__e54f3907")))
    hashes = {p.version: p.hashes for p in packages["keyring"]}
    assert {
        "18.0.1": frozenset(
            {
                Hash(
                    algorithm="sha256",
                    value="7b29ebfcf8678c4da531b2478a912eea01e80007e5ddca9ee0c7038cb3489ec6",
                ),
                Hash(
                    algorithm="sha256",
                    value="67d6cc0132bd77922725fae9f18366bb314fd8f95ff4d323a4df41890a96a838",
                ),
            }
        ),
        "19.2.0": frozenset(
            {
                Hash(
                    algorithm="sha256",
                    value="f5bb20ea6c57c2360daf0c591931c9ea0d7660a8d9e32ca84d63273f131ea605",
                ),
                Hash(
                    algorithm="sha256",
                    value="91037ccaf0c9a112a76f7740e4a416b9457a69b66c2799421581bee710a974b3",
                ),
            }
        ),
    } == hashes


def test_pre_1_0_metadata_hashes() -> None:
    """Before 1.0, ``[metadata.hashes]`` holds bare sha256 values per name."""
    packages = by_name(collect_file(COLLECTOR, real("saleor__saleor__069b8b82")))
    assert (
        frozenset(
            {
                Hash(
                    algorithm="sha256",
                    value="19a917e260178b8d410122712bac69cb3e6db010d68f6101e7307508aded5e68",
                ),
                Hash(
                    algorithm="sha256",
                    value="19d851b879a471fcfdcf01df9936cff924f422baa77653289f7095dedd5fb26a",
                ),
            }
        )
        == packages["amqp"][0].hashes
    )


def test_pyproject_marks_direct_dependencies_with_requirement_and_scope() -> None:
    """saleor's pyproject.toml: the root is named ``saleor``; its edges carry the declared
    constraint, extras and markers, dev-group dependencies are scoped ``dev``."""
    result = collect_file(COLLECTOR, real("saleor__saleor__6b6c6dbb"))
    assert ("saleor",) == tuple(r.name for r in result.roots)
    assert ("poetry.lock", "pyproject.toml") == result.files
    root = result.roots[0].id
    direct = {e.child.split("/")[1].split("@")[0]: e for e in result.edges if e.parent == root}
    assert "django[bcrypt] (^4.2)" == direct["django"].requirement
    assert None is direct["django"].scope
    assert "dev" == direct["pytest"].scope
    assert "python-magic (^0.4.27); sys_platform != 'win32'" == direct["python-magic"].requirement
    assert 'python-magic-bin (^0.4.14); sys_platform == "win32"' == (
        direct["python-magic-bin"].requirement
    )
    assert () == result.skipped
    graph = DependencyGraph.from_results([result])
    packages = {p.name: p.id for p in graph.packages}
    assert "main" in graph.scopes(packages["django"])  # also below dev tools
    assert ("dev",) == graph.scopes(packages["pytest"])


def test_without_pyproject_packages_nothing_depends_on_are_direct() -> None:
    """No pyproject.toml: the root hangs on the packages no locked package depends on."""
    result = collect_file(COLLECTOR, real("python-poetry__poetry__29d3c5f4"))
    assert ("poetry.lock",) == result.files
    root = result.roots[0].id
    direct = {e.child for e in result.edges if e.parent == root}
    children = {e.child for e in result.edges if e.parent != root}
    assert direct == {p.id for p in result.packages} - children


def test_several_versions_of_a_name_are_bound_by_markers() -> None:
    """multi-constraint-deps (lock 2.1): pathlib2 at four versions/sources, six at two; each
    edge goes to the version whose markers can hold together with the dependency's and
    the parent's own markers, a git declaration to the git package."""
    result = collect_file(COLLECTOR, CYCLONEDX / "multi-constraint-deps/lock21/poetry.lock")
    edges = sorted((_short(e.parent), _short(e.child)) for e in result.edges)
    assert [
        ("pathlib2@2.3.5", "scandir@1.10.0"),
        ("pathlib2@2.3.5", "six@1.11.0"),
        ("pathlib2@2.3.5 (git)", "scandir@1.10.0"),
        ("pathlib2@2.3.5 (git)", "six@1.11.0"),
        ("pathlib2@2.3.6", "scandir@1.10.0"),
        ("pathlib2@2.3.6", "six@1.11.0"),
        ("pathlib2@2.3.7.post1", "six@1.17.0"),
        ("root", "pathlib2@2.3.5"),
        ("root", "pathlib2@2.3.5 (git)"),
        ("root", "pathlib2@2.3.6"),
        ("root", "pathlib2@2.3.7.post1"),
    ] == edges


def _short(node_id: str) -> str:
    if node_id.startswith("root:"):
        return "root"
    base, _, qualifiers = node_id.removeprefix("pkg:pypi/").partition("?")
    return f"{base} (git)" if qualifiers.startswith("vcs_url=git") else base


def test_constraint_picks_the_version_when_markers_are_absent() -> None:
    """1.0-era lock: ``requests-toolbelt`` accepts both locked requests, ``requests 2.21``
    only urllib3 < 1.25, so it gets the one edge its constraint allows."""
    result = collect_file(COLLECTOR, real("python-poetry__poetry__e54f3907"))
    edges = {(_short(e.parent), _short(e.child), e.requirement) for e in result.edges}
    assert ("requests@2.21.0", "urllib3@1.24.3", "urllib3>=1.21.1,<1.25") in edges
    assert not any(p == "requests@2.21.0" and c.startswith("urllib3@1.25") for p, c, _ in edges)
    assert ("pathlib2@2.3.5", "scandir@1.10.0", 'scandir; python_full_version < "3.5"') in edges


def test_optional_packages_belong_to_their_extras() -> None:
    """Lock 2.1: redis is in ``[extras] caching``, async-timeout says ``extra == "caching"``
    in its markers; lock 1.1: a package below an extra's package inherits the extra."""
    packages = by_name(collect_file(COLLECTOR, HERE / "peer/osv-scalibr/multiple-packages.v2.lock"))
    assert frozenset({"extra:caching"}) == packages["redis"][0].scopes
    assert frozenset({"extra:caching"}) == packages["async-timeout"][0].scopes
    assert frozenset({"dev", "group:test"}) == packages["faker"][0].scopes
    old = by_name(collect_file(COLLECTOR, CYCLONEDX / "with-extras/lock11/poetry.lock"))
    assert frozenset({"extra:my-extra"}) == old["cyclonedx-python-lib"][0].scopes
    assert frozenset({"extra:my-extra"}) == old["jsonschema"][0].scopes
    assert frozenset({"extra:toml"}) == old["tomli"][0].scopes
    none = by_name(
        collect_file(COLLECTOR, CYCLONEDX / "with-optionals-no-extra/lock21/poetry.lock")
    )
    assert frozenset({"optional"}) == none["cyclonedx-python-lib"][0].scopes


def test_optional_dependency_edges_are_scoped_by_the_parents_extra() -> None:
    """``filelock = {..., optional = true}`` of cachecontrol is enabled by its ``filecache``
    extra: the edge says so."""
    result = collect_file(COLLECTOR, real("python-poetry__poetry__f4670233"))
    edge = next(
        e
        for e in result.edges
        if e.parent.startswith("pkg:pypi/cachecontrol@") and "filelock" in e.child
    )
    assert "extra:filecache" == edge.scope
    assert 'filelock>=3.8.0; extra == "filecache"' == edge.requirement


SOURCES = """
[[package]]
name = "a"
version = "1.0"
[package.source]
type = "git"
url = "https://user:token@git.invalid/a.git"
reference = "main"
resolved_reference = "0123abc"
subdirectory = "sub"

[[package]]
name = "b"
version = "2.0"
[package.source]
type = "url"
url = "https://files.invalid/b-2.0.tar.gz"

[[package]]
name = "c"
version = "3.0"
[package.source]
type = "file"
url = "../dist/c-3.0.tar.gz"

[[package]]
name = "d"
version = "4.0"
develop = true
[package.source]
type = "directory"
url = "../d"

[[package]]
name = "e"
version = "5.0"
[package.source]
type = "legacy"
url = "https://me:secret@private-index.invalid/simple"
reference = "private"

[[package]]
name = "f"
version = "6.0"
[package.source]
type = "hg"
url = "https://hg.invalid/f"
"""


def test_sources_and_custom_index() -> None:
    """git (resolved commit, credentials redacted), url, file, directory (develop →
    editable), legacy (a registry; its redacted URL is recorded); an unknown source type is
    skipped with the reason."""
    result = collect_text(COLLECTOR, SOURCES, "poetry.lock")
    sources = {p.name: p.source for p in result.packages}
    assert (SourceKind.GIT, "https://****:****@git.invalid/a.git", "0123abc", "sub") == (
        sources["a"].kind,
        sources["a"].url,
        sources["a"].reference,
        sources["a"].subdirectory,
    )
    assert SourceKind.URL is sources["b"].kind
    assert (SourceKind.PATH, "../dist/c-3.0.tar.gz") == (sources["c"].kind, sources["c"].url)
    assert SourceKind.EDITABLE is sources["d"].kind
    assert (SourceKind.REGISTRY, "https://****:****@private-index.invalid/simple") == (
        sources["e"].kind,
        sources["e"].url,
    )
    assert ("https://****:****@private-index.invalid/simple",) == result.registries
    assert [("f", "f==6.0", "unknown source type 'hg'")] == [
        (s.name, s.requirement, s.reason) for s in result.skipped
    ]
    assert "secret" not in repr(result)
    assert "token" not in repr(result)


def test_broken_pyproject_is_an_error_naming_it(tmp_path: Path) -> None:
    """A pyproject.toml beside the lock that is not TOML fails the lockfile with an error
    that names pyproject.toml and the line, never silently losing the direct marking."""
    (tmp_path / "poetry.lock").write_text('[[package]]\nname = "a"\nversion = "1"\n')
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.poetry\n')
    with pytest.raises(LockfileError) as info:
        collect_file(COLLECTOR, tmp_path / "poetry.lock")
    assert "pyproject.toml" == info.value.path
    assert "pyproject.toml:3: not valid TOML: Expected ']' at the end of a table declaration" == (
        str(info.value)
    )


def test_declared_but_not_locked_is_skipped(tmp_path: Path) -> None:
    """A dependency the pyproject.toml declares and the lock lacks is listed as skipped."""
    (tmp_path / "poetry.lock").write_text('[[package]]\nname = "a"\nversion = "1"\n')
    (tmp_path / "pyproject.toml").write_text(
        '[tool.poetry.dependencies]\npython = "^3.9"\na = "^1"\nb = ">=2"\n'
    )
    result = collect_file(COLLECTOR, tmp_path / "poetry.lock")
    assert [
        ("b", "b>=2", "declared in pyproject.toml but not in the lockfile", "pyproject.toml")
    ] == [(s.name, s.requirement, s.reason, s.location.path) for s in result.skipped]
    assert [("root:poetry.lock", "pkg:pypi/a@1", "a (^1)")] == [
        (e.parent, e.child, e.requirement) for e in result.edges
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "poetry.lock: file is empty, expected TOML"),
        (
            "[[package]\n",
            "poetry.lock:1: not valid TOML: Expected ']]' at the end of an array declaration",
        ),
        ("package = 1\n", "poetry.lock: 'package' is an integer, expected an array"),
        ("package = [1]\n", "poetry.lock: value is an integer, expected a table in package[0]"),
        ('[[package]]\nversion = "1"\n', "poetry.lock: missing 'name' in package[0]"),
        ('[[package]]\nname = "a"\n', "poetry.lock: missing 'version' in package[0]"),
        (
            '[[package]]\nname = "a"\nversion = 1\n',
            "poetry.lock: 'version' is an integer, expected a string in package[0]",
        ),
        (
            '[[package]]\nname = "a"\nversion = "1"\ngroups = "main"\n',
            "poetry.lock: 'groups' is a string, expected an array in package[0]",
        ),
        (
            '[[package]]\nname = "a"\nversion = "1"\nmarkers = 1\n',
            "poetry.lock: 'markers' is an integer, expected a string or a table in package[0]",
        ),
        (
            '[[package]]\nname = "a"\nversion = "1"\ndependencies = []\n',
            "poetry.lock: 'dependencies' is an array, expected a table in package[0]",
        ),
        (
            '[[package]]\nname = "a"\nversion = "1"\n[package.dependencies]\nsix = 1\n',
            "poetry.lock: value is an integer, expected a table in package[0].dependencies.six",
        ),
        (
            '[[package]]\nname = "a"\nversion = "1"\n[package.dependencies]\nsix = {markers = 1}\n',
            "poetry.lock: 'markers' is an integer, expected a string"
            " in package[0].dependencies.six",
        ),
        (
            '[[package]]\nname = "a"\nversion = "1"\n[package.source]\nurl = "x"\n',
            "poetry.lock: missing 'type' in package[0].source",
        ),
        (
            '[[package]]\nname = "a"\nversion = "1"\nfiles = ["a.whl"]\n',
            "poetry.lock: value is a string, expected a table in package[0].files[0]",
        ),
        (
            '[[package]]\nname = "a"\nversion = "1"\nfiles = [{file = "a.whl"}]\n',
            "poetry.lock: missing 'hash' in package[0].files[0]",
        ),
        (
            "[metadata]\nfiles = []\n",
            "poetry.lock: 'files' is an array, expected a table in metadata",
        ),
        ("extras = []\n", "poetry.lock: 'extras' is an array, expected a table"),
        (
            '[extras]\ncaching = "redis"\n',
            "poetry.lock: value is a string, expected an array in extras.caching",
        ),
    ],
)
def test_malformed_input_names_file_and_key(text: str, message: str) -> None:
    """Each broken shape gives one precise message naming file and key."""
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "poetry.lock")
    assert message == str(info.value)


def test_sniffs_content_of_unusually_named_file() -> None:
    """A renamed poetry.lock of any format is recognised by content; others are not."""
    for folder in ("python-poetry__poetry__e54f3907", "saleor__saleor__8259d9da"):
        assert COLLECTOR.sniff(real(folder).read_text())
    assert COLLECTOR.sniff((HERE / "peer/osv-scalibr/one-package.lock").read_text())
    uv = FIXTURES / "uv-lock/real/astral-sh__uv__26a9dd4b/uv.lock"
    assert not COLLECTOR.sniff(uv.read_text())
    assert not COLLECTOR.sniff('{"_meta": {}}')


def test_cli_reports_a_broken_pyproject_in_one_line_with_exit_2(tmp_path: Path) -> None:
    """Through the CLI, a lock whose pyproject.toml is broken is one error line naming
    pyproject.toml, exit 2; another lockfile in the tree is still collected."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "poetry.lock").write_text('[[package]]\nname = "a"\nversion = "1"\n')
    (tmp_path / "app" / "pyproject.toml").write_text("[tool.poetry\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "poetry.lock").write_text('[[package]]\nname = "b"\nversion = "2"\n')
    result = run_cli(["graph", "--json", str(tmp_path)])
    assert 2 == result.code
    assert (
        "app/pyproject.toml:1: not valid TOML: Expected ']' at the end of a table declaration\n"
    ) in result.err
    assert "Traceback" not in result.err
    doc = json.loads(result.out)
    assert "partial" == doc["status"]
    assert ["b"] == [p["name"] for p in doc["packages"]]
