"""The PyPA advisory database read in its own YAML form gives what its JSON form gives.

pypa/advisory-database keeps its records as YAML; some leave timestamps unquoted
(``modified: 2023-11-07T20:24:23.946863Z``), which a YAML loader turns into datetimes. They
are read as the RFC 3339 strings they are written as, so every record reads the same in
both forms and a scan finds the same things against either
(tests/fixtures/pypa-database: the records of every package of two real
lockfiles, in both forms).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.advisories.osv import load_record, parse_timestamp
from tests.support import FIXTURES, run_cli

DATABASE = FIXTURES / "pypa-database"
LOCKFILES = {
    "redash": FIXTURES / "poetry-lock/real/getredash__redash__c97afeb3",
    "pipenv": FIXTURES / "pipfile-lock/real/pypa__pipenv",
}
# what each scan finds; the records of all but werkzeug's have unquoted YAML timestamps
VULNERABILITIES = {
    "redash": [
        "PYSEC-2023-177",
        "PYSEC-2023-192",
        "PYSEC-2023-212",
        "PYSEC-2023-221",
        "PYSEC-2023-254",
        "PYSEC-2024-104",
        "PYSEC-2024-3",
        "PYSEC-2024-52",
        "PYSEC-2024-60",
    ],
    "pipenv": [],
}


def _pairs() -> list[tuple[Path, Path]]:
    return [
        (path, DATABASE / "json" / path.parent.name / (path.stem + ".json"))
        for path in sorted((DATABASE / "yaml").rglob("*.yaml"))
    ]


def test_every_record_reads_the_same_in_both_forms() -> None:
    """Each YAML record parses, its times (quoted or not) are strings naming the instants
    the JSON record names (the JSON form was written with six fraction digits, ``.832000Z``
    for ``.832Z``), and every other field equals the JSON record's; the sample holds
    records with unquoted timestamps."""
    unquoted = 0
    for yaml_path, json_path in _pairs():
        text = yaml_path.read_text()
        unquoted += any(line.startswith("modified: 2") for line in text.splitlines())
        from_yaml = load_record(text, yaml_path.name)
        from_json = load_record(json_path.read_text(), json_path.name)
        for name in ("modified", "published", "withdrawn"):
            written = getattr(from_yaml, name)
            assert written is None or isinstance(written, str)
            assert parse_timestamp(getattr(from_json, name)) == parse_timestamp(written)
        assert from_yaml.modified_at is not None
        # (the parsed values compare by identity: compare their full repr)
        assert repr((from_json.affected, from_json.aliases, from_json.details)) == repr(
            (from_yaml.affected, from_yaml.aliases, from_yaml.details)
        )
    assert len(_pairs()) == 142
    assert unquoted == 16


@pytest.mark.parametrize("lockfile", sorted(LOCKFILES))
def test_scan_finds_the_same_with_either_form(lockfile: str) -> None:
    """``scan --advisory-db`` on the YAML checkout and on the JSON records: the same exit
    code, status and findings, none of the YAML records rejected."""
    documents = {}
    for form in ("yaml", "json"):
        result = run_cli(
            ["scan", str(LOCKFILES[lockfile]), "--json", "--advisory-db", str(DATABASE / form)]
        )
        assert "is datetime" not in result.err
        documents[form] = (result.code, json.loads(result.out))
    (yaml_code, from_yaml), (json_code, from_json) = documents["yaml"], documents["json"]
    assert (json_code, "complete") == (yaml_code, from_yaml["status"])
    assert from_json["status"] == "complete"
    assert from_json["findings"] == from_yaml["findings"]
    found = sorted(f["id"] for f in from_yaml["findings"] if f["kind"] == "vulnerability")
    assert VULNERABILITIES[lockfile] == found
    assert from_json["skipped"] == from_yaml["skipped"] == []
