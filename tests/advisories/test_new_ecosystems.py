"""crates.io, RubyGems and Packagist advisories: matched from a local database through the
whole scan; their exports synced from folders named after the OSV ecosystem."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from auditor.advisories.sync import database_dir, export_url
from auditor.core.model import Ecosystem
from tests.support import FIXTURES, run_cli

RECORDS = [
    # crates.io ranges are SEMVER in OSV
    ("crates.io", "memchr", "SEMVER", "2.7.5", "RUSTSEC-2099-0001"),
    # RubyGems: 1.19.1 sorts below the pre-release 1.19.2.rc1
    ("RubyGems", "nokogiri", "ECOSYSTEM", "1.19.2.rc1", "GHSA-test-ruby-0001"),
    # the project's own gems (PATH) are not looked up
    ("RubyGems", "actionpack", "ECOSYSTEM", "9.0.0", "GHSA-test-ruby-0002"),
    # Packagist: the lock's v5.4.53 is 5.4.53 for the comparison
    ("Packagist", "symfony/http-kernel", "ECOSYSTEM", "6.4.14", "GHSA-test-php-0001"),
    # a fix below the locked version: no finding
    ("crates.io", "libc", "SEMVER", "0.2.1", "RUSTSEC-2099-0002"),
]


def _record(ecosystem: str, name: str, kind: str, fixed: str, record_id: str) -> dict[str, object]:
    return {
        "schema_version": "1.6.0",
        "id": record_id,
        "modified": "2026-01-01T00:00:00Z",
        "published": "2026-01-01T00:00:00Z",
        "summary": f"test advisory for {name}",
        "affected": [
            {
                "package": {"ecosystem": ecosystem, "name": name},
                "ranges": [{"type": kind, "events": [{"introduced": "0"}, {"fixed": fixed}]}],
            }
        ],
    }


def test_scan_matches_each_new_ecosystem_from_a_local_database(tmp_path: Path) -> None:
    """Cargo.lock, Gemfile.lock and composer.lock scanned against a directory of OSV
    records: the affected locked versions are findings, under their ecosystem and purl."""
    project = tmp_path / "project"
    for fmt, folder, name in (
        ("cargo-lock", "pydantic__pydantic__2151025a_pydantic-core", "Cargo.lock"),
        ("gemfile-lock", "rails__rails__2a2db1e8", "Gemfile.lock"),
        ("composer-lock", "wallabag__wallabag__5afc37df", "composer.lock"),
    ):
        (project / fmt).mkdir(parents=True)
        shutil.copy(FIXTURES / fmt / "real" / folder / name, project / fmt / name)
    db = tmp_path / "db"
    db.mkdir()
    for ecosystem, name, kind, fixed, record_id in RECORDS:
        (db / f"{record_id}.json").write_text(
            json.dumps(_record(ecosystem, name, kind, fixed, record_id))
        )
    result = run_cli(["scan", "--offline", "--json", "--advisory-db", str(db), str(project)])
    data = json.loads(result.out)
    found = sorted(
        (f["id"], f["package"]["purl"]) for f in data["findings"] if f["kind"] == "vulnerability"
    )
    memchr = next(p for p in found if p[0] == "RUSTSEC-2099-0001")
    assert memchr[1].startswith("pkg:cargo/memchr@2.7.")
    assert [
        ("GHSA-test-php-0001", "pkg:composer/symfony/http-kernel@v5.4.53"),
        ("GHSA-test-ruby-0001", "pkg:gem/nokogiri@1.19.1"),
    ] == [p for p in found if not p[0].startswith("RUSTSEC")]


def test_api_queries_and_export_folders_use_the_osv_names() -> None:
    """The OSV names are where the exports live (``db sync``) and where they are kept."""
    assert "https://osv-export.invalid/crates.io/all.zip" == export_url(
        "https://osv-export.invalid", Ecosystem.CRATES_IO
    )
    assert "https://osv-export.invalid/RubyGems/all.zip" == export_url(
        "https://osv-export.invalid/", Ecosystem.RUBYGEMS
    )
    assert Path("c/osv/Packagist") == database_dir(Path("c"), Ecosystem.PACKAGIST)
