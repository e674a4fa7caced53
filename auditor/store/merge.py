"""Copying snapshots from one store into another.

Two uses: moving the history of one project (an SQLite file) into a shared PostgreSQL store,
and joining two copies of one store that diverged, which is what the GitHub Action does when
two runs raced to push the history branch: each run's new snapshots are copied into the
store the other run pushed.

A snapshot is the same in both stores when its project, time, git commit and status are
(its *key*); the store keeps times to the microsecond, so two different runs never share
one. Copying re-saves the loaded snapshot with its original metadata, so the target stores
it content-addressed like any other run and computes its summary (churn, new and resolved
findings) against the target's own earlier snapshots. Each copy is one transaction and the
key makes copying idempotent: a merge interrupted half way is finished by running it again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from auditor.store.queries import load_snapshot, snapshots
from auditor.store.records import SnapshotInfo, as_utc
from auditor.store.write import save_snapshot

SnapshotKey = tuple[str, str, str, str]


def snapshot_key(info: SnapshotInfo) -> SnapshotKey:
    """What makes a snapshot the same run in two stores (ids differ between stores)."""
    return (
        info.project,
        as_utc(info.taken_at).isoformat(),
        info.git_commit or "",
        info.status.value,
    )


@dataclass(frozen=True, kw_only=True)
class MergeReport:
    copied: tuple[tuple[int, int], ...]  # (id in the source, id in the target), oldest first
    present: int  # snapshots of the source the target already held


def keys(engine: Engine, projects: Collection[str] | None = None) -> set[SnapshotKey]:
    return {snapshot_key(info) for info in _selected(snapshots(engine), projects)}


def _selected(
    infos: Iterable[SnapshotInfo], projects: Collection[str] | None
) -> list[SnapshotInfo]:
    return [info for info in infos if projects is None or info.project in projects]


def new_snapshots(
    source: Engine, base: Engine, projects: Collection[str] | None = None
) -> tuple[int, ...]:
    """Ids of the snapshots in ``source`` that ``base`` does not hold (oldest first)."""
    known = keys(base, projects)
    return tuple(
        info.id
        for info in _selected(snapshots(source), projects)
        if snapshot_key(info) not in known
    )


def merge_snapshots(
    source: Engine,
    target: Engine,
    *,
    projects: Collection[str] | None = None,
    only: Collection[int] | None = None,
) -> MergeReport:
    """Copy every snapshot of ``source`` (of ``projects``; with ``only``, just those ids)
    that ``target`` lacks into ``target``, oldest first."""
    present = keys(target, projects)
    copied: list[tuple[int, int]] = []
    skipped = 0
    for info in _selected(snapshots(source), projects):
        if only is not None and info.id not in only:
            continue
        key = snapshot_key(info)
        if key in present:
            skipped += 1
            continue
        stored = load_snapshot(source, info.id)
        new_id = save_snapshot(target, info.project, stored.result, stored.meta)
        present.add(key)
        copied.append((info.id, new_id))
    return MergeReport(copied=tuple(copied), present=skipped)
