"""yarn berry lockfiles: descriptors, workspaces, patches, catalogs, checksums, errors."""

from __future__ import annotations

import pytest
import yaml

from auditor.collectors.npm.yarn import YarnLockCollector
from auditor.core.errors import LockfileError
from auditor.core.graph import DependencyGraph
from auditor.core.model import root_id
from tests.support import FIXTURES, collect_file, collect_text

HERE = FIXTURES / "yarn-lock"
REAL = HERE / "real"
COLLECTOR = YarnLockCollector()


def test_berry_real_file_has_exact_package_count() -> None:
    """babel: 1749 entries = 163 workspaces (roots) + 4 ``link:`` (skipped, no version)
    + 1573 ``npm:`` + 9 ``patch:`` entries, each patch being a version also locked
    unpatched → 1573 packages."""
    path = REAL / "babel__babel/yarn.lock"
    raw = yaml.safe_load(path.read_text())
    raw.pop("__metadata")
    kinds: dict[str, int] = {}
    for entry in raw.values():
        protocol = entry["resolution"][1:].partition("@")[2].split(":")[0]
        kinds[protocol] = kinds.get(protocol, 0) + 1
    assert {"npm": 1573, "workspace": 163, "patch": 9, "link": 4} == kinds
    result = collect_file(COLLECTOR, path)
    assert (163, 1573, 4) == (len(result.roots), len(result.packages), len(result.skipped))
    assert {("$repo-utils", "path source without a version")} <= {
        (s.name, s.reason) for s in result.skipped
    }
    graph = DependencyGraph.from_results([result])
    # Two packages are reached only through ``catalog:`` ranges whose catalog lives in
    # babel's .yarnrc.yml (not copied) and whose names have two locked versions each.
    assert [
        "pkg:npm/%40jridgewell/gen-mapping@0.4.0-beta.0",
        "pkg:npm/%40jridgewell/sourcemap-codec@1.6.0-beta.0",
    ] == [p.id for p in graph.packages if graph.depth(p.id) is None]


def test_berry_patch_is_the_patched_package_and_checksums_name_the_cache_key() -> None:
    """A ``patch:`` entry is the same name@version as the unpatched one; yarn's checksum
    is kept under an algorithm naming the cache key it depends on."""
    result = collect_file(COLLECTOR, REAL / "babel__babel/yarn.lock")
    interpret = next(p for p in result.packages if p.name == "interpret")
    assert "3.1.1" == interpret.version
    assert 2 == len(interpret.found_in)
    assert {"yarn-cache-10-sha512"} == {h.algorithm for h in interpret.hashes}
    old = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/scoped-packages.v2.lock").packages[0]
    assert {"yarn-cache-8-sha512"} == {h.algorithm for h in old.hashes}


def test_berry_workspaces_catalogs_locators_and_dev_scopes() -> None:
    """Workspaces are roots; dev edges come from each workspace's package.json; a
    ``catalog:`` range uses .yarnrc.yml; a relative ``file:`` binds through its locator."""
    result = collect_file(COLLECTOR, HERE / "cases/berry-workspaces/yarn.lock")
    main, member = root_id("yarn.lock"), root_id("yarn.lock", "packages/a")
    assert [(main, "demo"), (member, "@demo/a")] == [(r.id, r.name) for r in result.roots]
    # registries yarn is configured with, credentials redacted
    assert ("https://****:****@yarn-registry.invalid/", "https://npm-registry.invalid/") == (
        result.registries
    )
    edges = {
        (e.parent, e.child.removeprefix("pkg:npm/"), e.requirement, e.scope) for e in result.edges
    }
    assert {
        (main, member, "@demo/a@workspace:^", None),
        (main, "fsevents@2.3.3", "fsevents@npm:^2.3.3", "optional"),
        (main, "is-odd@3.0.1", "is-odd@npm:^3.0.1", None),
        (main, "left-pad@1.1.3", "left-pad@npm:1.1.3", "dev"),
        (
            main,
            "typescript@5.4.5",
            "typescript@patch:typescript@npm%3A^5.4.0#optional!builtin<compat/typescript>",
            "dev",
        ),
        (member, "left-pad@1.3.0", "left-pad@catalog:", None),
        (
            member,
            "local-thing@1.0.0?source=path:vendor/local-thing",
            "local-thing@file:../../vendor/local-thing",
            "dev",
        ),
        ("pkg:npm/is-odd@3.0.1", "is-number@6.0.0", "is-number@npm:^6.0.0", None),
    } == edges
    assert ("yarn.lock", ".yarnrc.yml", "packages/a/package.json", "package.json") == result.files


BERRY = "__metadata:\n  version: 8\n  cacheKey: 10c0\n\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__metadata:\n  cacheKey: 8\n", "yarn.lock: missing 'version' in __metadata"),
        ("__metadata: 1\n", "yarn.lock: '__metadata' is an integer, expected a table"),
        (
            BERRY + '"a@npm:^1":\n  version: 1.0.0\n',
            "yarn.lock: missing 'resolution' in [\"a@npm:^1\"]",
        ),
        (
            BERRY + '"a@npm:^1":\n  version: 1.0\n  resolution: "a@npm:1.0.0"\n',
            "yarn.lock: 'version' is a number, expected a string in [\"a@npm:^1\"]",
        ),
        (
            BERRY + '"a@npm:^1":\n  version: 1.0.0\n  resolution: "npm:1.0.0"\n',
            "yarn.lock: invalid resolution 'npm:1.0.0' in [\"a@npm:^1\"]",
        ),
        (
            BERRY + '"a@npm:^1":\n  version: 1.0.0\n  resolution: "a@npm:1.0.0"\n  checksum: xyz\n',
            "yarn.lock: 'checksum' is not [<cache key>/]<hex>: 'xyz' in [\"a@npm:^1\"]",
        ),
        (
            BERRY
            + '"a@npm:^1":\n  version: 1.0.0\n  resolution: "a@npm:1.0.0"\n  dependencies: []\n',
            "yarn.lock: 'dependencies' is an array, expected a table in [\"a@npm:^1\"]",
        ),
        (
            BERRY + '"a@npm:^1":\n  version: [1\n',
            "yarn.lock:7: not valid YAML: did not find expected ',' or ']'",
        ),
    ],
)
def test_berry_malformed_input_names_file_and_key(text: str, message: str) -> None:
    """Each broken berry shape gives one precise message naming the key path or line."""
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "yarn.lock")
    assert message == str(info.value)
