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
from auditor.core.graph import DependencyGraph, only_in
from auditor.core.model import canonical_pypi_name
from auditor.pipeline.scope import covers
from auditor.settings import DEFAULT_UNKNOWN_SEVERITY

FAIL_ON_MALICIOUS = "malicious"
FAIL_ON_KEV = "kev"  # any finding whose vulnerability CISA lists as known exploited
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
    # the rules of VEX statements that match no finding (one rule per product named)
    unmatched: tuple[IgnoreRule, ...] = ()


def expired(rule: IgnoreRule, today: date) -> bool:
    """An ignore holds through its ``expires`` day and stops working the day after."""
    return rule.expires is not None and date.fromisoformat(rule.expires) < today


def apply_ignores(
    findings: Iterable[Finding],
    rules: Sequence[IgnoreRule],
    today: date,
    *,
    graph: DependencyGraph | None = None,
) -> IgnoreOutcome:
    """Suppress the findings an active rule names by id or alias and whose package its
    scope covers (``auditor.pipeline.scope``); configured ignores are tried before VEX
    statements. An ``until-fixed`` rule stops holding once a version fixes the finding, and
    an expired rule once its day has passed: both say so. VEX statements that match no
    finding are returned as ``unmatched``."""
    active = sorted(r for r in rules if not expired(r, today))
    stale = tuple(sorted(r for r in rules if expired(r, today)))
    by_name: dict[str, list[IgnoreRule]] = {}
    for rule in active:
        for name in rule.names:
            by_name.setdefault(name, []).append(rule)
    kept: list[Finding] = []
    suppressed: list[Suppression] = []
    lapsed: dict[IgnoreRule, Finding] = {}
    matched: set[str] = set()
    for finding in findings:
        names = {i.upper() for i in (finding.id, *finding.aliases)}
        candidates = sorted({r for n in names for r in by_name.get(n, ())})
        package = None
        if graph is not None and finding.package_id in graph:
            package = graph.package(finding.package_id)
        chosen = None
        for rule in candidates:
            if not covers(rule, finding.package_id, package):
                continue
            matched.add(rule.origin)
            if rule.until_fixed and finding.fix_version is not None:
                lapsed.setdefault(rule, finding)
            elif chosen is None:
                chosen = rule
        if chosen is None:
            kept.append(finding)
        else:
            suppressed.append(Suppression(finding=finding, rule=chosen))
    warnings = [
        f"the ignore of {r.id} ({r.origin}) expired on {r.expires} and no longer applies"
        for r in stale
    ]
    warnings += [_lapsed(rule, finding) for rule, finding in sorted(lapsed.items())]
    unmatched = tuple(r for r in sorted(rules) if r.is_vex and r.origin not in matched)
    if unmatched:
        warnings.append(unmatched_warning(unmatched))
    return IgnoreOutcome(
        kept=tuple(sorted(kept)),
        suppressed=tuple(sorted(suppressed)),
        expired=stale,
        warnings=tuple(warnings),
        unmatched=unmatched,
    )


def _lapsed(rule: IgnoreRule, finding: Finding) -> str:
    return (
        f"the ignore of {rule.id} ({rule.origin}) holds only until a fix exists, and "
        f"{finding.package_id} has one ({finding.fix_version}): the finding counts again"
    )


def unmatched_warning(rules: Sequence[IgnoreRule]) -> str:
    """One line for every VEX statement that matches no finding: how many, the first ones."""
    statements: dict[str, str] = {}
    for rule in rules:
        statements.setdefault(rule.origin, rule.id)
    shown = [f"{origin} ({advisory})" for origin, advisory in list(statements.items())[:3]]
    more = len(statements) - len(shown)
    tail = f" and {more} more" if more else ""
    plural = "s match" if len(statements) != 1 else " matches"
    return f"{len(statements)} VEX statement{plural} no finding: {', '.join(shown)}{tail}"


def blocking(
    findings: Iterable[Finding], fail_on: str | None, *, unknown: str = DEFAULT_UNKNOWN_SEVERITY
) -> tuple[Finding, ...]:
    """The findings that fail the run under ``--fail-on``.

    No threshold: every finding of a security kind (vulnerable, malicious, typosquatted or
    confusable packages) fails the run, as pip-audit and osv-scanner do; health and conflict
    findings do not. ``malicious``: only malicious-package findings. ``kev``: only findings
    of a vulnerability in CISA's Known Exploited Vulnerabilities catalog. A severity: findings of
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
    if fail_on == FAIL_ON_KEV:
        return tuple(f for f in items if f.kev)
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


@dataclass(frozen=True, kw_only=True)
class OmitOutcome:
    kept: tuple[Finding, ...]
    omitted: tuple[Finding, ...]
    unchecked: tuple[tuple[str, str], ...]
    omitted_unchecked: tuple[tuple[str, str], ...]


def apply_omit(
    findings: Sequence[Finding],
    unchecked: Sequence[tuple[str, str]],
    graph: DependencyGraph,
    omit: Sequence[str],
) -> OmitOutcome:
    """``--omit dev,optional,peer``: the findings of packages needed only in those scopes
    leave the findings (and so the ``--fail-on`` gate and the risk score), and such a
    package that could not be checked no longer makes the run incomplete. Both are kept
    apart, never dropped. A known-malicious package is never omitted: a malicious dev
    dependency runs on every developer's machine and in CI."""
    if not omit:
        return OmitOutcome(
            kept=tuple(findings), omitted=(), unchecked=tuple(unchecked), omitted_unchecked=()
        )

    def left_out(package_id: str) -> bool:
        return (
            package_id in graph
            and not graph.is_root(package_id)
            and only_in(graph.scopes(package_id), omit)
        )

    kept = tuple(
        f for f in findings if f.kind is FindingKind.MALICIOUS or not left_out(f.package_id)
    )
    chosen = set(kept)
    return OmitOutcome(
        kept=kept,
        omitted=tuple(f for f in findings if f not in chosen),
        unchecked=tuple(u for u in unchecked if not left_out(u[0])),
        omitted_unchecked=tuple(u for u in unchecked if left_out(u[0])),
    )


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
