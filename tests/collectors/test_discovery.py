"""Discovery: which files a directory scan picks up, and format detection."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from auditor.collectors.discovery import find_targets
from auditor.core.errors import UsageError

LOCK = json.dumps({"_meta": {"pipfile-spec": 6}, "default": {"a": {"version": "==1.0"}}})


def write(path: Path, text: str = LOCK) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def shown(tmp_path: Path, args: list[str]) -> list[str]:
    return [t.path.relative_to(tmp_path).as_posix() for t in find_targets(args, cwd=tmp_path)]


def test_walk_skips_vcs_dependency_virtualenv_and_build_folders(tmp_path: Path) -> None:
    """Lockfiles inside .git, node_modules, venvs (any name) and build output are ignored."""
    write(tmp_path / "Pipfile.lock")
    write(tmp_path / "svc/api/Pipfile.lock")
    for skipped in (".git", "node_modules/x", ".venv", "build", "dist", "pkg.egg-info"):
        write(tmp_path / skipped / "Pipfile.lock")
    write(tmp_path / "myenv/pyvenv.cfg", "home = /usr\n")
    write(tmp_path / "myenv/Pipfile.lock")
    assert shown(tmp_path, ["."]) == ["Pipfile.lock", "svc/api/Pipfile.lock"]


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
