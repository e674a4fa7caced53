"""The risk score the report shows for a project and for each of its snapshots.

    risk = sum over open findings of
           (severity weight * reach weight * scope weight * exploit weight)

* severity weight: critical 10, high 6, medium 3, low 1, unknown 3. Each step up roughly
  doubles the weight (a critical flaw is worth more than three lows, not just one and a
  half, as CVSS's own band midpoints would have it), and a finding without a rating weighs
  as a medium: most PyPA and Go advisories carry no severity, and "unrated" is not "minor".
* reach weight: 1 for a direct dependency (the project's own code calls it, and the
  project can upgrade it itself), 0.5 for a transitive one (reached only through another
  package, and fixed through it).
* scope weight: 0.25 for a package the project needs only in development (dev dependencies
  and dependency groups: tests, docs, lint), 1 otherwise. A flaw in a test runner reaches
  developers' machines and CI, not the users of what the project ships; it still counts.
* exploit weight: 2 when CISA lists the vulnerability as known exploited (KEV), else 1 plus
  its EPSS probability of exploitation in the next 30 days (0 to 1; 1 when unknown). A
  vulnerability attackers use weighs twice one nobody has used yet.
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
from typing import Protocol

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
DEV_WEIGHT = 0.25  # a package only needed in development
KEV_WEIGHT = 2.0  # a known-exploited vulnerability; else 1 + EPSS probability
# (upper limit, band): a score below the limit is in the band; 0 exactly is "none"
BANDS: tuple[tuple[float, str], ...] = ((10.0, "low"), (30.0, "medium"), (60.0, "high"))
MALICIOUS_BAND = "malicious"

FORMULA = (
    "risk = \u03a3 over open findings: severity weight \u00d7 reach weight \u00d7 scope "
    "weight \u00d7 exploit weight; "
    "severity weight critical 10, high 6, medium 3, low 1, unknown 3; "
    "reach weight direct 1, transitive 0.5; "
    "scope weight 0.25 for a package only needed in development (dev dependencies and "
    "dependency groups), else 1; "
    "exploit weight 2 for a known-exploited vulnerability (CISA KEV), else 1 + its EPSS "
    "probability (0 to 1); "
    "suppressed findings and those --omit left out do not count; "
    "any malicious package makes the band 'malicious'"
)


class Weighed(Protocol):
    """One open finding as the score weighs it."""

    @property
    def severity(self) -> Severity: ...
    @property
    def kind(self) -> FindingKind: ...
    @property
    def direct(self) -> bool: ...
    @property
    def dev_only(self) -> bool: ...
    @property
    def kev(self) -> bool: ...
    @property
    def epss(self) -> float | None: ...


def exploit_weight(*, kev: bool, epss: float | None) -> float:
    return KEV_WEIGHT if kev else 1.0 + (epss or 0.0)


def points(
    severity: Severity,
    *,
    direct: bool,
    dev_only: bool = False,
    kev: bool = False,
    epss: float | None = None,
) -> float:
    """What one open finding adds to the score."""
    reach = DIRECT_WEIGHT if direct else TRANSITIVE_WEIGHT
    scope = DEV_WEIGHT if dev_only else 1.0
    return SEVERITY_WEIGHTS[severity] * reach * scope * exploit_weight(kev=kev, epss=epss)


@dataclass(frozen=True, kw_only=True)
class RiskPart:
    """The findings of one severity, reach, scope and KEV listing, and what they add
    (``epss``: the mean EPSS probability of those that have one)."""

    severity: Severity
    direct: bool
    count: int
    points: float
    dev_only: bool = False
    kev: bool = False
    epss: float | None = None


@dataclass(frozen=True, kw_only=True)
class Risk:
    score: float
    band: str
    malicious: int
    # critical first, known-exploited first, direct before transitive, runtime before dev;
    # only non-empty
    parts: tuple[RiskPart, ...]

    @property
    def findings(self) -> int:
        return sum(p.count for p in self.parts)


def assess(findings: Iterable[Weighed]) -> Risk:
    """The risk of open findings."""
    groups: dict[tuple[Severity, bool, bool, bool], list[Weighed]] = {}
    malicious = 0
    for item in findings:
        groups.setdefault((item.severity, item.direct, item.dev_only, item.kev), []).append(item)
        malicious += item.kind is FindingKind.MALICIOUS
    parts = tuple(
        _part(key, groups[key])
        for key in sorted(groups, key=lambda k: (-k[0].rank, not k[3], not k[1], k[2]))
    )
    score = round(sum(p.points for p in parts), 1)
    return Risk(
        score=score, band=band(score, malicious=malicious), malicious=malicious, parts=parts
    )


def _part(key: tuple[Severity, bool, bool, bool], items: list[Weighed]) -> RiskPart:
    severity, direct, dev_only, kev = key
    scores = [i.epss for i in items if i.epss is not None]
    return RiskPart(
        severity=severity,
        direct=direct,
        dev_only=dev_only,
        kev=kev,
        count=len(items),
        points=sum(
            points(severity, direct=direct, dev_only=dev_only, kev=kev, epss=i.epss) for i in items
        ),
        epss=sum(scores) / len(scores) if scores else None,
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
