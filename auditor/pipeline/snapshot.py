"""Saving a run as a snapshot: what the store keeps besides the result (git state, the
input files' hashes, the advisory data used, the ignores in force) and where.

The store's libraries (SQLAlchemy, Alembic) are imported when a snapshot is saved, so the
commands that never save one start without them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.collectors.discovery import Target
from auditor.collectors.inputs import display_path
from auditor.core.findings import IgnoreRule
from auditor.core.result import AuditResult
from auditor.core.times import parse_rfc3339
from auditor.pipeline.audit import Collection
from auditor.pipeline.project import commit_time, default_project_name, git_state, tracked

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from auditor.licenses.changes import LicenseChange
    from auditor.store.records import InputRecord, SnapshotMeta, SuppressionRule


@dataclass(frozen=True, kw_only=True)
class SavedSnapshot:
    id: int
    project: str  # the project it was filed under
    store: str  # the store it went to, printable (credentials hidden)
    carried: int = 0  # findings of the snapshot before kept unverified (checks that failed)
    previous: int | None = None  # the project's snapshot before this one
    # packages whose declared licence differs from the snapshot before (relicensing)
    relicensed: tuple[LicenseChange, ...] = ()


def save_run(
    url: str,
    *,
    root: Path,
    project: str | None,
    collection: Collection,
    result: AuditResult,
    ignores: tuple[IgnoreRule, ...] = (),
    taken_at: dt.datetime | None = None,
    commit: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> SavedSnapshot:
    """Save one run into the store at ``url`` (created if missing) under ``project`` (None:
    the project's default name, from git or the folder ``root``). Findings of the previous
    snapshot that this run could not check are carried forward, unverified
    (``auditor.pipeline.carry``).

    The snapshot records ``commit`` when given (a replay names the commit its files come
    from); else the checkout's commit and branch, but only when the files the run read are
    part of that checkout (lockfiles copied into some other repository's folder say nothing
    about its commit) and, for a replay filed under ``taken_at``, only when that commit
    existed then (replaying old files kept in auditor's own checkout must not record
    auditor's HEAD)."""
    from auditor.store import SnapshotMeta, open_store, shown_url

    git = git_state(root, environ)
    name = project or default_project_name(root, git)
    advisory_db, updated = advisory_identity(result)
    inputs = input_records(collection.targets, collection)
    git_commit, git_branch = git.commit, git.branch
    if commit is not None:
        git_commit, git_branch = commit, None
    elif git_commit is not None and not _commit_of_the_files(root, inputs, taken_at):
        git_commit, git_branch = None, None
    meta = SnapshotMeta(
        git_commit=git_commit,
        git_branch=git_branch,
        inputs=inputs,
        advisory_db=advisory_db,
        advisory_db_updated_at=updated,
        suppressions=suppression_rules(ignores),
    )
    if taken_at is not None:  # a replayed run is filed under its historical time
        meta = replace(meta, taken_at=taken_at, replayed=True)
    engine = open_store(url)
    try:
        saved = _save(engine, name, result, meta)
        return replace(saved, store=shown_url(engine))
    finally:
        engine.dispose()


def _save(engine: Engine, name: str, result: AuditResult, meta: SnapshotMeta) -> SavedSnapshot:
    """Save with the findings the run could not check carried from the snapshot before,
    and the packages whose declared licence changed since it (``store`` left empty)."""
    from auditor.licenses.changes import relicensed
    from auditor.pipeline.carry import carry_forward
    from auditor.store import save_snapshot
    from auditor.store.queries import load_snapshot, previous_findings

    previous = previous_findings(engine, name, meta.taken_at)
    changed: tuple[LicenseChange, ...] = ()
    if previous is not None:
        result = carry_forward(result, previous.findings, previous.snapshot)
        if any(p.license is not None for p in result.graph.packages):
            before = load_snapshot(engine, previous.snapshot).result.graph
            changed = relicensed(before, result.graph)
    snapshot_id = save_snapshot(engine, name, result, meta)
    return SavedSnapshot(
        id=snapshot_id,
        project=name,
        store="",
        carried=len(result.carried),
        previous=previous.snapshot if previous is not None else None,
        relicensed=changed,
    )


def save_replay(
    engine: Engine,
    *,
    project: str,
    collection: Collection,
    result: AuditResult,
    ignores: tuple[IgnoreRule, ...],
    taken_at: dt.datetime,
    commit: str,
    inputs: Sequence[tuple[str, str]],
) -> int:
    """Save the audit of a commit's files (``report --backfill``): filed under the commit's
    date with the commit, the inputs hashed from git's blobs (nothing of it is on disk)."""
    from auditor.store import SnapshotMeta
    from auditor.store.records import InputRecord

    advisory_db, updated = advisory_identity(result)
    meta = SnapshotMeta(
        taken_at=taken_at,
        git_commit=commit,
        inputs=tuple(InputRecord(path=p, sha256=h) for p, h in sorted(inputs)),
        advisory_db=advisory_db,
        advisory_db_updated_at=updated,
        suppressions=suppression_rules(ignores),
        replayed=True,
    )
    return _save(engine, project, result, meta).id


def _commit_of_the_files(
    root: Path, inputs: Sequence[InputRecord], taken_at: dt.datetime | None
) -> bool:
    """Whether the checkout's HEAD is the commit of the files read: they are tracked, and
    for a replay, HEAD was committed no later than the time the snapshot is filed under."""
    if not tracked(root, [i.path for i in inputs]):
        return False
    if taken_at is None:
        return True
    committed = commit_time(root)
    return committed is not None and committed <= taken_at


def advisory_identity(result: AuditResult) -> tuple[str | None, dt.datetime | None]:
    """The advisory data a run used, as the store keeps it: ``name:location`` of each source
    (sorted, joined) and the oldest of their update times."""
    if not result.sources:
        return None, None
    identity = ", ".join(sorted(f"{s.name}:{s.location}" for s in result.sources))
    times = [parse_rfc3339(s.updated) for s in result.sources if s.updated]
    known = [t for t in times if t is not None]
    return identity, min(known) if known else None


def suppression_rules(ignores: tuple[IgnoreRule, ...]) -> tuple[SuppressionRule, ...]:
    """The configured ignores in the store's shape (expiry as a date)."""
    from auditor.store.records import SuppressionRule

    return tuple(
        SuppressionRule(
            id=rule.id,
            reason=rule.reason,
            expires=dt.date.fromisoformat(rule.expires) if rule.expires else None,
        )
        for rule in ignores
    )


def input_records(targets: Sequence[Target], collection: Collection) -> tuple[InputRecord, ...]:
    """Every file the run read (lockfiles and the files they include), with its SHA-256.

    ``collect`` keeps the targets' order and drops only the ones that failed, so walking
    both lists together pairs each result with the tree it was read from.
    """
    from auditor.store.records import InputRecord

    records: dict[str, InputRecord] = {}
    results = iter(collection.results)
    pending = next(results, None)
    for target in targets:
        root = target.root.resolve()
        shown = display_path(target.path.absolute(), root)
        names: tuple[str, ...] = (shown,)
        if pending is not None and pending.path == shown:
            names = pending.files or (shown,)
            pending = next(results, None)
        for name in names:
            digest = _sha256(Path(name) if Path(name).is_absolute() else root / name)
            if digest is not None:
                records.setdefault(name, InputRecord(path=name, sha256=digest))
    return tuple(sorted(records.values()))


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()
