"""Known vulnerabilities and malicious releases: OSV records matched to locked versions.

One finding per (package, vulnerability): records that name each other through aliases
(a CVE, its GHSA and its PYSEC) are merged into one finding under a stable primary id,
with the others kept as aliases. Withdrawn records count for nothing. A record that cannot
be evaluated for a package (a version it cannot compare) leaves that package unchecked
rather than silently clean, unless an alias of it already shows the package affected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone

from auditor.advisories.match import (
    Evaluation,
    all_ids,
    entries_for,
    evaluate,
    group_by_alias,
    primary_id,
    smallest_fix,
)
from auditor.advisories.osv import OsvRecord, parse_timestamp
from auditor.advisories.severity import UNKNOWN, rate
from auditor.checks.base import Check, CheckContext, CheckResult
from auditor.core.findings import Finding, FindingKind
from auditor.core.model import Package
from auditor.core.times import rfc3339
from auditor.versions.plugins import scheme_for

SUMMARY_LENGTH = 120
_EPOCH = datetime.min.replace(tzinfo=timezone.utc)


class VulnerabilityCheck(Check):
    name = "vulnerabilities"
    kinds = frozenset({FindingKind.VULNERABILITY, FindingKind.MALICIOUS})
    description = "known vulnerabilities and malicious releases (OSV advisories)"

    def applies(self, context: CheckContext) -> bool:
        return context.advisories is not None

    def run(self, context: CheckContext) -> CheckResult:
        if context.advisories is None:
            return CheckResult()
        findings: list[Finding] = []
        unchecked: list[tuple[str, str]] = []
        for package_id, records in sorted(context.advisories.records.items()):
            if package_id not in context.graph:
                continue
            package = context.graph.package(package_id)
            confirmed = frozenset(context.advisories.confirmed.get(package_id, ()))
            found, problems = findings_for(package, records, confirmed)
            findings.extend(found)
            if problems:
                unchecked.append((package_id, "; ".join(problems)))
        return CheckResult(findings=tuple(sorted(findings)), unchecked=tuple(unchecked))


def latest_records(records: Iterable[OsvRecord]) -> list[OsvRecord]:
    """One record per id (two sources may both return it): the most recently modified."""
    newest: dict[str, OsvRecord] = {}
    for record in records:
        known = newest.get(record.id)
        if known is None or _time(record.modified) > _time(known.modified):
            newest[record.id] = record
    return [newest[i] for i in sorted(newest)]


def findings_for(
    package: Package, records: Iterable[OsvRecord], confirmed: frozenset[str] = frozenset()
) -> tuple[list[Finding], list[str]]:
    """The findings for one package, and the problems that leave it partly unchecked.
    ``confirmed`` records affect it on a source's word (the OSV API, asked by git commit:
    a checkout has no release version to evaluate)."""
    current = [r for r in latest_records(records) if not r.is_withdrawn]
    evaluations = [
        by_commit(r, package) if r.id in confirmed else evaluate(r, package) for r in current
    ]
    hits = [e for e in evaluations if e.affected]
    hit_ids = {i for e in hits for i in e.record.ids}
    problems = [
        f"{e.record.id}: {problem}"
        for e in evaluations
        if not e.affected and not hit_ids.intersection(e.record.ids)
        for problem in e.problems
    ]
    by_id = {e.record.id: e for e in hits}
    findings = [
        build_finding(package, [by_id[r.id] for r in group], by_commit=confirmed)
        for group in group_by_alias([e.record for e in hits])
    ]
    return findings, problems


def by_commit(record: OsvRecord, package: Package) -> Evaluation:
    """A record the OSV API says affects the git commit a package is locked at."""
    return Evaluation(
        record=record,
        affected=True,
        entries=entries_for(record, package.ecosystem, package.name),
    )


def build_finding(
    package: Package, evaluations: Sequence[Evaluation], by_commit: frozenset[str] = frozenset()
) -> Finding:
    """Merge the evaluations of alias records into one finding; records in ``by_commit``
    matched the package's git commit (no release version fixes a checkout)."""
    records = [e.record for e in evaluations]
    commit_only = all(r.id in by_commit for r in records)
    primary = primary_id(records)
    lead = next(r for r in records if r.id == primary)
    ordered = [lead, *(r for r in records if r is not lead)]
    rating = max(
        (rate(e.record, e.entries) for e in evaluations), key=lambda r: r.rank, default=UNKNOWN
    )
    malicious = any(r.is_malicious for r in records)
    scheme = scheme_for(package.ecosystem)
    evidence: list[tuple[str, str]] = []
    if rating.basis:
        evidence.append(("severity-basis", rating.basis))
    if rating.vector:
        evidence.append(("severity-vector", rating.vector))
    evidence.append(("records", " ".join(r.id for r in ordered)))
    if any(r.id in by_commit for r in records):
        evidence.append(("matched-by", f"git commit {package.source.reference} (OSV API)"))
    for record in ordered:
        warning = (record.database_specific or {}).get("warning")
        if isinstance(warning, str) and warning.strip():
            evidence.append(("database-warning", f"{record.id}: {warning.strip()}"))
    # one RFC 3339 form whatever the records wrote (".832Z", ".832000Z", "+00:00")
    published = [t for t in (parse_timestamp(r.published) for r in records) if t is not None]
    modified = [t for t in (parse_timestamp(r.modified) for r in records) if t is not None]
    return Finding(
        package_id=package.id,
        kind=FindingKind.MALICIOUS if malicious else FindingKind.VULNERABILITY,
        id=primary,
        severity=rating.severity,
        score=rating.score,
        aliases=tuple(i for i in all_ids(records) if i != primary),
        summary=_summary(ordered),
        details=next((r.details for r in ordered if r.details.strip()), ""),
        fixed_versions=tuple(scheme.ascending(v for e in evaluations for v in e.fixed)),
        fix_version=None if malicious or commit_only else smallest_fix(package, records),
        references=tuple(sorted({ref.url for r in records for ref in r.references})),
        cwes=tuple(sorted({c for r in records for c in r.cwes})),
        published=rfc3339(min(published), fraction=True) if published else None,
        modified=rfc3339(max(modified), fraction=True) if modified else None,
        evidence=tuple(evidence),
    )


def _summary(records: Sequence[OsvRecord]) -> str:
    """The first record summary, else the first line of the details, shortened."""
    for record in records:
        if record.summary.strip():
            return _shorten(record.summary)
    for record in records:
        for line in record.details.splitlines():
            text = line.strip().lstrip("#").strip()
            if text:
                return _shorten(text)
    return ""


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1].rstrip() + "…"


def _time(text: str | None) -> datetime:
    return parse_timestamp(text) or _EPOCH
