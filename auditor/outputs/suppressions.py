"""Suppressed findings grouped by the ignore rule that hides them, for the terminal table
and the Markdown summary: a rule that hides one finding gets one line naming it; a rule that
hides many (``id = "HEALTH-UNMAINTAINED"`` over every package) gets one summary line with
the count and the first packages, not one line per finding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from auditor.core.findings import IgnoreRule, Suppression, finding_priority
from auditor.core.graph import DependencyGraph

NAMED = 3  # packages named on a group's line


@dataclass(frozen=True, kw_only=True)
class SuppressedGroup:
    rule: IgnoreRule
    items: tuple[Suppression, ...]  # most important first

    def packages(self, graph: DependencyGraph) -> str:
        """``six, nose, mock and 41 more``: the first packages the rule hides."""
        labels = sorted({graph.label(s.finding.package_id) for s in self.items})
        shown = ", ".join(labels[:NAMED])
        return f"{shown} and {len(labels) - NAMED} more" if len(labels) > NAMED else shown

    def finding_ids(self) -> str:
        ids = sorted({s.finding.id for s in self.items})
        return ids[0] if len(ids) == 1 else f"{ids[0]} and {len(ids) - 1} other ids"


def grouped(suppressed: Sequence[Suppression]) -> list[SuppressedGroup]:
    """One group per ignore rule, the group of the most important finding first."""
    by_rule: dict[IgnoreRule, list[Suppression]] = {}
    for item in suppressed:
        by_rule.setdefault(item.rule, []).append(item)
    groups = [
        SuppressedGroup(
            rule=rule,
            items=tuple(sorted(items, key=lambda s: (finding_priority(s.finding), s.finding))),
        )
        for rule, items in by_rule.items()
    ]
    return sorted(groups, key=lambda g: (finding_priority(g.items[0].finding), g.rule))


def decision(rule: IgnoreRule) -> str:
    """What the rule decided, in words: the ignore's reason, or the VEX statement's status
    and justification with its statement (``VEX not_affected
    (vulnerable_code_not_in_execute_path): only the CLI uses it``)."""
    if not rule.is_vex:
        return rule.reason
    head = f"VEX {rule.status}"
    if rule.justification:
        head += f" ({rule.justification})"
    plain = (rule.justification or "").replace("_", " ")
    return head if rule.reason in (plain, rule.status) else f"{head}: {rule.reason}"


def suppressed_heading(suppressed: Sequence[Suppression]) -> str:
    """``suppressed by ignores``, or ``... and VEX statements`` when statements did too."""
    vex = any(s.rule.is_vex for s in suppressed)
    return "suppressed by ignores and VEX statements" if vex else "suppressed by ignores"
