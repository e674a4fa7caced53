"""Credential redaction: index URLs and tokens are never printed, stored or rendered.

Every URL that comes from a user's file or configuration passes through ``redact_url``
before it is put into a model value, so no later stage can leak it by accident.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "****"
_SECRET_QUERY_KEYS = re.compile(r"token|secret|password|passwd|pwd|key|auth|signature|sig", re.I)
_ENV_REFERENCE = re.compile(r"^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$")


def redact_url(url: str) -> str:
    """Replace user info and secret-looking query values in ``url`` with ``****``.

    Environment references such as ``${PIP_TOKEN}`` are kept, since they are not secrets
    themselves and tell the reader where the credential comes from.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return _redact_loose(text)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        netloc = f"{_redact_userinfo(userinfo)}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(
            [(k, REDACTED if _SECRET_QUERY_KEYS.search(k) and v else v) for k, v in pairs],
            safe="*${}",
        )
    return urlunsplit(SplitResult(parts.scheme, netloc, parts.path, query, parts.fragment))


def _redact_userinfo(userinfo: str) -> str:
    user, sep, password = userinfo.partition(":")
    if sep:
        keep_user = user if _ENV_REFERENCE.match(user) else REDACTED
        keep_password = password if _ENV_REFERENCE.match(password) else REDACTED
        return f"{keep_user}:{keep_password}"
    # a bare user part is usually a token (https://TOKEN@host/)
    return userinfo if _ENV_REFERENCE.match(userinfo) else REDACTED


def _redact_loose(text: str) -> str:
    return re.sub(r"//[^/@\s]+@", f"//{REDACTED}@", text)


# A scheme starts where no scheme character precedes it: without the look-behind the regex
# engine would retry from every position of a long run of letters (quadratic time).
SCHEME_START = r"(?<![a-zA-Z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]*://"
_USERINFO = re.compile(rf"({SCHEME_START})([^/@\s]+)@")


def redact_text(text: str, secrets: list[str] | tuple[str, ...] = ()) -> str:
    """Redact URL credentials inside free text, and any literal secret given (linear in the
    length of ``text``)."""
    out = _USERINFO.sub(rf"\1{REDACTED}@", text)
    for secret in secrets:
        if secret:
            out = out.replace(secret, REDACTED)
    return out


def url_secrets(url: str) -> tuple[str, ...]:
    """The credentials inside ``url`` (user info, secret-looking query values)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ()
    found: list[str] = []
    if "@" in parts.netloc:
        userinfo = parts.netloc.rpartition("@")[0]
        found.extend(p for p in userinfo.split(":", 1) if p)
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if value and _SECRET_QUERY_KEYS.search(key):
            found.append(value)
    # longest first, so a secret that contains another is replaced whole
    return tuple(sorted(set(found), key=lambda s: (-len(s), s)))
