"""What goes on the wire: hosts, request headers and query strings, and the checks of a
body before it is parsed (its Content-Length, a bound on its JSON values)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

from auditor.net.model import TruncatedError


def host_of(url: str) -> str:
    try:
        return urlsplit(url).netloc.rpartition("@")[2].lower()
    except ValueError:
        return ""


def request_headers(
    headers: Mapping[str, str] | None, json_body: bool, expect_json: bool
) -> dict[str, str]:
    send = dict(headers or {})
    if json_body:
        send.setdefault("Content-Type", "application/json")
    if expect_json:
        send.setdefault("Accept", "application/json")
    return send


def with_params(url: str, params: Mapping[str, str] | None) -> str:
    if not params:
        return url
    joiner = "&" if urlsplit(url).query else "?"
    return f"{url}{joiner}{urlencode(sorted(params.items()))}"


def check_length(headers: Mapping[str, str], size: int) -> None:
    """A body shorter (or longer) than its Content-Length was cut or corrupted in transit."""
    declared = headers.get("content-length")
    encoding = headers.get("content-encoding", "identity").lower()
    if declared is None or encoding not in ("", "identity"):
        return
    try:
        expected = int(declared)
    except ValueError:
        return
    if expected != size:
        raise TruncatedError(f"body truncated: {size} of {expected} bytes")


def json_values(body: bytes) -> int:
    """An upper bound of the values in a JSON text (each needs a comma or a bracket), counted
    at C speed before anything is parsed."""
    return body.count(b",") + body.count(b"[") + body.count(b"{") + 1
