"""Content-addressed sets: findings (advisory text split off), suppressions, run details.

A run's findings are one set, its suppression rules another; each member and each set is
addressed by the SHA-256 of its canonical JSON (``codec.digest``), so the same findings on the
next night add nothing. Findings and run details are stored from all their dataclass fields.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from auditor.core.findings import Finding
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem
from auditor.core.result import AuditResult
from auditor.store import codec
from auditor.store.content import BlobPlan, blob, safe_url
from auditor.store.records import SuppressionRule

# Finding fields that are advisory text, stored once per advisory (id + modified).
ADVISORY_FIELDS = ("aliases", "summary", "details", "references", "cwes", "published", "modified")
# EPSS scores move a little every day for every CVE; kept to two decimals, a finding's row
# changes only when its probability or percentile moves by a percent, not every night.
EPSS_DIGITS = 2
# AuditResult fields stored in their own tables or columns; every other field goes to the
# run-details blob, so fields added later are kept without a schema change.
RESULT_OWN_FIELDS = ("graph", "findings", "status")


@dataclass(frozen=True, kw_only=True)
class AdvisoryRow:
    digest: bytes
    advisory_id: str
    modified: str | None
    data: str


@dataclass(frozen=True, kw_only=True)
class FindingRow:
    digest: bytes
    advisory: AdvisoryRow
    package_id: str
    ecosystem: str
    package_name: str
    kind: str
    finding_id: str
    severity: str
    data: str

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.ecosystem, self.package_name, self.finding_id)


@dataclass(frozen=True, kw_only=True)
class SuppressionRow:
    digest: bytes
    suppression: SuppressionRule


@dataclass(frozen=True, kw_only=True)
class SetPlan:
    digest: bytes
    members: tuple[bytes, ...]


def set_plan(digests: Iterable[bytes]) -> SetPlan:
    members = tuple(sorted(set(digests)))
    return SetPlan(digest=codec.digest([d.hex() for d in members]), members=members)


def plan_findings(
    findings: Iterable[Finding], graph: DependencyGraph
) -> tuple[dict[bytes, FindingRow], SetPlan]:
    rows: dict[bytes, FindingRow] = {}
    for finding in findings:
        row = finding_row(finding, graph)
        rows[row.digest] = row
    return rows, set_plan(rows)


def finding_row(finding: Finding, graph: DependencyGraph) -> FindingRow:
    data = codec.encode(finding)
    if isinstance(data.get("epss"), dict):
        data["epss"] = {k: round(v, EPSS_DIGITS) for k, v in data["epss"].items()}
    advisory_data = {k: data.pop(k) for k in ADVISORY_FIELDS if k in data}
    advisory = AdvisoryRow(
        digest=codec.digest({"id": finding.id, **advisory_data}),
        advisory_id=finding.id,
        modified=finding.modified,
        data=codec.canonical_json(advisory_data),
    )
    ecosystem, name = package_identity(finding.package_id, graph)
    return FindingRow(
        digest=codec.digest([advisory.digest.hex(), data]),
        advisory=advisory,
        package_id=finding.package_id,
        ecosystem=ecosystem,
        package_name=name,
        kind=finding.kind.value,
        finding_id=finding.id,
        severity=finding.severity.value,
        data=codec.canonical_json(data),
    )


def package_identity(package_id: str, graph: DependencyGraph) -> tuple[str, str]:
    """(ecosystem, name) of a finding's package: from the graph, else read from its purl."""
    if package_id in graph and not graph.is_root(package_id):
        pkg = graph.package(package_id)
        return pkg.ecosystem.value, pkg.name
    return parse_purl_name(package_id)


def parse_purl_name(purl: str) -> tuple[str, str]:
    body = purl.removeprefix("pkg:").split("?", 1)[0].split("#", 1)[0]
    kind, _, path = body.partition("/")
    name = unquote(path.rsplit("@", 1)[0] if "@" in path.lstrip("@") else path)
    try:
        ecosystem = Ecosystem.parse(kind)
    except ValueError:
        return "", purl
    return ecosystem.value, ecosystem.normalize_name(name)


def plan_suppressions(
    suppressions: Iterable[SuppressionRule],
) -> tuple[dict[bytes, SuppressionRow], SetPlan]:
    rows = {}
    for suppression in suppressions:
        digest = codec.digest(codec.encode(suppression))
        rows[digest] = SuppressionRow(digest=digest, suppression=suppression)
    return rows, set_plan(rows)


def plan_details(result: AuditResult) -> BlobPlan:
    """Every ``AuditResult`` field not stored elsewhere (skipped, errors, unchecked, ...)."""
    data = {
        f.name: codec.encode(getattr(result, f.name))
        for f in dataclasses.fields(result)
        if f.name not in RESULT_OWN_FIELDS
    }
    for key in ("registries",):
        if key in data:
            data[key] = [safe_url(url) for url in data[key]]
    return blob(data)
