"""The user's decisions applied to findings: ignores (with expiry) and the ``--fail-on`` gate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from auditor.core.findings import (
    SECURITY_KINDS,
    Finding,
    FindingKind,
    IgnoreRule,
    Severity,
    Suppression,
    Unaudited,
)
from auditor.core.graph import DependencyGraph
from auditor.core.model import canonical_pypi_name
from auditor.settings import DEFAULT_UNKNOWN_SEVERITY

FAIL_ON_MALICIOUS = "malicious"
FAIL_ON_LICENSE = ("license", "licence")  # both spellings: the licence policy's findings
# What fails a run without --fail-on: SECURITY_KINDS, the risks of running someone else's
# code. Health and conflict findings are advice (most projects use something unmaintained)
# until a --fail-on level says otherwise.


@dataclass(frozen=True, kw_only=True)
class IgnoreOutcome:
    kept: tuple[Finding, ...]
    suppressed: tuple[Suppression, ...]
    expired: tuple[IgnoreRule, ...]
    warnings: tuple[str, ...]


def expired(rule: IgnoreRule, today: date) -> bool:
    """An ignore holds through its ``expires`` day and stops working the day after."""
    return rule.expires is not None and date.fromisoformat(rule.expires) < today


def apply_ignores(
    findings: Iterable[Finding], rules: Sequence[IgnoreRule], today: date
) -> IgnoreOutcome:
    """Suppress findings an active rule names by id or alias; expired rules say so."""
    active = {r.id.upper(): r for r in sorted(rules) if not expired(r, today)}
    stale = tuple(sorted(r for r in rules if expired(r, today)))
    kept: list[Finding] = []
    suppressed: list[Suppression] = []
    for finding in findings:
        names = sorted(i.upper() for i in (finding.id, *finding.aliases))
        rule = next((active[n] for n in names if n in active), None)
        if rule is None:
            kept.append(finding)
        else:
            suppressed.append(Suppression(finding=finding, rule=rule))
    warnings = tuple(
        f"the ignore of {r.id} ({r.origin}) expired on {r.expires} and no longer applies"
        for r in stale
    )
    return IgnoreOutcome(
        kept=tuple(sorted(kept)),
        suppressed=tuple(sorted(suppressed)),
        expired=stale,
        warnings=warnings,
    )


def blocking(
    findings: Iterable[Finding], fail_on: str | None, *, unknown: str = DEFAULT_UNKNOWN_SEVERITY
) -> tuple[Finding, ...]:
    """The findings that fail the run under ``--fail-on``.

    No threshold: every finding of a security kind (vulnerable, malicious, typosquatted or
    confusable packages) fails the run, as pip-audit and osv-scanner do; health and conflict
    findings do not. ``malicious``: only malicious-package findings. A severity: findings of
    any kind at or above it. A finding without a severity (most PyPA and every Go record)
    counts as ``unknown`` says (``--unknown-severity``): ``medium`` (the default) as a medium
    one, the weight the risk score gives it too; ``fail`` always fails, as nothing shows it
    is below the threshold; ``ignore`` never fails a severity threshold.
    """
    items = tuple(findings)
    if fail_on is None:
        return tuple(f for f in items if f.kind in SECURITY_KINDS)
    if fail_on == FAIL_ON_MALICIOUS:
        return tuple(f for f in items if f.kind is FindingKind.MALICIOUS)
    if fail_on in FAIL_ON_LICENSE:
        return tuple(f for f in items if f.kind is FindingKind.LICENSE)
    threshold = Severity(fail_on)
    return tuple(f for f in items if _reaches(f.severity, threshold, unknown))


def _reaches(severity: Severity, threshold: Severity, unknown: str) -> bool:
    if severity is Severity.UNKNOWN:
        if unknown == "fail":
            return True
        if unknown == "ignore":
            return False
        severity = Severity.MEDIUM
    return severity.rank >= threshold.rank


UNAUDITED = "UNAUDITED"  # ignore id prefix: UNAUDITED:<package name> acknowledges a package


def acknowledge(
    items: Sequence[Unaudited], graph: DependencyGraph, rules: Sequence[IgnoreRule], today: date
) -> tuple[Unaudited, ...]:
    """Attach to each unaudited package the active ``UNAUDITED:<name>`` rule naming it: its
    reason is the team's acknowledgement. (An expired rule is warned about with the other
    ignores, by ``apply_ignores``.)"""
    active = {
        _key(r.id.split(":", 1)[1]): r
        for r in sorted(rules)
        if r.id.upper().startswith(f"{UNAUDITED}:") and not expired(r, today)
    }
    return tuple(
        sorted(
            replace(item, ignore=active.get(_key(graph.package(item.package_id).name)))
            for item in items
        )
    )


def _key(name: str) -> str:
    """Names compare as PEP 503 does (which also leaves npm and Go names recognisable)."""
    return canonical_pypi_name(name.strip())
