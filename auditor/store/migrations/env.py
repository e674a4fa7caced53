"""Alembic environment: migrations always run on a connection the store hands over.

``auditor.store.schema`` opens the transaction (holding SQLite's write lock or a PostgreSQL
advisory lock) and passes its connection in ``config.attributes["connection"]``, so checking
the revision and upgrading happen atomically even when several runs start at once. No
alembic.ini and no logging configuration are needed.
"""

from __future__ import annotations

from alembic import context

from auditor.store.tables import METADATA

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the store's migrations run through auditor.store.schema.upgrade()")

context.configure(
    connection=connection,
    target_metadata=METADATA,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
