"""File names from third-party text, and writing the site inside --out only."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.core.errors import AuditorError
from auditor.site import paths

SAFE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@given(st.text(min_size=0, max_size=500))
def test_safe_names_are_plain_and_short(text: str) -> None:
    """Any text gives a lowercase [a-z0-9-] name of bounded length."""
    name = paths.safe_name(text)
    assert SAFE.match(name), name
    assert len(name) <= paths.SLUG_LENGTH + 13


@pytest.mark.parametrize(
    "text", ["../../x", "@scope/name", "CON", "a/b", "a_b", "A/B", ".", "..", "\x00", "x" * 5000]
)
def test_names_that_look_alike_stay_apart(text: str) -> None:
    """Distinct names never share a file, even when their slugs are equal."""
    others = {"../../x", "@scope/name", "CON", "a/b", "a_b", "A/B", ".", "..", "\x00", "x" * 5000}
    names = {paths.safe_name(t) for t in others}
    assert len(others) == len(names)
    assert "/" not in paths.safe_name(text)
    assert ".." not in paths.safe_name(text)


def test_package_pages_of_hostile_names_stay_in_the_project_folder() -> None:
    """Scoped npm names and escaping names become one flat file in pkg/."""
    for name in ("@scope/name", "../../etc/passwd", "a\\..\\b"):
        path = paths.package_page("proj", "npm", name)
        assert path.startswith(paths.project_dir("proj") + "/pkg/")
        assert path.count("/") == 3


@pytest.mark.parametrize("bad", ["../x.html", "/etc/x", "a/../../x", "", "."])
def test_inside_refuses_paths_out_of_the_folder(tmp_path: Path, bad: str) -> None:
    """A site path that would leave --out is an error, not a write."""
    with pytest.raises(AuditorError, match="outside the report folder"):
        paths.inside(tmp_path, bad)


def test_inside_refuses_a_symlinked_folder_pointing_out(tmp_path: Path) -> None:
    """A folder inside --out that links elsewhere does not take the site with it."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "p").symlink_to(elsewhere)
    with pytest.raises(AuditorError):
        paths.inside(out, "p/x.html")


def test_relative_links() -> None:
    """Links between pages are relative, so the site works from any folder or host."""
    assert "p/x/index.html" == paths.relative("index.html", "p/x/index.html")
    assert "../../index.html" == paths.relative("p/x/index.html", "index.html")
    assert "../s/2.html" == paths.relative("p/x/pkg/a.html", "p/x/s/2.html")
    assert "b.html" == paths.relative("p/x/pkg/a.html", "p/x/pkg/b.html")


def test_write_pages_removes_only_its_own_stale_pages(tmp_path: Path) -> None:
    """A page the site no longer has is removed (and the folders it leaves empty); files
    the site never wrote are kept; a path out of the folder is refused, not removed."""
    out = tmp_path / "out"
    assert 2 == paths.write_pages(out, {"index.html": "a", "p/x/s/1.html": "b"})
    (out / "sbom.json").write_text("{}")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    assert 1 == paths.write_pages(out, {"index.html": "c"}, ["index.html", "p/x/s/1.html"])
    assert "c" == (out / "index.html").read_text()
    assert not (out / "p").exists()
    assert (out / "sbom.json").exists()
    with pytest.raises(AuditorError, match="outside the report folder"):
        paths.remove_files(out, ["../victim.txt"])
    assert "keep me" == victim.read_text()


def test_write_pages_leaves_unchanged_pages_alone(tmp_path: Path) -> None:
    """A page whose bytes come out the same is not rewritten: same inode, same mtime."""
    out = tmp_path / "out"
    paths.write_pages(out, {"a.html": "same", "b.html": "old"})
    before = {n: os.stat(out / n) for n in ("a.html", "b.html")}
    time.sleep(0.01)
    assert 1 == paths.write_pages(out, {"a.html": "same", "b.html": "new"})
    after = {n: os.stat(out / n) for n in ("a.html", "b.html")}
    assert (before["a.html"].st_ino, before["a.html"].st_mtime_ns) == (
        after["a.html"].st_ino,
        after["a.html"].st_mtime_ns,
    )
    assert before["b.html"].st_ino != after["b.html"].st_ino
    assert "new" == (out / "b.html").read_text()


def test_write_pages_does_not_follow_a_planted_link(tmp_path: Path) -> None:
    """A symlink at a page's place pointing out of the folder stops the whole write before
    any page is written; its target is left alone."""
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "target.txt"
    target.write_text("original")
    (out / "index.html").symlink_to(target)
    with pytest.raises(AuditorError, match="outside the report folder"):
        paths.write_pages(out, {"a.html": "first", "index.html": "page"})
    assert "original" == target.read_text()
    assert not (out / "a.html").exists()


def test_temporary_files_of_a_killed_render_are_swept(tmp_path: Path) -> None:
    """A temporary page a killed render left beside the pages goes with the next write
    into that folder; files that merely look similar stay."""
    out = tmp_path / "out"
    (out / "p").mkdir(parents=True)
    left = out / "p" / ".index.html.a1b2_c3d.tmp"
    left.write_text("half")
    kept = [out / "p" / name for name in (".keep.tmp", "notes.tmp", ".index.html.tmp")]
    for path in kept:
        path.write_text("mine")
    paths.write_pages(out, {"p/index.html": "page"})
    assert not left.exists()
    assert all(path.read_text() == "mine" for path in kept)
