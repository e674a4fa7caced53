"""Project state and derived caches: each project gets a ``state`` (a hash chain over the
changes to its snapshots) and ``project_cache`` keeps what was derived from a state (the
site's index row), so that a page spanning every project reads one row per project.

Existing projects get a state computed from their snapshot ids; the cache starts empty.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite would have to rebuild the table to make it NOT NULL, and
    # cannot while the snapshots refer to it with foreign keys on. Every writer sets it.
    op.add_column("project", sa.Column("state", sa.LargeBinary(), nullable=True))
    conn = op.get_bind()
    project = sa.table("project", sa.column("id", sa.Integer()), sa.column("name", sa.String()))
    snapshot = sa.table(
        "snapshot", sa.column("id", sa.Integer()), sa.column("project_id", sa.Integer())
    )
    ids: dict[int, list[int]] = {}
    for project_id, snapshot_id in conn.execute(
        sa.select(snapshot.c.project_id, snapshot.c.id).order_by(snapshot.c.id)
    ):
        ids.setdefault(int(project_id), []).append(int(snapshot_id))
    for project_id, name in conn.execute(sa.select(project.c.id, project.c.name)).all():
        text = f"migrated\0{name}\0" + ",".join(str(i) for i in ids.get(int(project_id), []))
        conn.execute(
            sa.text("UPDATE project SET state = :state WHERE id = :id").bindparams(
                state=hashlib.sha256(text.encode("utf-8")).digest(), id=project_id
            )
        )
    op.create_table(
        "project_cache",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("key", sa.LargeBinary(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name="fk_project_cache_project_id_project"
        ),
        sa.PrimaryKeyConstraint("project_id", "kind", name="pk_project_cache"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("project_cache")
    with op.batch_alter_table("project") as batch:
        batch.drop_column("state")
