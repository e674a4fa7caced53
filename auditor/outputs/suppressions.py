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
