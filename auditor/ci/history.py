"""The snapshot store kept on a git branch, for CI runs without a database server.

``fetch`` puts the branch's ``auditor.db`` into a fresh work tree (or starts with none when
the branch does not exist yet) and remembers which commit it came from. ``push`` commits the
updated store as the branch's only commit and pushes it with ``--force-with-lease`` on that
commit, so the push fails when another run pushed first. It then fetches the other run's
store, copies into it the snapshots this run added (``auditor.store.merge``: the ones in our
store that the fetched base lacked), and pushes again; a bounded number of times.

The branch keeps a single commit: the store's history is inside the database, and a new
commit per run would keep every old copy of a binary file in the repository forever.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from auditor.ci.git import Git, GitError, commit_tree, last_line, remote_head
from auditor.core.errors import StoreError
from auditor.store import open_store, snapshots
from auditor.store.merge import merge_snapshots, new_snapshots

STORE_FILE = "auditor.db"
REMOTE = "origin"
README = """\
# auditor history

This branch holds the snapshot store of the scheduled `auditor` audit (`auditor.db`, an
SQLite file). The GitHub Action replaces its single commit after every run; the history of
the audits is inside the database. Read it with:

    git fetch origin {branch} && git show origin/{branch}:auditor.db > auditor.db
    auditor history --db auditor.db

Do not merge this branch into another one.
"""
IGNORED = "*.db-wal\n*.db-shm\n*.db-journal\n"


@dataclass(frozen=True, kw_only=True)
class Fetched:
    store: Path
    base: str  # the commit the store came from; "" when the branch did not exist


@dataclass(frozen=True, kw_only=True)
class Pushed:
    commit: str  # "" when nothing changed and nothing was pushed
    attempts: int
    merged: int  # snapshots copied into stores other runs pushed meanwhile


def _state(work: Path) -> Path:
    # Inside .git, so nothing of it is ever committed.
    return work / ".git" / "auditor"


def fetch(git: Git, remote_url: str, branch: str) -> Fetched:
    """A work tree of ``branch`` at ``git.cwd`` holding the store (if the branch exists)."""
    work = git.cwd
    work.mkdir(parents=True, exist_ok=True)
    if not (work / ".git").is_dir():
        git.run("init", "--quiet")
    if REMOTE in git.lines("remote"):
        git.run("remote", "set-url", REMOTE, remote_url)
    else:
        git.run("remote", "add", REMOTE, remote_url)
    base = _checkout_remote(git, branch)
    return Fetched(store=work / STORE_FILE, base=base)


def _checkout_remote(git: Git, branch: str) -> str:
    """Check out the branch's head (or nothing) and record it as the base of this run."""
    base = remote_head(git, REMOTE, branch)
    if base:
        git.run("fetch", "--quiet", "--depth=1", REMOTE, f"+refs/heads/{branch}:refs/auditor/base")
        base = git.run("rev-parse", "refs/auditor/base").out.strip()
        git.run("checkout", "--quiet", "--force", "--detach", base)
        git.run("clean", "--quiet", "-d", "--force")
    state = _state(git.cwd)
    state.mkdir(parents=True, exist_ok=True)
    (state / "base").write_text(base + "\n")
    store, copy = git.cwd / STORE_FILE, state / "base.db"
    copy.unlink(missing_ok=True)
    if store.exists():
        settle(store)
        shutil.copyfile(store, copy)
    return base


def settle(store: Path) -> None:
    """Fold the write-ahead log into the file and leave it in rollback-journal mode, so the
    one file is the whole database (auditor turns WAL on again when it next opens it)."""
    try:
        with closing(sqlite3.connect(store)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise StoreError(f"{store}: {exc}") from None


def push(
    git: Git,
    branch: str,
    message: str,
    *,
    attempts: int = 5,
    sleep: Callable[[float], None] = time.sleep,
) -> Pushed:
    """Push the store as the branch's new single commit; on a race, merge and retry."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    merged = 0
    if not (git.cwd / STORE_FILE).exists():
        # The run saved nothing (the report failed before its snapshot, or --no-store).
        return Pushed(commit="", attempts=0, merged=0)
    for attempt in range(1, attempts + 1):
        base = (_state(git.cwd) / "base").read_text().strip()
        _write_branch_files(git.cwd, branch)
        commit = commit_tree(git, message)
        if base and _tree(git, commit) == _tree(git, base):
            return Pushed(commit="", attempts=attempt, merged=merged)
        pushed = git.run(
            "push",
            "--porcelain",
            f"--force-with-lease=refs/heads/{branch}:{base}",
            REMOTE,
            f"{commit}:refs/heads/{branch}",
            check=False,
        )
        if pushed.code == 0:
            return Pushed(commit=commit, attempts=attempt, merged=merged)
        if remote_head(git, REMOTE, branch) == base:
            # Nobody else pushed: the refusal is not a race (permissions, protection).
            raise GitError(
                f"cannot push the history branch {branch}: {last_line(pushed.err or pushed.out)}"
            )
        if attempt == attempts:
            break
        merged += _merge_into_remote(git, branch)
        sleep(random.uniform(0.5, 2.0) * attempt)  # noqa: S311 - jitter, not cryptography
    raise GitError(
        f"the history branch {branch} kept moving: gave up after {attempts} attempts "
        "(serialise the audit jobs with a concurrency group)"
    )


def _tree(git: Git, commit: str) -> str:
    return git.run("rev-parse", f"{commit}^{{tree}}").out.strip()


def _write_branch_files(work: Path, branch: str) -> None:
    store = work / STORE_FILE
    if store.exists():
        settle(store)
    (work / "README.md").write_text(README.format(branch=branch))
    (work / ".gitignore").write_text(IGNORED)
    (work / ".gitattributes").write_text(f"{STORE_FILE} binary\n")


def _merge_into_remote(git: Git, branch: str) -> int:
    """Replace the work tree by the branch's new head, adding this run's snapshots to it."""
    state = _state(git.cwd)
    ours = state / "ours.db"
    store = git.cwd / STORE_FILE
    if store.exists():
        settle(store)
        shutil.move(store, ours)
    old_base = state / "base.db"
    previous = state / "previous.db"
    previous.unlink(missing_ok=True)
    if old_base.exists():
        shutil.move(old_base, previous)
    _checkout_remote(git, branch)
    if not ours.exists():
        return 0
    source = open_store(f"sqlite:///{ours}", create_missing=False)
    target = open_store(f"sqlite:///{store}")
    try:
        if previous.exists():
            before = open_store(f"sqlite:///{previous}", create_missing=False)
            try:
                ids = new_snapshots(source, before)
            finally:
                before.dispose()
        else:
            ids = tuple(info.id for info in snapshots(source))
        report = merge_snapshots(source, target, only=ids)
    finally:
        source.dispose()
        target.dispose()
    return len(report.copied)
