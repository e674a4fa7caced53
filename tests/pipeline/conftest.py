"""Fixtures of the pipeline tests: the PostgreSQL database of the store tests."""

from tests.store.conftest import postgres_url  # noqa: F401 - re-exported fixture
