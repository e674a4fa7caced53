"""The findings as an OpenVEX 0.2.0 document (``--format openvex``, ``vex.openvex.json``).

One statement per advisory finding (vulnerabilities and malicious packages; the other kinds
are not vulnerabilities), about the locked package as its product (its package URL, the
form ``--vex`` and other VEX readers match):

- an open finding is ``affected``, with an ``action_statement`` (the upgrade that fixes it,
  or that no fixed version is known);
- a finding a VEX statement suppressed keeps that statement's status (``not_affected`` with
  its justification, in OpenVEX's words, or ``fixed``) and its impact statement;
- a finding an ignore of the config suppressed is ``not_affected`` with the ignore's reason
  as ``impact_statement`` (the team's recorded decision) and its origin and expiry in
  ``status_notes``: the same decision CycloneDX's ``analysis`` records.

Statements are sorted (vulnerability, product). The document's ``@id`` is a
``urn:uuid:``, derived from the content when the time is fixed (``--timestamp``,
``SOURCE_DATE_EPOCH``), so the same run gives the same bytes; otherwise random. A run with no
advisory finding gives an empty ``statements`` list: there is nothing to state, and the
OpenVEX schema's ``minItems: 1`` then refuses the document (docs/outputs.md).
"""

from __future__ import annotations

import json
from typing import Any

from auditor.core.findings import Finding, IgnoreRule
from auditor.core.graph import DependencyGraph
from auditor.core.result import AuditResult
from auditor.core.vex import AFFECTED, NOT_AFFECTED, openvex_justification
from auditor.outputs.base import RenderOptions, content_serial, iso_utc, tool_version
from auditor.outputs.links import is_advisory

CONTEXT = "https://openvex.dev/ns/v0.2.0"
AUTHOR = "auditor"
ROLE = "Automated audit of the project's lockfiles"

Json = dict[str, Any]


def render_openvex(result: AuditResult, options: RenderOptions) -> str:
    return json.dumps(openvex_document(result, options), indent=2, ensure_ascii=False) + "\n"


def openvex_document(result: AuditResult, options: RenderOptions) -> Json:
    graph = result.graph
    statements = [_open(f, graph) for f in result.findings if is_advisory(f)]
    statements += [
        _suppressed(s.finding, s.rule) for s in result.suppressed if is_advisory(s.finding)
    ]
    statements.sort(key=lambda s: (s["vulnerability"]["name"], s["products"][0]["@id"]))
    return {
        "@context": CONTEXT,
        "@id": f"urn:uuid:{content_serial(result, options, 'openvex')}",
        "author": AUTHOR,
        "role": ROLE,
        "timestamp": iso_utc(options.when()),
        "version": 1,
        "tooling": f"auditor {tool_version()}",
        "statements": statements,
    }


def _vulnerability(finding: Finding) -> Json:
    vulnerability: Json = {"name": finding.id}
    aliases = sorted(set(finding.aliases) - {finding.id})
    if aliases:
        vulnerability["aliases"] = aliases
    if finding.summary:
        vulnerability["description"] = finding.summary
    return vulnerability


def _product(finding: Finding) -> list[Json]:
    return [{"@id": finding.package_id, "identifiers": {"purl": finding.package_id}}]


def _open(finding: Finding, graph: DependencyGraph) -> Json:
    package = graph.package(finding.package_id)
    if finding.fix_version:
        action = f"Upgrade {package.name} to {finding.fix_version} or later."
    elif finding.fixed_versions:
        action = (
            f"No release above {package.version} fixes it yet; fixed in "
            f"{', '.join(finding.fixed_versions)}."
        )
    else:
        action = "No fixed version is known: remove the package or mitigate the vulnerability."
    return {
        "vulnerability": _vulnerability(finding),
        "products": _product(finding),
        "status": AFFECTED,
        "action_statement": action,
    }


def _suppressed(finding: Finding, rule: IgnoreRule) -> Json:
    statement: Json = {"vulnerability": _vulnerability(finding), "products": _product(finding)}
    if rule.is_vex:
        statement["status"] = rule.status
        justification = openvex_justification(rule.justification)
        if justification:
            statement["justification"] = justification
        if rule.reason and rule.reason != (rule.justification or "").replace("_", " "):
            statement["impact_statement"] = rule.reason
        statement["status_notes"] = f"VEX statement {rule.origin}"
        return statement
    statement["status"] = NOT_AFFECTED
    statement["impact_statement"] = rule.reason
    notes = f"ignored by {rule.origin}" if rule.origin else "ignored"
    if rule.expires:
        notes += f" until {rule.expires}"
    statement["status_notes"] = notes
    return statement
