"""The site's folder shared with others: the report files beside it (their own manifest,
``auditor-files.json``), the user's own files (never replaced without ``--force``), and a
folder an earlier auditor listed whole in ``auditor-files.json`` (taken over)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from auditor.core.errors import AuditorError, UsageError
from auditor.core.outfolder import MANIFEST as FILES_MANIFEST
from auditor.core.outfolder import OutFolder
from auditor.site import manifest, paths, render_site
from auditor.store import open_store
from tests.site.stories import fail_writes_from, files, stamps, story
from tests.support import run_cli

NAMES = ("alpha", "bravo")


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    for number, name in enumerate(NAMES):
        story(engine, name, start=number)
    yield engine
    engine.dispose()


def site_files(folder: Path) -> dict[str, bytes]:
    return {p: b for p, b in files(folder).items() if manifest.is_site_file(p)}


def test_a_folder_an_earlier_auditor_listed_whole_is_taken_over(
    engine: Engine, tmp_path: Path
) -> None:
    """Report files and every page listed in ``auditor-files.json`` (no site manifests): a
    render of one project keeps the other's pages (still linked), removes its own stale
    page, needs no --force, and leaves ``auditor-files.json`` listing only the report
    files; a build then ends equal to a fresh one."""
    out = tmp_path / "site"
    render_site(engine, out)
    for path in [*files(out)]:
        if path.endswith(manifest.PROJECT_MANIFEST) or path == manifest.MANIFEST:
            (out / path).unlink()
    stale = {name: f"{paths.project_dir(name)}/s/999.html" for name in NAMES}
    for path in stale.values():
        (out / path).write_text("a pruned snapshot's page")
    (out / "findings.json").write_text("{}")
    listed = sorted(files(out))
    (out / FILES_MANIFEST).write_text(json.dumps({"schema": "auditor.files/1", "files": listed}))
    before = stamps(out)

    render_site(engine, out, projects=("alpha",))
    assert not (out / stale["alpha"]).exists()
    bravo = paths.project_dir("bravo") + "/"
    assert {p: s for p, s in before.items() if p.startswith(bravo)} == {
        p: s for p, s in stamps(out).items() if p.startswith(bravo)
    }
    assert ["findings.json"] == json.loads((out / FILES_MANIFEST).read_text())["files"]
    assert stale["bravo"] in manifest.read_index(out).legacy
    manifest.check_folder(out)  # every page there is auditor's: no --force needed

    render_site(engine, out)
    assert not (out / stale["bravo"]).exists()
    assert "{}" == (out / "findings.json").read_text()
    fresh = tmp_path / "fresh"
    render_site(engine, fresh)
    assert site_files(fresh) == site_files(out)


@pytest.mark.parametrize(
    "theirs", ["index.html", "index-2.html", "p/notes/readme.txt", "p/readme.txt", "p"]
)
def test_the_users_own_files_are_refused_unless_forced(
    engine: Engine, tmp_path: Path, theirs: str
) -> None:
    """A file of the user's where the site writes (a page of the index, anything in
    ``p/`` outside a project folder of auditor's): refused before anything is written,
    naming it; with force the site is rendered: a page it replaced is auditor's from then
    on, a file it did not render over stays the user's (and is refused again)."""
    out = tmp_path / "site"
    (out / theirs).parent.mkdir(parents=True, exist_ok=True)
    (out / theirs).write_text("ours")
    with pytest.raises(UsageError) as refused:
        render_site(engine, out)
    assert (
        f"--out {out}: {theirs} exists and auditor did not write it; "
        "choose another folder or pass --force to replace it"
    ) == str(refused.value)
    assert [theirs] == [*files(out)]
    if theirs == "p":
        return  # a file where the projects' folder goes: even --force cannot render
    render_site(engine, out, force=True)
    assert (out / paths.project_page("alpha")).is_file()
    if theirs == "index.html":
        render_site(engine, out)  # what it replaced is auditor's now
    else:
        assert "ours" == (out / theirs).read_text()  # not rendered over: still the user's
        with pytest.raises(UsageError):
            render_site(engine, out)


def test_a_new_project_cut_off_before_its_manifest_is_not_taken_for_the_users(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first render that fails after some of a new project's pages are written: the
    manifest written before the pages claims them, so the next run needs no --force, renders
    the project again and ends equal to a fresh render."""
    out = tmp_path / "site"
    restore = fail_writes_from(monkeypatch, 4)
    with pytest.raises(AuditorError, match="No space left on device"):
        render_site(engine, out)
    restore()
    summary = render_site(engine, out)
    assert (2, 0) == (summary.rendered, summary.current)
    fresh = tmp_path / "fresh"
    render_site(engine, fresh)
    assert files(fresh) == files(out)


def test_the_report_files_manifest_leaves_the_site_alone(tmp_path: Path) -> None:
    """``OutFolder`` with the site's names as another writer's: it neither lists nor removes
    them, and keeps removing its own files that a run no longer writes."""
    out = tmp_path / "out"
    folder = OutFolder(out, others=manifest.is_site_file)
    folder.write({"findings.json": "{}", "graph.json": "{}"})
    (out / "index.html").write_text("page")
    (out / "p" / "x").mkdir(parents=True)
    (out / "p" / "x" / "index.html").write_text("page")
    listed = ["findings.json", "graph.json", "index.html", "p/x/index.html"]
    (out / FILES_MANIFEST).write_text(json.dumps({"schema": "auditor.files/1", "files": listed}))
    folder.write({"findings.json": "{}"})
    assert ["findings.json"] == json.loads((out / FILES_MANIFEST).read_text())["files"]
    assert ["auditor-files.json", "findings.json", "index.html", "p/x/index.html"] == [*files(out)]


def test_site_build_refuses_a_page_of_the_users_and_force_replaces_it(tmp_path: Path) -> None:
    """``site build`` into a folder with the user's ``index.html``: exit 2, one line, the
    store not even opened; with --force the index replaces it."""
    db = tmp_path / "store.db"
    engine = open_store(f"sqlite:///{db}")
    try:
        story(engine, "alpha")
    finally:
        engine.dispose()
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("<h1>Our documentation</h1>")
    refused = run_cli(["site", "build", "--db", str(db), "--out", str(out)])
    assert 2 == refused.code
    assert [
        f"auditor: error: --out {out}: index.html exists and auditor did not write it; "
        "choose another folder or pass --force to replace it"
    ] == refused.err.splitlines()
    assert ["index.html"] == [*files(out)]
    forced = run_cli(["site", "build", "--db", str(db), "--out", str(out), "--force"])
    assert 0 == forced.code, forced.err
    assert "Our documentation" not in (out / "index.html").read_text()
