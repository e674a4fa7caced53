"""Initial schema: projects, snapshots, components, chunked graphs, findings.

Revision ID: 0001
Revises:
Create Date: 2024-10-01
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

NO_ROWID: dict[str, Any] = {"sqlite_with_rowid": False}


def _digest_table(name: str, *columns: SchemaItem, **kw: Any) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.LargeBinary(), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
        sa.UniqueConstraint("digest", name=f"uq_{name}_digest"),
        **kw,
    )


def upgrade() -> None:
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_project"),
        sa.UniqueConstraint("name", name="uq_project_name"),
    )
    _digest_table(
        "component",
        sa.Column("ecosystem", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("version", sa.String(), nullable=False),
        sa.Column("purl", sa.String(), nullable=False),
        sa.Column("source_kind", sa.String(), nullable=False),
        sa.Column("source_url", sa.String(), nullable=True),
        sa.Column("source_reference", sa.String(), nullable=True),
        sa.Column("source_subdirectory", sa.String(), nullable=True),
    )
    op.create_index("ix_component_ecosystem_name", "component", ["ecosystem", "name"])
    op.create_index("ix_component_purl", "component", ["purl"])
    _digest_table("hashset", sa.Column("hashes", sa.Text(), nullable=False))
    _digest_table("blob", sa.Column("data", sa.LargeBinary(), nullable=False))
    _digest_table(
        "chunk",
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
    )
    op.create_table(
        "member",
        sa.Column("chunk_id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("hashset_id", sa.Integer(), nullable=True),
        sa.Column("declared_scopes", sa.String(), nullable=True),
        sa.Column("scope", sa.String(), nullable=False),
        sa.Column("direct", sa.Boolean(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=True),
        sa.Column("extra", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["chunk_id"], ["chunk.id"], name="fk_member_chunk_id_chunk"),
        sa.ForeignKeyConstraint(
            ["component_id"], ["component.id"], name="fk_member_component_id_component"
        ),
        sa.ForeignKeyConstraint(
            ["hashset_id"], ["hashset.id"], name="fk_member_hashset_id_hashset"
        ),
        sa.PrimaryKeyConstraint("chunk_id", "component_id", name="pk_member"),
        **NO_ROWID,
    )
    op.create_index("ix_member_component_id", "member", ["component_id"])
    op.create_table(
        "edge",
        sa.Column("chunk_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("parent", sa.String(), nullable=False),
        sa.Column("child", sa.String(), nullable=False),
        sa.Column("requirement", sa.String(), nullable=True),
        sa.Column("scope", sa.String(), nullable=True),
        sa.Column("extra", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["chunk_id"], ["chunk.id"], name="fk_edge_chunk_id_chunk"),
        sa.PrimaryKeyConstraint("chunk_id", "position", name="pk_edge"),
        **NO_ROWID,
    )
    _digest_table(
        "graph",
        sa.Column("roots", sa.Text(), nullable=False),
        sa.Column("locations_id", sa.Integer(), nullable=False),
        sa.Column("packages", sa.Integer(), nullable=False),
        sa.Column("direct", sa.Integer(), nullable=False),
        sa.Column("edges", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["locations_id"], ["blob.id"], name="fk_graph_locations_id_blob"),
    )
    op.create_table(
        "graph_chunk",
        sa.Column("graph_id", sa.Integer(), nullable=False),
        sa.Column("chunk_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["graph_id"], ["graph.id"], name="fk_graph_chunk_graph_id_graph"),
        sa.ForeignKeyConstraint(["chunk_id"], ["chunk.id"], name="fk_graph_chunk_chunk_id_chunk"),
        sa.PrimaryKeyConstraint("graph_id", "chunk_id", name="pk_graph_chunk"),
        **NO_ROWID,
    )
    op.create_index("ix_graph_chunk_chunk_id", "graph_chunk", ["chunk_id"])
    _digest_table(
        "advisory",
        sa.Column("advisory_id", sa.String(), nullable=False),
        sa.Column("modified", sa.String(), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
    )
    op.create_index("ix_advisory_advisory_id_modified", "advisory", ["advisory_id", "modified"])
    _digest_table(
        "finding",
        sa.Column("advisory_ref", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.String(), nullable=False),
        sa.Column("ecosystem", sa.String(), nullable=False),
        sa.Column("package_name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("finding_id", sa.String(), nullable=False),
        sa.Column("severity", sa.String(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["advisory_ref"], ["advisory.id"], name="fk_finding_advisory_ref_advisory"
        ),
    )
    op.create_index("ix_finding_identity", "finding", ["ecosystem", "package_name", "finding_id"])
    _digest_table("finding_set", sa.Column("size", sa.Integer(), nullable=False))
    op.create_table(
        "finding_set_item",
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("finding_ref", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_id"], ["finding_set.id"], name="fk_finding_set_item_set_id_finding_set"
        ),
        sa.ForeignKeyConstraint(
            ["finding_ref"], ["finding.id"], name="fk_finding_set_item_finding_ref_finding"
        ),
        sa.PrimaryKeyConstraint("set_id", "finding_ref", name="pk_finding_set_item"),
        **NO_ROWID,
    )
    op.create_table(
        "snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("git_commit", sa.String(), nullable=True),
        sa.Column("git_branch", sa.String(), nullable=True),
        sa.Column("tool_version", sa.String(), nullable=False),
        sa.Column("advisory_db", sa.String(), nullable=True),
        sa.Column("advisory_db_updated_at", sa.DateTime(), nullable=True),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("graph_id", sa.Integer(), nullable=False),
        sa.Column("finding_set_id", sa.Integer(), nullable=False),
        sa.Column("details_id", sa.Integer(), nullable=False),
        sa.Column("baseline_id", sa.Integer(), nullable=True),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in (
                "packages",
                "packages_direct",
                "edges",
                "findings_critical",
                "findings_high",
                "findings_medium",
                "findings_low",
                "findings_unknown",
                "findings_new",
                "findings_resolved",
                "added",
                "removed",
                "upgraded",
                "downgraded",
            )
        ),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name="fk_snapshot_project_id_project"
        ),
        sa.ForeignKeyConstraint(["graph_id"], ["graph.id"], name="fk_snapshot_graph_id_graph"),
        sa.ForeignKeyConstraint(
            ["finding_set_id"], ["finding_set.id"], name="fk_snapshot_finding_set_id_finding_set"
        ),
        sa.ForeignKeyConstraint(["details_id"], ["blob.id"], name="fk_snapshot_details_id_blob"),
        sa.PrimaryKeyConstraint("id", name="pk_snapshot"),
    )
    op.create_index("ix_snapshot_project_id_taken_at", "snapshot", ["project_id", "taken_at"])


def downgrade() -> None:
    for name in (
        "snapshot",
        "finding_set_item",
        "finding_set",
        "finding",
        "advisory",
        "graph_chunk",
        "graph",
        "edge",
        "member",
        "chunk",
        "blob",
        "hashset",
        "component",
        "project",
    ):
        op.drop_table(name)
