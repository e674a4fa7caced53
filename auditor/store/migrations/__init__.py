"""Alembic migrations of the store, run programmatically by ``auditor.store.schema``."""
