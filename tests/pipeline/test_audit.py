"""The pipeline with advisory sources: findings, unchecked, failures, ignores, local code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timezone

from auditor.advisories.base import AdvisorySource, SourceAnswer, SourceOptions
from auditor.advisories.osv_local import OsvLocalSource
from auditor.core.errors import SourceError
from auditor.core.findings import IgnoreRule
from auditor.core.model import CollectResult, Ecosystem, Edge, Package, Root, Source, SourceKind
from auditor.core.result import SourceInfo, Status
from auditor.pipeline.audit import AuditOptions, Collection, audit
from tests.advisories.support import ADVISORIES, pkg

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
ROOT = Root(
    id="root:Pipfile.lock", name="Pipfile.lock", ecosystem=Ecosystem.PYPI, path="Pipfile.lock"
)


def collection(*packages: Package) -> Collection:
    edges = tuple(Edge(parent=ROOT.id, child=p.id) for p in packages)
    result = CollectResult(
        path="Pipfile.lock",
        collector="pipfile-lock",
        ecosystem=Ecosystem.PYPI,
        roots=(ROOT,),
        packages=packages,
        edges=edges,
    )
    return Collection(results=(result,), errors=())


def local() -> OsvLocalSource:
    return OsvLocalSource(ADVISORIES, options=SourceOptions(now=NOW))


class Failing(AdvisorySource):
    name = "failing"
    description = "always fails"

    @classmethod
    def from_options(cls, options: SourceOptions) -> Failing:
        return cls()

    def describe(self) -> SourceInfo:
        return SourceInfo(name=self.name, location="nowhere")

    def query_all(self, packages: Sequence[Package]) -> SourceAnswer:
        raise SourceError("HTTP 500 after 3 retries")


DJANGO = pkg("PyPI", "django", "3.0.6")
ZOPE = pkg("PyPI", "zope", "5.1")
REQUESTS = pkg("PyPI", "requests", "2.31.0")


def test_without_sources_nothing_is_checked_and_nothing_claimed() -> None:
    """audit(collection) keeps its old meaning: the graph, no findings, complete."""
    result = audit(collection(DJANGO))
    assert ((), (), Status.COMPLETE, ()) == (
        result.findings,
        result.unchecked,
        result.status,
        result.sources,
    )


def test_findings_from_a_source() -> None:
    """Affected packages get findings; clean ones none; the status is complete."""
    result = audit(
        collection(DJANGO, ZOPE, REQUESTS), AuditOptions(sources=(local(),), today=NOW.date())
    )
    assert [("pkg:pypi/django@3.0.6", "PYSEC-2021-98"), ("pkg:pypi/zope@5.1", "PYSEC-2021-88")] == [
        (f.package_id, f.id) for f in result.findings
    ]
    assert Status.COMPLETE is result.status
    assert ("osv-local",) == tuple(i.name for i in result.sources)
    assert any("is stale" in w for w in result.warnings)


def test_a_failing_source_makes_every_package_unchecked() -> None:
    """A source error is never "no vulnerabilities": every package is unchecked with it."""
    result = audit(collection(DJANGO, REQUESTS), AuditOptions(sources=(Failing(),)))
    assert Status.INCOMPLETE is result.status
    assert [
        ("pkg:pypi/django@3.0.6", "failing failed: HTTP 500 after 3 retries"),
        ("pkg:pypi/requests@2.31.0", "failing failed: HTTP 500 after 3 retries"),
    ] == list(result.unchecked)
    assert "HTTP 500 after 3 retries" == result.sources[0].error
    # the failure is said once, with the packages (not twice); the flat file's pins have
    # transitive dependencies nobody looked up
    assert [w for w in result.warnings if "failing" in w] == []


def test_one_failing_source_of_two_still_reports_what_the_other_found() -> None:
    """Findings of the working source stay; the run is still incomplete."""
    result = audit(collection(DJANGO), AuditOptions(sources=(local(), Failing())))
    assert ["PYSEC-2021-98"] == [f.id for f in result.findings]
    assert Status.INCOMPLETE is result.status


def test_local_packages_are_excluded_not_unchecked() -> None:
    """Path, editable and workspace packages are the project's own code: listed as
    excluded, never sent to a source, and they do not make the run incomplete."""
    own = replace(pkg("PyPI", "myapp", "0.1.0"), source=Source(kind=SourceKind.EDITABLE, url="."))
    result = audit(collection(DJANGO, own), AuditOptions(sources=(local(),)))
    assert [own.id] == [p for p, _ in result.excluded]
    assert () == result.unchecked
    assert Status.COMPLETE is result.status


def test_ignores_and_expired_ignores() -> None:
    """An active ignore moves the finding to suppressed; an expired one warns."""
    rules = (
        IgnoreRule(
            id="CVE-2021-33203", reason="admindocs is not enabled", origin="auditor.toml: ignore[0]"
        ),
        IgnoreRule(
            id="PYSEC-2021-88", reason="old", expires="2025-01-01", origin="auditor.toml: ignore[1]"
        ),
    )
    result = audit(
        collection(DJANGO, ZOPE),
        AuditOptions(sources=(local(),), ignores=rules, today=date(2025, 6, 1)),
    )
    assert ["PYSEC-2021-88"] == [f.id for f in result.findings]
    assert ["PYSEC-2021-98"] == [s.finding.id for s in result.suppressed]
    assert (rules[1],) == result.expired_ignores
    assert any("expired on 2025-01-01" in w for w in result.warnings)


def test_unevaluable_records_make_the_run_incomplete() -> None:
    """steam against a record whose fix is not a version: unchecked, incomplete."""
    result = audit(collection(pkg("PyPI", "steam", "1.0.0")), AuditOptions(sources=(local(),)))
    assert Status.INCOMPLETE is result.status
    assert result.unchecked[0][1].startswith("PYSEC-2019-125: cannot evaluate")
