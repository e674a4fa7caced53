"""A Markdown summary for ``$GITHUB_STEP_SUMMARY`` and pull-request comments.

Status first (an incomplete or partial run says so in a warning box), then counts by
severity and kind, the top findings (malicious packages and vulnerabilities first, then the
other kinds; by severity with unrated findings among the mediums, score,
direct-before-transitive) with their fix and one "why" path, then health findings in a
section of their own, suppressions (one line per ignore rule that hides many) and unchecked
packages. With a
previous run's findings, new ones are marked. The text stays under GitHub's comment limit
by dropping the lowest-ranked rows, with a note saying how many were left out. Every
third-party string is escaped (see ``markdown_text``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from auditor.core.findings import (
    SEVERITY_ORDER,
    Finding,
    FindingKind,
    Priority,
    Severity,
    finding_priority,
)
from auditor.core.graph import DependencyGraph
from auditor.core.result import AuditResult, Status
from auditor.outputs.base import RenderOptions, finding_key
from auditor.outputs.findings_json import checked_count
from auditor.outputs.links import database, is_advisory
from auditor.outputs.markdown_text import md_code, md_text
from auditor.outputs.suppressions import decision, grouped, suppressed_heading

COMMENT_LIMIT = 65_536  # GitHub's limit for a comment body, in characters
_BUDGET = COMMENT_LIMIT - 2_048  # room for the closing notes
LIST_LIMIT = 50  # suppressions and unchecked packages listed before "and N more"
_ICONS = {
    Severity.CRITICAL: "🟥",
    Severity.HIGH: "🟧",
    Severity.MEDIUM: "🟨",
    Severity.LOW: "🟦",
    Severity.UNKNOWN: "⬜",
}
_HEADER = "| | Severity | Package | Version | Finding | Fix | Why |"
_RULE = "|---|---|---|---|---|---|---|"


def rank(graph: DependencyGraph, finding: Finding) -> tuple[Priority, float, int, str, str]:
    """Sort key: malicious packages, then vulnerabilities, then the other kinds; within a
    kind most severe first (unrated among the mediums), then highest score, direct before
    transitive."""
    score = -1.0 if finding.score is None else finding.score
    direct = 0 if graph.is_direct(finding.package_id) else 1
    return (finding_priority(finding), -score, direct, finding.package_id, finding.id)


def render_markdown(result: AuditResult, options: RenderOptions) -> str:
    graph = result.graph
    title = f"## auditor: {md_text(options.project_name)}"
    parts = [title, "", *_status_lines(result), "", *_count_lines(result, options)]
    parts += _duplicate_lines(result)
    head = "\n".join(parts) + "\n"
    tail = "\n".join(
        _health_lines(result)
        + _suppressed_lines(result)
        + _unchecked_lines(result)
        + _not_audited_lines(result)
    )
    findings = sorted(
        (f for f in result.findings if f.kind is not FindingKind.HEALTH),
        key=lambda f: (not _is_new(f, graph, options), rank(graph, f)),
    )
    rows = [_row(graph, f, options) for f in findings]
    budget = _BUDGET - len(head) - len(tail)
    shown = _fit(rows, budget)
    body: list[str] = []
    if rows:
        body += ["", "### Findings", "", _HEADER, _RULE, *rows[:shown]]
        if shown < len(rows):
            left = len(rows) - shown
            body += [
                "",
                f"_{left} more finding{'s' if left != 1 else ''} left out to stay within "
                "GitHub's comment size limit; findings.json and the SARIF file list all._",
            ]
    text = head + "\n".join(body) + ("\n\n" + tail if tail else "") + "\n"
    return text.replace("\n\n\n", "\n\n")


def _fit(rows: Sequence[str], budget: int) -> int:
    used = len(_HEADER) + len(_RULE) + 64
    for index, row in enumerate(rows):
        used += len(row) + 1
        if used > budget:
            return index
    return len(rows)


def _status_lines(result: AuditResult) -> list[str]:
    unchecked = len({p for p, _ in result.unchecked})
    sources = ", ".join(md_text(i.label) for i in result.sources) or "no advisory source"
    lines = []
    if result.status is Status.INCOMPLETE:
        lines += [
            "> [!WARNING]",
            f"> **INCOMPLETE**: {unchecked} package{'s' if unchecked != 1 else ''} could "
            "**not** be checked (listed below). Absence of findings proves nothing for them.",
            "",
        ]
    if result.errors:
        lines += [
            "> [!CAUTION]",
            f"> **PARTIAL**: {len(result.errors)} file{'s' if len(result.errors) != 1 else ''} "
            "could not be read, so their packages are missing from this report:",
            *(f"> - {md_text(e.render())}" for e in result.errors[:LIST_LIMIT]),
            "",
        ]
    if result.unsupported:
        count = len(result.unsupported)
        lines += [
            "> [!CAUTION]",
            f"> **PARTIAL**: {count} file{'s' if count != 1 else ''} declare dependencies "
            "auditor did not read (listed below): nothing of them was audited.",
            "",
        ]
    failed = [i for i in result.sources if i.error]
    for info in failed:
        lines += ["> [!CAUTION]", f"> advisory source {md_text(info.name)} failed", ""]
    checked = checked_count(result)
    lines.append(
        f"Status: **{result.status.value}** · {len(result.graph)} packages, {checked} checked "
        f"against {sources}"
    )
    return lines


def _count_lines(result: AuditResult, options: RenderOptions) -> list[str]:
    return _finding_counts(result, options) + _omitted_lines(result)


def _omitted_lines(result: AuditResult) -> list[str]:
    if not result.omit or not result.omitted:
        return []
    scopes = ", ".join(result.omit)
    count = len(result.omitted)
    return [
        "",
        f"{count} finding{'s' if count != 1 else ''} of packages only needed in {scopes} "
        f"left out (`--omit {','.join(result.omit)}`; `omitted` in findings.json).",
    ]


def _finding_counts(result: AuditResult, options: RenderOptions) -> list[str]:
    if not result.findings:
        verdict = "No findings" if result.status is Status.COMPLETE else "No findings so far"
        return [f"**{verdict}.**" + _suppressed_note(result)]
    by_severity = Counter(f.severity for f in result.findings)
    by_kind = Counter(f.kind for f in result.findings)
    lines = [
        "| Severity | Findings |",
        "|---|---|",
        *(
            f"| {_ICONS[s]} {s.value} | {by_severity[s]} |"
            for s in SEVERITY_ORDER
            if by_severity[s]
        ),
        "",
        "Kinds: "
        + ", ".join(
            f"{k.value} {by_kind[k]}"
            for k in sorted(FindingKind, key=lambda k: k.group)
            if by_kind[k]
        ),
        "",
    ]
    affected = len({f.package_id for f in result.findings})
    lines.append(
        f"{len(result.findings)} findings in {affected} packages" + _suppressed_note(result)
    )
    kev = sum(1 for f in result.findings if f.kev)
    if kev:
        lines += ["", f"**{kev} known exploited** (in CISA's KEV catalog): fix these first."]
    if options.previous is not None:
        known = options.previous.findings
        new = sum(1 for f in result.findings if finding_key(f, result.graph) not in known)
        current = {finding_key(f, result.graph) for f in result.findings}
        gone = len(known - current)
        lines += [
            "",
            f"Since {md_text(options.previous.label)}: **{new} new**, {gone} no longer reported",
        ]
    return lines


def _duplicate_lines(result: AuditResult) -> list[str]:
    if not result.duplicates:
        return []
    copies = sum(len(d.packages) for d in result.duplicates)
    names = len(result.duplicates)
    return [
        "",
        f"{names} package name{'s are' if names != 1 else ' is'} locked at several versions "
        f"({copies} packages): information, not findings (`duplicates` in findings.json).",
    ]


def _suppressed_note(result: AuditResult) -> str:
    count = len(result.suppressed)
    return f" ({count} {suppressed_heading(result.suppressed)}, listed below)" if count else ""


def _is_new(finding: Finding, graph: DependencyGraph, options: RenderOptions) -> bool:
    """A finding the previous run did not have (new findings come first)."""
    return (
        options.previous is not None
        and finding_key(finding, graph) not in options.previous.findings
    )


def _row(graph: DependencyGraph, finding: Finding, options: RenderOptions) -> str:
    package = graph.package(finding.package_id)
    new = "🆕" if _is_new(finding, graph, options) else ""
    severity = finding.severity.value + (
        f" {finding.score:.1f}" if finding.score is not None else ""
    )
    if finding.kind is not FindingKind.VULNERABILITY:
        severity += f" ({finding.kind.value})"
    if finding.kev:
        severity += " · **KEV**"
    if finding.epss is not None:
        severity += f" · EPSS {finding.epss.score:.1%}"
    ident = md_code(finding.id)
    if is_advisory(finding):
        ident = f"[{ident}]({database(finding.id)[1]})"
    if finding.summary:
        ident += " " + md_text(finding.summary)
    cells = (
        new,
        f"{_ICONS[finding.severity]} {severity}",
        md_code(package.name),
        md_code(package.version) if package.version else "",
        ident,
        md_code(finding.fix_version) if finding.fix_version else "-",
        _why(graph, finding.package_id),
    )
    return "| " + " | ".join(cells) + " |"


def _why(graph: DependencyGraph, package_id: str) -> str:
    paths = graph.paths_to(package_id, limit=1)
    if not paths:
        return "no recorded path"
    labels = [graph.label(node) for node in paths[0]]
    direct = "direct" if len(labels) <= 2 else "transitive"
    return f"{direct}: " + " → ".join(md_text(label) for label in labels)


def _health_lines(result: AuditResult) -> list[str]:
    """Health findings in a section of their own: maintenance advice, not vulnerabilities."""
    health = sorted(
        (f for f in result.findings if f.kind is FindingKind.HEALTH),
        key=lambda f: rank(result.graph, f),
    )
    if not health:
        return []
    lines = [
        f"### Health ({len(health)})",
        "",
        "Maintenance advice about the packages (yanked, deprecated, unmaintained), not "
        "vulnerabilities:",
        "",
    ]
    for finding in health[:LIST_LIMIT]:
        package = result.graph.package(finding.package_id)
        name = md_code(package.display, in_table=False)
        ident = md_code(finding.id, in_table=False)
        lines.append(f"- {name} {ident} ({finding.severity.value}): {md_text(finding.summary)}")
    lines += _more(len(health))
    return [*lines, ""]


def _suppressed_lines(result: AuditResult) -> list[str]:
    """One line per ignore rule that hides one finding, one summary line per rule that
    hides several (``id = "HEALTH-UNMAINTAINED"`` for every package)."""
    if not result.suppressed:
        return []
    graph = result.graph
    heading = suppressed_heading(result.suppressed)
    heading = heading[0].upper() + heading[1:]
    lines = [f"### {heading} ({len(result.suppressed)})", ""]
    groups = grouped(result.suppressed)
    for group in groups[:LIST_LIMIT]:
        rule = group.rule
        until = f", until {md_text(rule.expires)}" if rule.expires else ""
        if len(group.items) == 1:
            finding = group.items[0].finding
            name = md_code(graph.package(finding.package_id).display, in_table=False)
            what = f"{name} {md_code(finding.id, in_table=False)}"
        else:
            what = (
                f"{md_code(rule.id, in_table=False)}: {len(group.items)} findings "
                f"({md_text(group.finding_ids())} on {md_text(group.packages(graph))})"
            )
        lines.append(f"- {what}: {md_text(decision(rule))} ({md_text(rule.origin)}{until})")
    lines += _more(len(groups))
    return [*lines, ""]


def _unchecked_lines(result: AuditResult) -> list[str]:
    if not result.unchecked:
        return []
    lines = [f"### Not checked ({len({p for p, _ in result.unchecked})})", ""]
    for package_id, reason in result.unchecked[:LIST_LIMIT]:
        package = result.graph.package(package_id)
        lines.append(f"- {md_code(package.display, in_table=False)}: {md_text(reason)}")
    lines += _more(len(result.unchecked))
    return lines


def _not_audited_lines(result: AuditResult) -> list[str]:
    lines: list[str] = []
    if result.unsupported:
        lines += ["", f"### Files not read ({len(result.unsupported)})", ""]
        lines += [
            f"- {md_code(f.path, in_table=False)}: {md_text(f.reason)}"
            for f in result.unsupported[:LIST_LIMIT]
        ]
        lines += _more(len(result.unsupported))
    if result.unaudited:
        lines += ["", f"### Not audited: git, URL or versionless ({len(result.unaudited)})", ""]
        for item in result.unaudited[:LIST_LIMIT]:
            package = result.graph.package(item.package_id)
            text = f"- {md_code(package.display, in_table=False)} ({md_text(item.source)})"
            if item.ignore is not None:
                text += f": acknowledged: {md_text(item.ignore.reason)}"
            lines.append(text)
        lines += _more(len(result.unaudited))
    return lines


def _more(count: int) -> list[str]:
    return [f"- … and {count - LIST_LIMIT} more (see findings.json)"] if count > LIST_LIMIT else []
