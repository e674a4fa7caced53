"""How answers become cache entries and back (``HttpClient``'s side of ``cache.py``).

Two kinds of entry share the response cache: a whole response (its status, kept headers and
body), and a **record**: the few fields a caller keeps of a large document
(``HttpClient.get_record``), stored as deflated compact JSON with the document's validators
(``ETag``, ``Last-Modified``) so that a later run can revalidate it. A record's entry is
marked by its content type and keyed by the URL and the record's kind; an entry that is not
a record (or is damaged) reads as none.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from typing import Any

from auditor.net.cache import CacheEntry, cache_key, keep_headers
from auditor.net.model import UNSET, HttpResponse

RECORD_FORMAT = "application/vnd.auditor.record+json; deflate"


def response_from_entry(
    entry: CacheEntry,
    expect_json: bool,
    method: str,
    parse: Callable[[bytes], Any] | None = None,
) -> HttpResponse | None:
    parsed = UNSET
    if expect_json:
        try:
            parsed = (parse or json.loads)(entry.body)
        except ValueError:
            return None
    return HttpResponse(
        method=method,
        url=entry.url,
        status=entry.status,
        headers=dict(entry.headers),
        body=entry.body,
        from_cache=True,
        parsed=parsed,
    )


def entry_from_response(response: HttpResponse, now: float) -> CacheEntry:
    return CacheEntry(
        url=response.url,
        status=response.status,
        headers=keep_headers(dict(response.headers)),
        body=response.body,
        stored=now,
    )


def record_key(url: str, kind: str) -> str:
    return cache_key("GET", url, f"record:{kind}".encode())


def record_entry(response: HttpResponse, value: Any, now: float) -> CacheEntry:
    """A ``get_record`` value as a cache entry: deflated compact JSON, the validators."""
    validators = {k: v for k, v in response.headers.items() if k in ("etag", "last-modified")}
    body = zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 6)
    return CacheEntry(
        url=response.url,
        status=200,
        headers=keep_headers({**validators, "content-type": RECORD_FORMAT}),
        body=body,
        stored=now,
    )


def record_value(entry: CacheEntry) -> Any:
    """The value of a ``get_record`` entry, or None when it is not one (or is damaged)."""
    if entry.header("content-type") != RECORD_FORMAT:
        return None
    try:
        return json.loads(zlib.decompress(entry.body))
    except (zlib.error, ValueError):
        return None
