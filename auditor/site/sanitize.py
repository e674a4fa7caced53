"""Third-party text on the report's pages: advisory Markdown and links.

Advisory details are Markdown written by strangers. They are converted with markdown-it-py
with raw HTML *disabled* (an ``<img onerror=...>`` in the source stays text), then the HTML
is cleaned by nh3 (the Ammonia sanitizer) against a strict allow-list: text structure, code,
lists, tables and links, nothing that loads, runs or styles anything (no images, no
``style``, no ``class``, no SVG or MathML). A link survives only as an absolute ``http`` or
``https`` URL; relative, protocol-relative, ``javascript:`` and ``data:`` links lose their
``href``. Every link gets ``rel="noopener noreferrer nofollow"``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
LINK_REL = "noopener noreferrer nofollow"
URL_SCHEMES = frozenset({"http", "https"})
# Headings inside an advisory sit below the page's own h1-h3.
HEADING_SHIFT = 3
MAX_DETAILS = 20_000  # characters of one advisory's details rendered; the rest is cut


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL with a host, else ``None``."""
    if not url:
        return None
    text = url.strip()
    if any(ord(c) < 0x20 or c in "\\ " for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in URL_SCHEMES or not parts.hostname:
        return None
    return text


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")
    md.core.ruler.push("shift_headings", _shift_headings)
    return md


def _shift_headings(state: object) -> None:
    tokens: list[Token] = state.tokens  # type: ignore[attr-defined]
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) + HEADING_SHIFT)
            token.tag = f"h{level}"


_MD = _markdown()


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return safe_url(value)
    return value


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str) -> Markup:
    """Sanitized HTML of untrusted Markdown (an empty string for none)."""
    if not text.strip():
        return Markup("")
    if len(text) > MAX_DETAILS:
        text = text[:MAX_DETAILS] + "\n\n…"
    return Markup(clean_html(_MD.render(text)))  # noqa: S704 - nh3 cleaned it
