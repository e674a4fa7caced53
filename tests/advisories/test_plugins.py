"""The advisory-source registry: names, defaults, and --offline against live sources."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from auditor.advisories import plugins
from auditor.advisories.base import AdvisorySource, SourceAnswer, SourceOptions
from auditor.advisories.osv_local import OsvLocalSource
from auditor.core.errors import UsageError
from auditor.core.model import Package
from auditor.core.result import SourceInfo


class LiveSource(AdvisorySource):
    """A stand-in for a network source (osv-api)."""

    name = "live-test"
    live = True
    description = "test"

    @classmethod
    def from_options(cls, options: SourceOptions) -> LiveSource:
        return cls()

    def describe(self) -> SourceInfo:
        return SourceInfo(name=self.name, location="http://127.0.0.1:9")

    def query_all(self, packages: Sequence[Package]) -> SourceAnswer:
        return SourceAnswer(records={}, unchecked=(), info=self.describe())


@pytest.fixture
def with_live(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(plugins.SOURCES, LiveSource.name, LiveSource)


def test_osv_local_without_a_database_is_the_bundled_snapshot() -> None:
    """osv-local with no database and nothing synced: the bundled data, a sample."""
    (source,) = plugins.create(("osv-local",), SourceOptions())
    assert isinstance(source, OsvLocalSource)
    assert source.bundled


def test_unknown_source_is_a_usage_error() -> None:
    """A misspelt name lists the known ones."""
    with pytest.raises(UsageError, match="unknown advisory source 'osv-lcoal' \\(expected one of"):
        plugins.create(["osv-lcoal"], SourceOptions())


@pytest.mark.usefixtures("with_live")
def test_offline_refuses_live_sources() -> None:
    """--offline with a live source selected is a usage error; local ones are fine."""
    with pytest.raises(
        UsageError, match="--offline allows only local advisory sources, but live-test"
    ):
        plugins.create(["osv-local", "live-test"], SourceOptions(offline=True))
    assert 2 == len(plugins.create(["osv-local", "live-test", "osv-local"], SourceOptions()))
    assert 1 == len(plugins.create(["osv-local"], SourceOptions(offline=True)))


def test_auto_is_named_once() -> None:
    """The registry's name for ``auto`` is the one auto.py answers to (the registry knows
    it without loading the sources auto chooses from)."""
    from auditor.advisories import auto, plugins

    assert auto.NAME == plugins.AUTO
    assert plugins.AUTO in plugins.names()
