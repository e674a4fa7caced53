"""What a snapshot keeps besides the result: the input files' hashes."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from auditor.collectors.discovery import find_targets
from auditor.pipeline.audit import collect
from auditor.pipeline.snapshot import input_records
from tests.support import FIXTURES

PIPFILE_DIR = FIXTURES / "pipfile-lock/real/pypa__pipenv__examples"


def test_input_records_hash_every_file_read(tmp_path: Path) -> None:
    """The lockfile and its companion Pipfile, with their SHA-256, also for a broken file."""
    shutil.copytree(PIPFILE_DIR, tmp_path / "ok")
    (tmp_path / "ok/Pipfile").write_text('[packages]\nrequests = "*"\n')
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad/Pipfile.lock").write_text("{")
    targets = find_targets([str(tmp_path)])
    collection = collect(targets)
    assert collection.errors
    records = {r.path: r.sha256 for r in input_records(targets, collection)}
    assert {"ok/Pipfile.lock", "ok/Pipfile", "bad/Pipfile.lock"} == set(records)
    for name, digest in records.items():
        assert hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() == digest
