"""Ignores (aliases, expiry) and the --fail-on gate."""

from __future__ import annotations

from datetime import date

import pytest

from auditor.core.findings import Finding, FindingKind, IgnoreRule, Severity
from auditor.pipeline.policy import apply_ignores, blocking

VULN = Finding(
    package_id="pkg:pypi/zope@5.1",
    kind=FindingKind.VULNERABILITY,
    id="PYSEC-2021-88",
    aliases=("CVE-2021-32633", "GHSA-5pr9-v234-jw36"),
    severity=Severity.HIGH,
)
UNRATED = Finding(
    package_id="pkg:pypi/django@3.0.6", kind=FindingKind.VULNERABILITY, id="PYSEC-2021-98"
)
LOW = Finding(
    package_id="pkg:npm/ms@0.7.0",
    kind=FindingKind.VULNERABILITY,
    id="NSWG-ECO-46",
    severity=Severity.LOW,
)
MAL = Finding(
    package_id="pkg:pypi/pyg-utils@1",
    kind=FindingKind.MALICIOUS,
    id="MAL-2022-7425",
    severity=Severity.CRITICAL,
)
TODAY = date(2026, 6, 30)


def rule(advisory: str, expires: str | None = None) -> IgnoreRule:
    return IgnoreRule(
        id=advisory, reason="accepted", expires=expires, origin="auditor.toml: ignore[0]"
    )


def test_ignore_by_alias_case_insensitive() -> None:
    """An ignore of any alias (in any case) suppresses the merged finding; others stay."""
    outcome = apply_ignores([VULN, UNRATED], [rule("ghsa-5pr9-v234-jw36")], TODAY)
    assert (UNRATED,) == outcome.kept
    assert [(VULN, "ghsa-5pr9-v234-jw36")] == [(s.finding, s.rule.id) for s in outcome.suppressed]
    assert () == outcome.expired


def test_expiry_is_inclusive_and_expired_rules_say_so() -> None:
    """An ignore holds on its expiry day; the day after, the finding is back and a warning
    names the rule."""
    on_the_day = apply_ignores([VULN], [rule("PYSEC-2021-88", "2026-06-30")], TODAY)
    assert () == on_the_day.kept
    after = apply_ignores([VULN], [rule("PYSEC-2021-88", "2026-06-29")], TODAY)
    assert (VULN,) == after.kept
    assert () == after.suppressed
    assert (rule("PYSEC-2021-88", "2026-06-29"),) == after.expired
    assert (
        "the ignore of PYSEC-2021-88 (auditor.toml: ignore[0]) expired on 2026-06-29 "
        "and no longer applies",
    ) == after.warnings


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [
        (None, [VULN, UNRATED, LOW, MAL]),
        ("low", [VULN, UNRATED, LOW, MAL]),
        ("medium", [VULN, UNRATED, MAL]),
        ("high", [VULN, MAL]),
        ("critical", [MAL]),
        ("malicious", [MAL]),
    ],
)
def test_fail_on_threshold(fail_on: str | None, expected: list[Finding]) -> None:
    """No threshold: any finding fails. A severity: at or above it, unknown severity counting
    as medium (the default). malicious: only malicious packages."""
    assert tuple(expected) == blocking([VULN, UNRATED, LOW, MAL], fail_on)


@pytest.mark.parametrize(
    ("unknown", "fail_on", "expected"),
    [
        ("medium", "medium", [VULN, UNRATED, MAL]),
        ("medium", "high", [VULN, MAL]),
        ("fail", "critical", [UNRATED, MAL]),
        ("fail", "high", [VULN, UNRATED, MAL]),
        ("ignore", "low", [VULN, LOW, MAL]),
        ("ignore", None, [VULN, UNRATED, LOW, MAL]),
        ("fail", "malicious", [MAL]),
    ],
)
def test_unknown_severity_rule(unknown: str, fail_on: str | None, expected: list[Finding]) -> None:
    """--unknown-severity: medium counts an unrated finding as medium, fail always fails on
    it, ignore never does; it changes nothing without a severity threshold."""
    assert tuple(expected) == blocking([VULN, UNRATED, LOW, MAL], fail_on, unknown=unknown)
