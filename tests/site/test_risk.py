"""The risk score: weights, reach, scope, exploitation, bands, the malicious override,
trends."""

from __future__ import annotations

import pytest

from auditor.core.findings import FindingKind, Severity
from auditor.site.risk import FORMULA, Trend, assess, band, points
from auditor.store.exposure import FindingFact

VULN = FindingKind.VULNERABILITY


def fact(
    severity: Severity,
    kind: FindingKind,
    direct: bool,
    *,
    dev_only: bool = False,
    kev: bool = False,
    epss: float | None = None,
    name: str = "pkg",
) -> FindingFact:
    return FindingFact(
        ecosystem="PyPI",
        package=name,
        finding_id=f"X-{severity.value}-{direct}-{dev_only}-{kev}-{epss}",
        kind=kind,
        severity=severity,
        direct=direct,
        dev_only=dev_only,
        kev=kev,
        epss=epss,
    )


def test_points_weigh_severity_and_reach() -> None:
    """critical 10, high 6, medium 3, low 1, unknown 3; transitive counts half."""
    assert [10, 6, 3, 1, 3] == [
        points(s, direct=True)
        for s in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.UNKNOWN)
    ]
    assert 5 == points(Severity.CRITICAL, direct=False)


def test_assess_sums_and_breaks_down() -> None:
    """The parts are per (severity, reach), critical first, direct before transitive."""
    risk = assess(
        [
            fact(Severity.LOW, VULN, False),
            fact(Severity.CRITICAL, VULN, True),
            fact(Severity.CRITICAL, VULN, False, name="a"),
            fact(Severity.CRITICAL, VULN, False, name="b"),
            fact(Severity.UNKNOWN, FindingKind.TYPOSQUAT, True),
        ]
    )
    assert 10 + 5 + 5 + 0.5 + 3 == risk.score
    assert [(Severity.CRITICAL, True, 1), (Severity.CRITICAL, False, 2)] == [
        (p.severity, p.direct, p.count) for p in risk.parts[:2]
    ]
    assert 5 == risk.findings
    assert "medium" == risk.band


@pytest.mark.parametrize(
    ("score", "name"),
    [
        (0, "none"),
        (0.5, "low"),
        (9.9, "low"),
        (10, "medium"),
        (29.9, "medium"),
        (30, "high"),
        (59.5, "high"),
        (60, "critical"),
        (1000, "critical"),
    ],
)
def test_bands(score: float, name: str) -> None:
    """Bands by the score's upper limits."""
    assert name == band(score)


def test_malicious_overrides_the_sum() -> None:
    """One malicious package, even transitive and alone, makes the band malicious."""
    risk = assess([fact(Severity.CRITICAL, FindingKind.MALICIOUS, False)])
    assert "malicious" == risk.band
    assert 1 == risk.malicious
    assert "none" == assess([]).band


def test_trend_direction() -> None:
    """Up is worse, down is better; no earlier score means no arrow."""
    assert "up" == Trend(before=1, after=2).direction
    assert "down" == Trend(before=3, after=2).direction
    assert "same" == Trend(before=2, after=2).direction
    assert "none" == Trend(before=None, after=2).direction
    assert -1.5 == Trend(before=3.5, after=2).delta


def test_dev_only_and_exploitation_weigh_in_and_the_formula_says_so() -> None:
    """A package only needed in development weighs a quarter; a known-exploited
    vulnerability twice; otherwise 1 + its EPSS probability. The printed formula names
    every weight."""
    assert 0.75 == points(Severity.MEDIUM, direct=True, dev_only=True)
    assert 12 == points(Severity.HIGH, direct=True, kev=True, epss=0.5)
    assert 6 * 1.25 == points(Severity.HIGH, direct=True, epss=0.25)
    risk = assess(
        [
            fact(Severity.HIGH, VULN, True, kev=True),
            fact(Severity.HIGH, VULN, True, epss=0.5),
            fact(Severity.HIGH, VULN, True, epss=0.25, name="other"),
            fact(Severity.HIGH, VULN, True, dev_only=True),
        ]
    )
    assert 12 + 9 + 7.5 + 1.5 == risk.score
    assert [(True, False, 1), (False, False, 2), (False, True, 1)] == [
        (p.kev, p.dev_only, p.count) for p in risk.parts
    ]
    assert 0.375 == risk.parts[1].epss
    for words in ("scope weight 0.25", "exploit weight 2", "EPSS", "KEV", "development"):
        assert words in FORMULA
