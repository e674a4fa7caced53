"""The risk score the report shows for a project and for each of its snapshots.

    risk = sum over open findings of (severity weight * reach weight)

* severity weight: critical 10, high 6, medium 3, low 1, unknown 3. Each step up roughly
  doubles the weight (a critical flaw is worth more than three lows, not just one and a
  half, as CVSS's own band midpoints would have it), and a finding without a rating weighs
  as a medium: most PyPA and Go advisories carry no severity, and "unrated" is not "minor".
* reach weight: 1 for a direct dependency (the project's own code calls it, and the
  project can upgrade it itself), 0.5 for a transitive one (reached only through another
  package, and fixed through it).
* suppressed findings do not count: a suppression is a decision the team recorded, with a
  reason and an expiry, and the snapshot page lists it.
* a **malicious** package overrides the sum: the band is ``malicious`` whatever the score,
  because one is enough to compromise the build.

Bands: ``none`` (0), ``low`` (< 10), ``medium`` (< 30), ``high`` (< 60), ``critical``.
Every kind of finding counts by its own severity (typosquats, confusion, health and
conflicts included), so a new check needs no change here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from auditor.core.findings import FindingKind, Severity

SEVERITY_WEIGHTS: dict[Severity, float] = {
    Severity.CRITICAL: 10.0,
    Severity.HIGH: 6.0,
    Severity.MEDIUM: 3.0,
    Severity.LOW: 1.0,
    Severity.UNKNOWN: 3.0,
}
DIRECT_WEIGHT = 1.0
TRANSITIVE_WEIGHT = 0.5
# (upper limit, band): a score below the limit is in the band; 0 exactly is "none"
BANDS: tuple[tuple[float, str], ...] = ((10.0, "low"), (30.0, "medium"), (60.0, "high"))
MALICIOUS_BAND = "malicious"

FORMULA = (
    "risk = \u03a3 over open findings: severity weight \u00d7 reach weight; "
    "severity weight critical 10, high 6, medium 3, low 1, unknown 3; "
    "reach weight direct 1, transitive 0.5; suppressed findings do not count; "
    "any malicious package makes the band 'malicious'"
)


def points(severity: Severity, *, direct: bool) -> float:
    """What one open finding adds to the score."""
    return SEVERITY_WEIGHTS[severity] * (DIRECT_WEIGHT if direct else TRANSITIVE_WEIGHT)


@dataclass(frozen=True, kw_only=True)
class RiskPart:
    """The findings of one severity and reach, and what they add."""

    severity: Severity
    direct: bool
    count: int
    points: float


@dataclass(frozen=True, kw_only=True)
class Risk:
    score: float
    band: str
    malicious: int
    parts: tuple[RiskPart, ...]  # critical first, direct before transitive; only non-empty

    @property
    def findings(self) -> int:
        return sum(p.count for p in self.parts)


def assess(findings: Iterable[tuple[Severity, FindingKind, bool]]) -> Risk:
    """The risk of open findings given as (severity, kind, direct)."""
    counts: dict[tuple[Severity, bool], int] = {}
    malicious = 0
    for severity, kind, direct in findings:
        counts[(severity, direct)] = counts.get((severity, direct), 0) + 1
        malicious += kind is FindingKind.MALICIOUS
    parts = tuple(
        RiskPart(
            severity=severity,
            direct=direct,
            count=counts[(severity, direct)],
            points=counts[(severity, direct)] * points(severity, direct=direct),
        )
        for severity in sorted(Severity, key=lambda s: -s.rank)
        for direct in (True, False)
        if (severity, direct) in counts
    )
    score = round(sum(p.points for p in parts), 1)
    return Risk(
        score=score, band=band(score, malicious=malicious), malicious=malicious, parts=parts
    )


def band(score: float, *, malicious: int = 0) -> str:
    if malicious:
        return MALICIOUS_BAND
    if score <= 0:
        return "none"
    return next((label for limit, label in BANDS if score < limit), "critical")


@dataclass(frozen=True, kw_only=True)
class Trend:
    """How a score moved against an earlier one (``None``: nothing to compare with)."""

    before: float | None
    after: float

    @property
    def delta(self) -> float | None:
        return None if self.before is None else round(self.after - self.before, 1)

    @property
    def direction(self) -> str:
        """``up`` (worse), ``down`` (better), ``same`` or ``none``."""
        delta = self.delta
        if delta is None:
            return "none"
        return "up" if delta > 0 else "down" if delta < 0 else "same"
