"""pnpm-lock.yaml 5.x/6.x/9.0: peer fixtures, real files, workspaces, peers, aliases, errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from auditor.collectors.npm.pnpm import PnpmLockCollector
from auditor.core.errors import LockfileError
from auditor.core.graph import DependencyGraph
from auditor.core.model import CollectResult, SourceKind, root_id
from tests.support import FIXTURES, PeerCase, collect_file, collect_text, name_versions, peer_cases

HERE = FIXTURES / "pnpm-lock"
COLLECTOR = PnpmLockCollector()
# Where auditor deliberately differs from a peer expectation, and why.
DEVIATIONS = {
    # A file holding only a comment is not a pnpm lockfile (pnpm writes lockfileVersion
    # first, always); auditor reports it instead of auditing nothing.
    "osv-scalibr/empty.yaml": "error",
    "osv-scanner-v1/empty.yaml": "error",
}


def graph_of(result: CollectResult) -> DependencyGraph:
    return DependencyGraph(packages=result.packages, edges=result.edges, roots=result.roots)


def edges_of(result: CollectResult) -> set[tuple[str, str, str | None, str | None]]:
    return {(e.parent, e.child, e.requirement, e.scope) for e in result.edges}


@pytest.mark.parametrize("case", peer_cases(HERE / "peer"), ids=lambda c: c.id)
def test_peer_fixture(case: PeerCase) -> None:
    """Each peer expectation (name, version) matches exactly, deviations explained above.

    The peers list one entry per ``packages`` key; no fixture locks one name@version under
    two keys, so the multiset equals auditor's set."""
    if DEVIATIONS.get(case.id) == "error":
        with pytest.raises(LockfileError, match="file has only comments"):
            collect_file(COLLECTOR, case.fixture)
        return
    assert case.expected == name_versions(collect_file(COLLECTOR, case.fixture))


def test_keys_without_name_or_version_are_skipped_with_reason() -> None:
    """Keys pnpm cannot parse and git paths without ``name``/``version`` are skipped, not
    dropped (the peers drop or fail on them), and the package beside them still counts."""
    result = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/invalid-paths.yaml")
    assert [("acorn", "8.7.0")] == name_versions(result)
    assert [
        ("invalidpath1", "no package name in the key or the entry"),
        ("invalidpath2", "no package name in the key or the entry"),
        ("test", "locked as '/test/1.2.3', which has no entry"),
    ] == sorted((s.name, s.reason) for s in result.skipped)
    exotic = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/exotic.yaml")
    assert {
        ("github.com/kevva/is-positive", "no package name in the key or the entry"),
        ("/foo/bar", "no package name in the key or the entry"),
        # the importer's dependency has no entry in this synthetic file
        (
            "@typescript-eslint/types@5.13.0",
            "locked as '/@typescript-eslint/types/5.13.0', which has no entry",
        ),
    } == {(s.requirement, s.reason) for s in exotic.skipped}


def test_git_and_tarball_sources() -> None:
    """git resolutions and GitHub codeload tarballs are git sources with their commit; other
    tarballs are URL sources; hosts in v5 keys are registries."""
    commits = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/commits.yaml")
    sources = {p.name: (p.source.kind, p.source.reference) for p in commits.packages}
    assert (SourceKind.GIT, "6104ae42cd32c3d724036d3964678f197b2c9cdb") == sources[
        "my-bitbucket-package"
    ]
    assert (SourceKind.GIT, "d2dc42a9351d4d89ec48c525e34f612b6d77993f") == sources["faker-parser"]
    tarball = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/tarball.yaml").packages[0]
    assert SourceKind.URL == tarball.source.kind
    assert tarball.scopes == frozenset({"dev"})
    exotic = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/exotic.yaml")
    assert {SourceKind.REGISTRY} == {p.source.kind for p in exotic.packages}


def test_file_packages_with_a_version_are_local_packages() -> None:
    """``file:`` tarballs and directories that record a version are path-sourced packages."""
    result = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/files.yaml")
    by_name = {p.name: p for p in result.packages}
    assert (SourceKind.PATH, "projects/package-a.tgz") == (
        by_name["my-file-package"].source.kind,
        by_name["my-file-package"].source.url,
    )
    assert "sha512" == next(iter(by_name["my-file-package"].hashes)).algorithm
    assert "../local-package" == by_name["a-local-package"].source.url
    assert ["file:../nameless-package"] == [s.requirement for s in result.skipped]


# -- real files -------------------------------------------------------------------------------


def real(folder: str) -> CollectResult:
    return collect_file(COLLECTOR, HERE / "real" / folder / "pnpm-lock.yaml")


def test_real_argo_cd_v9_counts() -> None:
    """argo-cd ui (9.0, one project): 1,317 ``packages`` keys = 1,316 registry packages
    (each with an integrity hash) + argo-ui 1.0.0 from a GitHub codeload tarball (a git
    source); no name@version repeats, so 1,317 packages and nothing skipped."""
    result = real("argoproj__argo-cd__ui")
    assert 1317 == len(result.packages)
    assert [] == list(result.skipped)
    assert 1316 == sum(1 for p in result.packages if p.source.is_registry and p.hashes)
    argo_ui = next(p for p in result.packages if p.name == "argo-ui")
    assert ("1.0.0", SourceKind.GIT, "f941b0a3ca094066dd9d5e002f48acdc5fda45a0") == (
        argo_ui.version,
        argo_ui.source.kind,
        argo_ui.source.reference,
    )
    root = root_id(result.path)
    assert (root, argo_ui.id) in {(e.parent, e.child) for e in result.edges}
    assert (argo_ui.id, "pkg:npm/classnames@2.5.1") in {(e.parent, e.child) for e in result.edges}


def test_real_prometheus_workspace_v9() -> None:
    """prometheus web/ui (9.0): 4 importers are 4 roots; 746 registry packages; the
    ``link:`` between projects is an edge between their roots."""
    result = real("prometheus__prometheus__web_ui")
    path = result.path
    result_roots = {r.id for r in result.roots}
    assert 746 == len(result.packages)
    assert {
        root_id(path),
        root_id(path, "mantine-ui"),
        root_id(path, "module/codemirror-promql"),
        root_id(path, "module/lezer-promql"),
    } == {r.id for r in result.roots}
    links = {(e.parent, e.child, e.requirement) for e in result.edges if e.child in result_roots}
    assert (
        root_id(path, "mantine-ui"),
        root_id(path, "module/codemirror-promql"),
        "@prometheus-io/codemirror-promql@link:../module/codemirror-promql",
    ) in links
    graph = graph_of(result)
    assert all(graph.depth(p.id) is not None for p in graph.packages)


def test_real_vite_v9_counts() -> None:
    """vite (9.0, 279 importers): 1,405 ``packages`` keys = 1,296 registry packages + 109
    local ``file:`` directories that record no version; those 109 are skipped with a reason
    and whoever depends on them reaches their dependencies directly, so every package is
    still reachable from a root."""
    result = real("vitejs__vite")
    assert 1296 == len(result.packages)
    assert 279 == len(result.roots)
    assert 109 == len(result.skipped)
    assert {"local directory package without a version"} == {
        s.reason.split(" (")[0] for s in result.skipped
    }
    graph = graph_of(result)
    assert all(graph.depth(p.id) is not None for p in graph.packages)
    # an alias in a snapshot: "debug: obug@1.0.2(ms@2.1.3)" is an edge to obug
    assert ("pkg:npm/%40babel/core@7.29.7", "pkg:npm/obug@1.0.2", "debug@npm:obug@1.0.2") in {
        (e.parent, e.child, e.requirement) for e in result.edges
    }


def test_real_vite_v6_counts_and_peer_variants() -> None:
    """vite at e0a6ef2b (6.0, 205 importers): 1,133 ``packages`` keys = 1,061 registry keys
    + 72 local directories without a version. Two registry keys are peer variants of one
    package (``/@rollup/pluginutils@5.1.0(rollup@3.29.2)`` and ``(rollup@4.2.0)``), so
    1,060 packages; 72 directories + 2 ``link:`` targets outside the workspace are skipped."""
    result = real("vitejs__vite__e0a6ef2b")
    assert 1060 == len(result.packages)
    assert 205 == len(result.roots)
    assert 74 == len(result.skipped)
    pluginutils = next(p for p in result.packages if p.display == "@rollup/pluginutils@5.1.0")
    assert 2 == len(pluginutils.found_in)
    children = {e.child for e in result.edges if e.parent == pluginutils.id}
    assert {"pkg:npm/rollup@3.29.2", "pkg:npm/rollup@4.2.0"} <= children
    assert {"dev"} == set(graph_of(result).scopes(pluginutils.id))


V5_MONOREPOS = {
    # folder: (lockfileVersion, packages, registry packages, roots, packages with variants)
    "vitejs__vite__5d550831": ("5.4", 1111, 1058, 148, 5),
    "sveltejs__kit__a8a0d74f": ("5.4", 592, 592, 39, 3),
    "vuejs__core__6b688985": ("5.3", 934, 934, 17, 0),
}


@pytest.mark.parametrize("folder", sorted(V5_MONOREPOS))
def test_real_v5_monorepos(folder: str) -> None:
    """Lockfiles 5.3 and 5.4 of three large workspaces (written by pnpm 6 and 7): each
    importer is a root, each ``/name/version`` key (peer-suffixed variants such as
    ``/@microsoft/api-extractor-model/7.26.1_@types+node@18.11.18`` included) is one
    package, every package is reachable from a root, and the result sorts (vite's 5.4 file
    used to end in
    "'<' not supported between instances of 'NoneType' and 'str'")."""
    version, packages, registry, roots, variants = V5_MONOREPOS[folder]
    path = HERE / "real" / folder / "pnpm-lock.yaml"
    raw = yaml.safe_load(path.read_text())
    assert version == str(raw["lockfileVersion"])
    names = {re.sub(r"^/((?:@[^/]+/)?[^/]+)/([^_/]+)(_.*)?$", r"\1@\2", k) for k in raw["packages"]}
    result = real(folder)
    assert packages == len(result.packages)
    assert (
        registry
        == sum(1 for p in result.packages if p.source.is_registry)
        == len({n for n in names if not n.startswith("file:")})
    )
    assert roots == len(result.roots) == len(raw["importers"])
    assert variants == sum(1 for p in result.packages if len(p.found_in) > 1)
    assert list(result.edges) == sorted(result.edges)
    graph = graph_of(result)
    assert all(graph.depth(p.id) is not None for p in graph.packages)


def test_real_v54_patched_dependencies() -> None:
    """vite's 5.4 lockfile patches dotenv-expand@9.0.0 and sirv@2.0.2
    (``patchedDependencies``, ``patched: true``): each is its registry release, with the
    integrity of the registry tarball, reached from the workspace project that uses it."""
    result = real("vitejs__vite__5d550831")
    by_display = {p.display: p for p in result.packages}
    for display in ("dotenv-expand@9.0.0", "sirv@2.0.2"):
        package = by_display[display]
        assert package.source.is_registry
        assert 1 == len(package.hashes)
        assert any(e.child == package.id for e in result.edges)


def test_locations_point_at_the_key_line() -> None:
    """Every package says the line and key path of its ``packages`` entry."""
    result = real("prometheus__prometheus__web_ui")
    lines = (HERE / "real/prometheus__prometheus__web_ui/pnpm-lock.yaml").read_text().split("\n")
    for package in result.packages:
        location = package.found_in[0]
        assert location.line is not None
        assert location.key is not None
        assert location.key.startswith("packages[")
        assert lines[location.line - 1].startswith("  ")
        assert package.name in lines[location.line - 1]


# -- our own cases ------------------------------------------------------------------------------


def case(name: str) -> CollectResult:
    return collect_file(COLLECTOR, HERE / "cases" / name)


def test_v9_workspace_case() -> None:
    """9.0: importer scopes, workspace links, aliases, peer variants, a transparent local
    directory, git and tarball sources, and credentials redacted everywhere."""
    result = case("workspace.v9.yaml")
    top, lib = root_id(result.path), root_id(result.path, "packages/lib")
    edges = edges_of(result)
    assert {
        (top, lib, "@scope/app-lib@link:packages/lib", None),
        (top, "pkg:npm/fsevents@2.3.3", "fsevents@^2.3.3", "optional"),
        (top, "pkg:npm/string-width@4.2.3", "string-width-cjs@npm:string-width@^4.2.0", None),
        # local-tool is a local directory without a version: the root reaches its deps
        (top, "pkg:npm/scheduler@0.23.0", "local-tool@file:tools/local-tool", "dev"),
        # two peer contexts of react-dom are one package, with the edges of both
        ("pkg:npm/react-dom@18.2.0", "pkg:npm/react@18.2.0", None, None),
        ("pkg:npm/react-dom@18.2.0", "pkg:npm/react@18.3.1", None, None),
    } <= edges
    assert 10 == len(result.packages)
    assert [
        ("local-tool", "local directory package without a version (tools/local-tool)"),
        ("outside", "link to local directory ../outside, which is not a workspace project"),
    ] == sorted((s.name, s.reason) for s in result.skipped)
    tarball = next(p for p in result.packages if p.name == "private-tarball")
    assert "https://****:****@tarballs.invalid/private-tarball-1.0.0.tgz" == tarball.source.url
    shown = repr(result)
    assert "secret" not in shown
    graph = graph_of(result)
    # scheduler is used by react-dom (main) and by the dev-only local tool
    assert ("dev", "main") == graph.scopes("pkg:npm/scheduler@0.23.0")
    assert graph.is_direct("pkg:npm/react-dom@18.2.0")
    assert not graph.is_direct("pkg:npm/loose-envify@1.4.0")


def test_v6_workspace_case() -> None:
    """6.0: ``/name@version`` keys, alias to a full key, links both ways, dev flags as scopes,
    a local directory dependency without a version."""
    result = case("workspace.v6.yaml")
    top, lib = root_id(result.path), root_id(result.path, "packages/lib")
    assert {
        (top, lib, "@scope/app-lib@link:packages/lib", None),
        (lib, top, "@scope/app@link:../..", None),
        (top, "pkg:npm/slash@3.0.0", "slash3@npm:slash@^3.0.0", None),
        (top, "pkg:npm/react-dom@18.2.0", "react-dom@^18.2.0", "dev"),
        (lib, "pkg:npm/slash@3.0.0", "local-dep@file:../local-dep", None),
    } <= edges_of(result)
    scopes = {p.name: p.scopes for p in result.packages}
    assert frozenset({"dev"}) == scopes["react-dom"]
    assert frozenset({"main"}) == scopes["slash"]


def test_v5_workspace_case() -> None:
    """5.4: ``specifiers`` per importer, ``_peer`` suffixes merged into one package, an alias
    to ``/real/version``, ``optional: true`` as a scope."""
    result = case("workspace.v5.yaml")
    top, plugin = root_id(result.path), root_id(result.path, "packages/plugin")
    assert {
        (top, "pkg:npm/acorn-jsx@5.3.2", "acorn-jsx@^5.3.2", None),
        (top, "pkg:npm/acorn@7.4.1", "old-acorn@npm:acorn@^7.0.0", None),
        (top, "pkg:npm/%40types/babel__core@7.1.14", "@types/babel__core@^7.1.14", "dev"),
        (plugin, top, "app@link:../..", None),
        ("pkg:npm/acorn-jsx@5.3.2", "pkg:npm/acorn@7.4.1", None, None),
        ("pkg:npm/acorn-jsx@5.3.2", "pkg:npm/acorn@8.7.0", None, None),
    } <= edges_of(result)
    assert [
        ("@types/babel__core", "7.1.14"),
        ("acorn", "7.4.1"),
        ("acorn", "8.7.0"),
        ("acorn-jsx", "5.3.2"),
    ] == name_versions(result)
    optional = next(p for p in result.packages if p.display == "acorn@8.7.0")
    assert frozenset({"optional"}) == optional.scopes


def test_inline_specifiers_v54() -> None:
    """``5.4-inlineSpecifiers`` (pnpm 7 option): v5 keys, importer entries with specifier."""
    result = case("inline-specifiers.v5.yaml")
    assert {(root_id(result.path), "pkg:npm/acorn@8.7.0", "acorn@^8.7.0", None)} == edges_of(result)


# -- malformed input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "pnpm-lock.yaml: file is empty, expected YAML"),
        ("# nothing\n", "pnpm-lock.yaml: file has only comments, expected a pnpm lockfile"),
        ("[]", "pnpm-lock.yaml: document is an array, expected a table"),
        ("packages: {}", "pnpm-lock.yaml: missing 'lockfileVersion'"),
        (
            "lockfileVersion: true",
            "pnpm-lock.yaml: 'lockfileVersion' is a boolean, expected a version",
        ),
        (
            "lockfileVersion: '7.0'",
            "pnpm-lock.yaml: unsupported lockfileVersion '7.0' (auditor reads 5.x, 6.x and 9.0)"
            " in lockfileVersion",
        ),
        (
            "lockfileVersion: '9.0'\npackages: []",
            "pnpm-lock.yaml: 'packages' is an array, expected a table",
        ),
        (
            "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: x",
            'pnpm-lock.yaml: value is a string, expected a table in packages["a@1.0.0"]',
        ),
        (
            "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: x",
            "pnpm-lock.yaml: 'resolution' is a string, expected a table in packages[\"a@1.0.0\"]",
        ),
        (
            "lockfileVersion: '9.0'\npackages:\n  a@https://x.invalid/a.tgz:\n    version: 1",
            "pnpm-lock.yaml: 'version' is an integer, expected a string"
            ' in packages["a@https://x.invalid/a.tgz"]',
        ),
        (
            "lockfileVersion: 5.4\npackages:\n  /a/1.0.0:\n    dev: 'yes'",
            "pnpm-lock.yaml: 'dev' is a string, expected a boolean in packages[\"/a/1.0.0\"]",
        ),
        (
            "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {}\nsnapshots:\n  a@1.0.0:\n"
            "    dependencies:\n      b: 2",
            'pnpm-lock.yaml: value is an integer, expected a string in snapshots["a@1.0.0"]'
            ".dependencies.b",
        ),
        (
            "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n"
            "        specifier: ^1.0.0",
            "pnpm-lock.yaml: missing 'version' in importers[\".\"].dependencies.a",
        ),
        (
            "lockfileVersion: '9.0'\npackages:\n  'a@https://u:secret@x.invalid/a.tgz': []",
            "pnpm-lock.yaml: value is an array, expected a table"
            ' in packages["a@https://****@x.invalid/a.tgz"]',
        ),
        (
            "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: [\n",
            "pnpm-lock.yaml:4: not valid YAML: did not find expected node content",
        ),
    ],
)
def test_malformed_input_names_file_and_key(text: str, message: str) -> None:
    """Each broken shape gives one precise message naming the file and the key or line."""
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "pnpm-lock.yaml")
    assert message == str(info.value)


def test_sniffs_content_of_unusually_named_file(tmp_path: Path) -> None:
    """A renamed pnpm lockfile is recognised by its first line; other YAML is not."""
    text = (HERE / "cases/workspace.v9.yaml").read_text()
    assert COLLECTOR.sniff("# generated\n" + text)
    assert not COLLECTOR.sniff("__metadata:\n  version: 6\n")
    assert not COLLECTOR.sniff("")


# -- two YAML documents (pnpm 10's env lockfile) ---------------------------------------------


def test_real_two_document_lockfile_is_read_as_pnpm_reads_it() -> None:
    """pnpm/pnpm's own lockfile starts with pnpm's env document (the package manager,
    config dependencies) and then the lockfile; pnpm reads the second document, and so does
    auditor: its 215 importers and 1,678 ``packages`` keys (distinct name@version), not the
    env document's pnpm executables."""
    path = HERE / "real/pnpm__pnpm/pnpm-lock.yaml"
    env, lockfile = yaml.safe_load_all(path.read_text())
    assert "packageManagerDependencies" in env["importers"]["."]
    result = real("pnpm__pnpm")
    assert len(lockfile["importers"]) == len(result.roots) == 215
    assert len(lockfile["packages"]) == len(result.packages) == 1678
    assert not any(p.name.startswith("@pnpm/exe.") for p in result.packages)
    lines = path.read_text().split("\n")
    for package in result.packages[:50]:
        assert package.name in lines[package.found_in[0].line - 1]  # lines of the file


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an error in the lockfile document names the line of the file
        (
            "---\nlockfileVersion: '9.0'\nimporters: {}\n\n---\nlockfileVersion: '9.0'\n"
            "packages: []\n",
            "pnpm-lock.yaml: 'packages' is an array, expected a table",
        ),
        (
            "---\nlockfileVersion: '9.0'\n\n---\nlockfileVersion: '9.0'\npackages:\n  a@1.0.0: [\n",
            "pnpm-lock.yaml:8: not valid YAML: did not find expected node content",
        ),
        # only the env document: pnpm reads no lockfile from it, nothing to audit
        ("---\nlockfileVersion: '9.0'\nimporters:\n  .:\n    configDependencies: {}\n", ""),
        # a third document is part of the lockfile text, as pnpm sees it: not valid YAML
        (
            "---\nlockfileVersion: '9.0'\n---\nlockfileVersion: '9.0'\n---\nx: 1\n",
            "pnpm-lock.yaml:5: not valid YAML: but found another document",
        ),
    ],
)
def test_env_document_cases(text: str, expected: str) -> None:
    """Two documents, an error in the second, an env document alone, three documents."""
    assert COLLECTOR.sniff(text)
    if not expected:
        assert () == collect_text(COLLECTOR, text, "pnpm-lock.yaml").packages
        return
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "pnpm-lock.yaml")
    assert expected == str(info.value)


# -- pnpm as the oracle ---------------------------------------------------------------------------


def auditor_edges(result: CollectResult) -> set[str]:
    """auditor's edges in the notation of the recorded pnpm edges: ``project:<dir>`` for a
    workspace project, ``name@version`` for a package."""
    names = {p.id: p.display for p in result.packages}
    for root in result.roots:
        names[root.id] = "project:" + (root.id.split("#", 1)[1] if "#" in root.id else ".")
    return {f"{names[e.parent]} -> {names[e.child]}" for e in result.edges}


@pytest.mark.parametrize(
    "folder", ["argoproj__argo-cd__ui", "prometheus__prometheus__web_ui", "vitejs__vite"]
)
def test_edges_equal_pnpm_list(folder: str) -> None:
    """pnpm itself (``pnpm list --lockfile-only -r --depth Infinity --json``, recorded by
    bench/pnpm.py --record-edges) gives the same edges, workspace links and local ``file:``
    directories included, on three real 9.0 lockfiles (one of them a 279-project workspace)."""
    recorded = (HERE / "pnpm-list" / f"{folder}.edges").read_text().splitlines()
    assert recorded[0].startswith("# pnpm 10.")
    assert set(recorded[1:]) == auditor_edges(real(folder))


def test_a_long_chain_of_local_directories_does_not_recurse() -> None:
    """2,000 local directories, each depending on the next, then a package: no recursion
    limit is hit, and the root reaches the package through the whole chain."""
    count = 2000
    lines = ["lockfileVersion: '9.0'", "importers:", "  .:", "    dependencies:"]
    lines += ["      d0:", "        specifier: file:d0", "        version: file:d0"]
    lines += ["packages:", "  leaf@1.0.0: {}"]
    lines += [
        f"  d{i}@file:d{i}:\n    resolution: {{directory: d{i}, type: directory}}"
        for i in range(count)
    ]
    lines += ["snapshots:", "  leaf@1.0.0: {}"]
    for i in range(count):
        dep = f"d{i + 1}: file:d{i + 1}" if i + 1 < count else "leaf: 1.0.0"
        lines += [f"  d{i}@file:d{i}:", "    dependencies:", f"      {dep}"]
    result = collect_text(COLLECTOR, "\n".join(lines) + "\n", "pnpm-lock.yaml")
    assert {(root_id("pnpm-lock.yaml"), "pkg:npm/leaf@1.0.0")} == {
        (e.parent, e.child) for e in result.edges
    }
    assert count == len(result.skipped)


def test_a_package_both_a_dependency_and_a_dev_dependency_sorts() -> None:
    """An importer listing one package under dependencies and devDependencies with the same
    specifier gives two edges that differ only in scope (None and "dev"): the result sorts
    them without comparing None with text (a mutated real file found this)."""
    text = """lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      left-pad:
        specifier: ^1.3.0
        version: 1.3.0
    devDependencies:
      left-pad:
        specifier: ^1.3.0
        version: 1.3.0
packages:
  left-pad@1.3.0:
    resolution: {integrity: sha512-AAAA}
snapshots:
  left-pad@1.3.0: {}
"""
    result = collect_text(COLLECTOR, text, "pnpm-lock.yaml")
    assert [None, "dev"] == [e.scope for e in result.edges]
