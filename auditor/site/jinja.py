"""The Jinja2 environment of the report: templates, autoescaping, filters, and the page's
Content-Security-Policy.

Autoescaping is on for every template whatever its name (``autoescape=True``), so any
value a template prints is escaped unless it is ``Markup`` made by this package (sanitized
Markdown, SVG charts built from escaped parts). Undefined names are errors
(``StrictUndefined``): a typo in a template fails the tests instead of printing nothing.

The stylesheet and the table-sorting script are inlined in every page (the site loads
nothing), and the CSP allows exactly those two by their SHA-256 and nothing else: no
remote load, no other inline script or style, no plugin, no form target, no ``<base>``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from auditor.core.times import rfc3339_minutes
from auditor.site.sanitize import render_markdown, safe_url

NONE = "\u2013"  # an en dash: the value is not known or does not apply


def _asset(name: str) -> str:
    return (resources.files("auditor.templates") / name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@cache
def assets() -> tuple[Markup, Markup, str]:
    """The inline CSS, the inline script and the CSP that allows exactly them."""
    css, script = _asset("style.css"), _asset("sort.js")
    for text, closer in ((css, "</style"), (script, "</script")):
        if closer in text.lower():  # pragma: no cover - a broken asset, caught by tests
            raise ValueError(f"an inline asset must not contain {closer}")
    csp = "; ".join(
        (
            "default-src 'none'",
            f"style-src {_csp_hash(css)}",
            f"script-src {_csp_hash(script)}",
            "img-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    return Markup(css), Markup(script), csp  # noqa: S704 - our own files


def when(moment: dt.datetime | None) -> str:
    """``2024-05-01 02:00 UTC`` (times are stored in UTC)."""
    if moment is None:
        return NONE
    return rfc3339_minutes(moment) + " UTC"


def day(moment: dt.datetime | dt.date | None) -> str:
    if moment is None:
        return NONE
    if isinstance(moment, dt.datetime):
        moment = moment.astimezone(dt.timezone.utc).date()
    return moment.isoformat()


def duration(delta: dt.timedelta | None) -> str:
    """``3 days``, ``5 hours``, ``2.5 years``: coarse, as a reader wants it."""
    if delta is None:
        return NONE
    days = delta.total_seconds() / 86400
    if days >= 365:
        return f"{days / 365.25:.1f} years"
    if days >= 2:
        return f"{days:.0f} days"
    hours = delta.total_seconds() / 3600
    if hours >= 2:
        return f"{hours:.0f} hours"
    return f"{max(0.0, delta.total_seconds() / 60):.0f} minutes"


def number(value: float | None) -> str:
    if value is None:
        return NONE
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("auditor.templates", ""),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        markdown=render_markdown,
        safe_url=safe_url,
        when=when,
        day=day,
        duration=duration,
        number=number,
    )
    return env
