"""What the supply-chain checks add to the outputs: fix plans, registry health, unverified
packages, counts per finding kind. JSON shapes here, terminal text in ``supply_table``.

A fix plan reads ``fix: urllib3 1.24.2 (blocked by requests 2.19.0: urllib3<1.24,>=1.21.1;
upgrade requests to 2.20.0)``; the same sentence is in the JSON (``text``) and the table.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from auditor.core.findings import (
    Blocker,
    FindingKind,
    FixPlan,
    PackageHealth,
    UnknownRequirement,
    Unverified,
)
from auditor.core.graph import DependencyGraph
from auditor.core.result import AuditResult


def blocker_text(blocker: Blocker, graph: DependencyGraph) -> str:
    text = f"blocked by {graph.label(blocker.parent_id)}: {blocker.requirement}"
    if blocker.upgrade:
        parent = graph.package(blocker.parent_id)
        return f"{text}; upgrade {parent.name} to {blocker.upgrade}"
    return f"{text}; {blocker.reason}" if blocker.reason else text


def unknown_text(item: UnknownRequirement, graph: DependencyGraph) -> str:
    if item.parent_id is None:
        return f"unverified: which packages require it is unknown: {item.reason}"
    return f"unverified: the requirement of {graph.label(item.parent_id)} is {item.reason}"


def fix_plan_text(plan: FixPlan, graph: DependencyGraph) -> str:
    """One line: the target, and what blocks it."""
    package = graph.package(plan.package_id)
    if plan.target is None:
        return f"fix: {package.name}: no fixed version is known ({', '.join(plan.unfixed)})"
    text = f"fix: {package.name} {package.version} → {plan.target}"
    notes = [blocker_text(b, graph) for b in plan.blockers]
    notes += [unknown_text(u, graph) for u in plan.unknown]
    if notes:
        text += " (" + "; ".join(notes) + ")"
    else:
        text += " (no requirement of another package blocks it)"
    if plan.unfixed:
        text += f"; no fix yet for {', '.join(plan.unfixed)}"
    return text


def fix_plan_json(plan: FixPlan, graph: DependencyGraph) -> dict[str, Any]:
    package = graph.package(plan.package_id)
    return {
        "package": plan.package_id,
        "name": package.name,
        "version": package.version,
        "target": plan.target,
        "compatible": plan.compatible,
        "findings": list(plan.findings),
        "unfixed": list(plan.unfixed),
        "blockers": [
            {
                "parent": b.parent_id,
                "parent_label": graph.label(b.parent_id),
                "requirement": b.requirement,
                "upgrade": b.upgrade,
                "reason": b.reason or None,
            }
            for b in plan.blockers
        ],
        "unknown": [
            {
                "parent": u.parent_id,
                "parent_label": graph.label(u.parent_id) if u.parent_id else None,
                "reason": u.reason,
            }
            for u in plan.unknown
        ],
        "text": fix_plan_text(plan, graph),
    }


def health_json(health: PackageHealth, graph: DependencyGraph) -> dict[str, Any]:
    package = graph.package(health.package_id) if health.package_id in graph else None
    return {
        "package": health.package_id,
        "name": package.name if package else None,
        "version": package.version if package else None,
        "registry": health.registry,
        "published": health.published,
        "latest": health.latest,
        "latest_published": health.latest_published,
        "last_release": health.last_release,
        "first_release": health.first_release,
        "newer_releases": health.newer_releases,
        "libyears": health.libyears,
        "yanked": health.yanked,
        "yanked_reason": health.yanked_reason,
        "deprecated": health.deprecated,
        "maintainers": health.maintainers,
        "requires_python": health.requires_python,
        "error": health.error,
    }


def unverified_json(item: Unverified, graph: DependencyGraph) -> dict[str, Any]:
    package = graph.package(item.package_id) if item.package_id in graph else None
    return {
        "check": item.check,
        "package": item.package_id,
        "name": package.name if package else None,
        "version": package.version if package else None,
        "reason": item.reason,
    }


def kind_counts(result: AuditResult) -> dict[str, int]:
    counts = Counter(f.kind for f in result.findings)
    return {kind.value: counts.get(kind, 0) for kind in FindingKind}


def supply_summary(result: AuditResult) -> dict[str, Any]:
    """The summary keys the supply-chain checks add (``summary`` of the findings JSON)."""
    known = [h for h in result.health if not h.error]
    return {
        "by_kind": kind_counts(result),
        "health_known": len(known),
        "health_unknown": len(result.health) - len(known),
        "libyears": result.libyears,
        "fix_plans": len(result.fix_plans),
        "fix_plans_blocked": sum(1 for p in result.fix_plans if p.blockers),
        "unverified": len({(u.check, u.package_id) for u in result.unverified}),
    }


def supply_sections(result: AuditResult) -> dict[str, Any]:
    """The top-level keys the supply-chain checks add to the findings JSON."""
    graph = result.graph
    return {
        "notes": list(result.notes),
        "fix_plans": [fix_plan_json(p, graph) for p in result.fix_plans],
        "health": {
            "libyears": result.libyears,
            "packages": [health_json(h, graph) for h in result.health],
        },
        "unverified": [unverified_json(u, graph) for u in result.unverified],
    }
