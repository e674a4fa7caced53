"""Credential redaction: index URLs and tokens are never printed, stored or rendered.

Every value a collector finds passes through here on its way into the model: the types of
``auditor.core.model`` redact their URLs and texts when they are built (``Source.url``,
``Package.version``, ``Edge.requirement``, ``Location.key``, skipped requirements, file
errors), so no later stage (graph, outputs, SBOMs, site, store) can leak a credential by
accident. Redaction replaces, with ``****``:

- the user info of a URL (``https://TOKEN@host``, ``https://user:password@host``);
- the value of a query or fragment parameter whose name says it is a credential: tokens,
  passwords, keys, signatures and the fields of presigned URLs (``X-Amz-Credential``,
  ``X-Amz-Signature``, ``X-Amz-Security-Token``, ``X-Goog-Credential``, Azure's ``sig``).

Everything else is kept byte for byte. Each function is linear in its input's length.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit, urlunsplit

REDACTED = "****"
# A parameter name that carries a credential (matched in the lowercased, unquoted name).
_SECRET_QUERY_KEYS = re.compile(
    r"token|secret|passw|pwd|credential|signature|auth|key|session|jwt|(?:^|[-_.])sig$"
)
_ENV_REFERENCE = re.compile(r"^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$")
# A parameter starts right after ``?``, ``&`` or ``#``; its name is bounded, so a long run
# without ``=`` costs at most 128 steps per delimiter (linear). The value ends at the next
# delimiter, whitespace or quote.
_PARAMETER = re.compile(r"(?<=[?&#])([A-Za-z0-9_.%~+-]{1,128})=([^&#\s\"'<>]+)")


def secret_parameter(name: str) -> bool:
    """Whether a query parameter called ``name`` carries a credential."""
    return bool(_SECRET_QUERY_KEYS.search(unquote(name).lower()))


def _parameter(match: re.Match[str]) -> str:
    name = match.group(1)
    return f"{name}={REDACTED}" if secret_parameter(name) else match.group(0)


def _redact_parameters(text: str, lead: str) -> str:
    """``text`` (a query or fragment, without its ``lead`` character) with secret values
    replaced."""
    if not text or "=" not in text:
        return text
    return _PARAMETER.sub(_parameter, lead + text)[1:]


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
    query = _redact_parameters(parts.query, "?")
    fragment = _redact_parameters(parts.fragment, "#")
    if (netloc, query, fragment) == (parts.netloc, parts.query, parts.fragment):
        return text
    return urlunsplit(SplitResult(parts.scheme, netloc, parts.path, query, fragment))


def _redact_userinfo(userinfo: str) -> str:
    user, sep, password = userinfo.partition(":")
    if sep:
        keep_user = user if _ENV_REFERENCE.match(user) else REDACTED
        keep_password = password if _ENV_REFERENCE.match(password) else REDACTED
        return f"{keep_user}:{keep_password}"
    # a bare user part is usually a token (https://TOKEN@host/)
    return userinfo if _ENV_REFERENCE.match(userinfo) else REDACTED


def _redact_loose(text: str) -> str:
    return redact_text(re.sub(r"//[^/@\s]+@", f"//{REDACTED}@", text))


# A scheme starts where no scheme character precedes it: without the look-behind the regex
# engine would retry from every position of a long run of letters (quadratic time).
SCHEME_START = r"(?<![a-zA-Z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]*://"
_USERINFO = re.compile(rf"({SCHEME_START})([^/@\s]+)@")


def _userinfo(match: re.Match[str]) -> str:
    """User info already redacted (``****:****``) or naming variables (``${TOKEN}``) is kept,
    so redacting twice changes nothing; any other is replaced whole."""
    parts = match.group(2).split(":")
    if all(p == REDACTED or _ENV_REFERENCE.match(p) for p in parts) and len(parts) <= 2:
        return match.group(0)
    return f"{match.group(1)}{REDACTED}@"


def redact_text(text: str, secrets: list[str] | tuple[str, ...] = ()) -> str:
    """Redact URL credentials (user info, secret parameters) inside free text, and any
    literal secret given (linear in the length of ``text``)."""
    out = _USERINFO.sub(_userinfo, text) if "://" in text else text
    if "=" in out:
        out = _PARAMETER.sub(_parameter, out)
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
        if value and secret_parameter(key):
            found.append(value)
    # longest first, so a secret that contains another is replaced whole
    return tuple(sorted(set(found), key=lambda s: (-len(s), s)))
