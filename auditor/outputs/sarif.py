"""SARIF 2.1.0 for code scanning (GitHub uploads it with ``upload-sarif``).

One rule per advisory (rule id = the finding id; other kinds: ``kind/id``), one result per
(package, finding), located at the lockfile line that pins the package. The partial
fingerprint hashes the ecosystem, package name, rule and file, and deliberately not the
version or line: an unchanged alert is never reopened, and an upgrade that leaves the
advisory open stays the same alert. Suppressed findings are results with a SARIF
``suppressions`` entry carrying the ignore's reason. Third-party text goes into the help
markdown escaped.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from typing import Any

from auditor.core.findings import SECURITY_KINDS, Finding, Severity, Suppression, finding_priority
from auditor.core.graph import DependencyGraph
from auditor.core.model import Location
from auditor.core.redact import redact_text
from auditor.core.result import AuditResult, Status
from auditor.outputs.base import TOOL_NAME, RenderOptions, tool_version
from auditor.outputs.links import database, is_advisory
from auditor.outputs.markdown_text import md_text
from auditor.outputs.suppressions import decision

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
FINGERPRINT = "auditorFinding/v1"
_LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.UNKNOWN: "warning",
}
# GitHub reads ``security-severity`` (a CVSS-like score as a string) to rank alerts; a
# finding rated only by a word gets the lower bound of that word's band, and an unrated one
# ranks with the mediums (as the risk score and every ranked list do).
_BAND_FLOOR = {
    Severity.CRITICAL: "9.0",
    Severity.HIGH: "7.0",
    Severity.MEDIUM: "4.0",
    Severity.UNKNOWN: "4.0",
    Severity.LOW: "0.1",
}


def level(severity: Severity) -> str:
    return _LEVELS[severity]


def rule_id(finding: Finding) -> str:
    return finding.id if is_advisory(finding) else f"{finding.kind.value}/{finding.id}"


def information_uri() -> str | None:
    """The project's home page from the installed package's metadata, when it names one."""
    try:
        meta = metadata.metadata("auditor")
    except metadata.PackageNotFoundError:
        return None
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = str(entry).partition(",")
        if label.strip().lower() in ("homepage", "home", "documentation", "source"):
            return url.strip()
    home = str(meta["Home-page"] or "").strip()
    return home if home and home != "UNKNOWN" else None


def _rule(finding: Finding) -> dict[str, Any]:
    if not is_advisory(finding):
        return _check_rule(finding)
    name, url = database(finding.id)
    summary = finding.summary or f"{finding.kind.value} {finding.id}"
    text_lines = [summary]
    md_lines = [f"**{md_text(summary)}**"]
    if finding.details and finding.details.strip() != summary:
        text_lines += ["", finding.details.strip()]
        md_lines += ["", md_text(finding.details.strip(), keep_newlines=True)]
    if finding.fixed_versions:
        fixed = ", ".join(finding.fixed_versions)
        text_lines += ["", f"Fixed in: {fixed}"]
        md_lines += ["", f"Fixed in: {md_text(fixed)}"]
    if finding.aliases:
        text_lines += ["", "Aliases: " + ", ".join(finding.aliases)]
        md_lines += ["", "Aliases: " + ", ".join(md_text(a) for a in finding.aliases)]
    links = list(dict.fromkeys([url, *finding.references]))
    text_lines += ["", "References:", *links]
    md_lines += ["", "References:", *(f"- <{_link(u)}>" for u in links)]
    rule = _rule_shell(finding, summary, finding.details.strip() or summary)
    rule["help"] = {"text": "\n".join(text_lines), "markdown": "\n".join(md_lines)}
    rule["helpUri"] = url
    rule["properties"]["database"] = name
    return rule


def _check_rule(finding: Finding) -> dict[str, Any]:
    """A rule for a check's own kind (typosquat, confusion, ...): the rule is the check's,
    the package-specific facts go into each result's message."""
    kind = finding.kind.value
    text = f"auditor's {kind} check ({finding.id}): see each result for the package and evidence"
    rule = _rule_shell(finding, f"{kind}: {finding.id}", text)
    rule["help"] = {"text": text, "markdown": md_text(text)}
    return rule


def _rule_shell(finding: Finding, short: str, full: str) -> dict[str, Any]:
    # Health and conflict findings are advice, not security problems: GitHub files results
    # tagged "security" with a security-severity as security alerts.
    security = finding.kind in SECURITY_KINDS
    tags = {"security"} if security else {"maintenance"}
    properties: dict[str, Any] = {"tags": sorted({*tags, finding.kind.value, *finding.cwes})}
    if security and finding.score is not None:
        properties["security-severity"] = f"{finding.score:.1f}"
    elif security:
        properties["security-severity"] = _BAND_FLOOR[finding.severity]
    properties["severity"] = finding.severity.value
    return {
        "id": rule_id(finding),
        "name": _pascal(finding.kind.value) + "/" + finding.id,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "defaultConfiguration": {"level": level(finding.severity)},
        "properties": properties,
    }


def _link(url: str) -> str:
    """A URL as an autolink target: only http(s), and nothing that ends the ``<...>``."""
    if not url.startswith(("https://", "http://")):
        return md_text(url)
    return url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")


def _pascal(text: str) -> str:
    return "".join(part.capitalize() for part in text.split("-"))


def _uri(options: RenderOptions, location: Location) -> str:
    prefix = options.source_root.strip("/")
    path = location.path.removeprefix("./")
    return f"{prefix}/{path}" if prefix else path


def _physical(options: RenderOptions, location: Location) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(options, location), "uriBaseId": "SRCROOT"},
            "region": {"startLine": location.line if location.line and location.line > 0 else 1},
        }
    }


def _fingerprint(graph: DependencyGraph, finding: Finding, path: str) -> str:
    package = graph.package(finding.package_id)
    key = "\0".join((package.ecosystem.value, package.name, rule_id(finding), path))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _message(graph: DependencyGraph, finding: Finding) -> str:
    package = graph.package(finding.package_id)
    text = f"{package.display} ({package.ecosystem.value}): {finding.id}"
    if finding.summary:
        text += f": {finding.summary}"
    if finding.fix_version:
        text += f". Upgrade to {finding.fix_version}."
    elif is_advisory(finding) and finding.kind.value == "vulnerability":
        text += ". No fixed version is known."
    facts = "; ".join(f"{key}: {value}" for key, value in finding.evidence)
    if facts and not is_advisory(finding):
        text += f" ({facts})"
    paths = graph.paths_to(finding.package_id, limit=1)
    if paths:
        text += " Path: " + " → ".join(graph.label(node) for node in paths[0])
    return text


def _result(
    graph: DependencyGraph,
    options: RenderOptions,
    finding: Finding,
    suppression: Suppression | None,
) -> dict[str, Any]:
    package = graph.package(finding.package_id)
    places = package.found_in or (Location(path=".", line=1),)
    primary = places[0]
    result: dict[str, Any] = {
        "ruleId": rule_id(finding),
        "level": level(finding.severity),
        "message": {"text": _message(graph, finding)},
        "locations": [_physical(options, primary)],
        "partialFingerprints": {FINGERPRINT: _fingerprint(graph, finding, _uri(options, primary))},
        "properties": {
            "package": package.id,
            "ecosystem": package.ecosystem.value,
            "name": package.name,
            "version": package.version,
            "direct": graph.is_direct(package.id),
            "fixVersion": finding.fix_version,
            "kind": finding.kind.value,
        },
    }
    if len(places) > 1:
        result["relatedLocations"] = [
            {"id": index, **_physical(options, place)} for index, place in enumerate(places[1:])
        ]
    if suppression is not None:
        rule = suppression.rule
        justification = decision(rule) + (f" (until {rule.expires})" if rule.expires else "")
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": justification}
        ]
    return result


def _notifications(result: AuditResult) -> list[dict[str, Any]]:
    notes: list[dict[str, Any]] = []
    for error in result.errors:
        notes.append({"level": "error", "message": {"text": redact_text(error.render())}})
    for package_id, reason in result.unchecked:
        package = result.graph.package(package_id)
        text = f"not checked: {package.display} ({package.ecosystem.value}): {reason}"
        notes.append({"level": "warning", "message": {"text": redact_text(text)}})
    for warning in result.warnings:
        notes.append({"level": "warning", "message": {"text": redact_text(warning)}})
    return notes


def sarif_document(result: AuditResult, options: RenderOptions) -> dict[str, Any]:
    graph = result.graph
    pairs: list[tuple[Finding, Suppression | None]] = [(f, None) for f in result.findings]
    pairs += [(s.finding, s) for s in result.suppressed]
    # malicious packages and vulnerabilities first, unrated ones among the mediums
    pairs.sort(key=lambda pair: (finding_priority(pair[0]), rule_id(pair[0]), pair[0].package_id))
    rules: dict[str, dict[str, Any]] = {}
    for finding, _ in pairs:
        rules.setdefault(rule_id(finding), _rule(finding))
    driver: dict[str, Any] = {
        "name": TOOL_NAME,
        "version": tool_version(),
        "semanticVersion": tool_version(),
        "rules": [rules[key] for key in sorted(rules)],
    }
    home = information_uri()
    if home:
        driver["informationUri"] = home
    successful = not result.errors and not any(s.error for s in result.sources)
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [
            {
                "executionSuccessful": successful,
                "toolExecutionNotifications": _notifications(result),
                "properties": {"status": result.status.value},
            }
        ],
        "results": [_result(graph, options, f, s) for f, s in pairs],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "status": result.status.value,
            "incomplete": result.status is Status.INCOMPLETE,
            "sources": [info.name for info in result.sources],
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(result: AuditResult, options: RenderOptions) -> str:
    return json.dumps(sarif_document(result, options), indent=2, ensure_ascii=False) + "\n"
