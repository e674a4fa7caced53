"""Third-party text made inert for GitHub-flavoured Markdown.

Package names, advisory summaries and details come from lockfiles and advisory databases:
they may hold ``|`` (ends a table cell), ``<script>`` or ``<img>`` (HTML), ``[x](y)``
(links), backticks, ``@someone`` (a mention that notifies a person), ``#123`` (a cross
reference) and bare URLs (autolinked). Escaped text renders as the same characters and
never as markup: HTML-significant characters become entities, Markdown punctuation gets a
backslash, and a zero-width space breaks mentions and autolinks.
"""

from __future__ import annotations

import re

_ZWSP = "\u200b"
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_AUTOLINK = re.compile(r"(?i)(www)(\.)|(:)(//)")


def md_text(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` escaped for use inline (one line, fit for a table cell) or as a block."""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not keep_newlines:
        text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace('"', "&quot;")
    text = _PUNCTUATION.sub(r"\\\1", text)
    # "@" starts mentions and e-mail autolinks; "://" and "www." start URL autolinks
    text = text.replace("@", "@" + _ZWSP)
    text = _AUTOLINK.sub(lambda m: _ZWSP.join(g for g in m.groups() if g), text)
    if keep_newlines:
        # a hard line break per line; no line may start a list, a rule or a setext heading
        lines = (_block_line(line.strip()) for line in text.split("\n"))
        text = "  \n".join(lines)
    return text


def _block_line(line: str) -> str:
    if line[:1] in ("-", "="):
        return "\\" + line
    digits = len(line) - len(line.lstrip("0123456789"))
    if digits and line[digits : digits + 1] in (".", ")"):
        return line[:digits] + "\\" + line[digits:]
    return line


def md_code(text: str, *, in_table: bool = True) -> str:
    """``text`` as an inline code span (names, ids, versions): nothing inside is markup.
    In a table a ``|`` must still be escaped (GitHub splits cells before code spans)."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    if in_table:
        text = text.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"
