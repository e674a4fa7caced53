"""The summary a snapshot carries: counted once at write time, read by history and series."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.engine import RowMapping

from auditor.core.errors import StoreError
from auditor.core.findings import Severity
from auditor.store import codec
from auditor.store.records import Churn, Summary
from auditor.store.retired import NOTHING, Retired

SUMMARY_VERSION = 1


def summary_json(
    by_kind: Mapping[str, int],
    *,
    suppressions: int,
    carried: int = 0,
    broken: tuple[str, ...] | None = None,
    replayed: bool = False,
) -> str:
    """The JSON part of the summary (what has no column of its own). ``carried`` is left
    out when 0; ``broken`` (the input files a partial run could not read; empty when only
    unsupported formats made it partial) only partial runs record; ``replayed`` (left out
    when false) marks a run audited after its time (a backfill, a replay)."""
    extra: dict[str, object] = {
        "version": SUMMARY_VERSION,
        "by_kind": dict(sorted(by_kind.items())),
        "suppressions": suppressions,
    }
    if carried:
        extra["carried"] = carried
    if broken is not None:
        extra["broken"] = list(broken)
    if replayed:
        extra["replayed"] = True
    return codec.canonical_json(extra)


def stored_broken(status: str, summary: str) -> tuple[str, ...] | None:
    """The input files a stored snapshot could not read: none for a complete one; for a
    partial one, what its summary says (None: unknown, for an incomplete run or a partial
    one written before this was kept)."""
    if status == "complete":
        return ()
    if status != "partial":
        return None
    try:
        extra = codec.loads(summary, "a snapshot summary")
    except StoreError:
        return None
    broken = extra.get("broken") if isinstance(extra, dict) else None
    if not isinstance(broken, list) or not all(isinstance(p, str) for p in broken):
        return None
    return tuple(broken)


def is_whole(status: str, summary: str) -> bool:
    """Whether a snapshot read every input auditor reads (complete, or partial only
    because of files of unsupported formats): a fair state for churn, series and weeks."""
    return stored_broken(status, summary) == ()


def summary_from_row(row: RowMapping, retired: Retired = NOTHING) -> Summary:
    """Rebuild a ``Summary`` from a snapshot row (columns plus the JSON part), without what
    it counted for rules auditor no longer reports (``retired``)."""
    extra = codec.loads(row["summary"], f"the summary of snapshot {row['id']}")
    by_kind = extra.get("by_kind", {}) if isinstance(extra, dict) else {}
    return Summary(
        packages=row["packages"],
        direct=row["packages_direct"],
        transitive=row["packages"] - row["packages_direct"],
        edges=row["edges"],
        by_severity=tuple(
            (s, int(row[f"findings_{s.value}"]) - retired.by_severity.get(s.value, 0))
            for s in sorted(Severity, key=lambda s: -s.rank)
        ),
        by_kind=tuple(
            sorted((str(k), int(v) - retired.by_kind.get(str(k), 0)) for k, v in by_kind.items())
        ),
        churn=Churn(
            added=row["added"],
            removed=row["removed"],
            upgraded=row["upgraded"],
            downgraded=row["downgraded"],
        ),
        findings_new=row["findings_new"] - retired.new,
        findings_resolved=row["findings_resolved"] - retired.resolved,
        suppressions=int(extra.get("suppressions", 0)) if isinstance(extra, dict) else 0,
        carried=int(extra.get("carried", 0)) if isinstance(extra, dict) else 0,
        replayed=bool(extra.get("replayed", False)) if isinstance(extra, dict) else False,
        baseline_id=row["baseline_id"],
    )
