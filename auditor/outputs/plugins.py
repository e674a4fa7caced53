"""The output format registry: one line per format.

``auditor scan``, ``report`` and ``sbom`` look formats up here by name; the CLI never
grows a branch per format. ``filename`` is the name a format gets in an output directory;
``sbom`` marks the formats ``auditor sbom`` writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor.core.result import AuditResult
    from auditor.outputs.base import RenderOptions

Renderer = Callable[["AuditResult", "RenderOptions"], str]


@dataclass(frozen=True, kw_only=True)
class OutputFormat:
    name: str
    filename: str
    description: str
    render: Renderer
    sbom: bool = False


# Each renderer imports its module when it first renders: listing the formats (``--help``,
# ``choices``) loads none of them.


def _table(result: AuditResult, options: RenderOptions) -> str:
    from auditor.outputs.table import render_findings

    return render_findings(result, show=options.show)


def _summary(result: AuditResult, options: RenderOptions) -> str:
    from auditor.outputs.summary import render_summary

    return render_summary(result)


def _findings_json(result: AuditResult, options: RenderOptions) -> str:
    from auditor.outputs.findings_json import findings_document
    from auditor.outputs.graph_json import dumps

    return dumps(findings_document(result))


def _graph_json(result: AuditResult, options: RenderOptions) -> str:
    from auditor.outputs.graph_json import dumps, graph_document

    document = graph_document(
        result.graph,
        skipped=result.skipped,
        errors=result.errors,
        registries=result.registries,
        status=result.status,
    )
    return dumps(document)


def _sarif(result: AuditResult, options: RenderOptions) -> str:
    from auditor.outputs.sarif import render_sarif

    return render_sarif(result, options)


def _markdown(result: AuditResult, options: RenderOptions) -> str:
    from auditor.outputs.markdown import render_markdown

    return render_markdown(result, options)


def _cyclonedx_json(result: AuditResult, options: RenderOptions) -> str:
    from auditor.outputs.sbom.cyclonedx import render_cyclonedx_json

    return render_cyclonedx_json(result, options)


def _cyclonedx_xml(result: AuditResult, options: RenderOptions) -> str:
    from auditor.outputs.sbom.cyclonedx import render_cyclonedx_xml

    return render_cyclonedx_xml(result, options)


def _spdx_json(result: AuditResult, options: RenderOptions) -> str:
    from auditor.outputs.sbom.spdx import render_spdx_json

    return render_spdx_json(result, options)


def _openvex(result: AuditResult, options: RenderOptions) -> str:
    from auditor.outputs.openvex import render_openvex

    return render_openvex(result, options)


_F = OutputFormat
FORMATS: dict[str, OutputFormat] = {
    f.name: f
    for f in (
        _F(name="table", filename="findings.txt", render=_table, description="findings table"),
        _F(name="summary", filename="summary.txt", render=_summary, description="text summary"),
        _F(name="json", filename="findings.json", render=_findings_json, description="findings"),
        _F(name="graph-json", filename="graph.json", render=_graph_json, description="graph"),
        _F(name="sarif", filename="results.sarif", render=_sarif, description="SARIF"),
        _F(name="markdown", filename="summary.md", render=_markdown, description="Markdown"),
        _F(name="cyclonedx-json", filename="sbom.cdx.json", render=_cyclonedx_json, description="CycloneDX JSON", sbom=True),  # noqa: E501
        _F(name="cyclonedx-xml", filename="sbom.cdx.xml", render=_cyclonedx_xml, description="CycloneDX XML", sbom=True),  # noqa: E501
        _F(name="spdx-json", filename="sbom.spdx.json", render=_spdx_json, description="SPDX 2.3 JSON", sbom=True),  # noqa: E501
        _F(name="openvex", filename="vex.openvex.json", render=_openvex, description="OpenVEX 0.2.0"),  # noqa: E501
    )
}  # fmt: skip

REPORT_DEFAULT = ("graph-json", "json", "cyclonedx-json", "sarif", "markdown", "summary")


def get(name: str) -> OutputFormat:
    """The format registered as ``name``; ``KeyError`` if none."""
    return FORMATS[name]


def names(*, sbom_only: bool = False) -> list[str]:
    return sorted(n for n, f in FORMATS.items() if f.sbom or not sbom_only)
