"""``report --backfill SINCE``: the project's treadmill from its git history.

The first-parent history of HEAD since SINCE is read with git (nothing is checked out,
``collectors/gitrepo.py``). Of the commits that changed a lockfile (or a manifest beside
one) below the scanned folder, the last of each period (month or ISO week, by commit date
in UTC) is audited from its own tree and saved as a snapshot filed under its commit date,
with its commit. Periods that already have a snapshot of the project are skipped, so the
same command run every night adds nothing after the first run. A file that did not parse
at some commit is that snapshot's error (the snapshot is partial), not a failure of the run.

Scale: a file content is parsed once however many periods hold it (``TreeCollector``), and
each advisory source is asked once per distinct package version (``MemoSource``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from auditor.advisories.memo import MemoSource
from auditor.collectors.discovery import collector_for_name, excluded
from auditor.collectors.gitrepo import Change, GitRepo
from auditor.collectors.gittree import BlobCache, CommitFiles, TreeCollector, skipped
from auditor.collectors.unsupported import manifest_for, unsupported_lockfile
from auditor.core.errors import UsageError
from auditor.core.findings import IgnoreRule
from auditor.core.model import CollectResult, FileError
from auditor.pipeline.audit import AuditOptions, Collection, audit
from auditor.pipeline.periods import PERIODS, Backfill, period_key, since_time


@dataclass(frozen=True, kw_only=True)
class Period:
    """The commit chosen for one period: the last first-parent commit of it that changed
    a lockfile."""

    key: str  # 2024-05 (month) or 2024-W19 (ISO week)
    change: Change


@dataclass(frozen=True, kw_only=True)
class BackfillSummary:
    """What a backfill did."""

    periods: int  # periods since SINCE with a lockfile change
    saved: tuple[int, ...]  # ids of the snapshots saved, oldest first
    present: int  # periods that already had a snapshot of the project
    partial: int  # saved snapshots with files that did not parse
    empty: int  # periods whose commit had no lockfile left (nothing saved)
    parsed: int  # lockfile contents parsed (the others were reused)
    asked: int  # package versions the advisory sources were asked about
    shallow: bool = False  # the clone's history is cut off: older periods could not be read


def lockfile_change(path: str, exclude: Sequence[str]) -> bool:
    """Whether a changed path (relative to the scanned folder) is one a run reads or
    reports: a lockfile of any format, or a manifest (which may sit beside one)."""
    relative = PurePosixPath(path)
    if skipped(relative, frozenset()) or (exclude and excluded(relative, exclude)):
        return False
    name = relative.name
    return (
        collector_for_name(Path(path)) is not None
        or unsupported_lockfile(name) is not None
        or manifest_for(name) is not None
    )


def choose_periods(
    changes: Sequence[Change], prefix: str, every: str, exclude: Sequence[str]
) -> list[Period]:
    """The last first-parent commit of each period that changed a lockfile below
    ``prefix``, oldest period first. ``changes`` come newest first (git log's order)."""
    start = len(prefix) + 1 if prefix else 0
    chosen: dict[str, Period] = {}
    for change in changes:
        below = [p[start:] for p in change.paths if not prefix or p.startswith(prefix + "/")]
        if not any(lockfile_change(p, exclude) for p in below):
            continue
        key = period_key(change.committed, every)
        chosen.setdefault(key, Period(key=key, change=change))
    return sorted(chosen.values(), key=lambda p: (p.change.committed, p.key))


@dataclass(frozen=True, kw_only=True)
class Replayed:
    """One period's audit, ready to be saved."""

    period: Period
    collection: Collection
    inputs: tuple[tuple[str, str], ...]  # (path, sha256) of every file read


class Backfiller:
    """Audits the chosen commits of one repository with one set of options."""

    def __init__(self, repo: GitRepo, options: AuditOptions, exclude: Sequence[str]) -> None:
        self.repo = repo
        self.sources = tuple(MemoSource(s) for s in options.sources)
        self.options = replace(options, sources=self.sources)
        self.exclude = tuple(exclude)
        self.blobs = BlobCache(repo)
        self.collector = TreeCollector()

    @property
    def asked(self) -> int:
        return sum(s.asked for s in self.sources)

    def collect(self, period: Period) -> Replayed | None:
        """The lockfiles of the period's commit, collected (None: it has none)."""
        entries = self.repo.tree(period.change.commit, self.repo.prefix)
        files = CommitFiles(self.repo, entries, self.blobs)
        found = files.sort(self.exclude)
        if not found.targets:
            return None
        results: list[CollectResult] = []
        errors: list[FileError] = []
        inputs: dict[str, str] = {}
        for relative, collector in found.targets:
            shown = relative.as_posix()
            done = self.collector.collect(files, shown, collector)
            if done.result is not None:
                results.append(done.result)
            if done.error is not None:
                errors.append(done.error)
            for path, oid in ((shown, entries[shown].oid), *done.read):
                entry = entries.get(path)
                if oid is not None and entry is not None and entry.regular:
                    inputs.setdefault(path, self.blobs.sha256(entry.oid))
        collection = Collection(
            results=tuple(results),
            errors=tuple(sorted(set(errors))),
            unsupported=found.unsupported,
            excluded=found.excluded,
        )
        return Replayed(period=period, collection=collection, inputs=tuple(sorted(inputs.items())))


Progress = Callable[[str], None]


def run_backfill(
    backfill: Backfill,
    *,
    root: Path,
    options: AuditOptions,
    exclude: Sequence[str],
    url: str,
    project: str,
    ignores: tuple[IgnoreRule, ...],
    now: dt.datetime,
    say: Progress,
) -> BackfillSummary:
    """Backfill ``project`` in the store at ``url`` from the history of the repository
    holding ``root``. ``UsageError`` (nothing saved) when ``root`` is in no repository."""
    from auditor.pipeline.snapshot import save_replay
    from auditor.store import open_store, snapshots

    if backfill.every not in PERIODS:
        raise UsageError(f"--backfill-every {backfill.every}: expected month or week")
    since = since_time(backfill.since, now)
    with GitRepo(root) as repo:
        say("reading the git history")
        shallow = repo.shallow()
        changes = repo.changes(since, repo.prefix)
        periods = choose_periods(changes, repo.prefix, backfill.every, exclude)
        engine = open_store(url)
        try:
            have = {period_key(i.taken_at, backfill.every) for i in snapshots(engine, project)}
            todo = [p for p in periods if p.key not in have]
            worker = Backfiller(repo, options, exclude)
            saved: list[int] = []
            partial = empty = 0
            for number, period in enumerate(todo, 1):
                say(f"backfilling {period.key} ({number}/{len(todo)})")
                replayed = worker.collect(period)
                if replayed is None:
                    empty += 1
                    continue
                result = audit(replayed.collection, worker.options)
                partial += bool(replayed.collection.errors)
                saved.append(
                    save_replay(
                        engine,
                        project=project,
                        collection=replayed.collection,
                        result=result,
                        ignores=ignores,
                        taken_at=period.change.committed,
                        commit=period.change.commit,
                        inputs=replayed.inputs,
                    )
                )
        finally:
            engine.dispose()
    return BackfillSummary(
        periods=len(periods),
        saved=tuple(saved),
        present=len(periods) - len(todo),
        partial=partial,
        empty=empty,
        parsed=worker.collector.parsed,
        asked=worker.asked,
        shallow=shallow,
    )
