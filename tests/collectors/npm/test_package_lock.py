"""package-lock.json: peer fixtures, real files, Node's resolution, workspaces, errors."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import unquote

import pytest

from auditor.collectors.npm.package_lock import NpmPackageLockCollector
from auditor.core.errors import LockfileError
from auditor.core.graph import DependencyGraph
from auditor.core.model import CollectResult, Hash, SourceKind, root_id
from tests.support import (
    FIXTURES,
    PeerCase,
    collect_file,
    collect_text,
    name_versions,
    peer_cases,
    run_cli,
)

HERE = FIXTURES / "npm-package-lock"
REAL = HERE / "real"
COLLECTOR = NpmPackageLockCollector()


def listed(result: CollectResult) -> list[tuple[str, str]]:
    """(name, version) of every locked entry, the way the peers list them.

    The peers report an entry whose version the lockfile does not record (a v1 git or
    ``file:`` dependency) with version ``""``; auditor keeps those as skipped packages
    (they cannot be checked by version), so they are listed here with ``""`` too.
    """
    return sorted(name_versions(result) + [(s.name, "") for s in result.skipped])


@pytest.mark.parametrize("case", peer_cases(HERE / "peer"), ids=lambda c: c.id)
def test_peer_fixture(case: PeerCase) -> None:
    """Each peer expectation (name, version) matches exactly; aliases under the real name."""
    assert case.expected == listed(collect_file(COLLECTOR, case.fixture))


@pytest.mark.parametrize("case", peer_cases(HERE / "peer"), ids=lambda c: c.id)
def test_peer_details_commits_and_groups(case: PeerCase) -> None:
    """Git commits the peers expect are the package's source reference (or, for an entry
    without a version, named in the skip reason); dev/optional groups are scopes."""
    result = collect_file(COLLECTOR, case.fixture)
    details = json.loads(case.fixture.with_name(case.fixture.name + ".expected.json").read_text())
    for detail in details["details"]:
        name, version = detail["name"], detail["version"]
        if detail.get("commit"):
            references = {p.source.reference for p in result.packages if p.name == name}
            reasons = " ".join(s.reason for s in result.skipped if s.name == name)
            assert detail["commit"] in references or detail["commit"] in reasons
        groups = set((detail.get("metadata") or {}).get("DepGroupVals") or [])
        for package in (p for p in result.packages if (p.name, p.version) == (name, version)):
            assert groups <= package.scopes, (name, groups, package.scopes)


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("osv-scalibr/not-json.txt", "not-json.txt:1: not valid JSON: Expecting value"),
        ("osv-scalibr/null.v2.jsontest", "null.v2.jsontest: document is null, expected a table"),
    ],
)
def test_peer_error_fixtures(fixture: str, message: str) -> None:
    """The peers' error fixtures fail with one precise message."""
    with pytest.raises(LockfileError) as info:
        collect_file(COLLECTOR, HERE / "peer" / fixture)
    assert message == str(info.value)


# Exact counts, computed independently below from the raw JSON:
# v2/v3: every "packages" key except the root "", links and workspace folders is an
# installed copy; copies with the same (real name, version) are one package.
# v1: every nested "dependencies" entry is an installed copy; an entry whose version is a
# git URL with a commit is a package without a version (the commit identifies it), one whose
# version is a file: specifier has no version and is skipped.
REAL_COUNTS = {
    # 651 keys = "" + 650 installed copies → 623 distinct name@version
    "BookStackApp__BookStack": {"copies": 650, "packages": 623, "skipped": 0, "roots": 1},
    # 557 keys = "" + 5 links + 3 workspace folders (ruff, shared, ty) + 548 copies → 544
    "astral-sh__ruff__playground": {"copies": 548, "packages": 544, "skipped": 0, "roots": 4},
    # 1064 copies → 1002 (folder name, version) pairs, of which the 3 aliases
    # string-width-cjs, strip-ansi-cjs, wrap-ansi-cjs are real packages locked elsewhere
    # too → 999 packages
    "pypi__warehouse": {"copies": 1064, "packages": 999, "skipped": 0, "roots": 1},
    # 649 entries → 522 distinct
    "atom__atom__apm": {"copies": 649, "packages": 522, "skipped": 0, "roots": 1},
    # 1114 entries = 1019 versioned (→ 890 distinct) + 68 git entries (68 distinct
    # commits → 68 packages) + 27 file: entries (→ 27 skipped, all distinct)
    "atom__atom": {"copies": 1114, "packages": 958, "skipped": 27, "roots": 1},
    # 1745 entries → 1275 distinct
    "atom__atom__script": {"copies": 1745, "packages": 1275, "skipped": 0, "roots": 1},
}


def _raw_counts(lock: dict[str, object]) -> tuple[int, set[tuple[str, str]], int, int]:
    """(installed copies, distinct (name, version), git commits, versionless) from raw JSON."""
    copies, pairs, gits, versionless = 0, set(), set(), set()
    packages = lock.get("packages")
    if isinstance(packages, dict):
        patterns = [p.rstrip("/*") for p in packages[""].get("workspaces", [])]
        for key, entry in packages.items():
            if key == "" or entry.get("link") or key in patterns:
                continue
            copies += 1
            name = entry.get("name") or key.rsplit("node_modules/", 1)[-1].rsplit("/", 1)[-1]
            if key.startswith("node_modules/"):
                name = entry.get("name") or key.rsplit("node_modules/", 1)[-1]
            pairs.add((name, entry["version"]))
        return copies, pairs, 0, 0
    stack = [lock["dependencies"]]
    while stack:
        for key, entry in stack.pop().items():
            copies += 1
            name, version = key, entry["version"]
            if version.startswith("npm:"):
                name, _, version = version[4:].rpartition("@")
            if version[0].isdigit():
                pairs.add((name, version))
            elif version.startswith("git+") and "#" in version:
                pairs.add((name, ""))  # no version; each has its own commit
                gits.add((name, version))
            else:
                versionless.add((name, version))
            stack.append(entry.get("dependencies", {}))
    return copies, pairs, len(gits), len(versionless)


@pytest.mark.parametrize("folder", sorted(REAL_COUNTS))
def test_real_file_has_exact_package_count(folder: str) -> None:
    """The collector's counts equal the raw JSON's, and both equal the numbers above."""
    path = REAL / folder / "package-lock.json"
    result = collect_file(COLLECTOR, path)
    copies, pairs, gits, versionless = _raw_counts(json.loads(path.read_text()))
    expected = REAL_COUNTS[folder]
    assert expected["copies"] == copies
    versionless_gits = len({name for name, version in pairs if not version})
    assert expected["packages"] == len(pairs) - versionless_gits + gits == len(result.packages)
    assert set(name_versions(result)) == pairs
    assert expected["skipped"] == versionless == len(result.skipped)
    assert expected["roots"] == len(result.roots)
    assert ("https://npm-registry.invalid/",) == result.registries


def test_same_package_at_several_paths_is_one_package_with_every_location() -> None:
    """string-width@4.2.3 installed at six paths (one through an alias) is one package."""
    result = collect_file(COLLECTOR, REAL / "pypi__warehouse/package-lock.json")
    package = next(p for p in result.packages if p.id == "pkg:npm/string-width@4.2.3")
    keys = [loc.key for loc in package.found_in]
    assert 6 == len(keys)
    assert 'packages["node_modules/string-width-cjs"]' in keys
    line = next(loc.line for loc in package.found_in if loc.key and "cjs" in loc.key)
    text = (REAL / "pypi__warehouse/package-lock.json").read_text().splitlines()
    assert '"node_modules/string-width-cjs": {' == text[line - 1].strip()


def test_alias_edge_keeps_the_alias_in_its_requirement() -> None:
    """An alias edge leads to the real package; the requirement shows the alias."""
    result = collect_file(COLLECTOR, REAL / "pypi__warehouse/package-lock.json")
    edges = {e.requirement: e for e in result.edges if e.parent == "pkg:npm/%40isaacs/cliui@8.0.2"}
    edge = edges["string-width-cjs@npm:string-width@^4.2.0"]
    assert "pkg:npm/string-width@4.2.3" == edge.child


def test_workspaces_are_roots_with_their_own_edges() -> None:
    """ruff's playground: three workspace members are roots; links bind to them."""
    result = collect_file(COLLECTOR, REAL / "astral-sh__ruff__playground/package-lock.json")
    main, ruff, shared = (
        root_id("package-lock.json"),
        root_id("package-lock.json", "ruff"),
        root_id("package-lock.json", "shared"),
    )
    assert {
        (main, "playground"),
        (ruff, "ruff-playground"),
        (shared, "shared"),
        (root_id("package-lock.json", "ty"), "ty-playground"),
    } == {(r.id, r.name) for r in result.roots}
    edges = {(e.parent, e.child): e for e in result.edges}
    assert "ruff-playground@file:ruff" == edges[(main, ruff)].requirement
    # ruff declares "shared": "0.0.0", installed as a link node_modules/shared → shared/
    assert "shared@0.0.0" == edges[(ruff, shared)].requirement
    wasm = next(p for p in result.packages if p.name == "ruff_wasm")
    assert (SourceKind.PATH, "ruff/ruff_wasm", "0.14.5") == (
        wasm.source.kind,
        wasm.source.url,
        wasm.version,
    )
    assert "ruff_wasm@file:ruff_wasm" == edges[(ruff, wasm.id)].requirement
    # root devDependencies are dev edges; "typescript" is an alias of @typescript/typescript6
    ts = edges[(main, "pkg:npm/%40typescript/typescript6@6.0.2")]
    assert ("dev", "typescript@npm:@typescript/typescript6@^6.0.2") == (ts.scope, ts.requirement)


def _tree(packages: dict[str, dict[str, object]]) -> str:
    return json.dumps({"lockfileVersion": 3, "packages": packages})


def test_dependencies_bind_to_the_nearest_node_modules_up_the_path() -> None:
    """Node's resolution: own node_modules first, then each enclosing one; workspace
    folders search their own node_modules, then the root's."""
    text = _tree(
        {
            "": {"workspaces": ["packages/*"], "dependencies": {"a": "^1", "c": "^1"}},
            "node_modules/a": {"version": "1.0.0", "dependencies": {"c": "^2", "d": "^1"}},
            "node_modules/a/node_modules/c": {"version": "2.0.0"},
            "node_modules/a/node_modules/d": {"version": "1.0.0", "dependencies": {"c": "*"}},
            "node_modules/c": {"version": "1.0.0"},
            "node_modules/foo": {"resolved": "packages/foo", "link": True},
            "packages/foo": {"name": "foo", "dependencies": {"c": "^3", "a": "^1"}},
            "packages/foo/node_modules/c": {"version": "3.0.0"},
        }
    )
    result = collect_text(COLLECTOR, text, "package-lock.json")
    got = {
        (e.parent.removeprefix("pkg:npm/"), e.child.removeprefix("pkg:npm/")) for e in result.edges
    }
    main, foo = root_id("package-lock.json"), root_id("package-lock.json", "packages/foo")
    assert {
        (main, "a@1.0.0"),
        (main, "c@1.0.0"),
        (main, foo),
        ("a@1.0.0", "c@2.0.0"),
        ("a@1.0.0", "d@1.0.0"),
        ("d@1.0.0", "c@2.0.0"),  # d's own folder has no c: a's node_modules is next
        (foo, "c@3.0.0"),
        (foo, "a@1.0.0"),
    } == got


def test_v1_requires_bind_through_nested_dependencies() -> None:
    """v1: a nested entry's requires bind to its own nested dependencies first."""
    result = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/nested-dependencies.v1.json")
    got = {(e.parent, e.child) for e in result.edges if not e.parent.startswith("root:")}
    assert ("pkg:npm/postcss-calc@7.0.1", "pkg:npm/postcss@7.0.16") in got
    assert ("pkg:npm/postcss@7.0.16", "pkg:npm/supports-color@6.1.0") in got
    assert ("pkg:npm/postcss@6.0.23", "pkg:npm/supports-color@5.5.0") in got
    # without a package.json, the top-level entries nothing requires hang from the root
    # (postcss-calc binds its own nested postcss 7, so nothing requires postcss 6)
    root_children = {e.child for e in result.edges if e.parent.startswith("root:")}
    assert {"pkg:npm/postcss-calc@7.0.1", "pkg:npm/postcss@6.0.23"} == root_children


def test_v1_package_json_beside_the_lock_gives_the_direct_dependencies(tmp_path: Path) -> None:
    """With package.json, the root edges are its dependencies, dev ones in the dev scope."""
    source = HERE / "peer/osv-scalibr/nested-dependencies.v1.json"
    (tmp_path / "package-lock.json").write_text(source.read_text())
    manifest = {"dependencies": {"postcss": "^6"}, "devDependencies": {"postcss-calc": "^7"}}
    (tmp_path / "package.json").write_text(json.dumps(manifest))
    result = collect_file(COLLECTOR, tmp_path / "package-lock.json")
    root_edges = {
        (e.child, e.requirement, e.scope) for e in result.edges if e.parent.startswith("root:")
    }
    assert {
        ("pkg:npm/postcss@6.0.23", "postcss@^6", None),
        ("pkg:npm/postcss-calc@7.0.1", "postcss-calc@^7", "dev"),
    } == root_edges
    assert ("package-lock.json", "package.json") == result.files


def test_flags_become_scopes() -> None:
    """optional, devOptional, dev, inBundle and peer flags are kept as scopes."""
    text = _tree(
        {
            "": {"dependencies": {"a": "1"}},
            "node_modules/a": {"version": "1.0.0"},
            "node_modules/b": {"version": "1.0.0", "dev": True},
            "node_modules/c": {"version": "1.0.0", "optional": True},
            "node_modules/d": {"version": "1.0.0", "devOptional": True},
            "node_modules/e": {"version": "1.0.0", "peer": True},
            "node_modules/f": {"version": "1.0.0", "dev": True, "inBundle": True},
        }
    )
    scopes = {
        p.name: set(p.scopes) for p in collect_text(COLLECTOR, text, "package-lock.json").packages
    }
    assert {
        "a": {"main"},
        "b": {"dev"},
        "c": {"optional"},
        "d": {"dev", "optional"},
        "e": {"peer"},
        "f": {"dev", "bundled"},
    } == scopes


def test_sources_hashes_and_redaction() -> None:
    """git sources keep the commit with the URL redacted; file: targets are paths;
    SRI integrity becomes a hex hash."""
    result = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/commits.v2.json")
    by_key = {p.found_in[0].key: p for p in result.packages}
    git = by_key['packages["node_modules/is-number-5"]']
    assert (SourceKind.GIT, "af885e2e890b9ef0875edd2b117305119ee5bdc5") == (
        git.source.kind,
        git.source.reference,
    )
    assert "git+https://****@github.com/jonschlinkert/is-number.git" == git.source.url
    # an entry without a version that names its commit is still a package (the commit
    # identifies it, as npm ls and the peers list it), with the commit in its purl
    raven = next(p for p in result.packages if p.name == "raven-js")
    assert ("", SourceKind.GIT, "c2b377e7a254264fd4a1fe328e4e3cfc9e245570") == (
        raven.version,
        raven.source.kind,
        raven.source.reference,
    )
    assert "@c2b377e7a254264fd4a1fe328e4e3cfc9e245570" in unquote(raven.purl)
    assert "vcs_url=" in raven.purl
    assert [] == list(result.skipped)
    wrappy = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/one-package.v2.json").packages[0]
    assert {
        Hash(algorithm="sha1", value=base64.b64decode("tSQ9jz7BqjXxNkYFvA0QNuMKtp8=").hex())
    } == wrappy.hashes
    etag = next(
        p
        for p in collect_file(COLLECTOR, HERE / "peer/osv-scalibr/files.v2.json").packages
        if p.name == "etag"
    )
    assert (SourceKind.PATH, "deps/etag") == (etag.source.kind, etag.source.url)


def test_every_package_of_a_real_file_is_reachable_from_a_root() -> None:
    """In the v3 files every installed package hangs, through edges, from a root."""
    for folder in ("BookStackApp__BookStack", "astral-sh__ruff__playground", "pypi__warehouse"):
        graph = DependencyGraph.from_results(
            [collect_file(COLLECTOR, REAL / folder / "package-lock.json")]
        )
        assert [] == [p.id for p in graph.packages if graph.depth(p.id) is None], folder


def test_shrinkwrap_is_claimed_and_sniffed() -> None:
    """npm-shrinkwrap.json is the same format; content sniffing recognises a renamed file."""
    assert COLLECTOR.claims("npm-shrinkwrap.json")
    assert COLLECTOR.claims("package-lock.json")
    assert COLLECTOR.sniff((REAL / "pypi__warehouse/package-lock.json").read_text())
    assert not COLLECTOR.sniff('{"name": "x", "dependencies": {}}')
    result = collect_file(
        COLLECTOR, HERE / "peer/osv-scalibr/npm-shrinkwrap-only/npm-shrinkwrap.json"
    )
    assert result.packages


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "package-lock.json: file is empty, expected JSON"),
        (
            "{",
            "package-lock.json:1: not valid JSON:"
            " Expecting property name enclosed in double quotes",
        ),
        ("[]", "package-lock.json: document is an array, expected a table"),
        ("{}", "package-lock.json: missing 'lockfileVersion'"),
        (
            '{"lockfileVersion": "3"}',
            "package-lock.json: 'lockfileVersion' is a string, expected an integer",
        ),
        (
            '{"lockfileVersion": 4}',
            "package-lock.json: unsupported lockfileVersion 4 (expected 1, 2 or 3)",
        ),
        (
            '{"lockfileVersion": 3, "packages": []}',
            "package-lock.json: 'packages' is an array, expected a table",
        ),
        (
            '{"lockfileVersion": 3, "packages": {"node_modules/a": 1}}',
            "package-lock.json: value is an integer, expected a table"
            ' in packages["node_modules/a"]',
        ),
        (
            '{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": 1}}}',
            "package-lock.json: 'version' is an integer, expected a string"
            ' in packages["node_modules/a"]',
        ),
        (
            '{"lockfileVersion": 3, "packages": {"node_modules/a": {"dependencies": {"b": 2}}}}',
            "package-lock.json: value is an integer, expected a string"
            ' in packages["node_modules/a"].dependencies.b',
        ),
        (
            '{"lockfileVersion": 3, "packages": {"node_modules/a": {"link": true}}}',
            "package-lock.json: missing 'resolved' in packages[\"node_modules/a\"]",
        ),
        (
            '{"lockfileVersion": 3, "packages": {"node_modules/a": {"dev": "yes"}}}',
            "package-lock.json: 'dev' is a string, expected a boolean"
            ' in packages["node_modules/a"]',
        ),
        (
            '{"lockfileVersion": 3, "packages": {"": {"workspaces": "packages/*"}}}',
            "package-lock.json: 'workspaces' is a string, expected an array in packages[\"\"]",
        ),
        (
            '{"lockfileVersion": 1, "dependencies": {"a": {}}}',
            "package-lock.json: missing 'version' in dependencies.a",
        ),
        (
            '{"lockfileVersion": 1, "dependencies": {"a": {"version": "1.0.0", "requires": []}}}',
            "package-lock.json: 'requires' is an array, expected a table in dependencies.a",
        ),
        (
            '{"lockfileVersion": 1, "dependencies": {"a": {"version": "1.0.0",'
            ' "dependencies": {"b": {"version": false}}}}}',
            "package-lock.json: 'version' is a boolean, expected a string"
            " in dependencies.a.dependencies.b",
        ),
    ],
)
def test_malformed_input_names_file_and_key(text: str, message: str) -> None:
    """Each broken shape gives one precise message naming the file and the key path."""
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "package-lock.json")
    assert message == str(info.value)


def test_huge_numbers_are_a_clean_error(tmp_path: Path) -> None:
    """An integer longer than Python converts is a one-line error, here and in a TOML
    companion (both through the shared loaders)."""
    text = '{"lockfileVersion": ' + "1" * 5000 + "}"
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "package-lock.json")
    assert "package-lock.json: not valid JSON: a number too long to read" == str(info.value)
    from auditor.collectors.base import InputFile
    from auditor.core.documents import load_toml

    with pytest.raises(LockfileError) as info:
        load_toml(InputFile(path="Pipfile", text="a = " + "1" * 5000))
    assert "Pipfile: not valid TOML: a number too long to read" == str(info.value)


def test_broken_package_json_beside_the_lock_is_named(tmp_path: Path) -> None:
    """A v1 lock whose package.json is not JSON fails naming package.json."""
    (tmp_path / "package-lock.json").write_text('{"lockfileVersion": 1, "dependencies": {}}')
    (tmp_path / "package.json").write_text("{oops")
    with pytest.raises(LockfileError) as info:
        collect_file(COLLECTOR, tmp_path / "package-lock.json")
    assert str(info.value).startswith("package.json:1: not valid JSON")


def test_cli_tree_shows_workspace_members_as_their_own_trees() -> None:
    """`auditor graph` prints each workspace member once as a root; the project's edge to
    it is a leaf pointing there."""
    result = run_cli(["graph", str(REAL / "astral-sh__ruff__playground"), "--depth", "1"])
    assert 0 == result.code, result.err
    lines = result.out.splitlines()
    assert "playground (npm, package-lock.json)" == lines[0]
    assert "└── ty-playground [ty-playground@file:ty; workspace] (its own tree below)" in lines
    assert "ty-playground (npm, package-lock.json)" in lines


@pytest.mark.parametrize("version", [1, 3])
def test_an_entry_with_an_invalid_name_is_skipped_and_the_rest_read(version: int) -> None:
    """npm reads a lockfile with one entry it cannot install (npm ls lists the rest and marks
    that one invalid): the entry is skipped with its reason, the other packages and their
    edges are read, in both layouts."""
    if version == 3:
        lock = {
            "name": "app",
            "lockfileVersion": 3,
            "packages": {
                "": {"name": "app", "dependencies": {"ms": "2.1.3", "bad name": "1.0.0"}},
                "node_modules/ms": {"version": "2.1.3"},
                "node_modules/bad name": {"version": "1.0.0", "dependencies": {"ms": "^2"}},
            },
        }
        key = 'packages["node_modules/bad name"]'
    else:
        lock = {
            "name": "app",
            "lockfileVersion": 1,
            "dependencies": {
                "ms": {"version": "2.1.3"},
                "bad name": {"version": "1.0.0", "requires": {"ms": "^2"}},
            },
        }
        key = 'dependencies["bad name"]'
    result = collect_text(COLLECTOR, json.dumps(lock, indent=2), "package-lock.json")
    assert ["ms@2.1.3"] == [p.display for p in result.packages]
    assert [
        (
            "bad name",
            "bad name@1.0.0",
            "invalid package name 'bad name': npm cannot install it, the entry is ignored",
            key,
        )
    ] == [(s.name, s.requirement, s.reason, s.location.key) for s in result.skipped]
    assert all(e.child == "pkg:npm/ms@2.1.3" for e in result.edges)


def test_v1_git_dependencies_in_why_and_the_sbom() -> None:
    """atom's v1 lock: a git dependency (no version recorded, a commit) is a package with a
    vcs_url purl; ``why`` finds it and what hangs below it, and the SBOM lists it with its
    commit and its own dependencies."""
    folder = str(REAL / "atom__atom")
    why = run_cli(["why", "archive-view", folder])
    assert 0 == why.code
    assert "  atom → archive-view\n" in why.out
    below = run_cli(["why", "ls-archive@1.3.4", folder])
    assert "  atom → archive-view → ls-archive@1.3.4\n" in below.out
    sbom = json.loads(run_cli(["sbom", folder, "--timestamp", "2025-01-01T00:00:00Z"]).out)
    component = next(c for c in sbom["components"] if c["name"] == "archive-view")
    assert "version" not in component  # none recorded; the commit is in the purl
    assert component["purl"] == (
        "pkg:npm/archive-view?vcs_url=git%2Bhttps://github.com/atom/archive-view.git"
        "%40762c5b6b266704011a5672c87cf01c27920d9bd8"
    )
    depends = next(d for d in sbom["dependencies"] if d["ref"] == component["bom-ref"])
    assert "pkg:npm/ls-archive@1.3.4" in depends["dependsOn"]


def test_recorded_licences_are_kept_and_normalised() -> None:
    """v2/v3 ``license``: every warehouse entry that records one carries it; a deprecated
    id is normalised with the text kept; an old object form, a list (a choice) and a text
    that is no SPDX expression are read; no ``license`` (or a junk value) means unknown."""
    result = collect_file(COLLECTOR, REAL / "pypi__warehouse/package-lock.json")
    by_id = {p.id: p for p in result.packages}
    jqvmap = by_id["pkg:npm/jqvmap-novulnerability@1.5.1"].license
    assert jqvmap is not None
    assert ("(MIT OR GPL-3.0)", "MIT OR GPL-3.0-only", "lockfile") == (
        jqvmap.text,
        jqvmap.expression,
        jqvmap.source,
    )
    assert 988 == sum(1 for p in result.packages if p.license is not None)
    text = json.dumps(
        {
            "lockfileVersion": 3,
            "packages": {
                "": {"dependencies": {"a": "1", "b": "1", "c": "1", "d": "1", "e": "1"}},
                "node_modules/a": {"version": "1.0.0", "license": {"type": "ISC"}},
                "node_modules/b": {"version": "1.0.0", "license": "SEE LICENSE IN LICENSE"},
                "node_modules/c": {"version": "1.0.0", "license": 12},
                # as insomnia's lock records pause-stream 0.0.11 and tv4 1.3.0
                "node_modules/d": {"version": "1.0.0", "license": ["MIT", "Apache2"]},
                "node_modules/e": {
                    "version": "1.0.0",
                    "license": [{"type": "Public Domain", "url": "x"}, {"type": "MIT"}],
                },
            },
        }
    )
    found = {p.name: p.license for p in collect_text(COLLECTOR, text, "package-lock.json").packages}
    assert found["a"] is not None
    assert "ISC" == found["a"].expression
    assert found["b"] is not None
    assert (None, "SEE LICENSE IN LICENSE") == (found["b"].expression, found["b"].text)
    assert None is found["c"]
    assert found["d"] is not None
    assert ("MIT OR Apache-2.0", "MIT OR Apache2") == (found["d"].expression, found["d"].text)
    assert found["e"] is not None
    assert (None, "(Public Domain) OR MIT") == (found["e"].expression, found["e"].text)
