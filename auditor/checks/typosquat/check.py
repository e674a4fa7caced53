"""Typosquat matches as findings: the adapter that becomes the check plug-in.

``typosquat_findings`` is the one function both the lockfile check (``TyposquatCheck`` over a
dependency graph) and ``auditor check-name`` (over names not yet installed) call, so both
give the same answer for the same name. What is known besides the name decides too:

- a name the configuration marks ``internal`` is the team's own (dependency confusion is the
  risk there, and the confusion check judges it);
- a package that packages on the popular list depend on (the lockfile shows who requires
  it) was chosen by those packages' maintainers, not typed by this project's developers;
- a package the registry says was first published long ago (``established_days``) and is
  still served has been there for years: malicious typosquats are taken down within days.

Messages state facts only: that a name is not on the bundled list, the target's listed
popularity, the registry's dates; never a download count nobody measured.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from auditor.checks.base import Check, CheckContext, CheckResult
from auditor.checks.typosquat.allowlist import EMPTY, AllowList
from auditor.checks.typosquat.detector import TyposquatDetector, default_detector
from auditor.checks.typosquat.popular import BUNDLED_ECOSYSTEMS
from auditor.checks.typosquat.rules import Match, Rule
from auditor.core.findings import Finding, FindingKind, PackageHealth, Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Package
from auditor.registries.internal import InternalNames
from auditor.registries.metadata import parse_time

# Visual identity (the same letters, only case, separators or look-alike glyphs differ) has
# no innocent reading; the other rules also match some honest names.
_HIGH = frozenset({Rule.CASE, Rule.SEPARATOR, Rule.HOMOGLYPH})
ESTABLISHED_DAYS = 730  # still on the registry two years after its first release

DetectorFor = Callable[[Ecosystem], TyposquatDetector]


def severity(rule: Rule) -> Severity:
    return Severity.HIGH if rule in _HIGH else Severity.MEDIUM


@dataclass(frozen=True, kw_only=True)
class Known:
    """What is known about the packages besides their names (all optional)."""

    internal: InternalNames = field(default_factory=InternalNames)
    # package id → the names of the packages that depend on it (the lockfile's edges)
    dependents: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # package id → what its registry said (its first release)
    health: Mapping[str, PackageHealth] = field(default_factory=dict)
    now: datetime | None = None  # the moment ages are measured at (None: not measured)

    def exempt(self, package: Package, detector: TyposquatDetector) -> bool:
        """Whether a fact outside the name clears the package (see the module doc)."""
        if self.internal.match(package.ecosystem, package.name) is not None:
            return True
        if any(name in detector.popular for name in self.dependents.get(package.id, ())):
            return True
        return self.established(package)

    def established(self, package: Package) -> bool:
        health = self.health.get(package.id)
        first = parse_time(health.first_release) if health and not health.error else None
        if first is None or self.now is None:
            return False
        return self.now - first >= timedelta(days=ESTABLISHED_DAYS)


NOTHING_KNOWN = Known()


def finding(package: Package, matches: tuple[Match, ...], detector: TyposquatDetector) -> Finding:
    """One finding per package, naming the most popular name it imitates and why."""
    top = matches[0]
    others = ", ".join(m.target for m in matches[1:])
    unlisted = detector.popular.describe_unlisted()
    listed = f"{top.target_popularity.render()} on the list"
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
        f"{package.name} is {unlisted}; it looks like {top.target} ({listed}): "
        f"{top.rule.explanation}, {top.detail}.",
    ]
    details += [f"It also resembles {m.target} ({m.rule.value}: {m.detail})." for m in matches[1:]]
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
    known: Known = NOTHING_KNOWN,
    detector_for: DetectorFor = default_detector,
) -> tuple[Finding, ...]:
    """Findings for every package (of an ecosystem with a popular list) that imitates a
    popular name and that nothing known clears; sorted."""
    found = []
    for package in packages:
        if package.ecosystem not in BUNDLED_ECOSYSTEMS:
            continue
        if allow.allows(package.ecosystem, package.name):
            continue
        detector = detector_for(package.ecosystem)
        matches = detector.check(package.name)
        if matches and not known.exempt(package, detector):
            found.append(finding(package, matches, detector))
    return tuple(sorted(found))


def dependents(graph: DependencyGraph) -> dict[str, tuple[str, ...]]:
    """Package id → the names of the packages (not the project's roots) depending on it."""
    return {
        package.id: tuple(
            sorted(
                {
                    graph.package(edge.parent).name
                    for edge in graph.parents(package.id)
                    if not graph.is_root(edge.parent)
                }
            )
        )
        for package in graph.packages
    }


class TyposquatCheck(Check):
    """The typosquat check over the dependency graph.

    Only packages resolved from a registry are judged: a git, URL, path or workspace package
    is not installed by typing its name, so a look-alike name is not a typosquat there. The
    allow-list and the internal names come from the configuration; who depends on each
    package from the graph; first releases from the registry stage (when it ran).
    """

    name = "typosquat"
    kinds = frozenset({FindingKind.TYPOSQUAT})
    description = "package names that imitate a much more popular package"

    def __init__(self, *, detector_for: DetectorFor = default_detector) -> None:
        self.detector_for = detector_for

    def run(self, context: CheckContext) -> CheckResult:
        graph = context.graph
        known = Known(
            internal=context.settings.internal,
            dependents=dependents(graph),
            health=context.registry.health if context.registry is not None else {},
            now=context.settings.now,
        )
        findings = typosquat_findings(
            (p for p in graph.packages if p.source.is_registry),
            allow=context.settings.typosquat_allow,
            known=known,
            detector_for=self.detector_for,
        )
        return CheckResult(findings=findings)
