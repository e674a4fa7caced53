"""Shared pytest configuration: hypothesis profiles and paths."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.httpserver import HttpTestServer

# "ci" keeps property and fuzz tests bounded; AUDITOR_FUZZ=long runs them for real
# (see docs/testing.md).
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("long" if os.environ.get("AUDITOR_FUZZ") == "long" else "ci")

FIXTURES = Path(__file__).parent / "fixtures"
CLOSED_PORT = 9  # discard: nothing listens there on a test machine


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the user's cache (a synced database there would change
    which advisory data scan uses); tests that need a cache set their own."""
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _store_outside_the_tree(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`auditor report` saves a snapshot by default: in tests, never into the source tree."""
    monkeypatch.setenv("AUDITOR_DB", str(tmp_path_factory.mktemp("store") / "auditor.db"))


@pytest.fixture
def fixtures() -> Path:
    """The root of tests/fixtures."""
    return FIXTURES


@pytest.fixture
def http_server() -> Iterator[HttpTestServer]:
    """A real HTTP server on 127.0.0.1 with programmable routes (tests/httpserver.py)."""
    with HttpTestServer() as server:
        yield server
        assert not server.errors, server.errors


@pytest.fixture(scope="session", autouse=True)
def _no_registry_in_session_fixtures() -> Iterator[None]:
    """The same rules for session-scoped fixtures (set up before any function-scoped one):
    a replayed history or a shared site never reaches a real registry or the OSV API
    either."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AUDITOR_NO_REGISTRY", "1")
        patch.setenv("AUDITOR_SOURCE", "osv-local")  # as bundled_advisories_by_default
        patch.setenv("AUDITOR_OSV_URL", f"http://127.0.0.1:{CLOSED_PORT}")
        yield


@pytest.fixture(autouse=True)
def bundled_advisories_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests written against the bundled sample keep using it: the default source, auto,
    would ask the OSV API (which no test may reach). Tests of auto remove AUDITOR_SOURCE and
    point AUDITOR_OSV_URL at a local server; any other test that reaches for the OSV API
    meets a closed port on 127.0.0.1 and fails at once."""
    monkeypatch.setenv("AUDITOR_SOURCE", "osv-local")
    monkeypatch.setenv("AUDITOR_OSV_URL", f"http://127.0.0.1:{CLOSED_PORT}")


@pytest.fixture(autouse=True)
def no_registry_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reaches a real package registry: audits skip registry lookups unless a test
    removes AUDITOR_NO_REGISTRY and points the registries at the local test server."""
    monkeypatch.setenv("AUDITOR_NO_REGISTRY", "1")
