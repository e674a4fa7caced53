"""The licence policy: ``[licenses] allow = [...]`` and ``deny = [...]`` (SPDX ids).

Each third-party package's declared licence (the lockfile's, else the registry's) is
evaluated as an expression (``auditor.licenses.policy``: ``MIT OR GPL-3.0-only`` passes an
allow-list holding MIT):

- ``LICENSE-DENIED`` (high): every choice the expression leaves needs a denied licence;
- ``LICENSE-NOT-ALLOWED`` (medium): it needs a licence the allow-list does not hold;
- ``LICENSE-UNKNOWN`` (low): with an allow-list, a licence that is unknown or is no SPDX
  expression (``UNLICENSED``, ``BSD``) cannot be shown to be allowed.

The project's own packages (path, editable, workspace) are not judged. A PyPI or npm package
whose lockfile records no licence and whose registry was not asked (``--offline``,
``--no-registry``) or failed to answer is *unverified*, not ``LICENSE-UNKNOWN``: its licence
was not looked up, and a finding it had is carried forward. Findings carry an alias
``<rule>:<package name>``, so one package's finding can be ignored with a reason.
"""

from __future__ import annotations

from auditor.checks.base import Check, CheckContext, CheckResult
from auditor.core.findings import Finding, FindingKind, Severity, Unverified
from auditor.core.model import Package, SourceKind
from auditor.enrich.licenses import looked_up
from auditor.licenses.policy import Outcome, Verdict, evaluate

DENIED = "LICENSE-DENIED"
NOT_ALLOWED = "LICENSE-NOT-ALLOWED"
UNKNOWN = "LICENSE-UNKNOWN"
_RULES = {
    Outcome.DENIED: (DENIED, Severity.HIGH),
    Outcome.NOT_ALLOWED: (NOT_ALLOWED, Severity.MEDIUM),
    Outcome.UNKNOWN: (UNKNOWN, Severity.LOW),
}
OWN = frozenset({SourceKind.PATH, SourceKind.EDITABLE, SourceKind.WORKSPACE})


class LicenseCheck(Check):
    name = "licenses"
    kinds = frozenset({FindingKind.LICENSE})
    description = "declared licences against the [licenses] allow and deny lists"

    def applies(self, context: CheckContext) -> bool:
        return context.settings.licenses.active

    def run(self, context: CheckContext) -> CheckResult:
        policy = context.settings.licenses
        findings = []
        unverified = []
        for package in context.graph.packages:
            if package.source.kind in OWN:
                continue
            verdict = evaluate(policy, package.license)
            if verdict.outcome is Outcome.ALLOWED:
                continue
            why = _not_looked_up(package, context) if verdict.outcome is Outcome.UNKNOWN else None
            if why is not None:
                unverified.append(Unverified(check=self.name, package_id=package.id, reason=why))
            else:
                findings.append(finding(package, verdict))
        return CheckResult(findings=tuple(sorted(findings)), unverified=tuple(unverified))


def _not_looked_up(package: Package, context: CheckContext) -> str | None:
    """Why the registry was not asked about the licence the lockfile lacks, if it was not."""
    if package.license is not None or not looked_up(package):
        return None
    if context.registry is None:
        return f"the lockfile records no licence; registry lookups skipped: {context.registry_note}"
    return context.registry.license_errors.get(package.id)


def finding(package: Package, verdict: Verdict) -> Finding:
    """The finding of a verdict other than allowed."""
    rule, severity = _RULES[verdict.outcome]
    license = package.license
    declared = license.shown if license is not None else None
    if verdict.outcome is Outcome.DENIED:
        summary = f"licence {' and '.join(verdict.licenses)} is denied by the policy"
    elif verdict.outcome is Outcome.NOT_ALLOWED:
        summary = f"licence {' and '.join(verdict.licenses)} is not on the allow-list"
    elif license is None:
        summary = "licence unknown: neither the lockfile nor the registry declares one"
    else:
        summary = "licence is no SPDX expression, so not shown to be allowed"
    if declared is not None:
        summary += f" (declared: {declared})"
    evidence = [("license", declared or "unknown")]
    if license is not None:
        evidence.append(("license-source", license.source))
    return Finding(
        package_id=package.id,
        kind=FindingKind.LICENSE,
        id=rule,
        aliases=(f"{rule}:{package.name}",),
        severity=severity,
        summary=summary,
        evidence=tuple(evidence),
    )
