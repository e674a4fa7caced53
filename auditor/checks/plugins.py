"""The check registry: one line per check, run in this order."""

from __future__ import annotations

from auditor.checks.base import Check
from auditor.checks.conflicts import ConflictCheck
from auditor.checks.confusion import ConfusionCheck
from auditor.checks.health import HealthCheck
from auditor.checks.licenses import LicenseCheck
from auditor.checks.typosquat.check import TyposquatCheck
from auditor.checks.vulnerabilities import VulnerabilityCheck

CHECKS: dict[str, Check] = {
    c.name: c
    for c in (
        VulnerabilityCheck(),
        TyposquatCheck(),
        ConfusionCheck(),
        HealthCheck(),
        ConflictCheck(),
        LicenseCheck(),
    )
}


def names() -> list[str]:
    return list(CHECKS)


def default_checks() -> tuple[Check, ...]:
    return tuple(CHECKS.values())
