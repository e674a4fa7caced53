"""``report --backfill``: a snapshot per period from a real lockfile history in git (saleor's
poetry.lock month by month, commit dates set), read from git's objects, nothing checked out."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from auditor.collectors.gitrepo import Change
from auditor.core.errors import UsageError
from auditor.pipeline.backfill import choose_periods
from auditor.pipeline.periods import period_key, since_time
from auditor.store import load_snapshot, open_store, snapshots
from tests.githistory import Commit, build, saleor_versions
from tests.support import git, run_cli

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
UTC = dt.timezone.utc


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def history() -> list[Commit]:
    """Saleor's eight months, and around them: a pyproject-only change early in 2019-11 (the
    later commit of the month is the one kept), a January 2020 whose poetry.lock was cut
    off mid-table (does not parse), a side branch merged in March (first parent only), and
    a README change in July (no lockfile: no snapshot)."""
    versions = saleor_versions()
    commits = [Commit(date=versions[0][0], files=versions[0][1], message="2019-10")]
    early = versions[0][1]["pyproject.toml"] + b"\n# formatting\n"
    commits.append(Commit(date=at("2019-11-03T10:00:00"), files={"pyproject.toml": early}))
    for date, files in versions[1:3]:
        commits.append(Commit(date=date, files=files, message=date.strftime("%Y-%m")))
    cut = versions[2][1]["poetry.lock"]
    broken = cut[: cut.index(b"[[package]]", 2000)] + b'[[package]]\nname = "cut'
    commits.append(Commit(date=at("2020-01-15T09:00:00"), files={"poetry.lock": broken}))
    for date, files in versions[3:4]:
        commits.append(Commit(date=date, files=files, message=date.strftime("%Y-%m")))
    side = versions[5][1]  # April's files, on a branch dated in March
    commits.append(Commit(date=at("2020-03-02T08:00:00"), files=side, branch="side"))
    for date, files in versions[4:]:
        merge = "side" if date.month == 3 else None
        commits.append(
            Commit(date=date, files=files, message="merge" if merge else "", merge=merge)
        )
    commits.append(Commit(date=at("2020-07-10T08:00:00"), files={"README.md": b"# shop\n"}))
    return commits


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Commit], dict[int, str]]:
    base = tmp_path_factory.mktemp("history") / "shop"
    commits = history()
    return base, commits, build(base, commits)


@pytest.fixture
def repo(
    built: tuple[Path, list[Commit], dict[int, str]], tmp_path: Path
) -> tuple[Path, list[Commit], dict[int, str]]:
    """A fresh copy of the built repository (each test's own store and checkout)."""
    source, commits, ids = built
    copy = tmp_path / "shop"
    shutil.copytree(source, copy, symlinks=True)
    return copy, commits, ids


def report(repo: Path, db: Path | str, *extra: str) -> tuple[int, str, str]:
    result = run_cli(
        [
            *("report", str(repo), "--db", str(db), "--out", str(repo.parent / "out")),
            *("--force", "--no-site", *extra),
        ]
    )
    return result.code, result.out, result.err


def documented(db: Path) -> list[dict[str, object]]:
    listing = run_cli(["history", "--db", str(db), "--project", "shop", "--json"])
    assert 0 == listing.code, listing.err
    return json.loads(listing.out)["snapshots"]  # type: ignore[no-any-return]


def test_one_snapshot_per_month_with_its_commit_and_date(
    repo: tuple[Path, list[Commit], dict[int, str]], tmp_path: Path
) -> None:
    """Each month's last first-parent commit that changed a lockfile is a snapshot filed
    under its commit date with its commit, then the working tree's run: the early
    pyproject-only commit of 2019-11, the side branch's own commit and July's README give
    no snapshot. Nothing is checked out: HEAD and the working tree are as they were."""
    folder, commits, ids = repo
    head = git(folder, "rev-parse", "HEAD")
    code, out, err = report(folder, tmp_path / "s.db", "--backfill", "2019-01-01")
    assert 0 == code, err  # January's file does not parse: that snapshot is partial, not the run
    assert "backfill: 9 snapshots saved from the git history (1 with files that did not" in out
    shots = documented(tmp_path / "s.db")
    months = [
        "2019-10", "2019-11", "2019-12", "2020-01", "2020-02",
        "2020-03", "2020-04", "2020-05", "2020-06",
    ]  # fmt: skip
    assert months == [s["taken_at"][:7] for s in shots[:-1]]  # type: ignore[index]
    chosen = [i for i, c in enumerate(commits, 1) if c.branch == "main"]
    chosen = [i for i in chosen if i not in (2, len(commits))]  # early 2019-11, README
    assert [ids[i] for i in chosen] == [s["git"]["commit"] for s in shots[:-1]]  # type: ignore[index]
    expected_dates = [commits[i - 1].date.strftime("%Y-%m-%dT%H:%M:%SZ") for i in chosen]
    assert expected_dates == [s["taken_at"] for s in shots[:-1]]
    side = next(i for i, c in enumerate(commits, 1) if c.branch == "side")
    assert ids[side] not in {s["git"]["commit"] for s in shots}  # type: ignore[index]
    assert head == shots[-1]["git"]["commit"]  # type: ignore[index]
    assert head == git(folder, "rev-parse", "HEAD")
    assert "" == git(folder, "status", "--porcelain", "--untracked-files=all")


def test_a_month_that_does_not_parse_is_that_snapshots_error(
    repo: tuple[Path, list[Commit], dict[int, str]], tmp_path: Path
) -> None:
    """January's cut-off poetry.lock: that snapshot is partial with the file's error (file
    and line); December and February around it are complete, and February's churn is
    measured against December (the last snapshot that read the same files)."""
    folder, _, _ = repo
    report(folder, tmp_path / "s.db", "--backfill", "2019-01-01")
    shots = {s["taken_at"][:7]: s for s in documented(tmp_path / "s.db")}  # type: ignore[index]
    assert "partial" == shots["2020-01"]["status"]
    assert "complete" == shots["2019-12"]["status"] == shots["2020-02"]["status"]
    assert shots["2019-12"]["id"] == shots["2020-02"]["churn"]["baseline"]  # type: ignore[index]
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}", create_missing=False)
    try:
        stored = load_snapshot(engine, int(shots["2020-01"]["id"]))  # type: ignore[call-overload]
    finally:
        engine.dispose()
    [error] = stored.result.errors
    assert "poetry.lock" == error.path
    assert error.line is not None
    assert 0 == len(stored.result.graph)


def test_a_rerun_adds_nothing(
    repo: tuple[Path, list[Commit], dict[int, str]], tmp_path: Path
) -> None:
    """The same command again saves no backfilled snapshot (every month is in the store),
    only the working tree's run."""
    folder, _, _ = repo
    report(folder, tmp_path / "s.db", "--backfill", "2019-01-01")
    first = documented(tmp_path / "s.db")
    code, out, err = report(folder, tmp_path / "s.db", "--backfill", "2019-01-01")
    assert code in (0, 1, 3), err
    assert "backfill: 0 snapshots saved from the git history (9 period(s) already" in out
    again = documented(tmp_path / "s.db")
    assert [s["id"] for s in first] == [s["id"] for s in again[:-1]]
    assert len(first) + 1 == len(again)


def test_every_week(repo: tuple[Path, list[Commit], dict[int, str]], tmp_path: Path) -> None:
    """``--backfill-every week``: the early pyproject change of 2019-11 is its own week, so
    it is a snapshot too (ten, not nine), each week by its ISO number."""
    folder, _, ids = repo
    _, out, _ = report(
        folder, tmp_path / "s.db", "--backfill", "2019-01-01", "--backfill-every", "week"
    )
    assert "backfill: 10 snapshots saved" in out
    shots = documented(tmp_path / "s.db")[:-1]
    assert ids[2] in [s["git"]["commit"] for s in shots]  # type: ignore[index]
    weeks = [period_key(at(str(s["taken_at"])[:19]), "week") for s in shots]
    assert len(set(weeks)) == len(weeks)


def test_since_limits_the_periods(
    repo: tuple[Path, list[Commit], dict[int, str]], tmp_path: Path
) -> None:
    """A SINCE date leaves the older months out."""
    folder, _, _ = repo
    _, out, _ = report(folder, tmp_path / "s.db", "--backfill", "2020-04-01")
    assert "backfill: 3 snapshots saved" in out
    assert ["2020-04", "2020-05", "2020-06"] == [
        str(s["taken_at"])[:7] for s in documented(tmp_path / "s.db")[:-1]
    ]


def test_advisories_asked_once_per_package_version_and_contents_parsed_once(
    repo: tuple[Path, list[Commit], dict[int, str]], tmp_path: Path
) -> None:
    """The sources are asked about each distinct package version once across all periods,
    and each lockfile content is parsed once (the 2019-12 content comes back in no
    month, so nine contents for nine months)."""
    from auditor.pipeline.periods import Backfill
    from auditor.pipeline.report import ReportRequest, run_report
    from auditor.pipeline.setup import AuditRequest

    folder, _, _ = repo
    done = run_report(
        ReportRequest(
            audit=AuditRequest(paths=(str(folder),)),
            out=tmp_path / "out",
            db=str(tmp_path / "s.db"),
            site=False,
            backfill=Backfill(since="2019-01-01"),
        )
    )
    assert done.backfill is not None
    engine = open_store(f"sqlite:///{tmp_path / 's.db'}", create_missing=False)
    try:
        infos = snapshots(engine, "shop")[:-1]
        versions = {
            p.id for info in infos for p in load_snapshot(engine, info.id).result.graph.packages
        }
    finally:
        engine.dispose()
    assert len(versions) == done.backfill.asked
    assert 9 == done.backfill.parsed


def test_postgresql_store(
    repo: tuple[Path, list[Commit], dict[int, str]], postgres_url: str, tmp_path: Path
) -> None:
    """The same backfill into the PostgreSQL store, twice: nine snapshots, then none."""
    folder, _, _ = repo
    args = ["--backfill", "2019-01-01", "--project", "shop-pg"]
    first = report(folder, postgres_url, *args)
    assert "backfill: 9 snapshots saved" in first[1], first[2]
    second = report(folder, postgres_url, *args)
    assert "backfill: 0 snapshots saved" in second[1], second[2]


def test_not_a_repository_is_one_line(tmp_path: Path) -> None:
    """A folder outside any git repository: one line naming it, exit 2, nothing saved."""
    folder = tmp_path / "plain"
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "scan" / "small", folder)
    code, _, err = report(folder, tmp_path / "s.db", "--backfill", "24m")
    assert 2 == code
    assert 1 == len(err.strip().splitlines()), err
    assert str(folder) in err
    assert "git" in err
    assert not (tmp_path / "s.db").exists()


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--no-store"], "--no-store"),
        (["--snapshot-time", "2020-01-01"], "--snapshot-time"),
    ],
)
def test_flags_backfill_cannot_take(
    repo: tuple[Path, list[Commit], dict[int, str]], tmp_path: Path, extra: list[str], said: str
) -> None:
    """What --backfill cannot be combined with is a usage error before any work."""
    folder, _, _ = repo
    code, _, err = report(folder, tmp_path / "s.db", "--backfill", "24m", *extra)
    assert 2 == code
    assert said in err


def test_since_forms() -> None:
    """SINCE: months, years, weeks, days before now, or a date; anything else is refused."""
    now = at("2024-03-31T12:00:00")
    assert at("2022-03-31T12:00:00") == since_time("24m", now)
    assert at("2023-02-28T12:00:00") == since_time("13m", now)  # no 31 February
    assert at("2019-03-31T12:00:00") == since_time("5y", now)
    assert at("2024-03-17T12:00:00") == since_time("2w", now)
    assert at("2024-03-21T12:00:00") == since_time("10d", now)
    assert at("2020-01-01T00:00:00") == since_time("2020-01-01", now)
    for bad in ("24", "m", "2020-13-01", "-3m", "24 months"):
        with pytest.raises(UsageError, match="expected a span"):
            since_time(bad, now)


def test_periods_keep_the_last_commit_that_changed_a_lockfile() -> None:
    """Newest first in, oldest period first out; only changes below the scanned folder and
    to lockfiles or manifests count; the first commit met in a period is its last."""

    def change(day: str, *paths: str) -> Change:
        return Change(committed=at(day), commit=day, paths=paths)

    changes = [
        change("2024-05-20T00:00:00", "app/README.md"),
        change("2024-05-10T00:00:00", "app/requirements.txt"),
        change("2024-05-02T00:00:00", "app/poetry.lock"),
        change("2024-04-30T00:00:00", "other/poetry.lock"),
        change("2024-04-01T00:00:00", "app/node_modules/x/package-lock.json", "app/Cargo.lock"),
    ]
    periods = choose_periods(changes, "app", "month", ())
    assert [("2024-04", "2024-04-01T00:00:00"), ("2024-05", "2024-05-10T00:00:00")] == [
        (p.key, p.change.commit) for p in periods
    ]
    assert [] == choose_periods(changes[:1], "app", "month", ())
    assert ["2024-04"] == [
        p.key for p in choose_periods(changes, "app", "month", ("*.txt", "poetry.lock"))
    ]


def test_known_then_and_days_exposed_of_the_backfilled_history(
    repo: tuple[Path, list[Commit], dict[int, str]], tmp_path: Path
) -> None:
    """Django's PYSEC-2020-31 (published 2020-06-03) is in every backfilled month's
    findings with today's data, but known only from June: May's snapshot does not count it
    as known then, June's does; its exposure starts at its publication, not at the first
    snapshot holding django 2.x/3.0."""
    folder, _, _ = repo
    report(folder, tmp_path / "s.db", "--backfill", "2019-01-01")
    listing = run_cli(["history", "--db", str(tmp_path / "s.db"), "--project", "shop", "--json"])
    document = json.loads(listing.out)
    month = {s["taken_at"][:7]: s["findings"] for s in document["snapshots"]}
    for findings in month.values():
        assert 0 <= findings["known_then"] <= findings["known_now"] <= findings["total"]
    assert month["2020-06"]["known_then"] > month["2020-05"]["known_then"]
    exposure = document["exposure"]
    [django] = [
        e
        for e in exposure["exposures"]
        if (e["package"], e["advisory"]) == ("django", "PYSEC-2020-31")
    ]
    assert "2020-06-03T14:15:00Z" == django["start"] == django["published"]
    assert django["open"]
    days = sorted(e["days"] for e in exposure["exposures"])
    assert days[-1] == exposure["worst_days"]


def test_a_shallow_clone_says_its_history_was_not_read(
    repo: tuple[Path, list[Commit], dict[int, str]], tmp_path: Path
) -> None:
    """A CI checkout of depth 1 holds one commit: the backfill saves its month and says
    the clone is shallow and how to fetch the rest."""
    folder, _, _ = repo
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{folder}", str(shallow))
    _, out, err = report(shallow, tmp_path / "s.db", "--backfill", "2019-01-01")
    assert "backfill: 1 snapshot saved from the git history (the clone is shallow" in out, err
    assert "fetch-depth: 0" in out


def test_backfilled_snapshots_say_they_were_replayed(
    repo: tuple[Path, list[Commit], dict[int, str]], tmp_path: Path
) -> None:
    """Every backfilled snapshot is marked replayed (audited with today's advisory data);
    the working tree's run is not."""
    folder, _, _ = repo
    report(folder, tmp_path / "s.db", "--backfill", "2019-01-01")
    shots = documented(tmp_path / "s.db")
    assert [True] * (len(shots) - 1) + [False] == [s["replayed"] for s in shots]


def test_backfill_every_needs_backfill(tmp_path: Path) -> None:
    """--backfill-every alone is a usage error, one line, before any work."""
    folder = tmp_path / "plain"
    folder.mkdir()
    code, _, err = report(folder, tmp_path / "s.db", "--backfill-every", "week")
    assert 2 == code
    assert "auditor: error: --backfill-every needs --backfill SINCE\n" == err


def test_a_backfill_after_nightly_runs_rebases_them(
    repo: tuple[Path, list[Commit], dict[int, str]], tmp_path: Path
) -> None:
    """Nightly runs first (no baseline: the first snapshot), then the first backfill: the
    nightly snapshot is now compared with June's backfilled one, the latest before it."""
    folder, _, _ = repo
    report(folder, tmp_path / "s.db")
    [nightly] = documented(tmp_path / "s.db")
    assert nightly["churn"]["baseline"] is None  # type: ignore[index]
    report(folder, tmp_path / "s.db", "--backfill", "2019-01-01")
    shots = documented(tmp_path / "s.db")
    june = next(s for s in shots if str(s["taken_at"]).startswith("2020-06"))
    rebased = next(s for s in shots if s["id"] == nightly["id"])
    assert june["id"] == rebased["churn"]["baseline"]  # type: ignore[index]
    assert 0 == rebased["churn"]["added"] == rebased["churn"]["removed"]  # type: ignore[index]
