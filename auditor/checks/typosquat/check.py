"""Typosquat matches as findings: the adapter that becomes the check plug-in.

``typosquat_findings`` is the one function both the lockfile check (``TyposquatCheck`` over a
dependency graph) and ``auditor check-name`` (over names not yet installed) call, so both
give the same answer for the same name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from auditor.checks.base import Check, CheckContext, CheckResult
from auditor.checks.typosquat.allowlist import EMPTY, AllowList
from auditor.checks.typosquat.detector import TyposquatDetector, default_detector
from auditor.checks.typosquat.popular import BUNDLED_ECOSYSTEMS
from auditor.checks.typosquat.rules import Match, Rule
from auditor.core.findings import Finding, FindingKind, Severity
from auditor.core.model import Ecosystem, Package

# Visual identity (the same letters, only case, separators or look-alike glyphs differ) has
# no innocent reading; the other rules also match some honest names.
_HIGH = frozenset({Rule.CASE, Rule.SEPARATOR, Rule.HOMOGLYPH})

DetectorFor = Callable[[Ecosystem], TyposquatDetector]


def severity(rule: Rule) -> Severity:
    return Severity.HIGH if rule in _HIGH else Severity.MEDIUM


def finding(package: Package, matches: tuple[Match, ...], detector: TyposquatDetector) -> Finding:
    """One finding per package, naming the most popular name it imitates and why."""
    top = matches[0]
    others = ", ".join(m.target for m in matches[1:])
    unlisted = detector.popular.describe_unlisted()
    evidence = [
        ("imitates", top.target),
        ("rule", top.rule.value),
        ("why", f"{top.rule.explanation}: {top.detail}"),
        ("popularity", unlisted),
        ("target-popularity", top.target_popularity.render()),
    ]
    if others:
        evidence.append(("also-resembles", others))
    details = [
        f"{package.name} is not on the popular {package.ecosystem.value} list ({unlisted}) and "
        f"looks like {top.target} ({top.target_popularity.render()}): "
        f"{top.rule.explanation}, {top.detail}.",
    ]
    details += [f"It also resembles {m.explain()}." for m in matches[1:]]
    details.append("Check that this is the package you meant to install.")
    return Finding(
        package_id=package.id,
        kind=FindingKind.TYPOSQUAT,
        id=f"typosquat:{top.target}",
        severity=severity(top.rule),
        summary=f"{package.name} looks like {top.target} ({top.rule.value}: {top.detail})",
        details=" ".join(details),
        evidence=tuple(evidence),
    )


def typosquat_findings(
    packages: Iterable[Package],
    *,
    allow: AllowList = EMPTY,
    detector_for: DetectorFor = default_detector,
) -> tuple[Finding, ...]:
    """Findings for every package (of an ecosystem with a popular list) that imitates a
    popular name; sorted."""
    found = []
    for package in packages:
        if package.ecosystem not in BUNDLED_ECOSYSTEMS:
            continue
        if allow.allows(package.ecosystem, package.name):
            continue
        detector = detector_for(package.ecosystem)
        matches = detector.check(package.name)
        if matches:
            found.append(finding(package, matches, detector))
    return tuple(sorted(found))


class TyposquatCheck(Check):
    """The typosquat check over the dependency graph.

    Only packages resolved from a registry are judged: a git, URL, path or workspace package
    is not installed by typing its name, so a look-alike name is not a typosquat there. The
    allow-list comes from the configuration (``CheckSettings.typosquat_allow``).
    """

    name = "typosquat"
    kinds = frozenset({FindingKind.TYPOSQUAT})
    description = "package names that imitate a much more popular package"

    def __init__(self, *, detector_for: DetectorFor = default_detector) -> None:
        self.detector_for = detector_for

    def run(self, context: CheckContext) -> CheckResult:
        packages = (p for p in context.graph.packages if p.source.is_registry)
        findings = typosquat_findings(
            packages, allow=context.settings.typosquat_allow, detector_for=self.detector_for
        )
        return CheckResult(findings=findings)
