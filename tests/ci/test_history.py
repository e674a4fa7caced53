"""The history branch: fetch, push, and runs that race to push it lose no snapshot."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from auditor.ci import history
from auditor.ci.git import Git, GitError
from auditor.core.errors import StoreError
from auditor.store import load_snapshot, open_store, snapshots
from tests.ci.gitrepos import Repos, git, make_repos
from tests.store.helpers import day, pypi, save, small_graph

BRANCH = "auditor-history"


@pytest.fixture
def repos(tmp_path: Path) -> Repos:
    return make_repos(tmp_path)


def clone(repos: Repos, work: Path) -> Git:
    """A run's history work tree, fetched from the remote."""
    runner = Git(cwd=work)
    history.fetch(runner, str(repos.remote), BRANCH)
    return runner


def add_snapshot(work: Path, name: str, when: dt.datetime) -> None:
    engine = open_store(f"sqlite:///{work / history.STORE_FILE}")
    try:
        save(engine, small_graph(pypi(name)), project="shop", taken_at=when)
    finally:
        engine.dispose()


def stored(repos: Repos, tmp_path: Path) -> list[tuple[str, dt.datetime]]:
    """(first package, time) of each snapshot on the remote's history branch."""
    path = repos.branch_file(BRANCH, history.STORE_FILE, tmp_path / "check.db")
    engine = open_store(f"sqlite:///{path}")
    try:
        infos = snapshots(engine)
        return [
            (load_snapshot(engine, i.id).result.graph.packages[0].name, i.taken_at) for i in infos
        ]
    finally:
        engine.dispose()
        path.unlink()


def no_sleep(_: float) -> None:
    return None


def test_first_push_creates_the_branch_with_one_commit(repos: Repos, tmp_path: Path) -> None:
    """With no branch yet, fetch gives an empty work tree; push creates the branch holding
    the store, a README and the ignore rules, as a single commit."""
    work = tmp_path / "run"
    runner = Git(cwd=work)
    fetched = history.fetch(runner, str(repos.remote), BRANCH)
    assert ("", False) == (fetched.base, fetched.store.exists())
    add_snapshot(work, "a", day(0))
    pushed = history.push(runner, BRANCH, "first", sleep=no_sleep)
    assert (1, 0) == (pushed.attempts, pushed.merged)
    assert pushed.commit == repos.branch_head(BRANCH)
    files = git(repos.remote, "ls-tree", "--name-only", BRANCH).split()
    assert [".gitattributes", ".gitignore", "README.md", "auditor.db"] == files
    assert [("a", day(0))] == stored(repos, tmp_path)


def test_each_push_replaces_the_single_commit(repos: Repos, tmp_path: Path) -> None:
    """A later run starts from the pushed store and pushes one parentless commit again."""
    first = clone(repos, tmp_path / "one")
    add_snapshot(tmp_path / "one", "a", day(0))
    history.push(first, BRANCH, "one", sleep=no_sleep)
    second = clone(repos, tmp_path / "two")
    add_snapshot(tmp_path / "two", "b", day(1))
    history.push(second, BRANCH, "two", sleep=no_sleep)
    assert 1 == repos.commit_count(BRANCH)
    assert ["a", "b"] == [name for name, _ in stored(repos, tmp_path)]


def test_no_store_creates_no_branch(repos: Repos, tmp_path: Path) -> None:
    """A first run that saved no store (its report failed) pushes nothing at all."""
    runner = clone(repos, tmp_path / "run")
    assert history.Pushed(commit="", attempts=0, merged=0) == history.push(
        runner, BRANCH, "x", sleep=no_sleep
    )
    assert "" == repos.branch_head(BRANCH)


def test_nothing_changed_pushes_nothing(repos: Repos, tmp_path: Path) -> None:
    """A run that saved nothing (e.g. --no-store) leaves the branch's commit as it was."""
    first = clone(repos, tmp_path / "one")
    add_snapshot(tmp_path / "one", "a", day(0))
    history.push(first, BRANCH, "one", sleep=no_sleep)
    head = repos.branch_head(BRANCH)
    idle = clone(repos, tmp_path / "two")
    assert "" == history.push(idle, BRANCH, "two", sleep=no_sleep).commit
    assert head == repos.branch_head(BRANCH)


def test_a_rejected_push_merges_into_the_newer_store(repos: Repos, tmp_path: Path) -> None:
    """Two runs fetch the same store; the second to push is refused, copies its snapshot
    into the store the first pushed, and pushes that: both snapshots are kept."""
    seed = clone(repos, tmp_path / "seed")
    add_snapshot(tmp_path / "seed", "base", day(0))
    history.push(seed, BRANCH, "seed", sleep=no_sleep)
    one, two = clone(repos, tmp_path / "one"), clone(repos, tmp_path / "two")
    add_snapshot(tmp_path / "one", "one", day(2))
    add_snapshot(tmp_path / "two", "two", day(1))
    assert 1 == history.push(one, BRANCH, "one", sleep=no_sleep).attempts
    late = history.push(two, BRANCH, "two", sleep=no_sleep)
    assert (2, 1) == (late.attempts, late.merged)
    assert [("base", day(0)), ("two", day(1)), ("one", day(2))] == stored(repos, tmp_path)


def test_racing_clones_lose_no_snapshot(repos: Repos, tmp_path: Path) -> None:
    """Four runs that fetched the same store push at the same moment: every snapshot ends
    up on the branch exactly once."""
    seed = clone(repos, tmp_path / "seed")
    add_snapshot(tmp_path / "seed", "base", day(0))
    history.push(seed, BRANCH, "seed", sleep=no_sleep)
    names = ["w", "x", "y", "z"]
    runners = {}
    for index, name in enumerate(names):
        runners[name] = clone(repos, tmp_path / name)
        add_snapshot(tmp_path / name, name, day(1, hour=index))
    start = threading.Barrier(len(names))
    errors: list[BaseException] = []
    results: list[history.Pushed] = []

    def race(name: str) -> None:
        start.wait()
        try:
            results.append(
                history.push(runners[name], BRANCH, name, attempts=8, sleep=lambda s: None)
            )
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=race, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [] == errors
    # One run wins each round; every other one was refused at least once and merged.
    assert sum(r.attempts for r in results) > len(names)
    assert sum(r.merged for r in results) >= len(names) - 1
    assert ["base", *names] == [name for name, _ in stored(repos, tmp_path)]


def test_a_refused_push_that_is_not_a_race_is_an_error(repos: Repos, tmp_path: Path) -> None:
    """When the remote refuses the push and nobody else pushed (a protected branch, no
    permission), the push fails with one line saying so, and does not retry."""
    hook = repos.remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'branch is protected' >&2\nexit 1\n")
    hook.chmod(0o755)
    runner = clone(repos, tmp_path / "run")
    add_snapshot(tmp_path / "run", "a", day(0))
    with pytest.raises(GitError, match=r"cannot push the history branch auditor-history: .*"):
        history.push(runner, BRANCH, "x", sleep=no_sleep)
    assert "" == repos.branch_head(BRANCH)


def test_a_branch_that_keeps_moving_gives_up(repos: Repos, tmp_path: Path) -> None:
    """After the given number of attempts, a push that keeps losing the race stops with an
    error naming the remedy."""
    seed = clone(repos, tmp_path / "seed")
    add_snapshot(tmp_path / "seed", "base", day(0))
    history.push(seed, BRANCH, "seed", sleep=no_sleep)
    runner = clone(repos, tmp_path / "run")
    add_snapshot(tmp_path / "run", "mine", day(3))
    other = clone(repos, tmp_path / "other")
    add_snapshot(tmp_path / "other", "other", day(2))
    history.push(other, BRANCH, "other", sleep=no_sleep)
    with pytest.raises(GitError, match="kept moving: gave up after 1 attempts"):
        history.push(runner, BRANCH, "x", attempts=1, sleep=no_sleep)


def test_a_store_that_is_not_sqlite_is_one_error_line(repos: Repos, tmp_path: Path) -> None:
    """A history branch whose auditor.db is not a database fails with a store error naming
    the file, not a traceback."""
    work = tmp_path / "run"
    runner = clone(repos, work)
    (work / history.STORE_FILE).write_text("not a database\n")
    with pytest.raises(StoreError, match=r"auditor\.db: file is not a database"):
        history.push(runner, BRANCH, "x", sleep=no_sleep)


def test_the_token_reaches_git_only_through_the_environment(tmp_path: Path) -> None:
    """The token becomes an extra header scoped to the server, passed in GIT_CONFIG_*
    variables; anything git prints has it (and its base64 form) replaced."""
    server = "https://github.invalid/"
    runner = Git(cwd=tmp_path, token="tok-123", server=server, base_env={})  # noqa: S106
    env = runner.env()
    assert "1" == env["GIT_CONFIG_COUNT"]
    assert "http.https://github.invalid/.extraheader" == env["GIT_CONFIG_KEY_0"]
    assert env["GIT_CONFIG_VALUE_0"].startswith("AUTHORIZATION: basic ")
    git(tmp_path, "init", "--quiet")
    shown = runner.run("config", "--list").out
    assert "http.https://github.invalid/.extraheader=AUTHORIZATION: basic ****" in shown
    assert "tok-123" not in shown
    with pytest.raises(GitError) as info:
        runner.run("fetch", str(tmp_path / "tok-123" / "missing.git"))
    assert "tok-123" not in str(info.value)
