"""yarn.lock (classic and berry): peer fixtures, real files, edges, roots, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from auditor.collectors.npm.yarn import YarnLockCollector
from auditor.core.errors import LockfileError
from auditor.core.graph import DependencyGraph
from auditor.core.model import CollectResult, Hash, SourceKind, root_id
from tests.support import FIXTURES, PeerCase, collect_file, collect_text, name_versions, peer_cases

HERE = FIXTURES / "yarn-lock"
REAL = HERE / "real"
COLLECTOR = YarnLockCollector()

# Where auditor deliberately differs from a peer expectation, and why: a berry
# ``workspace:`` entry is the project itself (or one of its workspaces), not a dependency
# anyone installs from a registry, so auditor makes it a root. osv-scanner v1 lists every
# workspace as a package with version "0.0.0-use.local"; osv-scalibr leaves out the root
# workspace but lists the others.
WORKSPACE_DEVIATIONS = {
    "osv-scanner-v1/with-aliases.v2.lock": ("mine", "0.0.0-use.local"),
    "osv-scanner-v1/with-build-string.v2.lock": ("zone.js", "0.0.0-use.local"),
    "osv-scanner-v1/with-prerelease.v2.lock": ("eslint-plugin-jest", "0.0.0-use.local"),
    "osv-scalibr/exclude-root.v2.lock": ("@ws/ansi-regex", "0.0.0-use.local"),
}


def listed(result: CollectResult) -> list[tuple[str, str]]:
    """(name, version) of every entry; entries without a version (skipped) as ``""``."""
    return sorted(name_versions(result) + [(s.name, "") for s in result.skipped])


@pytest.mark.parametrize("case", peer_cases(HERE / "peer"), ids=lambda c: c.id)
def test_peer_fixture(case: PeerCase) -> None:
    """Each peer expectation (name, version) matches exactly, deviations explained above."""
    result = collect_file(COLLECTOR, case.fixture)
    expected = list(case.expected)
    workspace = WORKSPACE_DEVIATIONS.get(case.id)
    if workspace is not None:
        expected.remove(workspace)
        # the entry left out is a workspace, and it is one of the file's roots
        text = case.fixture.read_text()
        assert f'resolution: "{workspace[0]}@workspace:' in text
        assert len(re.findall(r'resolution: "[^"]+@workspace:', text)) == len(result.roots)
    assert expected == listed(result)


@pytest.mark.parametrize("case", peer_cases(HERE / "peer"), ids=lambda c: c.id)
def test_peer_commits_are_git_references(case: PeerCase) -> None:
    """Every commit a peer expects is the git reference of that package's source."""
    result = collect_file(COLLECTOR, case.fixture)
    details = json.loads(case.fixture.with_name(case.fixture.name + ".expected.json").read_text())
    for detail in details["details"]:
        if detail.get("commit"):
            sources = {
                p.source
                for p in result.packages
                if (p.name, p.version) == (detail["name"], detail["version"])
            }
            assert detail["commit"] in {s.reference for s in sources}, detail
            assert {SourceKind.GIT} == {s.kind for s in sources}


def test_metadata_only_berry_file_has_no_packages() -> None:
    """A berry lock with only ``__metadata`` is valid and empty."""
    result = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/metadata-only.v2.lock")
    assert ((), ()) == (result.packages, result.edges)


def _classic_entries(text: str) -> list[tuple[str, str]]:
    """(first specifier's real name, version) per entry, read with two regexes."""
    pairs = []
    for header, version in re.findall(r'^("?[^\s#"][^\n]*):\n  "?version"? "([^"]+)"', text, re.M):
        first = header.split(",")[0].strip().strip('"')
        name, _, spec = first[1:].partition("@")
        name = first[0] + name
        if spec.startswith("npm:"):
            real = spec[4:]
            name = real[0] + real[1:].partition("@")[0]
        pairs.append((name, version))
    return pairs


@pytest.mark.parametrize(
    ("folder", "entries", "packages"),
    [
        # every entry a distinct name@version
        ("argoproj__argo-cd__ui", 1294, 1294),
        ("wallabag__wallabag", 758, 758),
        # 762 entries; string-width-cjs, strip-ansi-cjs and wrap-ansi-cjs are aliases of
        # versions also locked under their own names → 759 packages
        ("rails__rails", 762, 759),
    ],
)
def test_classic_real_file_has_exact_package_count(
    folder: str, entries: int, packages: int
) -> None:
    """Entry and package counts, checked against an independent reading of the text."""
    path = REAL / folder / "yarn.lock"
    result = collect_file(COLLECTOR, path)
    raw = _classic_entries(path.read_text())
    assert entries == len(raw)
    assert packages == len(set(raw)) == len(result.packages)
    assert sorted(set(raw)) == name_versions(result)
    assert () == result.skipped
    graph = DependencyGraph.from_results([result])
    # without a package.json, what nothing depends on hangs from the root: all reachable
    assert [] == [p.id for p in graph.packages if graph.depth(p.id) is None]


def test_classic_package_json_beside_the_lock_gives_the_direct_dependencies(tmp_path: Path) -> None:
    """Root edges follow package.json; dev dependencies are the dev scope; peers are not
    installed by yarn classic; optional dependencies of a package are optional edges."""
    lock = (HERE / "peer/osv-scalibr/files.v1.lock").read_text()
    (tmp_path / "yarn.lock").write_text(lock)
    manifest = {
        "dependencies": {"other_package": "file:./deps/other_package"},
        "devDependencies": {"lodash": "^1.3.1"},
        "peerDependencies": {"etag": "^1.0.0"},
    }
    (tmp_path / "package.json").write_text(json.dumps(manifest))
    result = collect_file(COLLECTOR, tmp_path / "yarn.lock")
    edges = {
        (e.parent, e.child.split("?")[0].removeprefix("pkg:npm/"), e.scope) for e in result.edges
    }
    main = root_id("yarn.lock")
    assert {
        (main, "other_package@0.0.2", None),
        (main, "lodash@1.3.1", "dev"),
        ("pkg:npm/other_package@0.0.2?source=path:./deps/other_package", "lodash@1.3.1", None),
        ("pkg:npm/other_package@0.0.2?source=path:./deps/other_package", "etag@1.8.1", "optional"),
    } == edges
    graph = DependencyGraph.from_results([result])
    # lodash is a dev dependency of the project and a dependency of other_package
    assert ("dev", "main") == graph.scopes("pkg:npm/lodash@1.3.1")


def test_classic_sources_hashes_aliases_and_registries() -> None:
    """Registry tarballs give the registry base and the sha1 in the URL fragment; codeload
    tarballs are git commits; an alias is the real package."""
    result = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/with-aliases.v1.lock")
    ansi = next(p for p in result.packages if p.display == "ansi-regex@5.0.1")
    assert Hash(algorithm="sha1", value="082cb2c89c9fe8659a311a53bd6a4dc5301db304") in ansi.hashes
    assert "sha512" in {h.algorithm for h in ansi.hashes}
    assert ("https://yarn-registry.invalid/",) == result.registries
    assert "ansi-regex-cjs@npm:ansi-regex@^5.0.0" == ansi.found_in[0].key
    commits = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/commits.v1.lock")
    mine3 = next(p for p in commits.packages if p.name == "mine3")
    assert (SourceKind.GIT, "https://github.com/G-Rath/npm-git-repo-1") == (
        mine3.source.kind,
        mine3.source.url,
    )
    token = next(p for p in commits.packages if p.display == "is-number@5.0.0")
    assert "https://****@github.com/jonschlinkert/is-number.git" == token.source.url


def test_entry_lines_are_the_header_lines() -> None:
    """found_in points at the line of each entry's header."""
    path = REAL / "wallabag__wallabag/yarn.lock"
    lines = path.read_text().splitlines()
    for package in collect_file(COLLECTOR, path).packages:
        location = package.found_in[0]
        assert lines[location.line - 1].rstrip(":").strip('"').startswith(location.key.strip('"'))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "yarn.lock: file is empty, expected a yarn lockfile"),
        ('a@^1:\n  version "1.0.0\n', "yarn.lock:2: unterminated string"),
        ('a@^1:\n   version "1"\n', "yarn.lock:2: indentation of 3 spaces is not a multiple of 2"),
        ('a@^1:\n\tversion "1"\n', "yarn.lock:2: tab in indentation (yarn uses two spaces)"),
        ('a@^1:\n    version "1"\n', "yarn.lock:2: unexpected indentation"),
        ('a@^1 "x"\n', "yarn.lock:1: expected an entry header ending with ':'"),
        ('a@^1:\n  resolved "x"\n', "yarn.lock:1: missing 'version' in entry 'a@^1'"),
        (
            'a@^1:\n  version "1"\n\na@^1, b@1:\n  version "2"\n',
            "yarn.lock:4: duplicate entry 'a@^1' (first on line 1)",
        ),
        ('a@^1:\n  version "1"\n  version "2"\n', "yarn.lock:3: duplicate key 'version'"),
        ("<<<<<<< HEAD\n", "yarn.lock:1: merge conflict marker; resolve the conflict first"),
        (
            'a@^1:\n  version:\n    x "1"\n',
            "yarn.lock:2: 'version' is not a string in entry 'a@^1'",
        ),
        (
            'a@^1:\n  version "1"\n  dependencies "b"\n',
            "yarn.lock:3: 'dependencies' is not a block in entry 'a@^1'",
        ),
        (
            'a@^1:\n  version "1"\n  dependencies:\n    b:\n      c "1"\n',
            "yarn.lock:4: dependencies.b is not a string in entry 'a@^1'",
        ),
        ('"a b@1":\n  version "1"\n', "yarn.lock:1: invalid package name 'a b' in entry 'a b@1'"),
        # yarn reads a word after a value as the next key, and it has no value
        ('a@^1:\n  version "1" "2"\n', "yarn.lock:2: key '2' has no value"),
        ('a@^1:\n  version "1\\x"\n', "yarn.lock:2: invalid quoted string (yarn cannot read it)"),
        ("a@^1:\n  version\n", "yarn.lock:2: key 'version' has no value"),
        ('a@^1:\n  ,version "1"\n', "yarn.lock:2: expected a key (',', a ,)"),
        # what yarn's tokenizer refuses: a stray character, a number or boolean as a key,
        # a word run into a number or boolean, a control character in a string
        (
            'a@^1:\n  version "1"\n}{\n',
            "yarn.lock:3: unexpected character '}' (yarn cannot read it)",
        ),
        (
            'a@^1:\n  version "1"\n  dependencies:\n    true-ish "1"\n',
            "yarn.lock:4: expected a key ('true', a boolean)",
        ),
        ("a@^1:\n  version 1.0\n", "yarn.lock:2: key '.0' has no value"),
        ('a@^1:\n  version "1"\n  123abc x\n', "yarn.lock:3: expected a key ('123', a number)"),
        ('a@^1:\n  version "1\x01"\n', "yarn.lock:2: invalid quoted string (yarn cannot read it)"),
        (
            'a@^1:\n  version "1"\t\n',
            "yarn.lock:2: unexpected character '\\t' (yarn cannot read it)",
        ),
        ('a@^1:\n  "x", "y" "1"\n', "yarn.lock:2: only entry headers may list several keys"),
        (
            'a@^1:\n  version "1"\nx' + "y" * 300 + "\n",
            "yarn.lock:3: key 'x" + "y" * 59 + "…' has no value",
        ),
    ],
)
def test_classic_malformed_input_names_file_and_line(text: str, message: str) -> None:
    """Each broken classic shape gives one precise message naming the line."""
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "yarn.lock")
    assert message == str(info.value)


def test_sniffs_both_flavours() -> None:
    """A renamed classic or berry lock is recognised by content; package-lock is not."""
    assert COLLECTOR.sniff((REAL / "rails__rails/yarn.lock").read_text())
    assert COLLECTOR.sniff((REAL / "babel__babel/yarn.lock").read_text())
    assert not COLLECTOR.sniff('{"lockfileVersion": 3}')
