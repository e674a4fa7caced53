"""What the cache keeps of a project: the same facts as the document, in a fraction of it.

Every recorded packument and every recorded Python project page goes through its record and
back; the project must be the same but for the files (which a record does not keep), and
the deflated record far smaller than the document.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from auditor.core.model import Ecosystem
from auditor.net.client import HttpClient
from auditor.registries.decode import NpmPackument, decoder, shape_message
from auditor.registries.metadata import Project
from auditor.registries.npm import parse_packument
from auditor.registries.pypi import PypiClient
from auditor.registries.records import (
    project_from_record,
    project_record,
    requirements_from_record,
    requirements_record,
)
from tests.httpserver import HttpTestServer, quick_config
from tests.registries.recorded import RecordedRegistry
from tests.support import FIXTURES

RECORDED = FIXTURES / "registry"


def without_files(project: Project) -> Project:
    return replace(project, releases=tuple(replace(r, files=()) for r in project.releases))


def round_trip(project: Project) -> tuple[Project | None, int]:
    record = project_record(project)
    text = json.dumps(record, separators=(",", ":")).encode()
    back = project_from_record(json.loads(text), project.ecosystem, project.registry)
    return back, len(zlib.compress(text, 6))


@pytest.mark.parametrize("path", sorted((RECORDED / "npm").glob("*.json")), ids=lambda p: p.stem)
def test_npm_projects_survive_their_records(path: Path) -> None:
    """Releases, times, deprecations, tags and maintainers come back exactly."""
    body = path.read_bytes()
    project = parse_packument(decoder(NpmPackument)(body), path.stem, "https://r.invalid/")
    back, size = round_trip(project)
    assert project == back
    assert size < max(2_000, len(body) / 5)


def test_python_projects_survive_their_records(http_server: HttpTestServer) -> None:
    """Every recorded project page (382 projects): the same releases, upload times, yanked
    flags and reasons, Requires-Python and pre-release flags; files aside."""
    recorded = RecordedRegistry(http_server)
    pypi = PypiClient(HttpClient(quick_config()), recorded.indexes)
    names = sorted(p.stem for p in (RECORDED / "pypi" / "json").glob("*.json"))
    assert len(names) > 300
    for name in names:
        project = pypi.project(name)
        assert project is not None, name
        back, _ = round_trip(project)
        assert without_files(project) == back, name


def test_requirements_survive_their_records() -> None:
    """A release's requirements come back as they were read, with the licence fields of
    the same metadata; a licence record of another shape makes the record unread."""
    from auditor.registries.metadata import DeclaredLicense, Requirements

    found = Requirements(
        ecosystem=Ecosystem.PYPI,
        name="demo",
        version="1.0",
        dependencies=("a>=1", "b; extra == 'x'"),
        requires_python=">=3.9",
        origin="metadata file",
        license=DeclaredLicense(
            expression="MIT OR Apache-2.0",
            text="MIT",
            classifiers=("License :: OSI Approved :: MIT License",),
            origin="metadata file",
        ),
    )
    record = json.loads(json.dumps(requirements_record(found)))
    assert found == requirements_from_record(record, Ecosystem.PYPI, "demo", "1.0")
    for wrong in ("MIT", {"expression": 3}, {"classifiers": "MIT"}):
        record["license"] = wrong
        assert None is requirements_from_record(record, Ecosystem.PYPI, "demo", "1.0")


@pytest.mark.parametrize(
    "record",
    [{}, {"versions": ["1.0"]}, {"versions": ["1.0"], "published": [None, None]}, []],
)
def test_a_record_that_is_not_one_reads_as_none(record: object) -> None:
    """A record of another shape is not misread (the caller fetches the document)."""
    assert project_from_record(record, Ecosystem.NPM, "r") is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("msgspec_text", "ours"),
    [
        ("Expected `object`, got `array`", "document is an array, expected a table"),
        ("Expected `array`, got `str` - at `$.files`", "'files' is a string, expected an array"),
        ("Object missing required field `files`", "missing 'files'"),
        ("Object missing required field `url` - at `$.files[2]`", "missing 'files[2].url'"),
        (
            "Expected `int | null`, got `str` - at `$.a`",
            "'a' is a string, expected an integer or null",
        ),
    ],
)
def test_shape_messages_in_our_words(msgspec_text: str, ours: str) -> None:
    """msgspec's messages are rewritten with the project's wording and key paths."""
    assert ours == shape_message(msgspec_text)
