"""npm itself as the oracle: auditor's edges equal ``npm ls --all --package-lock-only``.

npm needs the project's package.json files next to the lock. The fixtures hold only the
lockfiles, so each one is reconstructed: v2/v3 locks carry every project folder's manifest
fields in their folder entries (the root ``""``, workspace members, ``file:`` targets),
and those fields are written back as package.json files. v1 locks do not record the root
manifest; its dependencies are reconstructed as every top-level entry no entry
``requires`` by name, pinned to the locked version.

npm runs offline: ``--package-lock-only`` reads no tarball and no registry document, and
the registry is set to an unreachable ``.invalid`` host so that any attempt would fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from auditor.collectors.npm.package_lock import NpmPackageLockCollector
from auditor.core.graph import DependencyGraph
from auditor.core.model import root_id
from tests.support import FIXTURES, collect_file

REAL = FIXTURES / "npm-package-lock" / "real"
NPM = shutil.which("npm")
MANIFEST_FIELDS = (
    "name",
    "version",
    "workspaces",
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
    "peerDependenciesMeta",
    "bundleDependencies",
)
ROOT = "<root>"

pytestmark = [
    pytest.mark.network_peer,
    pytest.mark.skipif(NPM is None, reason="npm is not installed (scripts/test installs it in CI)"),
]


def _is_project_folder(key: str) -> bool:
    return not key.startswith("node_modules/") and "/node_modules/" not in key


def write_project(lock_path: Path, folder: Path) -> dict[str, Any]:
    """Copy the lock into ``folder`` with reconstructed package.json files."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(lock_path, folder / "package-lock.json")
    lock: dict[str, Any] = json.loads(lock_path.read_text())
    packages = lock.get("packages")
    if isinstance(packages, dict):
        for key, entry in packages.items():
            if not _is_project_folder(key) or entry.get("link"):
                continue
            manifest = {k: v for k, v in entry.items() if k in MANIFEST_FIELDS}
            (folder / key).mkdir(parents=True, exist_ok=True)
            (folder / key / "package.json").write_text(json.dumps(manifest))
        return lock
    required: set[str] = set()
    stack = [lock["dependencies"]]
    while stack:
        for entry in stack.pop().values():
            required.update(entry.get("requires", {}))
            stack.append(entry.get("dependencies", {}))
    top = {n: e["version"] for n, e in lock["dependencies"].items() if n not in required}
    (folder / "package.json").write_text(json.dumps({"name": "root", "dependencies": top}))
    return lock


def npm_edges(folder: Path) -> set[tuple[str, str]]:
    """(parent, child) as ``name@version`` for every edge of the tree npm prints.

    Deduplicated nodes are printed once in full, so walking the whole output sees every
    node's children once. A v1 git entry has no version: it is ``name@#commit`` (the
    commit of its ``resolved`` URL). ``file:`` entries have neither: edges to or from them
    are left out, their children are still walked. Extraneous nodes (nothing requires them)
    are not part of the resolved graph.
    """
    assert NPM is not None
    env = {
        **os.environ,
        "npm_config_registry": "https://npm-registry.invalid/",
        "npm_config_update_notifier": "false",
        "npm_config_fund": "false",
        "npm_config_audit": "false",
        "npm_config_cache": str(folder / ".npm-cache"),
    }
    command = [NPM, "ls", "--all", "--json", "--long", "--package-lock-only", "--offline"]
    run = subprocess.run(
        command, check=False, cwd=folder, env=env, capture_output=True, text=True, timeout=300
    )
    # npm exits 1 when it reports problems (a version outside its declared range) but
    # still prints the whole tree; any other error is a failure of the test
    assert run.returncode in (0, 1), run.stderr
    tree = json.loads(run.stdout)
    assert tree.get("error", {}).get("code", "ELSPROBLEMS") == "ELSPROBLEMS", tree["error"]
    edges: set[tuple[str, str]] = set()

    def visit(node: dict[str, Any], label: str | None) -> None:
        for name, child in node.get("dependencies", {}).items():
            if child.get("extraneous"):
                continue
            version = child.get("version")
            resolved = child.get("resolved") or ""
            if not version and resolved.startswith("git") and "#" in resolved:
                version = "#" + resolved.rsplit("#", 1)[1]
            child_label = f"{child.get('name', name)}@{version}" if version else None
            if label and child_label:
                edges.add((label, child_label))
            visit(child, child_label)

    visit(tree, ROOT)
    return edges


def auditor_edges(lock_path: Path, lock: dict[str, Any]) -> set[tuple[str, str]]:
    """auditor's edges in the same ``name@version`` terms, from nodes reachable from a root.

    Workspace members are roots in auditor and named here by their folder entry.
    """
    result = collect_file(NpmPackageLockCollector(), lock_path)
    graph = DependencyGraph.from_results([result])
    labels = {
        p.id: f"{p.name}@{p.version or '#' + (p.source.reference or '')}" for p in result.packages
    }
    labels[root_id(result.path)] = ROOT
    for key, entry in lock.get("packages", {}).items():
        if key:
            name = entry.get("name") or key.rsplit("/", 1)[-1]
            labels[root_id(result.path, key)] = f"{name}@{entry.get('version')}"
    return {
        (labels[e.parent], labels[e.child])
        for e in result.edges
        if graph.is_root(e.parent) or graph.depth(e.parent) is not None
    }


@pytest.mark.parametrize(
    "folder",
    [
        "astral-sh__ruff__playground",  # v3, npm workspaces, file: links, aliases
        "BookStackApp__BookStack",  # v3
        "pypi__warehouse",  # v3, aliases; npm reports two out-of-range versions
        "atom__atom__apm",  # v1, bundled dependencies
        "atom__atom__script",  # v1
    ],
)
def test_edges_equal_npm_ls(folder: str, tmp_path: Path) -> None:
    """Every edge npm resolves is an edge of auditor's graph, and nothing more."""
    lock = write_project(REAL / folder / "package-lock.json", tmp_path)
    expected = npm_edges(tmp_path)
    assert len(expected) > 900
    assert expected == auditor_edges(tmp_path / "package-lock.json", lock)


def test_v1_git_entries_are_packages_and_file_entries_the_only_difference(
    tmp_path: Path,
) -> None:
    """atom's v1 lock has 68 git entries and 27 ``file:`` entries without a version. The git
    entries are packages (npm ls lists them, by commit), with every edge npm draws to and
    from them. The ``file:`` entries are the project's own folders: auditor skips them, so
    what hangs only below them is not reachable in auditor's graph; every edge auditor does
    draw is one npm draws, and every edge npm draws beyond them starts at a package only
    those entries lead to."""
    lock = write_project(REAL / "atom__atom" / "package-lock.json", tmp_path)
    expected = npm_edges(tmp_path)
    result = collect_file(NpmPackageLockCollector(), tmp_path / "package-lock.json")
    graph = DependencyGraph.from_results([result])
    got = auditor_edges(tmp_path / "package-lock.json", lock)
    git_labels = {label for edge in expected for label in edge if "@#" in label}
    assert 68 == len(git_labels)
    assert {e for e in expected if "@#" in e[0] or "@#" in e[1]} == {
        e for e in got if "@#" in e[0] or "@#" in e[1]
    }
    assert got < expected
    unreachable = {f"{p.name}@{p.version}" for p in graph.packages if graph.depth(p.id) is None}
    assert all(parent in unreachable for parent, _ in expected - got)
    all_edges = {(e.parent, e.child) for e in result.edges}
    labels = {p.id: f"{p.name}@{p.version}" for p in result.packages}
    assert expected - got <= {(labels[p], labels[c]) for p, c in all_edges if p in labels}


def test_npm_reads_past_an_entry_with_an_invalid_name(tmp_path: Path) -> None:
    """npm itself reads a lock with one entry whose name it cannot install: npm ls lists the
    other packages and marks that one invalid. auditor skips the same entry (with the
    reason) and keeps the edges npm resolves between the others."""
    lock = {
        "name": "app",
        "version": "1.0.0",
        "lockfileVersion": 3,
        "packages": {
            "": {
                "name": "app",
                "version": "1.0.0",
                "dependencies": {"ms": "2.1.3", "x y": "1.0.0"},
            },
            "node_modules/ms": {"version": "2.1.3"},
            "node_modules/x y": {"version": "1.0.0", "dependencies": {"ms": "^2.1.0"}},
        },
    }
    source = tmp_path / "source.json"
    source.write_text(json.dumps(lock))
    write_project(source, tmp_path / "project")
    assert {(ROOT, "ms@2.1.3"), (ROOT, "x y@1.0.0"), ("x y@1.0.0", "ms@2.1.3")} == npm_edges(
        tmp_path / "project"
    )
    result = collect_file(NpmPackageLockCollector(), tmp_path / "project" / "package-lock.json")
    assert ["ms@2.1.3"] == [p.display for p in result.packages]
    assert ["x y"] == [s.name for s in result.skipped]
    assert [(root_id(result.path), "pkg:npm/ms@2.1.3")] == [
        (e.parent, e.child) for e in result.edges
    ]
