"""The OSV record model: real records parse completely, bad ones fail with file and key."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from auditor.advisories.osv import (
    AdvisoryFormatError,
    load_record,
    parse_timestamp,
    record_from_value,
)
from auditor.core.errors import SourceError
from tests.advisories.support import ADVISORIES, raw, record


@pytest.mark.parametrize("path", sorted(ADVISORIES.rglob("*.json")), ids=lambda p: p.name)
def test_every_fixture_record_parses(path: object) -> None:
    """Each real fixture record parses into a typed record with its affected packages."""
    assert hasattr(path, "read_text")
    parsed = load_record(path.read_text(), path.name, file_id=path.stem)
    assert parsed.id
    assert parsed.affected


def test_fields_of_a_pypa_record() -> None:
    """ids, aliases, times, ranges, versions, references and severity come through typed."""
    parsed = record("PYSEC-2023-161")
    assert "PYSEC-2023-161" == parsed.id
    assert ("CVE-2023-40590", "GHSA-wfm5-v35h-vwf4") == parsed.aliases
    assert parsed.severity[0].type == "CVSS_V3"
    entry = parsed.affected[0]
    assert entry.package is not None
    assert ("PyPI", "gitpython") == (entry.package.ecosystem, entry.package.name)
    assert ["ECOSYSTEM"] == [r.type for r in entry.ranges]
    assert parsed.references
    assert parsed.modified_at is not None


def test_withdrawn_malicious_and_cwes() -> None:
    """withdrawn is kept; MAL- ids are malicious; CWEs come from affected[].database_specific."""
    assert record("PYSEC-2023-73").is_withdrawn
    assert not record("PYSEC-2020-342").is_withdrawn
    mal = record("MAL-2022-7425")
    assert mal.is_malicious
    assert ("CWE-506",) == mal.cwes
    assert ("GHSA-p8ph-q2m4-p5wv",) == mal.aliases


def test_unnumbered_malicious_report_takes_its_file_name_as_id() -> None:
    """OpenSSF reports with "id": "" are identified by their file name, not dropped."""
    parsed = record("MAL-0000-khulnasoft-package-analysis-b00e7954ea13fd8f")
    assert "MAL-0000-khulnasoft-package-analysis-b00e7954ea13fd8f" == parsed.id
    assert parsed.is_malicious


def test_empty_id_without_a_file_name_is_an_error() -> None:
    """Without a usable file name, an empty id names the key."""
    value = raw("MAL-0000-khulnasoft-package-analysis-b00e7954ea13fd8f")
    with pytest.raises(AdvisoryFormatError, match=r"^x\.json: is not a valid advisory id in id$"):
        record_from_value(value, "x.json")


def test_malformed_alias_is_skipped_not_fatal() -> None:
    """PYSEC-2022-184 lists "GHSA-jf66-3q76-h5p5," beside the right id: the typo is dropped."""
    assert ("CVE-2022-1053", "GHSA-jf66-3q76-h5p5") == record("PYSEC-2022-184").aliases


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda v: v["affected"][0]["ranges"][0]["events"].append({"fixed": 3}),
            "'fixed' is an integer, expected a string in affected[0].ranges[0].events[2]",
        ),
        (
            lambda v: v["affected"][0]["ranges"][0]["events"].append(
                {"introduced": "1", "fixed": "2"}
            ),
            "event has 2 of exactly one of introduced, fixed, last_affected, limit "
            "in affected[0].ranges[0].events[2]",
        ),
        (lambda v: v.pop("modified"), "missing 'modified'"),
        (lambda v: v.update(affected={}), "'affected' is a table, expected an array"),
        (
            lambda v: v["affected"][0]["package"].pop("name"),
            "missing 'name' in affected[0].package",
        ),
        (
            lambda v: v["affected"][0]["ranges"][0].update(events=[]),
            "is empty, expected at least one event in affected[0].ranges[0].events",
        ),
        (lambda v: v.update(severity=[{"type": "CVSS_V3"}]), "missing 'score' in severity[0]"),
    ],
)
def test_structural_errors_name_the_file_and_key(change: object, message: str) -> None:
    """Each kind of broken record raises AdvisoryFormatError (a SourceError) with the path."""
    value = raw("PYSEC-2019-125")
    change(value)
    with pytest.raises(AdvisoryFormatError) as info:
        record_from_value(value, "db/PYSEC-2019-125.json")
    assert isinstance(info.value, SourceError)
    assert f"db/PYSEC-2019-125.json: {message}" == str(info.value)


def test_syntax_errors_carry_the_line() -> None:
    """Truncated JSON and broken YAML name the file and line."""
    text = (ADVISORIES / "pypa/PYSEC-2019-125.json").read_text()
    with pytest.raises(AdvisoryFormatError, match=r"^a\.json:\d+: not valid JSON"):
        load_record(text[: len(text) // 2], "a.json")
    with pytest.raises(AdvisoryFormatError, match=r"^a\.yaml:3: not valid YAML"):
        load_record("id: X-1\nmodified: [\n", "a.yaml")


def test_yaml_record_parses_like_json() -> None:
    """The PyPA database's native YAML gives the same record as its JSON form."""
    import yaml

    text = yaml.safe_dump(raw("PYSEC-2022-42969"))
    parsed = load_record(text, "PYSEC-2022-42969.yaml")
    assert record("PYSEC-2022-42969").affected[0].ranges == parsed.affected[0].ranges


def test_timestamps() -> None:
    """RFC 3339 with Z, offsets and nanoseconds; junk is None."""
    assert datetime(2024, 5, 7, 0, 17, 5, 341044, tzinfo=timezone.utc) == parse_timestamp(
        "2024-05-07T00:17:05.341044059Z"
    )
    assert datetime(2024, 5, 6, 22, 0, tzinfo=timezone.utc) == parse_timestamp(
        "2024-05-07T00:00:00+02:00"
    )
    assert parse_timestamp("2024-13-40T00:00:00Z") is None
    assert parse_timestamp("yesterday") is None
