"""Delivering the report's notification (``--notify URL``, ``AUDITOR_NOTIFY``, config
``notify``) to each webhook.

A webhook URL is a credential (Slack and Teams keep the secret in its path), so it is never
printed, stored or put in a message: a URL is shown as its scheme and host only, and the
text of a failure is cleaned of the URL's path and query before it is shown. A failed
delivery is one warning, never a failed run: the audit and the snapshot stand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from auditor.core.errors import SourceError
from auditor.net.client import HttpClient
from auditor.net.config import NetConfig
from auditor.settings import shown_webhook


@dataclass(frozen=True, kw_only=True)
class Delivery:
    """One webhook's answer: ``shown`` is the URL as it may be printed."""

    shown: str
    ok: bool
    problem: str = ""

    @property
    def warning(self) -> str:
        return f"notify {self.shown}: not delivered ({self.problem}); the audit is unaffected"


def deliver(urls: Sequence[str], message: dict[str, Any], net: NetConfig) -> tuple[Delivery, ...]:
    """POST ``message`` to every URL (each retried as the run's HTTP client retries)."""
    if net.offline:
        return tuple(
            Delivery(shown=shown_webhook(u), ok=False, problem="offline: nothing is sent")
            for u in urls
        )
    done = []
    with HttpClient(net) as client:
        for url in urls:
            shown = shown_webhook(url)
            try:
                client.request("POST", url, json_body=message)
            except SourceError as exc:
                done.append(Delivery(shown=shown, ok=False, problem=_clean(str(exc), url)))
            else:
                done.append(Delivery(shown=shown, ok=True))
    return tuple(done)


def _clean(text: str, url: str) -> str:
    """A failure's text without the URL: the client names the request, and a connection
    error names the path it asked for."""
    parts = urlsplit(url)
    reason = text.split(": ", 1)[1] if text.startswith("POST ") and ": " in text else text
    secrets = [url, parts.path + (f"?{parts.query}" if parts.query else ""), parts.query]
    for secret in sorted((s for s in secrets if s and s != "/"), key=len, reverse=True):
        reason = reason.replace(secret, "…")
    return reason[:300]
