"""Findings, suppressions and run details as content-addressed sets."""

from __future__ import annotations

import sqlalchemy as sa

from auditor.core.findings import Severity
from auditor.store import open_store
from auditor.store.sets import parse_purl_name, plan_findings
from tests.store.helpers import finding, pypi, save, small_graph


def test_purl_names() -> None:
    """Findings about packages outside the graph still get an (ecosystem, name) identity."""
    assert ("npm", "@scope/pkg") == parse_purl_name("pkg:npm/%40scope/pkg@1.0.0")
    assert ("PyPI", "zope-interface") == parse_purl_name("pkg:pypi/Zope.Interface@5?x=1")
    assert ("Go", "github.com/a/b") == parse_purl_name("pkg:golang/github.com/a/b@v1.0.0")
    assert ("", "weird") == parse_purl_name("weird")


def test_same_findings_same_set_in_any_order() -> None:
    """A finding set is addressed by its content, not by the order of the findings."""
    a, b = pypi("a"), pypi("b")
    graph = small_graph(a, b)
    found = [finding(a, "X-1"), finding(b, "X-2", Severity.LOW)]
    assert plan_findings(found, graph)[1].digest == plan_findings(found[::-1], graph)[1].digest
    assert plan_findings(found, graph)[1].digest != plan_findings(found[:1], graph)[1].digest


def test_advisory_text_is_stored_once(sqlite_url: str) -> None:
    """One advisory affecting two packages, in two runs: one advisory row, two findings."""
    a, b = pypi("a"), pypi("b")
    engine = open_store(sqlite_url)
    try:
        details = "A long description of the flaw. " * 50
        text = {"summary": "One flaw", "details": details, "modified": "2024-01-01"}
        found = [finding(p, "GHSA-1", **text) for p in (a, b)]
        save(engine, small_graph(a, b), findings=found)
        save(engine, small_graph(a, b, pypi("c")), findings=found)
        with engine.connect() as conn:
            count = {
                t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608
                for t in ("advisory", "finding", "finding_set")
            }
    finally:
        engine.dispose()
    assert {"advisory": 1, "finding": 2, "finding_set": 1} == count
