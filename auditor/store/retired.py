"""Findings of rules auditor no longer reports, in snapshots that earlier versions stored.

``CONFLICT-DUPLICATE`` (one name locked at several versions) was a finding until it became
information (``AuditResult.duplicates``). A stored snapshot keeps exactly what was written
(its finding set is content-addressed and never rewritten), but such findings no longer
count: every reader leaves them out (``counted``), and the summary columns counted at write
time are corrected on the way out (``retired_in``), so the risk score, open findings,
new/resolved counts, remediation times, charts, ``history`` and ``diff`` of a stored
history read as if they had never been findings, and the first snapshot after an upgrade
does not show them as resolved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from auditor.store import tables

RETIRED_RULES = ("CONFLICT-DUPLICATE",)
_BATCH = 500

Identity = tuple[str, str, str]


def _t(model: type) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


ADVISORY = _t(tables.Advisory)
FINDING = _t(tables.Finding)
ITEM = _t(tables.FindingSetItem)
SNAPSHOT = _t(tables.Snapshot)


def counted(finding: sa.Table) -> sa.ColumnElement[bool]:
    """The condition a query over the ``finding`` table adds to skip retired rules."""
    return finding.c.finding_id.not_in(RETIRED_RULES)


@dataclass(frozen=True, kw_only=True)
class Retired:
    """What a snapshot's stored summary counted for retired rules (to subtract)."""

    by_severity: Mapping[str, int] = field(default_factory=dict)
    by_kind: Mapping[str, int] = field(default_factory=dict)
    new: int = 0
    resolved: int = 0


NOTHING = Retired()


def retired_in(conn: Connection, rows: Iterable[RowMapping]) -> dict[int, Retired]:
    """Snapshot id → what its summary counted for retired rules, for snapshot rows holding
    ``id``, ``finding_set_id`` and ``baseline_id``; snapshots without any are left out (a
    store that never held a retired finding costs one indexed lookup)."""
    rows = list(rows)
    if not rows or not _any_retired(conn):
        return {}
    set_of = {int(r["id"]): int(r["finding_set_id"]) for r in rows}
    baselines = {int(r["baseline_id"]) for r in rows if r["baseline_id"] is not None}
    set_of.update(_finding_sets(conn, sorted(baselines - set_of.keys())))
    found = _retired_items(conn, sorted(set(set_of.values())))
    out: dict[int, Retired] = {}
    for row in rows:
        mine = found.get(set_of[int(row["id"])], {})
        base = row["baseline_id"]
        before = found.get(set_of[int(base)], {}) if base is not None else {}
        if not mine and not before:
            continue
        new = len(mine.keys() - before.keys()) if base is not None else 0
        resolved = len(before.keys() - mine.keys()) if base is not None else 0
        out[int(row["id"])] = Retired(
            by_severity=Counter(severity for severity, _ in mine.values()),
            by_kind=Counter(kind for _, kind in mine.values()),
            new=new,
            resolved=resolved,
        )
    return out


def _any_retired(conn: Connection) -> bool:
    # a finding's text is stored under its id (advisory.advisory_id, indexed)
    query = sa.select(ADVISORY.c.id).where(ADVISORY.c.advisory_id.in_(RETIRED_RULES)).limit(1)
    return conn.execute(query).first() is not None


def _finding_sets(conn: Connection, snapshot_ids: list[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for start in range(0, len(snapshot_ids), _BATCH):
        query = sa.select(SNAPSHOT.c.id, SNAPSHOT.c.finding_set_id).where(
            SNAPSHOT.c.id.in_(snapshot_ids[start : start + _BATCH])
        )
        out.update({int(i): int(s) for i, s in conn.execute(query)})
    return out


def _retired_items(
    conn: Connection, set_ids: list[int]
) -> dict[int, dict[Identity, tuple[str, str]]]:
    """Finding set id → identity → (severity, kind) of its retired findings."""
    out: dict[int, dict[Identity, tuple[str, str]]] = {}
    for start in range(0, len(set_ids), _BATCH):
        query = (
            sa.select(
                ITEM.c.set_id,
                FINDING.c.ecosystem,
                FINDING.c.package_name,
                FINDING.c.finding_id,
                FINDING.c.severity,
                FINDING.c.kind,
            )
            .select_from(ITEM)
            .join(FINDING, FINDING.c.id == ITEM.c.finding_ref)
            .where(
                ITEM.c.set_id.in_(set_ids[start : start + _BATCH]),
                FINDING.c.finding_id.in_(RETIRED_RULES),
            )
        )
        for set_id, eco, name, fid, severity, kind in conn.execute(query):
            out.setdefault(int(set_id), {})[(eco, name, fid)] = (severity, kind)
    return out
