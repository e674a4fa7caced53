"""Advisory Markdown and links: what survives the sanitizer and what does not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.site.sanitize import MAX_DETAILS, clean_html, render_markdown, safe_url


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a?b=c#d", True),
        ("http://example.org", True),
        ("HTTPS://EXAMPLE.ORG/", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox", False),
        ("//evil.example/x", False),
        ("/etc/passwd", False),
        ("../../x", False),
        ("https:///no-host", False),
        ("https://exa mple.org", False),
        ("https://example.org/\x00", False),
        ("https://example.org\\@evil.example", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_url_keeps_only_absolute_http(url: str | None, kept: bool) -> None:
    """Only absolute http(s) URLs with a host come through, unchanged."""
    assert (url.strip() if kept and url else None) == safe_url(url)


def test_raw_html_in_markdown_stays_text() -> None:
    """markdown-it runs with HTML off: tags in the source are escaped, never parsed."""
    html = render_markdown("a <script>alert(1)</script> <img src=x onerror=alert(2)> b")
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_links_lose_unsafe_targets_and_get_rel() -> None:
    """javascript:, data:, relative and protocol-relative links lose their href; good
    links get rel=noopener noreferrer nofollow."""
    html = str(
        render_markdown(
            "[a](javascript:alert(1)) [b](data:text/html,x) [c](../x) [d](//evil.example) "
            "[e](https://example.org/ok)"
        )
    )
    assert html.count("href=") == 1
    assert '<a href="https://example.org/ok" rel="noopener noreferrer nofollow">e</a>' in html
    assert "javascript" not in html.split("e</a>", maxsplit=1)[0].replace("[a](javascript", "")


def test_images_become_links_and_headings_step_down() -> None:
    """No image is ever rendered (it would load something); headings sit below the page's."""
    html = str(render_markdown("# Title\n\n## Sub\n\n![pixel](https://evil.example/p.png)"))
    assert "<img" not in html
    assert "<h4>Title</h4>" in html
    assert "<h5>Sub</h5>" in html


def test_code_blocks_and_tables_render_escaped() -> None:
    """Code keeps its text escaped; structure tags from the allow-list stay."""
    html = str(render_markdown("```\n<b>x</b>\n```\n\n- one\n- **two**\n"))
    assert "<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>" in html
    assert "<li><strong>two</strong></li>" in html


@pytest.mark.parametrize(
    "payload",
    [
        '<a href="https://x.example" onclick="alert(1)" style="color:red" class="c">x</a>',
        "<svg><script>alert(1)</script></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<style>*{background:url(https://evil.example)}</style>",
        '<iframe src="https://evil.example"></iframe>',
        '<form action="https://evil.example"><input></form>',
        "<p style=\"background:url('https://evil.example')\">x</p>",
        '<base href="https://evil.example/">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    ],
)
def test_the_cleaner_drops_everything_active(payload: str) -> None:
    """HTML that reaches the cleaner keeps no script, handler, style, frame or loader."""
    html = clean_html(payload).lower()
    for needle in (
        "<script",
        "onclick",
        "onerror",
        "style",
        "<iframe",
        "<form",
        "<img",
        "<svg",
        "<base",
        "<meta",
        "class=",
    ):
        assert needle not in html, payload


@given(st.text(max_size=300))
def test_any_markdown_renders_without_tags_outside_the_allow_list(text: str) -> None:
    """Whatever the input, the output has no script, style, image, handler or frame."""
    html = str(render_markdown(text)).lower()
    for needle in ("<script", "<style", "<img", "<iframe", "<svg", " on", "javascript:"):
        if needle == " on":
            assert "onerror=" not in html
            assert "onload=" not in html
        else:
            assert needle not in html


def test_very_long_details_are_cut() -> None:
    """An advisory of a megabyte does not make a megabyte page."""
    html = render_markdown("word " * 200_000)
    assert len(html) < MAX_DETAILS + 200
    assert render_markdown("  \n ") == ""
