"""Git repositories built from real lockfile history, with the commit dates set: the input of
``report --backfill`` in tests and in bench/backfill.py.

The history is written with ``git fast-import`` (one process, however many commits), then
checked out, so the repository looks like any clone.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import FIXTURES

SALEOR = FIXTURES / "history" / "saleor"
IDENTITY = "test <test@example.invalid>"


@dataclass(frozen=True, kw_only=True)
class Commit:
    """One commit: when, which files it sets (bytes) or deletes (None), on which branch,
    and the branch it merges (its second parent), if any."""

    date: dt.datetime
    files: Mapping[str, bytes | None] = field(default_factory=dict)
    message: str = "update"
    branch: str = "main"
    merge: str | None = None
    symlinks: Mapping[str, str] = field(default_factory=dict)  # path -> link target


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


def build(repo: Path, commits: Sequence[Commit]) -> dict[int, str]:
    """A repository at ``repo`` holding ``commits`` in order (each branch starts from the
    main branch's last commit), main checked out; the commit id of each, by position."""
    repo.mkdir(parents=True, exist_ok=True)
    _git(repo, "init", "-q", "-b", "main")
    stream = bytearray()
    tips: dict[str, int] = {}
    for mark, commit in enumerate(commits, 1):
        stamp = int(commit.date.timestamp())
        stream += f"commit refs/heads/{commit.branch}\nmark :{mark}\n".encode()
        stream += f"committer {IDENTITY} {stamp} +0000\n".encode()
        stream += _data(commit.message.encode())
        parent = tips.get(commit.branch, tips.get("main"))
        if parent is not None:
            stream += f"from :{parent}\n".encode()
        if commit.merge is not None:
            stream += f"merge :{tips[commit.merge]}\n".encode()
        for path, content in sorted(commit.files.items()):
            if content is None:
                stream += f"D {path}\n".encode()
            else:
                stream += f"M 100644 inline {path}\n".encode() + _data(content)
        for path, target in sorted(commit.symlinks.items()):
            stream += f"M 120000 inline {path}\n".encode() + _data(target.encode())
        tips[commit.branch] = mark
    stream += b"done\n"
    marks = repo / ".git" / "marks"
    subprocess.run(
        ["git", "-C", str(repo), "fast-import", "--quiet", "--done", f"--export-marks={marks}"],
        input=bytes(stream),
        check=True,
        capture_output=True,
    )
    _git(repo, "checkout", "-q", "-f", "main")
    ids = {}
    for line in marks.read_text().splitlines():
        mark, _, oid = line.partition(" ")
        ids[int(mark.lstrip(":"))] = oid
    marks.unlink()
    return ids


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def saleor_versions() -> list[tuple[dt.datetime, dict[str, bytes]]]:
    """The eight monthly versions of saleor's poetry.lock and pyproject.toml (real files,
    tests/fixtures/history/saleor), with their commit dates."""
    index = json.loads((SALEOR / "index.json").read_text())
    out = []
    for entry in index:
        folder = SALEOR / entry["folder"]
        date = dt.datetime.fromisoformat(entry["date"].replace("Z", "+00:00"))
        files = {name: (folder / name).read_bytes() for name in ("poetry.lock", "pyproject.toml")}
        out.append((date, files))
    return out
