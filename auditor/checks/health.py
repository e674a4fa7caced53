"""Package health from registry metadata: yanked and deprecated releases, unmaintained
projects.

- ``HEALTH-YANKED`` (medium): the locked release was yanked (PEP 592); its authors withdrew
  it, usually because it is broken or unsafe.
- ``HEALTH-DEPRECATED`` (low): npm marks the locked version deprecated; the message says why.
- ``HEALTH-UNMAINTAINED`` (low): nothing was released for longer than ``unmaintained-days``
  (default 730).

Ages, the latest release, libyear drift and maintainer counts are data, not findings: they
are in ``AuditResult.health``. A package whose lookup failed is listed as unverified, with
the reason; it is neither a finding nor a reason to call the audit incomplete.
"""

from __future__ import annotations

from datetime import datetime

from auditor.checks.base import Check, CheckContext, CheckResult
from auditor.core.findings import (
    CheckGap,
    Finding,
    FindingKind,
    PackageHealth,
    Severity,
    Unverified,
)
from auditor.core.model import Package
from auditor.registries.metadata import parse_time

YANKED = "HEALTH-YANKED"
DEPRECATED = "HEALTH-DEPRECATED"
UNMAINTAINED = "HEALTH-UNMAINTAINED"
SUMMARY_LENGTH = 160


class HealthCheck(Check):
    name = "health"
    kinds = frozenset({FindingKind.HEALTH})
    description = "yanked and deprecated releases, unmaintained projects (registry metadata)"

    def applies(self, context: CheckContext) -> bool:
        return context.registry is not None

    def gaps(self, context: CheckContext) -> tuple[CheckGap, ...]:
        if context.registry is not None:
            return ()
        reason = f"registry lookups skipped: {context.registry_note}"
        return (CheckGap(check=self.name, kinds=tuple(self.kinds), reason=reason),)

    def run(self, context: CheckContext) -> CheckResult:
        if context.registry is None:
            return CheckResult()
        findings: list[Finding] = []
        unverified: list[Unverified] = []
        for package_id, health in sorted(context.registry.health.items()):
            if package_id not in context.graph:
                continue
            if health.error:
                unverified.append(
                    Unverified(check=self.name, package_id=package_id, reason=health.error)
                )
                continue
            package = context.graph.package(package_id)
            settings = context.settings
            findings.extend(judge(package, health, settings.unmaintained_days, settings.now))
        return CheckResult(findings=tuple(sorted(findings)), unverified=tuple(unverified))


def judge(
    package: Package, health: PackageHealth, unmaintained_days: int, now: datetime | None
) -> list[Finding]:
    """The health findings of one package."""
    found = []
    facts = _facts(health)
    if health.yanked:
        reason = health.yanked_reason or "no reason given"
        summary = f"{package.version} was yanked: {reason}"
        found.append(_finding(package, YANKED, Severity.MEDIUM, summary, facts))
    if health.deprecated:
        text = " ".join(health.deprecated.split())
        found.append(_finding(package, DEPRECATED, Severity.LOW, f"deprecated: {text}", facts))
    last = parse_time(health.last_release)
    if now is not None and last is not None:
        days = (now - last).days
        if days > unmaintained_days:
            summary = (
                f"no release since {last.date().isoformat()} ({days / 365.25:.1f} years; "
                f"threshold {unmaintained_days} days)"
            )
            found.append(
                _finding(
                    package,
                    UNMAINTAINED,
                    Severity.LOW,
                    summary,
                    (*facts, ("threshold-days", str(unmaintained_days))),
                )
            )
    return found


def _facts(health: PackageHealth) -> tuple[tuple[str, str], ...]:
    facts = [("registry", health.registry)]
    if health.published:
        facts.append(("published", health.published[:10]))
    if health.latest:
        when = f" ({health.latest_published[:10]})" if health.latest_published else ""
        facts.append(("latest", f"{health.latest}{when}"))
    if health.last_release:
        facts.append(("last-release", health.last_release[:10]))
    if health.maintainers is not None:
        facts.append(("maintainers", str(health.maintainers)))
    return tuple(facts)


def _finding(
    package: Package,
    rule: str,
    severity: Severity,
    summary: str,
    evidence: tuple[tuple[str, str], ...],
) -> Finding:
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[: SUMMARY_LENGTH - 1].rstrip() + "…"
    return Finding(
        package_id=package.id,
        kind=FindingKind.HEALTH,
        id=rule,
        aliases=(f"{rule}:{package.name}",),
        severity=severity,
        summary=summary,
        evidence=evidence,
    )
