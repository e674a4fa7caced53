"""The HTML report: a static site rendered from the snapshot store (docs/report.md).

``render_site(engine, out, options)`` writes ``index.html`` (every project of the store)
and each project's pages below ``out``; ``auditor.report.command`` wires it into
``auditor report``.
"""

from __future__ import annotations

from auditor.report.site import SiteOptions, SiteSummary, render_site

__all__ = ["SiteOptions", "SiteSummary", "render_site"]
