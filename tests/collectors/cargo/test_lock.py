"""Cargo.lock: peer fixtures, real files against a plain TOML reading, lock versions 1-4,
sources, checksums, dependency references and errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from auditor.collectors.cargo.lock import CargoLockCollector
from auditor.core.errors import LockfileError
from auditor.core.graph import DependencyGraph
from auditor.core.model import Hash, SourceKind
from tests.support import FIXTURES, PeerCase, collect_file, collect_text, name_versions, peer_cases

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = FIXTURES / "cargo-lock"
COLLECTOR = CargoLockCollector()
REAL = sorted(p.parent.name for p in (HERE / "real").rglob("Cargo.lock"))
SHA = "e7a2e47a1fbe209ee101dd6d61285226744c6c8d3c21c8dc878ba6cb9f467f3a"
INDEX = "registry+https://crates-index.invalid/index"


@pytest.mark.parametrize("case", peer_cases(HERE / "peer"), ids=lambda c: c.id)
def test_peer_fixture(case: PeerCase) -> None:
    """Each osv-scalibr / osv-scanner expectation (name, version) matches exactly, the
    crates without a source (the project's own) included as path packages."""
    assert case.expected == name_versions(collect_file(COLLECTOR, case.fixture))


def _toml_registry_packages(path: Path) -> list[tuple[str, str]]:
    """The independent reading: tomllib, every [[package]] whose source is a registry."""
    data = tomllib.loads(path.read_text())
    return sorted(
        (p["name"], p["version"])
        for p in data.get("package", [])
        if p.get("source", "").startswith(("registry+", "sparse+"))
    )


@pytest.mark.parametrize("folder", REAL)
def test_real_file_registry_packages_equal_a_plain_toml_reading(folder: str) -> None:
    """Every registry crate tomllib finds is a registry package, nothing more; the other
    [[package]] tables are path or git packages; every package is reachable from the root
    and every dependency reference binds."""
    path = HERE / "real" / folder / "Cargo.lock"
    result = collect_file(COLLECTOR, path)
    registry = sorted((p.name, p.version) for p in result.packages if p.source.is_registry)
    assert _toml_registry_packages(path) == registry
    assert len(tomllib.loads(path.read_text())["package"]) == len(result.packages)
    assert () == result.skipped
    graph = DependencyGraph.from_results([result])
    assert [] == [p.display for p in graph.packages if graph.depth(p.id) is None]
    assert ("registry+https://github.com/rust-lang/crates.io-index",) == result.registries
    assert all(p.hashes for p in result.packages if p.source.is_registry)
    assert all(p.found_in[0].line for p in result.packages)


def test_git_source_keeps_the_commit_and_path_crates_are_local() -> None:
    """ruff's fuzz lock: libfuzzer-sys from git at its commit; ruff's own crates are path
    packages hanging from the root."""
    result = collect_file(
        COLLECTOR, HERE / "real" / "astral-sh__ruff__fca5c7cf_fuzz" / "Cargo.lock"
    )
    git = [p for p in result.packages if p.source.kind is SourceKind.GIT]
    assert ["libfuzzer-sys"] == [p.name for p in git]
    assert git[0].source.url == "https://github.com/rust-fuzz/libfuzzer"
    assert git[0].source.reference is not None
    assert 40 == len(git[0].source.reference)
    assert git[0].purl.startswith("pkg:cargo/libfuzzer-sys@")
    assert "vcs_url=git%2Bhttps://github.com/rust-fuzz/libfuzzer%40" in git[0].purl
    local = {p.name for p in result.packages if p.source.kind is SourceKind.PATH}
    assert {"ruff-fuzz", "ruff_linter", "ruff_python_ast"} <= local


V1 = f'''[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "addr2line 0.15.2 ({INDEX})",
 "syn 1.0.73 ({INDEX})",
 "syn 2.0.0 (git+https://git.invalid/syn?branch=main#0123456789abcdef0123456789abcdef01234567)",
]

[[package]]
name = "addr2line"
version = "0.15.2"
source = "{INDEX}"

[[package]]
name = "syn"
version = "1.0.73"
source = "{INDEX}"

[[package]]
name = "syn"
version = "2.0.0"
source = "git+https://git.invalid/syn?branch=main#0123456789abcdef0123456789abcdef01234567"

[metadata]
"checksum addr2line 0.15.2 ({INDEX})" = "{SHA}"
"checksum syn 1.0.73 ({INDEX})" = "<none>"
'''


def test_lock_version_1_long_references_and_metadata_checksums() -> None:
    """v1: every reference is "name version (source)"; checksums live in [metadata] ("<none>"
    is no checksum); the app crate depends on both syn versions."""
    result = collect_text(COLLECTOR, V1, "Cargo.lock")
    by_name = {(p.name, p.version): p for p in result.packages}
    assert frozenset({Hash(algorithm="sha256", value=SHA)}) == by_name["addr2line", "0.15.2"].hashes
    assert frozenset() == by_name["syn", "1.0.73"].hashes
    app = by_name["app", "0.1.0"].id
    children = sorted(e.child for e in result.edges if e.parent == app)
    assert [
        "pkg:cargo/addr2line@0.15.2",
        "pkg:cargo/syn@1.0.73",
        "pkg:cargo/syn@2.0.0?vcs_url=git%2Bhttps://git.invalid/syn%400123456789abcdef0123456789abcdef01234567",
    ] == children
    assert [("root:Cargo.lock", app)] == [
        (e.parent, e.child) for e in result.edges if e.parent.startswith("root:")
    ]
    assert (INDEX,) == result.registries


V4_SPARSE = """version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "rand",
 "log 0.4.20",
 "missing",
]

[[package]]
name = "rand"
version = "0.8.5"
source = "sparse+https://user:secret@crates.invalid/api/v1/crates/"
checksum = "34af8d1a0e25924bc5b7c43c079c942339d8f0a8b57c39049bef581b46327404"

[[package]]
name = "log"
version = "0.4.20"
source = "sparse+https://crates.invalid/"

[[package]]
name = "log"
version = "0.3.9"
source = "sparse+https://crates.invalid/"
"""


def test_v4_sparse_registry_short_references_and_a_missing_dependency() -> None:
    """ "name" and "name version" bind to the locked crate; a registry URL's credentials are
    redacted; a dependency nothing locks is skipped with the reason."""
    result = collect_text(COLLECTOR, V4_SPARSE, "Cargo.lock")
    edges = {(e.parent, e.child) for e in result.edges}
    assert ("pkg:cargo/app@0.1.0?source=path:", "pkg:cargo/rand@0.8.5") in edges
    assert ("pkg:cargo/app@0.1.0?source=path:", "pkg:cargo/log@0.4.20") in edges
    assert ("pkg:cargo/app@0.1.0?source=path:", "pkg:cargo/log@0.3.9") not in edges
    assert (
        "sparse+https://****:****@crates.invalid/api/v1/crates/",
        "sparse+https://crates.invalid/",
    ) == result.registries
    assert [("missing", "not locked in the file (a dependency of app)")] == [
        (s.name, s.reason) for s in result.skipped
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version = 9\n", "Cargo.lock: Cargo.lock version 9 is not supported (expected 1 to 4)"),
        ('version = "3"\n', "Cargo.lock: 'version' is a string, expected an integer"),
        ('[[package]]\nname = "a"\n', "Cargo.lock: missing 'version' in package[0]"),
        (
            '[[package]]\nname = "a"\nversion = "1.0.0"\nsource = "nokind"\n',
            "Cargo.lock: 'source' 'nokind' is not KIND+URL in package[0]",
        ),
        (
            '[[package]]\nname = "a"\nversion = "1.0.0"\ndependencies = ["b c d e"]\n',
            "Cargo.lock: dependency 'b c d e' is not 'name [version [(source)]]' in package[0]",
        ),
        (
            '[[package]]\nname = "a"\nversion = "1.0.0"\ndependencies = ["b"]\n'
            '[[package]]\nname = "b"\nversion = "1.0.0"\n'
            '[[package]]\nname = "b"\nversion = "2.0.0"\n',
            "Cargo.lock: dependency 'b' is ambiguous: 2 versions in package[0]",
        ),
        (
            "[[package]\n",
            "Cargo.lock:1: not valid TOML: Expected ']]' at the end of an array declaration",
        ),
    ],
)
def test_malformed_files_name_the_place(text: str, message: str) -> None:
    """Each broken shape is one LockfileError naming the file and the key or line."""
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "Cargo.lock")
    assert message == str(info.value)
