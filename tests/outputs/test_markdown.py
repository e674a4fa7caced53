"""Markdown summary: ranking, status, new findings, truncation, and hostile text."""

from __future__ import annotations

from dataclasses import replace

import cmarkgfm
from cmarkgfm.cmark import Options

from auditor.core.findings import Finding, FindingKind, Severity
from auditor.core.graph import DependencyGraph
from auditor.core.model import Ecosystem, Edge, Package, Root
from auditor.core.result import AuditResult, Status
from auditor.outputs.base import Previous, finding_key
from auditor.outputs.markdown import COMMENT_LIMIT, render_markdown
from auditor.outputs.markdown_text import md_code, md_text
from tests.outputs.cases import OPTIONS, rich_result

HOSTILE = (
    "x | y <script>alert(1)</script> <img src=x onerror=alert(1)> [link](https://evil.invalid) "
    "![i](https://evil.invalid/i.png) `code` @octocat #1 www.evil.invalid https://evil.invalid "
    "a@b.invalid **bold** <!-- c --> &amp; \u202e\n# heading\n- item"
)


def _html(text: str) -> str:
    # UNSAFE keeps raw HTML: a safe renderer would hide an injection the escaping missed
    return cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)


def test_hostile_text_renders_as_text() -> None:
    """Rendered by GitHub's cmark-gfm, escaped text makes no tag, link, image or mention."""
    for text in (md_text(HOSTILE), md_text(HOSTILE, keep_newlines=True), md_code(HOSTILE)):
        html = _html(f"| a |\n|---|\n| {text} |") if "\n" not in text else _html(text)
        for bad in ("<script", "<img", "<a ", "<!--", "<h1", "<li", "<strong", "\u202e"):
            assert bad not in html, (bad, html)
        assert "alert(1)" in html  # the text itself is still there, as text


def test_a_pipe_in_a_name_does_not_break_the_table() -> None:
    """Every row of the findings table has the header's number of cells."""
    root = Root(id="root:r", name="r|<b>", ecosystem=Ecosystem.NPM, path="r")
    package = Package(ecosystem=Ecosystem.NPM, name="a|b`c", version="1.0.0")
    finding = Finding(
        package_id=package.id, kind=FindingKind.VULNERABILITY, id="GHSA-1|2", summary=HOSTILE
    )
    graph = DependencyGraph(
        packages=[package], roots=[root], edges=[Edge(parent=root.id, child=package.id)]
    )
    text = render_markdown(AuditResult(graph=graph, findings=(finding,)), OPTIONS)
    html = _html(text)
    row = html.split("<tbody>")[-1].split("</tr>")[0]
    assert 7 == row.count("<td")
    assert "<b>" not in html
    assert "<script" not in html


def _many(count: int) -> AuditResult:
    root = Root(id="root:p", name="p", ecosystem=Ecosystem.PYPI, path="p")
    packages = [
        Package(ecosystem=Ecosystem.PYPI, name=f"pkg{i:05d}", version="1.0") for i in range(count)
    ]
    findings = tuple(
        Finding(
            package_id=p.id,
            kind=FindingKind.VULNERABILITY,
            id=f"PYSEC-2024-{i}",
            severity=Severity.CRITICAL if i == count - 1 else Severity.LOW,
            summary="s" * 100,
        )
        for i, p in enumerate(packages)
    )
    edges = [Edge(parent=root.id, child=p.id) for p in packages]
    graph = DependencyGraph(packages=packages, roots=[root], edges=edges)
    return AuditResult(graph=graph, findings=tuple(sorted(findings)))


def test_truncated_below_the_comment_limit_with_a_note() -> None:
    """Thousands of findings: under 65,536 characters, the most severe kept, a note counts
    the rows left out."""
    text = render_markdown(_many(3000), OPTIONS)
    assert len(text) < COMMENT_LIMIT
    table = [line for line in text.splitlines() if line.startswith("|  | ")]
    assert "PYSEC-2024-2999" in table[0]  # the critical one ranks first
    left = 3000 - len(table)
    assert left > 0
    assert f"_{left} more findings left out" in text
    small = render_markdown(_many(3), OPTIONS)
    assert "left out" not in small


def test_ranking_severity_then_score_then_direct() -> None:
    """Vulnerabilities before the typosquat; high 7.2 (and known exploited) before unknown;
    status boxes for incomplete and partial; KEV and EPSS marked and counted."""
    text = render_markdown(rich_result(), OPTIONS)
    rows = [line for line in text.splitlines() if line.startswith("|  | ")]
    assert ["lodash", "golang.org/x/text", "reqests"] == [r.split("`")[1] for r in rows]
    assert "> **INCOMPLETE**" in text
    assert "> **PARTIAL**" in text
    assert "### Suppressed by ignores and VEX statements (2)" in text
    assert "🟧 high 7.2 · **KEV** · EPSS 3.2%" in rows[0]
    assert "**1 known exploited** (in CISA's KEV catalog): fix these first." in text
    assert "### Not checked (1)" in text
    assert "`4.17.21`" in rows[0]
    assert "transitive: app → @\u200bbabel/core@\u200b7.1.0 → lodash@\u200b4.17.20" in rows[0]


def test_new_since_a_previous_snapshot() -> None:
    """Given the previous findings, new ones are marked and counted; gone ones counted."""
    result = rich_result()
    lodash = next(f for f in result.findings if f.id.startswith("GHSA"))
    previous = Previous(
        findings=frozenset(
            {finding_key(lodash, result.graph), ("vulnerability", "PyPI", "gone", "PYSEC-1")}
        ),
        label="snapshot 12",
    )
    text = render_markdown(result, replace(OPTIONS, previous=previous))
    assert "Since snapshot 12: **2 new**, 1 no longer reported" in text
    rows = {r.split("`")[1]: r for r in text.splitlines() if r.startswith("| ") and "`" in r}
    assert not rows["lodash"].startswith("| 🆕")
    assert rows["reqests"].startswith("| 🆕")
    order = [r.split("`")[1] for r in text.splitlines() if r.startswith("| ") and "`" in r]
    assert ["golang.org/x/text", "reqests", "lodash"] == order[:3]  # new ones first


def test_clean_and_complete() -> None:
    """No findings, complete: says so without a warning box."""
    text = render_markdown(AuditResult(graph=DependencyGraph(), status=Status.COMPLETE), OPTIONS)
    assert "**No findings.**" in text
    assert "[!WARNING]" not in text
