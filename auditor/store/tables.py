"""The store's tables (SQLModel), at the newest schema revision.

Content-addressed tables carry a ``digest`` (SHA-256 of the canonical JSON of the row's
content, see docs/store.md) with a unique index, so the same content is stored once and
concurrent writers can insert it with ``ON CONFLICT DO NOTHING``. A snapshot row points at
one graph, one finding set and one suppression set; an unchanged run reuses all three.

A change here needs a new migration in ``migrations/versions`` (a test compares the two).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Text,
)
from sqlmodel import Field, SQLModel

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

NO_ROWID = {"sqlite_with_rowid": False}  # link tables: the primary key is the row


class StoreModel(SQLModel):
    """Base of the store's tables, with their own metadata (not SQLModel's global one)."""

    metadata = MetaData(naming_convention=NAMING)


def _digest() -> bytes:
    return Field(sa_column=Column(LargeBinary, nullable=False, unique=True))  # type: ignore[no-any-return]


def _time(*, nullable: bool = False) -> dt.datetime:
    # Naive UTC on every backend: the store converts on the way in and out, so SQLite
    # (no time zones) and PostgreSQL hold the same values.
    return Field(sa_column=Column(DateTime, nullable=nullable))  # type: ignore[no-any-return]


def _ref(target: str, *, nullable: bool = False, index: bool = False) -> int:
    return Field(  # type: ignore[no-any-return]
        sa_column=Column(Integer, ForeignKey(target), nullable=nullable, index=index)
    )


def _ref_key(target: str) -> int:
    return Field(  # type: ignore[no-any-return]
        sa_column=Column(Integer, ForeignKey(target), primary_key=True, autoincrement=False)
    )


class Project(StoreModel, table=True):
    """A project snapshots are filed under. ``state`` is a hash chain over every change to
    its snapshots (each snapshot written, each batch pruned): equal states mean the same
    stored history, so what is derived from it (pages, the index's row) can be reused.
    Every writer sets it; it is nullable only because SQLite cannot add a NOT NULL column
    to a table others refer to without rebuilding it (migration 0003)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    created_at: dt.datetime = _time()
    state: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class ProjectCache(StoreModel, table=True):
    """Something derived from a project's snapshots (``kind``: the site's index row), with
    the ``key`` it was derived for (the project's state and the deriving code's version):
    valid while the key matches, recomputed otherwise. Written by whoever needs it."""

    __tablename__ = "project_cache"
    __table_args__ = NO_ROWID
    project_id: int = _ref_key("project.id")
    kind: str = Field(primary_key=True)
    key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    data: str = Field(sa_column=Column(Text, nullable=False))


class Component(StoreModel, table=True):
    """A package identity (ecosystem, name, version, source), shared by every graph."""

    __table_args__ = (Index("ix_component_ecosystem_name", "ecosystem", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    digest: bytes = _digest()
    ecosystem: str
    name: str
    version: str
    purl: str = Field(index=True)
    source_kind: str
    source_url: str | None = None
    source_reference: str | None = None
    source_subdirectory: str | None = None


class HashSet(StoreModel, table=True):
    """The hashes a lockfile records for a package (JSON list of ``algorithm:hex``)."""

    __tablename__ = "hashset"
    id: int | None = Field(default=None, primary_key=True)
    digest: bytes = _digest()
    hashes: str = Field(sa_column=Column(Text, nullable=False))


class Blob(StoreModel, table=True):
    """Compressed canonical JSON that is only ever read whole (locations, run details)."""

    id: int | None = Field(default=None, primary_key=True)
    digest: bytes = _digest()
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Chunk(StoreModel, table=True):
    """A content-defined slice of a graph's members or edges (see docs/store.md)."""

    id: int | None = Field(default=None, primary_key=True)
    digest: bytes = _digest()
    kind: str  # "members" or "edges"
    size: int


class Member(StoreModel, table=True):
    """A package in a members chunk, with its place in the graph."""

    __table_args__ = NO_ROWID
    chunk_id: int = _ref_key("chunk.id")
    component_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("component.id"), primary_key=True, autoincrement=False, index=True
        )
    )
    hashset_id: int | None = _ref("hashset.id", nullable=True)
    declared_scopes: str | None = None  # JSON list: the collector's own scopes, if any
    scope: str
    direct: bool
    depth: int | None = None
    extra: str | None = None  # JSON: Package fields without a column (added to the model later)


class Edge(StoreModel, table=True):
    """One dependency edge in an edges chunk.

    Each end is a *node key*: ``<ecosystem>:<name>`` for a package whose name is unique in
    the graph (``...@<version>`` or ``id:<purl>`` when it is not), or a root id. Naming
    packages without their version keeps a package's incoming edges unchanged when it is
    upgraded, so an upgrade rewrites only its own outgoing edges.
    """

    __table_args__ = NO_ROWID
    chunk_id: int = _ref_key("chunk.id")
    position: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    parent: str
    child: str
    requirement: str | None = None
    scope: str | None = None
    extra: str | None = None  # JSON: Edge fields without a column (added to the model later)


class Graph(StoreModel, table=True):
    """A whole dependency graph: its roots, chunks and where each package was found."""

    id: int | None = Field(default=None, primary_key=True)
    digest: bytes = _digest()
    roots: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of roots
    locations_id: int = _ref("blob.id")
    packages: int
    direct: int
    edges: int


class GraphChunk(StoreModel, table=True):
    __tablename__ = "graph_chunk"
    __table_args__ = NO_ROWID
    graph_id: int = _ref_key("graph.id")
    chunk_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("chunk.id"), primary_key=True, autoincrement=False, index=True
        )
    )


class Advisory(StoreModel, table=True):
    """Advisory text (summary, details, references, ...) stored once per id + modified."""

    __table_args__ = (Index("ix_advisory_advisory_id_modified", "advisory_id", "modified"),)

    id: int | None = Field(default=None, primary_key=True)
    digest: bytes = _digest()
    advisory_id: str
    modified: str | None = None
    data: str = Field(sa_column=Column(Text, nullable=False))


class Finding(StoreModel, table=True):
    """One finding about one package; ``data`` holds every field not stored elsewhere."""

    __table_args__ = (Index("ix_finding_identity", "ecosystem", "package_name", "finding_id"),)

    id: int | None = Field(default=None, primary_key=True)
    digest: bytes = _digest()
    advisory_ref: int = _ref("advisory.id")
    package_id: str
    ecosystem: str
    package_name: str
    kind: str
    finding_id: str
    severity: str
    data: str = Field(sa_column=Column(Text, nullable=False))


class FindingSet(StoreModel, table=True):
    __tablename__ = "finding_set"
    id: int | None = Field(default=None, primary_key=True)
    digest: bytes = _digest()
    size: int


class FindingSetItem(StoreModel, table=True):
    __tablename__ = "finding_set_item"
    __table_args__ = NO_ROWID
    set_id: int = _ref_key("finding_set.id")
    finding_ref: int = _ref_key("finding.id")


class Suppression(StoreModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    digest: bytes = _digest()
    rule_id: str
    package: str | None = None
    reason: str = Field(sa_column=Column(Text, nullable=False))
    expires: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))


class SuppressionSet(StoreModel, table=True):
    __tablename__ = "suppression_set"
    id: int | None = Field(default=None, primary_key=True)
    digest: bytes = _digest()
    size: int


class SuppressionSetItem(StoreModel, table=True):
    __tablename__ = "suppression_set_item"
    __table_args__ = NO_ROWID
    set_id: int = _ref_key("suppression_set.id")
    suppression_ref: int = _ref_key("suppression.id")


class Snapshot(StoreModel, table=True):
    """One run: metadata, pointers to its content, and its summary (counted at write time)."""

    __table_args__ = (Index("ix_snapshot_project_id_taken_at", "project_id", "taken_at"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = _ref("project.id")
    taken_at: dt.datetime = _time()
    status: str
    git_commit: str | None = None
    git_branch: str | None = None
    tool_version: str
    advisory_db: str | None = None
    advisory_db_updated_at: dt.datetime | None = _time(nullable=True)
    inputs: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of {path, sha256}
    graph_id: int = _ref("graph.id")
    finding_set_id: int = _ref("finding_set.id")
    suppression_set_id: int = _ref("suppression_set.id")
    details_id: int = _ref("blob.id")  # skipped packages, file errors, unchecked, registries
    baseline_id: int | None = None  # the snapshot churn is counted against (no foreign key)
    packages: int
    packages_direct: int
    edges: int
    findings_critical: int
    findings_high: int
    findings_medium: int
    findings_low: int
    findings_unknown: int
    findings_new: int
    findings_resolved: int
    added: int
    removed: int
    upgraded: int
    downgraded: int
    summary: str = Field(sa_column=Column(Text, nullable=False))  # JSON: counts by kind, ...


METADATA = StoreModel.metadata
