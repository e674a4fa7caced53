"""``report`` inside a real git checkout: the store folder keeps ``git status`` clean,
``history``/``diff`` find the store and project from the same PATH, and a snapshot records a
commit only when it is the commit of the files the run read (or the one ``--commit`` names)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support import FIXTURES, commit_all, git, run_cli

SMALL = FIXTURES / "scan" / "small"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def checkout(folder: Path) -> str:
    """A git repository holding the small project, committed; its HEAD."""
    shutil.copytree(SMALL, folder)
    return commit_all(folder)


@pytest.fixture(autouse=True)
def _default_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests use the store where report puts it by default: PATH/.auditor/."""
    monkeypatch.delenv("AUDITOR_DB", raising=False)


def test_the_store_folder_keeps_git_status_clean(tmp_path: Path) -> None:
    """``report PATH`` creates PATH/.auditor/auditor.db and a .gitignore beside it: the
    checkout's ``git status`` stays empty."""
    repo = tmp_path / "shop"
    checkout(repo)
    result = run_cli(["report", str(repo), "--out", str(tmp_path / "site")])
    assert result.code in (0, 3), result.err
    assert (repo / ".auditor" / "auditor.db").is_file()
    assert "*" in (repo / ".auditor" / ".gitignore").read_text().splitlines()
    assert "" == git(repo, "status", "--porcelain", "--untracked-files=all")


def test_history_and_diff_take_the_path_report_took(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From another folder: ``report PATH`` twice, then ``history PATH`` and ``diff PATH``
    (with or without ids) read that project's store (they used to look in the current
    folder: "no snapshot store here yet")."""
    repo = tmp_path / "shop"
    commit = checkout(repo)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for _ in range(2):
        assert run_cli(["report", str(repo), "--out", str(tmp_path / "site")]).code in (0, 3)
    history = run_cli(["history", str(repo), "--json"])
    assert 0 == history.code, history.err
    document = json.loads(history.out)
    assert "shop" == document["project"]
    assert [commit, commit] == [s["git"]["commit"] for s in document["snapshots"]]
    for args in (["diff", str(repo)], ["diff", "1", "2", str(repo)], ["diff", str(repo), "2"]):
        diff = run_cli([*args, "--json"])
        assert 0 == diff.code, (args, diff.err)
        assert (1, 2) == (json.loads(diff.out)["from"]["id"], json.loads(diff.out)["to"]["id"])
    missing = run_cli(["history", str(tmp_path / "nowhere")])
    assert 2 == missing.code
    assert "nowhere: no such file or directory" in missing.err
    assert 2 == run_cli(["diff", "1", "2", "3"]).code


def test_a_replay_of_tracked_old_files_records_no_later_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Old lockfiles committed into a checkout (auditor's own examples/saleor-history, say)
    replayed under their old time: the checkout's HEAD is newer than that time, so it is not
    their commit and is not recorded. A checkout of the old commit itself, replayed under a
    time after it, records its HEAD."""
    host = tmp_path / "host"
    host.mkdir()
    shutil.copytree(SMALL, host / "examples" / "2016-06")
    commit_all(host)  # committed now
    db = tmp_path / "store.db"
    args = ["--out", str(tmp_path / "site"), "--db", str(db), "--project", "shop"]
    replay = ["report", str(host / "examples" / "2016-06"), *args]
    assert run_cli([*replay, "--snapshot-time", "2016-06-30T00:00:00Z"]).code in (0, 3)
    old = tmp_path / "old"
    shutil.copytree(SMALL, old)
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2016-06-01T12:00:00Z")
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2016-06-01T12:00:00Z")
    head = commit_all(old)
    monkeypatch.delenv("GIT_COMMITTER_DATE")
    at_old = ["report", str(old), *args, "--snapshot-time", "2016-06-30T00:00:00Z"]
    assert run_cli(at_old).code in (0, 3)
    history = json.loads(run_cli(["history", "--db", str(db), "--json"]).out)
    assert [None, head] == [s["git"]["commit"] for s in history["snapshots"]]


def test_a_replay_records_the_commit_it_names(tmp_path: Path) -> None:
    """Files of an old commit replayed from a folder inside another checkout (auditor's
    own, say): without --commit the snapshot records no commit (the checkout's HEAD says
    nothing about files it does not track); with --commit it records that one."""
    host = tmp_path / "host"
    checkout(host)
    replay = host / "replays" / "2016-06"
    shutil.copytree(SMALL, replay)  # not committed to host
    db = tmp_path / "store.db"
    base = ["report", str(replay), "--out", str(tmp_path / "site"), "--db", str(db)]
    base += ["--project", "shop", "--snapshot-time", "2016-06-30T00:00:00Z"]
    assert run_cli(base).code in (0, 3)
    assert run_cli([*base, "--commit", "B52F52B1DD4F6BE6083F866E4C3D47CD9984615E"]).code in (0, 3)
    history = json.loads(run_cli(["history", "--db", str(db), "--json"]).out)
    commits = [s["git"]["commit"] for s in history["snapshots"]]
    assert [None, "b52f52b1dd4f6be6083f866e4c3d47cd9984615e"] == commits
    with pytest.raises(SystemExit) as exited:  # argparse: one line, exit 2
        run_cli([*base, "--commit", "not-a-sha"])
    assert 2 == exited.value.code
