"""bun.lock: peer fixtures, a real file against node's own reading, install-path
resolution, aliases, workspaces, sources, JSONC, errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from auditor.collectors.npm.bun import BunLockCollector, key_names, strip_jsonc
from auditor.core.errors import LockfileError
from auditor.core.graph import DependencyGraph
from tests.support import FIXTURES, PeerCase, collect_file, collect_text, name_versions, peer_cases

HERE = FIXTURES / "bun-lock"
COLLECTOR = BunLockCollector()
REAL = sorted(p.parent.name for p in (HERE / "real").rglob("bun.lock"))
# Where auditor differs from osv-scalibr, and why.
DEVIATIONS = {
    # "{}" has no lockfileVersion: it is not a bun.lock, and auditor says so.
    "osv-scalibr/empty.json5": "error",
    # bun records no version for git and file: dependencies; osv-scalibr lists them with an
    # empty version, auditor lists them as skipped with their source (a package needs a
    # version to be checked).
    "osv-scalibr/commits.json5": "unversioned",
    "osv-scalibr/files.json5": "unversioned",
    "osv-scalibr/blog-sample.json5": "unversioned",
}


@pytest.mark.parametrize("case", peer_cases(HERE / "peer"), ids=lambda c: c.id)
def test_peer_fixture(case: PeerCase) -> None:
    """Each osv-scalibr expectation matches; the deviations are asserted as they are."""
    deviation = DEVIATIONS.get(case.id)
    if deviation == "error":
        with pytest.raises(LockfileError, match="missing 'lockfileVersion'"):
            collect_file(COLLECTOR, case.fixture)
        return
    result = collect_file(COLLECTOR, case.fixture)
    if deviation == "unversioned":
        versioned = [pair for pair in case.expected if pair[1]]
        assert versioned == name_versions(result)
        assert sorted(n for n, v in case.expected if not v) == sorted(
            s.name for s in result.skipped
        )
        return
    assert case.expected == name_versions(result)


def _node_reading(path: Path) -> list[tuple[str, str]]:
    """The independent reading: node evaluates the file as a JavaScript object literal
    (which allows trailing commas) and splits each resolution at its last ``@``."""
    script = (
        "const fs=require('fs');const d=eval('('+fs.readFileSync(process.argv[1],'utf8')+')');"
        "const out=[];for(const v of Object.values(d.packages)){"
        "const r=v[0];const i=r.lastIndexOf('@');"
        "const n=r.slice(0,i),s=r.slice(i+1);if(/^\\d/.test(s))out.push([n,s]);}"
        "console.log(JSON.stringify(out));"
    )
    done = subprocess.run(
        ["node", "-e", script, str(path)], capture_output=True, text=True, timeout=60, check=True
    )
    return sorted({(n, v) for n, v in json.loads(done.stdout)})


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("folder", REAL)
def test_real_file_packages_equal_nodes_reading(folder: str) -> None:
    """Every registry resolution node reads is a package, and nothing else; every package
    is reachable from the root, with its sha512."""
    path = HERE / "real" / folder / "bun.lock"
    result = collect_file(COLLECTOR, path)
    assert _node_reading(path) == name_versions(result)
    graph = DependencyGraph.from_results([result])
    assert [] == [p.display for p in graph.packages if graph.depth(p.id) is None]
    assert all(p.hashes and p.found_in[0].line for p in result.packages)


WORKSPACE = """{
  "lockfileVersion": 1,
  // bun writes no comments, but JSONC allows them
  "workspaces": {
    "": { "name": "app", "dependencies": { "@acme/ui": "workspace:*", "lodash": "^4" } },
    "packages/ui": {
      "name": "@acme/ui",
      "dependencies": { "react": "^18", "lodash": "^3" },
      "devDependencies": { "vitest": "^1" },
    },
  },
  "packages": {
    "@acme/ui": ["@acme/ui@workspace:packages/ui"],
    "lodash": ["lodash@4.17.21", "", {}, "sha512-AAAA"],
    "@acme/ui/lodash": ["lodash@3.10.1", "https://user:token@npm.invalid/", {},
      "sha512-AAAA"],
    "react": ["react@18.3.1", "", { "dependencies": { "loose-envify": "^1.1.0" },
      "optionalDependencies": { "fsevents": "*" } }, "sha512-x"],
    "loose-envify": ["loose-envify@1.4.0", "", {}, "sha512-y"],
    "vitest": ["vitest@git+https://git.invalid/vitest.git#0123456789abcdef0123456789abcdef01234567",
      { "dependencies": { "tinypool": "^1" } }, "0123456"],
    "tinypool": ["tinypool@1.0.0", "", {}, "sha512-z"],
  },
}
"""


def test_workspace_members_nested_installs_and_transparent_git_packages() -> None:
    """Each workspace is a root; a workspace: package is an edge to that root; packages/ui's
    lodash resolves to the copy installed under it; a git package (no version) is skipped and
    its own dependency hangs from its dependent; a missing optional dependency is no skip."""
    result = collect_text(COLLECTOR, WORKSPACE, "bun.lock")
    assert ["root:bun.lock", "root:bun.lock#packages/ui"] == [r.id for r in result.roots]
    edges = {(e.parent, e.child, e.scope) for e in result.edges}
    assert ("root:bun.lock", "root:bun.lock#packages/ui", None) in edges
    assert ("root:bun.lock", "pkg:npm/lodash@4.17.21", None) in edges
    assert ("root:bun.lock#packages/ui", "pkg:npm/lodash@3.10.1", None) in edges
    assert ("root:bun.lock#packages/ui", "pkg:npm/tinypool@1.0.0", "dev") in edges
    assert ("pkg:npm/react@18.3.1", "pkg:npm/loose-envify@1.4.0", None) in edges
    assert [
        ("vitest", "git source without a version (commit 0123456789abcdef0123456789abcdef01234567)")
    ] == [(s.name, s.reason) for s in result.skipped]
    assert ("https://****:****@npm.invalid/",) == result.registries
    lodash = next(p for p in result.packages if p.display == "lodash@3.10.1")
    assert (15, 'packages["@acme/ui/lodash"]') == (lodash.found_in[0].line, lodash.found_in[0].key)
    lines = {p.display: p.found_in[0].line for p in result.packages}
    assert {"lodash@4.17.21": 14, "react@18.3.1": 17, "loose-envify@1.4.0": 19} == {
        k: lines[k] for k in ("lodash@4.17.21", "react@18.3.1", "loose-envify@1.4.0")
    }


def test_helpers_split_install_paths_and_strip_jsonc() -> None:
    """Scoped names stay whole in install paths; comments and trailing commas go, strings
    (with ``//`` and ``,]`` inside) stay, line count is kept."""
    assert ["chalk", "@babel/core", "x"] == key_names("chalk/@babel/core/x")
    text = '{"a": "//x,]", // note\n "b": [1, 2,],\n /* c\n */ }'
    assert {"a": "//x,]", "b": [1, 2]} == json.loads(strip_jsonc(text))
    assert text.count("\n") == strip_jsonc(text).count("\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "bun.lock: file is empty, expected JSON"),
        (
            '{"lockfileVersion": 7}',
            "bun.lock: bun.lock lockfileVersion 7 is not supported (expected 0 or 1)",
        ),
        (
            '{"lockfileVersion": 1, "packages": {"a": []}}',
            'bun.lock: empty package tuple, expected ["name@version", ...] in packages.a',
        ),
        (
            '{"lockfileVersion": 1, "packages": {"a": [1]}}',
            "bun.lock: value is an integer, expected a string in packages.a[0]",
        ),
        (
            '{"lockfileVersion": 1, "packages": {"a": ["nope"]}}',
            "bun.lock: resolution 'nope' is not name@version in packages.a[0]",
        ),
        (
            '{"lockfileVersion": 1,\n "packages": {"a" 1}}',
            "bun.lock:2: not valid JSON: Expecting ':' delimiter",
        ),
    ],
)
def test_malformed_files_name_the_place(text: str, message: str) -> None:
    """Each broken shape is one LockfileError naming the file and the key or line."""
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "bun.lock")
    assert message == str(info.value)
