"""What the HTTP client returns and raises, and how a failure is described in one line.

Every description is free of credentials: reasons are auditor's own words, and any text
that comes from a server or an exception passes through ``auditor.core.redact`` first.
"""

from __future__ import annotations

import json
import logging
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from auditor.core.errors import SourceError
from auditor.core.redact import redact_text, redact_url


class NetworkError(SourceError):
    """A request failed. ``url`` is redacted; ``status`` is the last HTTP status, if any."""

    def __init__(
        self, message: str, *, method: str, url: str, status: int | None = None, attempts: int = 0
    ) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.status = status
        self.attempts = attempts


class OfflineError(NetworkError):
    """A request was attempted while the run is offline."""


UNSET: Any = object()


@dataclass(frozen=True, kw_only=True)
class HttpResponse:
    """A complete response. ``url`` is redacted; header names are lowercase."""

    method: str
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    from_cache: bool = False
    parsed: Any = field(default=UNSET, repr=False)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        """The body as JSON; a ``NetworkError`` if it is not JSON."""
        if self.parsed is not UNSET:
            return self.parsed
        try:
            return json.loads(self.body)
        except ValueError:
            raise NetworkError(
                f"{self.method} {self.url}: invalid JSON in the response body",
                method=self.method,
                url=self.url,
                status=self.status,
            ) from None


@dataclass(frozen=True, kw_only=True)
class DownloadResult:
    """What ``download`` wrote: nothing (``not_modified``) or ``size`` bytes with digests."""

    not_modified: bool
    status: int
    size: int = 0
    sha256: str = ""
    md5: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


@dataclass(frozen=True, kw_only=True)
class NetStats:
    """Counters for one client: ``requests`` is every request actually sent."""

    requests: int = 0
    retries: int = 0
    cache_hits: int = 0
    revalidated: int = 0
    backoff_seconds: float = 0.0
    throttled_seconds: float = 0.0


class TruncatedError(Exception):
    """The body ended before its Content-Length."""


class ShapeError(ValueError):
    """A body that is valid JSON but not the document the caller reads (a typed decoder
    says where). Not retried: the server would send the same again."""


_INCOMPLETE = re.compile(r"IncompleteRead\((\d+) bytes read, (\d+) more expected\)")
_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")


def describe_exception(exc: BaseException, secrets: tuple[str, ...] = ()) -> str:
    """A short, credential-free reason for a failed request."""
    import requests  # loaded already: only a request that was sent can fail

    text = str(exc)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        reason = "connection timed out"
    elif isinstance(exc, requests.exceptions.ReadTimeout) or "Read timed out" in text:
        reason = "read timed out"
    elif isinstance(exc, requests.exceptions.SSLError):
        detail = "certificate verify failed" if "CERTIFICATE_VERIFY_FAILED" in text else ""
        reason = f"TLS error{': ' + detail if detail else ''}"
    elif isinstance(exc, TruncatedError):
        reason = text
    elif isinstance(exc, requests.exceptions.ChunkedEncodingError):
        match = _INCOMPLETE.search(text)
        reason = "body truncated"
        if match:
            got, more = int(match.group(1)), int(match.group(2))
            reason = f"body truncated: {got} of {got + more} bytes"
    elif isinstance(exc, requests.exceptions.ContentDecodingError):
        reason = "body could not be decoded"
    elif isinstance(exc, requests.exceptions.ProxyError):
        reason = "proxy connection failed"
    elif isinstance(exc, requests.exceptions.ConnectionError):
        reason = _connection_reason(text)
    elif isinstance(exc, requests.exceptions.TooManyRedirects):
        reason = "too many redirects"
    elif isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema)):
        reason = "invalid URL"
    elif isinstance(exc, requests.exceptions.InvalidSchema):
        reason = "unsupported URL scheme"
    else:
        reason = f"request failed ({type(exc).__name__})"
    return redact_text(reason, secrets)


def unreachable(exc: BaseException) -> bool:
    """Whether a failed connection says the host cannot be reached at all: the connection
    was refused (nothing listens there) or the name does not exist. Retrying such a request
    only makes a run wait; a timeout, a reset or a temporary DNS failure may pass."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        error = pending.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, ConnectionRefusedError):
            return True
        if isinstance(error, socket.gaierror) and error.errno in _NO_SUCH_NAME:
            return True
        pending.extend(a for a in error.args if isinstance(a, BaseException))
        for linked in (getattr(error, "reason", None), error.__cause__, error.__context__):
            if isinstance(linked, BaseException):
                pending.append(linked)
    return False


_NO_SUCH_NAME = frozenset(
    code
    for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None))
    if code is not None
)


def _connection_reason(text: str) -> str:
    if "RemoteDisconnected" in text or "without response" in text:
        return "connection closed without a response"
    if "reset by peer" in text:
        return "connection reset"
    match = _ERRNO.search(text)
    if match:
        return f"connection failed: {match.group(1).strip().rstrip('.').lower()}"
    return "connection failed"


def snippet(body: bytes, secrets: tuple[str, ...]) -> str:
    """The start of an error body as one printable, redacted line (servers explain 4xx)."""
    text = body[:300].decode("utf-8", "replace")
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    if not text:
        return ""
    text = redact_text(text, secrets)
    return f" ({text[:160]}{'...' if len(text) > 160 else ''})"


class _RedactQueryFilter(logging.Filter):
    """urllib3 logs each request's path with its query string; redact secret values there."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_url(a) if isinstance(a, str) and "?" in a else a for a in record.args
            )
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactQueryFilter())
