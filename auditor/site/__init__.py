"""The HTML report: a static site rendered from the snapshot store (docs/report.md).

``render_site(engine, out, options)`` writes ``index.html`` (every project of the store)
and each project's pages below ``out``; the report job (``auditor.pipeline.report``) calls
it once the run is saved.

The names below are imported on first use (PEP 562), so that importing the package does not
load the site's libraries (the store, Jinja2, nh3): they load when a site is rendered.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditor.site.site import SiteOptions, SiteSummary, render_site

__all__ = ["SiteOptions", "SiteSummary", "render_site"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("auditor.site.site"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
