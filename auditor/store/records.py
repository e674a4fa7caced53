"""The values the store takes and gives back: run metadata, suppressions, summaries.

All frozen and keyword-only like the rest of the model; times are timezone-aware UTC.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from auditor import __version__
from auditor.core.findings import Severity
from auditor.core.result import AuditResult, Status


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` as an aware UTC time (naive values are taken to be UTC already)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


@dataclass(frozen=True, kw_only=True, order=True)
class InputRecord:
    """One file a run read, as displayed (relative to the scanned tree), and its SHA-256."""

    path: str
    sha256: str


@dataclass(frozen=True, kw_only=True)
class SuppressionRule:
    """A decision to silence a finding: which advisory id (and optionally which package),
    why, and until when (``expires`` is a date; ``None`` means no expiry)."""

    id: str
    reason: str
    package: str | None = None
    expires: dt.date | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.package or "")

    @property
    def sort_key(self) -> tuple[str, str, str, str]:
        return (self.id, self.package or "", self.reason, str(self.expires or ""))


@dataclass(frozen=True, kw_only=True)
class SnapshotMeta:
    """Everything about a run that is not in its ``AuditResult``."""

    taken_at: dt.datetime = field(default_factory=utc_now)
    git_commit: str | None = None
    git_branch: str | None = None
    inputs: tuple[InputRecord, ...] = ()
    tool_version: str = __version__
    advisory_db: str | None = None  # identity of the advisory data, e.g. "osv-local:<sha256>"
    advisory_db_updated_at: dt.datetime | None = None
    suppressions: tuple[SuppressionRule, ...] = ()
    # audited after its time (a backfilled commit, a replay filed under --snapshot-time):
    # its findings are what is known now about the packages of then
    replayed: bool = False

    @property
    def advisory_db_age(self) -> dt.timedelta | None:
        """How old the advisory data was when the run happened."""
        if self.advisory_db_updated_at is None:
            return None
        return as_utc(self.taken_at) - as_utc(self.advisory_db_updated_at)


@dataclass(frozen=True, kw_only=True)
class Churn:
    """Package changes between two graphs, by (ecosystem, name)."""

    added: int = 0
    removed: int = 0
    upgraded: int = 0
    downgraded: int = 0

    @property
    def total(self) -> int:
        return self.added + self.removed + self.upgraded + self.downgraded


@dataclass(frozen=True, kw_only=True)
class Summary:
    """Counts stored with each snapshot at write time, so history never rescans it.

    ``churn``, ``findings_new`` and ``findings_resolved`` compare with ``baseline_id``, the
    project's latest snapshot before this one that failed to read the same files: a
    complete one (or one partial only through files of unsupported formats, such as a
    ``mix.lock`` every night), or one partial through the same broken files; an incomplete
    snapshot, or one with no such predecessor, has no baseline and zero churn.
    """

    packages: int = 0
    direct: int = 0
    transitive: int = 0
    edges: int = 0
    by_severity: tuple[tuple[Severity, int], ...] = ()
    by_kind: tuple[tuple[str, int], ...] = ()
    churn: Churn = field(default_factory=Churn)
    findings_new: int = 0
    findings_resolved: int = 0
    suppressions: int = 0
    baseline_id: int | None = None
    carried: int = 0  # findings kept unverified from the snapshot before (checks that failed)
    replayed: bool = False  # audited later than its time (backfill, --snapshot-time)

    @property
    def findings(self) -> int:
        return sum(count for _, count in self.by_severity)

    def severity(self, severity: Severity) -> int:
        return dict(self.by_severity).get(severity, 0)


@dataclass(frozen=True, kw_only=True)
class SnapshotInfo:
    """One snapshot as history lists it: its metadata and summary, no graph."""

    id: int
    project: str
    taken_at: dt.datetime
    status: Status
    git_commit: str | None
    git_branch: str | None
    tool_version: str
    advisory_db: str | None
    advisory_db_updated_at: dt.datetime | None
    summary: Summary
    whole: bool = True  # read every input auditor reads (``summary.is_whole``)


@dataclass(frozen=True, kw_only=True)
class StoredSnapshot:
    """A snapshot loaded back: what was saved, plus its id and summary."""

    info: SnapshotInfo
    meta: SnapshotMeta
    result: AuditResult
