"""The output folder: a manifest of what auditor wrote, no file of anyone else replaced,
stale files removed, file modes from the umask, nothing half written left behind."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from auditor.core.errors import UsageError
from auditor.core.fsutil import atomic_write
from auditor.core.outfolder import MANIFEST, OutFolder


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_files_get_the_mode_the_umask_gives(tmp_path: Path, mask: int, expected: int) -> None:
    """0666 minus the umask, as for any program's new files (mkstemp alone gives 0600)."""
    old = os.umask(mask)
    try:
        OutFolder(tmp_path / "out").write({"a.json": "{}", "p/x/index.html": "<p>"})
        atomic_write(tmp_path / "single.txt", "x")
    finally:
        os.umask(old)
    for path in ("out/a.json", "out/p/x/index.html", f"out/{MANIFEST}", "single.txt"):
        assert expected == mode(tmp_path / path), path
    assert 0o777 & ~mask == mode(tmp_path / "out/p/x")


def test_a_file_auditor_did_not_write_is_not_replaced(tmp_path: Path) -> None:
    """``--out docs`` with a real docs/index.html: refused before anything is written, one
    line naming the file; with force it is replaced and becomes auditor's."""
    out = tmp_path / "docs"
    out.mkdir()
    (out / "index.html").write_text("my own page")
    folder = OutFolder(out)
    with pytest.raises(UsageError) as info:
        folder.write({"findings.json": "{}", "index.html": "site"})
    assert (
        f"--out {out}: index.html exists and auditor did not write it; choose another folder "
        "or pass --force to replace it"
    ) == str(info.value)
    assert ["index.html"] == sorted(p.name for p in out.iterdir())
    assert "my own page" == (out / "index.html").read_text()
    OutFolder(out, force=True).write({"findings.json": "{}", "index.html": "site"})
    assert "site" == (out / "index.html").read_text()
    OutFolder(out).write({"index.html": "again"})  # now auditor's: no force needed
    assert "again" == (out / "index.html").read_text()


def test_check_covers_whole_folders(tmp_path: Path) -> None:
    """A folder the run writes every file of (the site's ``p/``): any file in it that
    auditor did not write stops the run before any work."""
    (tmp_path / "p" / "mine").mkdir(parents=True)
    (tmp_path / "p" / "mine" / "notes.txt").write_text("x")
    with pytest.raises(UsageError, match=r"p/mine/notes\.txt exists and auditor did not write"):
        OutFolder(tmp_path).check(["index.html"], prefixes=("p",))
    OutFolder(tmp_path, force=True).check(["index.html"], prefixes=("p",))


def test_stale_files_of_an_earlier_run_go_others_stay(tmp_path: Path) -> None:
    """What an earlier run wrote and this one did not is removed (with the folders it
    empties); a file auditor never wrote, and anything a tampered manifest names outside the
    folder, stays."""
    out = tmp_path / "out"
    OutFolder(out).write({"graph.json": "{}", "p/x/s/1.html": "a", "p/x/index.html": "b"})
    (out / "README.md").write_text("mine")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    manifest = json.loads((out / MANIFEST).read_text())
    manifest["files"].append("../victim.txt")
    (out / MANIFEST).write_text(json.dumps(manifest))
    OutFolder(out).write({"p/x/index.html": "c"})
    assert not (out / "graph.json").exists()
    assert not (out / "p/x/s").exists()
    assert "c" == (out / "p/x/index.html").read_text()
    assert "mine" == (out / "README.md").read_text()
    assert "keep me" == victim.read_text()
    assert {"schema": "auditor.files/1", "files": ["p/x/index.html"]} == json.loads(
        (out / MANIFEST).read_text()
    )


def test_the_site_manifest_of_earlier_versions_counts(tmp_path: Path) -> None:
    """A folder written by an auditor that kept ``auditor-site.json``: its pages are
    auditor's (replaced and cleaned up without --force); the old manifest goes."""
    (tmp_path / "index.html").write_text("old site")
    (tmp_path / "old.html").write_text("old page")
    (tmp_path / "auditor-site.json").write_text('{"files": ["index.html", "old.html"]}')
    OutFolder(tmp_path).write({"index.html": "new site"})
    assert ["auditor-files.json", "index.html"] == sorted(p.name for p in tmp_path.iterdir())


def test_an_interrupted_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interrupted in the middle of the third file: no ``*.tmp`` is left, the earlier
    content of that file is intact, and the manifest still names every file auditor may
    have written, so the next run replaces them without --force."""
    out = tmp_path / "out"
    OutFolder(out).write({"a.json": "1", "b.json": "1", "c.json": "1"})
    calls = {"n": 0}
    real_replace = os.replace

    def interrupted(src: str, dst: str) -> None:
        calls["n"] += 1
        if calls["n"] == 4:  # the manifest first, then a, b, c
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        OutFolder(out).write({"a.json": "2", "b.json": "2", "c.json": "2", "d.json": "2"})
    monkeypatch.setattr(os, "replace", real_replace)
    assert [] == [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    assert ("2", "2", "1") == tuple((out / n).read_text() for n in ("a.json", "b.json", "c.json"))
    OutFolder(out).write({"a.json": "3", "d.json": "3"})
    assert ["a.json", "auditor-files.json", "d.json"] == sorted(p.name for p in out.iterdir())


def test_only_the_manifest_is_flushed_to_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing a hundred files flushes the manifest (before and after) and nothing else:
    an ``fsync`` per file made writing a site of thousands of pages take seconds."""
    flushed: list[str] = []
    real_fsync = os.fsync

    def counting(fd: int) -> None:
        flushed.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting)
    OutFolder(tmp_path).write({f"page-{i}.html": str(i) for i in range(100)})
    assert [f".{MANIFEST}."] * 2 == [Path(path).name[: len(MANIFEST) + 2] for path in flushed]
    assert "99" == (tmp_path / "page-99.html").read_text()


def test_the_temporary_file_of_a_killed_write_is_removed_next_time(tmp_path: Path) -> None:
    """A write killed outright (SIGKILL) leaves its ``.<name>.<random>.tmp``: the next
    write of that folder removes it; a temporary-looking file of another name stays."""
    out = tmp_path / "out"
    OutFolder(out).write({"findings.json": "{}"})
    (out / ".findings.json.k3x_9qz2.tmp").write_text("half")
    (out / ".notes.txt.abcdefgh.tmp").write_text("someone else's")
    OutFolder(out).write({"findings.json": "{}"})
    assert [".notes.txt.abcdefgh.tmp", MANIFEST, "findings.json"] == sorted(
        p.name for p in out.iterdir()
    )
