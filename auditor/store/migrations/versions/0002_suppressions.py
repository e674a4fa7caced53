"""Suppressions: each snapshot records the suppression rules in force (reason, expiry).

Snapshots written before this revision had no suppressions recorded; they get the empty
suppression set, so every snapshot points at one.

Revision ID: 0002
Revises: 0001
Create Date: 2024-10-08
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The content address of an empty set: SHA-256 of the canonical JSON "[]" (as codec.digest).
EMPTY_SET_DIGEST = hashlib.sha256(b"[]").digest()


def upgrade() -> None:
    op.create_table(
        "suppression",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.LargeBinary(), nullable=False),
        sa.Column("rule_id", sa.String(), nullable=False),
        sa.Column("package", sa.String(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_suppression"),
        sa.UniqueConstraint("digest", name="uq_suppression_digest"),
    )
    op.create_table(
        "suppression_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_suppression_set"),
        sa.UniqueConstraint("digest", name="uq_suppression_set_digest"),
    )
    op.create_table(
        "suppression_set_item",
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("suppression_ref", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_id"],
            ["suppression_set.id"],
            name="fk_suppression_set_item_set_id_suppression_set",
        ),
        sa.ForeignKeyConstraint(
            ["suppression_ref"],
            ["suppression.id"],
            name="fk_suppression_set_item_suppression_ref_suppression",
        ),
        sa.PrimaryKeyConstraint("set_id", "suppression_ref", name="pk_suppression_set_item"),
        sqlite_with_rowid=False,
    )
    suppression_set = sa.table(
        "suppression_set",
        sa.column("id", sa.Integer()),
        sa.column("digest", sa.LargeBinary()),
        sa.column("size", sa.Integer()),
    )
    empty_id = (
        op.get_bind()
        .execute(
            sa.insert(suppression_set)
            .values(digest=EMPTY_SET_DIGEST, size=0)
            .returning(suppression_set.c.id)
        )
        .scalar_one()
    )
    with op.batch_alter_table("snapshot") as batch:
        batch.add_column(sa.Column("suppression_set_id", sa.Integer(), nullable=True))
    op.execute(sa.text("UPDATE snapshot SET suppression_set_id = :id").bindparams(id=empty_id))
    with op.batch_alter_table("snapshot") as batch:
        batch.alter_column("suppression_set_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            "fk_snapshot_suppression_set_id_suppression_set",
            "suppression_set",
            ["suppression_set_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("snapshot") as batch:
        batch.drop_constraint("fk_snapshot_suppression_set_id_suppression_set", type_="foreignkey")
        batch.drop_column("suppression_set_id")
    op.drop_table("suppression_set_item")
    op.drop_table("suppression_set")
    op.drop_table("suppression")
