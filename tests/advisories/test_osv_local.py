"""osv-local: directories, zip exports and the sync cache; staleness; unchecked reasons."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from auditor.advisories import osv_local
from auditor.advisories.base import SourceOptions
from auditor.advisories.osv import AdvisoryFormatError
from auditor.advisories.osv_local import BUNDLED_NOTE, OsvLocalSource
from auditor.core.errors import SourceError, UsageError
from auditor.core.model import Source, SourceKind
from tests.advisories.support import ADVISORIES, pkg

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
PACKAGES = [
    pkg("PyPI", "Django", "3.0.6"),
    pkg("PyPI", "zope", "5.1"),
    pkg("npm", "electron", "2.0.18"),
    pkg("Go", "github.com/coder/coder/v2", "v2.14.3"),
    pkg("PyPI", "requests", "2.31.0"),
]


def source(path: Path, **options: object) -> OsvLocalSource:
    return OsvLocalSource(path, options=SourceOptions(now=NOW, **options))


def ids(answer_records: dict[str, tuple[object, ...]]) -> dict[str, list[str]]:
    return {k: sorted(r.id for r in v) for k, v in answer_records.items()}


def make_zip(path: Path, files: list[Path]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            archive.write(file, file.name)
    return path


EXPECTED = {
    "pkg:pypi/django@3.0.6": ["PYSEC-2021-98"],
    "pkg:pypi/zope@5.1": ["PYSEC-2021-104", "PYSEC-2021-88"],
    "pkg:npm/electron@2.0.18": ["NSWG-ECO-495"],
    "pkg:golang/github.com/coder/coder/v2@v2.14.3": ["GO-2024-3228"],
}


def test_directory_of_records() -> None:
    """Every record naming a package (by normalised name) is returned for it."""
    answer = source(ADVISORIES).query_all(PACKAGES)
    assert EXPECTED == ids(dict(answer.records))
    assert () == answer.unchecked
    info = answer.info
    assert ("osv-local", str(ADVISORIES), 29) == (info.name, info.location, info.records)
    assert ("Go", "PyPI", "npm") == info.ecosystems


def test_zip_export_gives_the_same_answer(tmp_path: Path) -> None:
    """OSV's all.zip layout (flat members) answers exactly like the directory."""
    archive = make_zip(tmp_path / "all.zip", sorted(ADVISORIES.rglob("*.json")))
    answer = source(archive).query_all(PACKAGES)
    assert EXPECTED == ids(dict(answer.records))
    origin = answer.records["pkg:pypi/django@3.0.6"][0].origin
    assert f"{archive}:PYSEC-2021-98.json" == origin


@pytest.mark.parametrize("given", [".", "osv"])
def test_sync_cache_layout_with_meta(tmp_path: Path, given: str) -> None:
    """<cache>/osv/<Ecosystem>/all.zip + meta.json: the download time decides the age."""
    for eco, folder in (("PyPI", "pypa"), ("npm", "npm"), ("Go", "go")):
        make_zip(tmp_path / "osv" / eco / "all.zip", sorted((ADVISORIES / folder).glob("*.json")))
        downloaded = NOW - timedelta(days=2 if eco != "Go" else 3)
        meta = {"downloaded": downloaded.isoformat().replace("+00:00", "Z"), "records": 1}
        (tmp_path / "osv" / eco / "meta.json").write_text(json.dumps(meta))
    answer = source(tmp_path / given).query_all(PACKAGES)
    assert EXPECTED == ids(dict(answer.records))
    assert ("2025-05-29T00:00:00Z", 3.0, False) == (
        answer.info.updated,
        answer.info.age_days,
        answer.info.stale,
    )
    assert source(tmp_path / given, stale_days=2).query_all(PACKAGES).info.stale


def test_age_without_meta_is_the_newest_record(tmp_path: Path) -> None:
    """Without download metadata the newest record's modified time dates the data."""
    info = source(ADVISORIES).query_all(PACKAGES).info
    assert ("2025-05-19T05:32:13Z", 12.8, True) == (info.updated, info.age_days, info.stale)
    assert not source(ADVISORIES, stale_days=365).query_all(PACKAGES).info.stale


def test_yaml_records_and_single_files(tmp_path: Path) -> None:
    """The PyPA database's YAML layout and a single record file both work."""
    for path in (ADVISORIES / "pypa").glob("*.json"):
        target = tmp_path / "vulns" / path.stem[:5].lower() / f"{path.stem}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(json.loads(path.read_text())))
    answer = source(tmp_path).query_all(PACKAGES)
    assert ["PYSEC-2021-98"] == ids(dict(answer.records))["pkg:pypi/django@3.0.6"]
    single = source(ADVISORIES / "pypa/PYSEC-2021-98.json").query_all(PACKAGES)
    assert {"pkg:pypi/django@3.0.6": ["PYSEC-2021-98"]} == ids(dict(single.records))


def test_unchecked_and_unaudited_reasons() -> None:
    """An ecosystem the database lacks leaves a package unchecked; no version and a git
    source are unaudited (no advisory describes them by version): each with its reason."""
    git = Source(kind=SourceKind.GIT, url="https://example.invalid/x.git", reference="abc")
    packages = [
        pkg("PyPI", "django", ""),
        pkg("PyPI", "django", "3.0.6", source=git),
        pkg("npm", "lodash", "4.17.0"),
    ]
    answer = source(ADVISORIES / "pypa").query_all(packages)
    assert [("pkg:npm/lodash@4.17.0", f"no npm advisories in {ADVISORIES / 'pypa'}")] == sorted(
        answer.unchecked
    )
    assert [
        ("pkg:pypi/django", "no version recorded: advisories describe versions"),
        (
            "pkg:pypi/django@3.0.6?vcs_url=git%2Bhttps://example.invalid/x.git%40abc",
            "from git, not a registry: advisories describe registry releases",
        ),
    ] == sorted(answer.unaudited)
    assert {} == dict(answer.records)


def test_broken_record_file_fails_the_whole_source(tmp_path: Path) -> None:
    """A file that is not JSON cannot be indexed: nobody knows which packages it names."""
    shutil.copytree(ADVISORIES / "pypa", tmp_path / "db")
    (tmp_path / "db" / "PYSEC-2099-1.json").write_text('{"id": "PYSEC-2099-1",\n"affected": [')
    with pytest.raises(AdvisoryFormatError, match=r"PYSEC-2099-1\.json:2: not valid JSON"):
        source(tmp_path / "db").query_all(PACKAGES)


def test_record_with_a_bad_field_leaves_its_package_unchecked(tmp_path: Path) -> None:
    """A record that names its package but is malformed elsewhere: that package is
    unchecked with the file and key; the other packages are answered."""
    shutil.copytree(ADVISORIES / "pypa", tmp_path / "db")
    value = json.loads((ADVISORIES / "pypa/PYSEC-2021-98.json").read_text())
    value["affected"][0]["ranges"][0]["events"][1] = {"fixed": 2}
    (tmp_path / "db" / "PYSEC-2021-98.json").write_text(json.dumps(value))
    answer = source(tmp_path / "db").query_all(PACKAGES)
    where = tmp_path / "db" / "PYSEC-2021-98.json"
    assert [
        (
            "pkg:pypi/django@3.0.6",
            f"{where}: 'fixed' is an integer, expected a string in affected[0].ranges[0].events[1]",
        )
    ] == [u for u in answer.unchecked if u[0].startswith("pkg:pypi")]
    assert "pkg:pypi/zope@5.1" in answer.records


def test_hidden_folders_and_other_files_are_ignored(tmp_path: Path) -> None:
    """.git and README files in a database checkout are not records."""
    shutil.copytree(ADVISORIES / "npm", tmp_path / "db")
    (tmp_path / "db" / ".git").mkdir()
    (tmp_path / "db" / ".git" / "junk.json").write_text("not json")
    (tmp_path / "db" / "README.md").write_text("# advisories")
    assert 7 == source(tmp_path / "db").query_all(PACKAGES).info.records


def test_unreadable_databases(tmp_path: Path) -> None:
    """An empty folder, a zip that is not a zip: one clear SourceError."""
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError, match="no OSV records in"):
        source(tmp_path / "empty").query_all(PACKAGES)
    (tmp_path / "all.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(SourceError, match="not a readable zip file"):
        source(tmp_path / "all.zip").query_all(PACKAGES)


def test_oversized_zip_member_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A member larger than the record limit (a zip bomb) is refused before reading it."""
    archive = make_zip(tmp_path / "all.zip", [ADVISORIES / "pypa/PYSEC-2021-98.json"])
    monkeypatch.setattr(osv_local, "MAX_RECORD_BYTES", 100)
    with pytest.raises(AdvisoryFormatError, match=r"all\.zip:PYSEC-2021-98\.json: larger than 100"):
        source(archive).query_all(PACKAGES)


def test_broken_meta_is_a_note(tmp_path: Path) -> None:
    """Unreadable download metadata falls back to record times and says so."""
    make_zip(tmp_path / "PyPI" / "all.zip", [ADVISORIES / "pypa/PYSEC-2021-98.json"])
    (tmp_path / "PyPI" / "meta.json").write_text("{")
    info = source(tmp_path).query_all(PACKAGES).info
    assert [f"{tmp_path / 'PyPI' / 'meta.json'}: unreadable, download time unknown"] == list(
        info.notes
    )
    assert (info.updated or "").startswith("2021-06-22")


def test_index_is_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The index is built lazily on the first query and reused; records parse once."""
    calls = []
    real = OsvLocalSource._build_index

    def counting(self: OsvLocalSource) -> object:
        calls.append(1)
        return real(self)

    monkeypatch.setattr(OsvLocalSource, "_build_index", counting)
    db = source(ADVISORIES)
    assert [] == calls
    first = db.query_all(PACKAGES)
    second = db.query_all(PACKAGES)
    assert [1] == calls
    assert first.records["pkg:pypi/zope@5.1"][0] is second.records["pkg:pypi/zope@5.1"][0]


def test_from_options_default_and_missing_path(tmp_path: Path) -> None:
    """No --advisory-db: the bundled snapshot; a missing path is a usage error."""
    bundled = OsvLocalSource.from_options(SourceOptions(now=NOW))
    assert bundled.bundled
    info = bundled.query_all(PACKAGES).info
    assert "data/advisories (bundled snapshot)" == info.location
    assert BUNDLED_NOTE == info.notes[0]
    assert ("Go", "PyPI", "npm") == info.ecosystems
    assert 150 == info.records
    with pytest.raises(UsageError, match=r"--advisory-db: .*nope does not exist"):
        OsvLocalSource.from_options(SourceOptions(advisory_db=tmp_path / "nope"))
