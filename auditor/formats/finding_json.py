"""A finding as JSON: the shape every JSON output that lists findings uses."""

from __future__ import annotations

from typing import Any

from auditor.model import Finding


def finding_json(finding: Finding) -> dict[str, Any]:
    """Keys in a fixed order; ``evidence`` as an object of the check's facts."""
    return {
        "id": finding.id,
        "kind": finding.kind.value,
        "package": finding.package_id,
        "severity": finding.severity.value,
        "summary": finding.summary,
        "details": finding.details,
        "aliases": list(finding.aliases),
        "references": list(finding.references),
        "evidence": dict(finding.evidence),
    }
