"""Pipfile.lock: peer fixtures, real files, manifest-marked direct dependencies, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.collectors.pypi.pipfile import PipfileLockCollector
from auditor.core.errors import LockfileError
from auditor.core.model import SourceKind
from tests.support import FIXTURES, PeerCase, collect_file, collect_text, name_versions, peer_cases

HERE = FIXTURES / "pipfile-lock"
COLLECTOR = PipfileLockCollector()
# Where auditor deliberately differs from a peer expectation, and why.
DEVIATIONS = {
    # An empty file is not a Pipfile.lock; auditor reports it instead of auditing nothing.
    "osv-scalibr/empty-file": "error",
}


@pytest.mark.parametrize("case", peer_cases(HERE / "peer"), ids=lambda c: c.id)
def test_peer_fixture(case: PeerCase) -> None:
    """Each peer expectation (name, version) matches exactly, deviations explained above."""
    if DEVIATIONS.get(case.id) == "error":
        with pytest.raises(LockfileError, match="file is empty"):
            collect_file(COLLECTOR, case.fixture)
        return
    assert case.expected == name_versions(collect_file(COLLECTOR, case.fixture))


def test_git_entries_without_version_are_skipped_with_reason() -> None:
    """Entries with a git source and no version are listed as skipped, not dropped."""
    result = collect_file(COLLECTOR, HERE / "peer/osv-scalibr/no-version.json")
    assert sorted((s.name, s.reason) for s in result.skipped) == [
        ("itsdangerous", "git source without a version"),
        ("markupsafe", "git source without a version"),
    ]


@pytest.mark.parametrize(
    ("folder", "names", "pairs"), [("pypa__pipenv", 101, 105), ("pypa__pipenv__examples", 10, 10)]
)
def test_real_file_has_exact_package_count(folder: str, names: int, pairs: int) -> None:
    """Every (name, version) of default+develop is one package; a name locked at two
    versions (one in default, one in develop) is two packages."""
    result = collect_file(COLLECTOR, HERE / "real" / folder / "Pipfile.lock")
    assert pairs == len(result.packages) + len(result.skipped)
    assert names == len({p.name for p in result.packages} | {s.name for s in result.skipped})
    assert all(p.hashes for p in result.packages)


def test_scopes_lines_and_keys() -> None:
    """default → main, develop → dev; each package says where it was found."""
    result = collect_file(COLLECTOR, HERE / "real/pypa__pipenv/Pipfile.lock")
    by_name = {p.name: p for p in result.packages}
    assert by_name["alabaster"].scopes == frozenset({"dev"})
    assert by_name["pytest"].scopes == frozenset({"main", "dev"})
    location = by_name["alabaster"].found_in[0]
    assert location.key == "develop.alabaster"
    text = (HERE / "real/pypa__pipenv/Pipfile.lock").read_text().splitlines()
    assert text[location.line - 1].strip().startswith('"alabaster"')


def test_pipfile_beside_the_lock_marks_direct_dependencies(tmp_path: Path) -> None:
    """With a Pipfile, only its packages hang from the root, with their requirement."""
    (tmp_path / "Pipfile.lock").write_text(
        json.dumps(
            {
                "_meta": {"sources": [{"url": "https://u:secret@idx.invalid/simple"}]},
                "default": {
                    "requests": {"version": "==2.31.0"},
                    "urllib3": {"version": "==2.0.7"},
                },
                "develop": {"pytest": {"version": "==8.0.0"}},
            }
        )
    )
    (tmp_path / "Pipfile").write_text(
        '[packages]\nrequests = ">=2"\n[dev-packages]\npytest = "*"\n'
    )
    result = collect_file(COLLECTOR, tmp_path / "Pipfile.lock")
    assert sorted((e.child, e.requirement, e.scope) for e in result.edges) == [
        ("pkg:pypi/pytest@8.0.0", "pytest", "dev"),
        ("pkg:pypi/requests@2.31.0", "requests>=2", None),
    ]
    assert result.registries == ("https://****:****@idx.invalid/simple",)
    assert result.files == ("Pipfile.lock", "Pipfile")


def test_sources_git_url_and_path() -> None:
    """git, file URL and path entries keep their source kind."""
    text = json.dumps(
        {
            "default": {
                "a": {"version": "==1.0", "git": "https://x.invalid/a.git", "ref": "abc"},
                "b": {"version": "==2.0", "file": "https://x.invalid/b-2.0.tar.gz"},
                "c": {"version": "==3.0", "path": "./c", "editable": True},
            }
        }
    )
    result = collect_text(COLLECTOR, text, "Pipfile.lock")
    kinds = {p.name: (p.source.kind, p.source.reference) for p in result.packages}
    assert kinds == {
        "a": (SourceKind.GIT, "abc"),
        "b": (SourceKind.URL, None),
        "c": (SourceKind.EDITABLE, None),
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Pipfile.lock: file is empty, expected JSON"),
        ("{", "Pipfile.lock:1: not valid JSON: Expecting property name enclosed in double quotes"),
        ("[]", "Pipfile.lock: document is an array, expected a table"),
        ('{"default": []}', "Pipfile.lock: 'default' is an array, expected a table"),
        (
            '{"default": {"a": {"version": 1}}}',
            "Pipfile.lock: 'version' is an integer, expected a string in default.a",
        ),
        (
            '{"default": {"a": {"version": "==1", "hashes": "x"}}}',
            "Pipfile.lock: 'hashes' is a string, expected an array in default.a",
        ),
        (
            '{"default": {"a": {"version": "==1", "hashes": [1]}}}',
            "Pipfile.lock: value is an integer, expected a string in default.a.hashes[0]",
        ),
    ],
)
def test_malformed_input_names_file_and_key(text: str, message: str) -> None:
    """Each broken shape gives one precise message naming file and key."""
    with pytest.raises(LockfileError) as info:
        collect_text(COLLECTOR, text, "Pipfile.lock")
    assert message == str(info.value)


def test_sniffs_content_of_unusually_named_file() -> None:
    """A renamed Pipfile.lock is still recognised by content."""
    text = (HERE / "real/pypa__pipenv__examples/Pipfile.lock").read_text()
    assert COLLECTOR.sniff(text)
    assert not COLLECTOR.sniff("requests==2.0\n")
