"""composer.lock: peer fixtures, real files against a plain JSON reading, scopes, sources,
replace/provide, composer.json beside the lock, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.collectors.packagist.composer_lock import ComposerLockCollector
from auditor.core.errors import LockfileError
from auditor.core.graph import DependencyGraph
from auditor.core.model import SourceKind
from tests.support import FIXTURES, PeerCase, collect_file, collect_text, name_versions, peer_cases

HERE = FIXTURES / "composer-lock"
COLLECTOR = ComposerLockCollector()
REAL = sorted(p.parent.name for p in (HERE / "real").rglob("composer.lock"))


@pytest.mark.parametrize("case", peer_cases(HERE / "peer"), ids=lambda c: c.id)
def test_peer_fixture(case: PeerCase) -> None:
    """Each osv-scalibr / osv-scanner expectation (name, version) matches exactly."""
    assert case.expected == name_versions(collect_file(COLLECTOR, case.fixture))


def _json_reading(path: Path) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    data = json.loads(path.read_text())
    main = {(p["name"], p["version"]) for p in data["packages"]}
    dev = {(p["name"], p["version"]) for p in data["packages-dev"]}
    return main, dev


@pytest.mark.parametrize("folder", REAL)
def test_real_file_packages_equal_a_plain_json_reading(folder: str) -> None:
    """``packages`` are the main packages and ``packages-dev`` the dev ones, every one from
    the registry (they all carry Packagist's notification URL), reachable from the root."""
    path = HERE / "real" / folder / "composer.lock"
    main, dev = _json_reading(path)
    result = collect_file(COLLECTOR, path)
    assert main == {(p.name, p.version) for p in result.packages if "main" in p.scopes}
    assert dev == {(p.name, p.version) for p in result.packages if "dev" in p.scopes}
    assert len(main) + len(dev) == len(result.packages)
    assert all(p.source.is_registry for p in result.packages)
    assert ("https://packagist-registry.invalid/",) == result.registries
    graph = DependencyGraph.from_results([result])
    assert [] == [p.display for p in graph.packages if graph.depth(p.id) is None]
    assert all(p.found_in[0].line for p in result.packages)


def test_wallabag_replaced_polyfills_are_one_skip_each_until_composer_json_says() -> None:
    """Without composer.json the polyfills the project replaces are skipped, once per name;
    with it (its ``replace``), they are not, and its ``require``/``require-dev`` are the
    root's edges with their scopes."""
    path = HERE / "real" / "wallabag__wallabag__5afc37df" / "composer.lock"
    result = collect_file(COLLECTOR, path)
    assert [
        "symfony/polyfill-php72",
        "symfony/polyfill-php73",
        "symfony/polyfill-php80",
        "symfony/polyfill-php81",
    ] == [s.name for s in result.skipped]
    assert "required by symfony/console and 4 others" in result.skipped[1].reason


def test_composer_json_gives_the_roots_edges(tmp_path: Path) -> None:
    """composer.json's require → main edges, require-dev → dev edges; platform packages
    and the names the project replaces need no package; a declared name the lock lacks is
    skipped."""
    lock = {
        "packages": [
            {
                "name": "Monolog/Monolog",
                "version": "v3.5.0",
                "require": {"php": ">=8.1", "psr/log": "^3"},
                "notification-url": "https://composer-registry.invalid/downloads/",
                "dist": {
                    "type": "zip",
                    "url": "https://dist.invalid/m.zip",
                    "shasum": "0123456789abcdef0123456789abcdef01234567",
                },
            },
            {
                "name": "psr/log",
                "version": "3.0.0",
                "notification-url": "https://composer-registry.invalid/downloads/",
            },
            {
                "name": "acme/local",
                "version": "dev-main",
                "dist": {"type": "path", "url": "packages/local"},
            },
            {
                "name": "acme/forked",
                "version": "dev-fix",
                "source": {
                    "type": "git",
                    "url": "https://user:pw@git.invalid/forked.git",
                    "reference": "abc123",
                },
            },
        ],
        "packages-dev": [
            {"name": "phpunit/phpunit", "version": "10.5.0", "require": {"ext-dom": "*"}}
        ],
    }
    manifest = {
        "require": {
            "php": "^8.2",
            "monolog/monolog": "^3",
            "acme/local": "*",
            "acme/forked": "dev-fix",
            "gone/away": "^1",
        },
        "require-dev": {"phpunit/phpunit": "^10"},
        "replace": {"symfony/polyfill-php80": "*"},
    }
    (tmp_path / "composer.lock").write_text(json.dumps(lock, indent=4))
    (tmp_path / "composer.json").write_text(json.dumps(manifest))
    result = collect_file(COLLECTOR, tmp_path / "composer.lock")
    root = sorted((e.child, e.scope) for e in result.edges if e.parent == "root:composer.lock")
    assert [
        (
            "pkg:composer/acme/forked@dev-fix?vcs_url=git%2Bhttps://%2A%2A%2A%2A:%2A%2A%2A%2A%40git.invalid/forked.git%40abc123",
            None,
        ),
        ("pkg:composer/acme/local@dev-main?source=path:packages/local", None),
        ("pkg:composer/monolog/monolog@v3.5.0", None),
        ("pkg:composer/phpunit/phpunit@10.5.0", "dev"),
    ] == root
    assert [("gone/away", "declared in composer.json but not in the lockfile")] == [
        (s.name, s.reason) for s in result.skipped
    ]
    monolog = next(p for p in result.packages if p.name == "monolog/monolog")
    assert "sha1" == next(iter(monolog.hashes)).algorithm
    assert ("https://composer-registry.invalid/",) == result.registries
    assert ("composer.lock", "composer.json") == result.files
    kinds = {p.name: p.source.kind for p in result.packages}
    assert SourceKind.GIT is kinds["acme/forked"]
    assert SourceKind.REGISTRY is kinds["phpunit/phpunit"]  # says nothing of its origin


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "composer.lock: file is empty, expected JSON"),
        ("[]", "composer.lock: document is an array, expected a table"),
        ('{"packages": {}}', "composer.lock: 'packages' is a table, expected an array"),
        ('{"packages": [{"name": "a/b"}]}', "composer.lock: missing 'version' in packages[0]"),
        (
            '{"packages": [{"name": "a/b", "version": " "}]}',
            "composer.lock: empty 'name' or 'version' in packages[0]",
        ),
        (
            '{"packages": [{"name": "a/b", "version": "1", "require": {"c/d": 1}}]}',
            'composer.lock: value is an integer, expected a string in packages[0].require["c/d"]',
        ),
    ],
)
def test_malformed_files_name_the_place(text: str, message: str) -> None:
    """Each broken shape is one LockfileError naming the file and the key."""
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "composer.lock")
    assert message == str(info.value)


def test_licences_from_the_lock() -> None:
    """composer.lock's ``license`` lists: one id, or a choice joined with OR."""
    result = collect_file(COLLECTOR, HERE / "real" / REAL[0] / "composer.lock")
    data = json.loads((HERE / "real" / REAL[0] / "composer.lock").read_text())
    declared = [p for p in data["packages"] + data["packages-dev"] if p.get("license")]
    assert len(declared) == sum(1 for p in result.packages if p.license is not None)
    several = next(p for p in declared if len(p["license"]) > 1)
    package = next(p for p in result.packages if p.name == several["name"].lower())
    assert package.license is not None
    assert " OR " in package.license.text
