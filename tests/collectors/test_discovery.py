"""Discovery: which files a directory scan picks up, and format detection."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from auditor.collectors.discovery import discover, find_targets
from auditor.core.errors import UsageError
from tests.support import FIXTURES, run_cli

LOCK = json.dumps({"_meta": {"pipfile-spec": 6}, "default": {"a": {"version": "==1.0"}}})


def write(path: Path, text: str = LOCK) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def shown(tmp_path: Path, args: list[str]) -> list[str]:
    return [t.path.relative_to(tmp_path).as_posix() for t in find_targets(args, cwd=tmp_path)]


def test_walk_skips_vcs_dependency_virtualenv_and_cache_folders(tmp_path: Path) -> None:
    """Lockfiles inside .git, node_modules, venvs (any name), caches and egg-info are never a
    project's own: ignored."""
    write(tmp_path / "Pipfile.lock")
    write(tmp_path / "svc/api/Pipfile.lock")
    for skipped in (".git", "node_modules/x", ".venv", ".tox/py312", "__pycache__", "pkg.egg-info"):
        write(tmp_path / skipped / "Pipfile.lock")
    write(tmp_path / "myenv/pyvenv.cfg", "home = /usr\n")
    write(tmp_path / "myenv/Pipfile.lock")
    assert shown(tmp_path, ["."]) == ["Pipfile.lock", "svc/api/Pipfile.lock"]


REAL_PIPFILE_LOCK = FIXTURES / "pipfile-lock" / "real" / "pypa__pipenv" / "Pipfile.lock"


def test_lockfiles_in_build_and_dist_folders_are_found(tmp_path: Path) -> None:
    """build/ and dist/ are ordinary folder names: a project that commits its lockfile there
    (a real Pipfile.lock here) is audited."""
    for folder in ("build", "dist", "tools/build"):
        write(tmp_path / folder / "Pipfile.lock", REAL_PIPFILE_LOCK.read_text())
    assert ["build/Pipfile.lock", "dist/Pipfile.lock", "tools/build/Pipfile.lock"] == shown(
        tmp_path, ["."]
    )


@pytest.mark.parametrize(
    ("patterns", "kept"),
    [
        (["fixtures"], ["Pipfile.lock", "dist/Pipfile.lock"]),
        (["tests/fixtures"], ["Pipfile.lock", "dist/Pipfile.lock", "vendor/fixtures/Pipfile.lock"]),
        (["**/fixtures/*"], ["Pipfile.lock", "dist/Pipfile.lock"]),
        (["./dist/", "vendor/*"], ["Pipfile.lock", "tests/fixtures/a/Pipfile.lock"]),
        (["*.lock"], []),
        (["nothing-matches"], None),
    ],
)
def test_exclude_patterns(tmp_path: Path, patterns: list[str], kept: list[str] | None) -> None:
    """A pattern without / matches any file or folder name; one with / matches the path from
    the scanned folder (a leading ./ or **/ and a trailing / are allowed); the files left
    out are counted."""
    every = [
        "Pipfile.lock",
        "dist/Pipfile.lock",
        "tests/fixtures/a/Pipfile.lock",
        "vendor/fixtures/Pipfile.lock",
    ]
    for name in every:
        write(tmp_path / name, REAL_PIPFILE_LOCK.read_text())
    found = discover(["."], cwd=tmp_path, exclude=patterns)
    expected = every if kept is None else kept
    assert expected == [t.path.relative_to(tmp_path).as_posix() for t in found.targets]
    assert sorted(set(every) - set(expected)) == list(found.excluded)


def test_a_file_named_explicitly_is_never_excluded(tmp_path: Path) -> None:
    """--exclude applies to what the walk finds, not to what the user names."""
    write(tmp_path / "fixtures" / "Pipfile.lock")
    found = discover(["fixtures/Pipfile.lock"], cwd=tmp_path, exclude=["fixtures"])
    assert (1, ()) == (len(found.targets), found.excluded)


def test_symlinks_out_of_the_tree_are_not_followed(tmp_path: Path) -> None:
    """A symlinked directory is never entered; a symlinked file outside the tree is ignored."""
    outside = tmp_path / "outside"
    write(outside / "Pipfile.lock")
    tree = tmp_path / "tree"
    tree.mkdir()
    os.symlink(outside, tree / "linkdir")
    (tree / "sub").mkdir()
    os.symlink(outside / "Pipfile.lock", tree / "sub" / "Pipfile.lock")
    assert find_targets(["tree"], cwd=tmp_path) == []


def test_explicit_file_detected_by_content(tmp_path: Path) -> None:
    """A file named on the command line with an unusual name is recognised by content."""
    write(tmp_path / "locks/prod.json")
    [target] = find_targets(["locks/prod.json"], cwd=tmp_path)
    assert target.collector.name == "pipfile-lock"
    assert target.explicit


def test_unknown_file_asks_for_as(tmp_path: Path) -> None:
    """An unrecognisable file names the --as option and the known formats."""
    write(tmp_path / "notes.txt", "hello\n")
    with pytest.raises(UsageError, match=r"notes.txt: cannot tell .* use --as FORMAT"):
        find_targets(["notes.txt"], cwd=tmp_path)


def test_forced_format_and_errors(tmp_path: Path) -> None:
    """--as forces a collector for files; it is refused for directories and unknown names."""
    write(tmp_path / "weird.txt", "{}")
    [target] = find_targets(["weird.txt"], force="pipfile-lock", cwd=tmp_path)
    assert target.collector.name == "pipfile-lock"
    with pytest.raises(UsageError, match="applies to files"):
        find_targets(["."], force="pipfile-lock", cwd=tmp_path)
    with pytest.raises(UsageError, match="unknown format"):
        find_targets(["weird.txt"], force="nope", cwd=tmp_path)
    with pytest.raises(UsageError, match=r"missing\.lock: no such file"):
        find_targets(["missing.lock"], cwd=tmp_path)


def test_other_text_files_in_a_requirements_folder_are_not_taken(tmp_path: Path) -> None:
    """Any .txt in requirements/ is claimed by name, but prose is not a requirements file;
    a file of bare names, or a file named after requirements, still is."""
    write(tmp_path / "requirements/README.txt", "How to update these files:\nrun make.\n")
    write(tmp_path / "requirements/base.txt", "requests\nflask[async]\n")
    write(tmp_path / "requirements/dev.txt", "pytest==8.0.0\n")
    write(tmp_path / "requirements/empty.txt", "# nothing yet\n")
    write(tmp_path / "dev-requirements.txt", "no pins here, just prose\n")
    assert [
        "dev-requirements.txt",
        "requirements/base.txt",
        "requirements/dev.txt",
        "requirements/empty.txt",
    ] == shown(tmp_path, ["."])


def test_graph_says_what_it_left_out_and_did_not_read(tmp_path: Path) -> None:
    """`graph --exclude`: how many files were left out and which were not read, on stderr."""
    write(tmp_path / "Pipfile.lock", REAL_PIPFILE_LOCK.read_text())
    write(tmp_path / "tests/fixtures/Pipfile.lock", REAL_PIPFILE_LOCK.read_text())
    write(tmp_path / "docs/mix.lock", '%{"x": {:hex, :x, "1.0.0"}}\n')
    result = run_cli(["graph", "--exclude", "tests/fixtures", str(tmp_path)])
    assert 0 == result.code, result.err
    assert [
        "auditor: not read: docs/mix.lock: lockfile of Elixir (Mix): auditor does not read this "
        "format, so none of its packages were audited",
        "auditor: note: 1 lockfile or manifest file left out by --exclude or the config's exclude",
    ] == result.err.splitlines()
