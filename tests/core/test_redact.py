"""Credentials never survive redaction."""

from __future__ import annotations

import pytest

from auditor.core.redact import redact_text, redact_url, url_secrets


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:s3cret@idx.invalid/simple", "https://****:****@idx.invalid/simple"),
        ("https://TOKEN123@idx.invalid/simple/", "https://****@idx.invalid/simple/"),
        (
            "https://${USER}:${PASS}@idx.invalid/simple",
            "https://${USER}:${PASS}@idx.invalid/simple",
        ),
        ("https://idx.invalid/simple?token=abc&x=1", "https://idx.invalid/simple?token=****&x=1"),
        ("https://idx.invalid/simple", "https://idx.invalid/simple"),
        (  # AWS presigned: the key id, the session token and the signature
            "https://b.invalid/x.tgz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA1%2F2"
            "&X-Amz-SignedHeaders=host&X-Amz-Security-Token=FQo&X-Amz-Signature=5d41",
            "https://b.invalid/x.tgz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=****"
            "&X-Amz-SignedHeaders=host&X-Amz-Security-Token=****&X-Amz-Signature=****",
        ),
        (  # Google Cloud Storage signed URL, Azure SAS, CloudFront, OAuth-style tokens
            "https://g.invalid/x?X-Goog-Credential=svc%40p&X-Goog-Signature=ab&X-Goog-Date=1",
            "https://g.invalid/x?X-Goog-Credential=****&X-Goog-Signature=****&X-Goog-Date=1",
        ),
        (
            "https://a.invalid/c/x?sv=2022&se=2030&sig=ab%2Bc",
            "https://a.invalid/c/x?sv=2022&se=2030&sig=****",
        ),
        (
            "https://c.invalid/x?Expires=1&Signature=ab~c&Key-Pair-Id=K2",
            "https://c.invalid/x?Expires=1&Signature=****&Key-Pair-Id=****",
        ),
        (
            "https://h.invalid/x?access_token=a&private_token=b&page=2#sid=1&session=c",
            "https://h.invalid/x?access_token=****&private_token=****&page=2#sid=1&session=****",
        ),
        ("https://h.invalid/x?q=a%2Fb+c&egg=d#egg=e", "https://h.invalid/x?q=a%2Fb+c&egg=d#egg=e"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    """User info and secret-looking query values are replaced; env references kept; a
    redacted URL passes through either function unchanged (the model redacts again)."""
    assert expected == redact_url(url)
    assert (expected, expected) == (redact_url(expected), redact_text(expected))


def test_redact_text_and_literal_secrets() -> None:
    """Free text loses URL credentials and any literal secret given."""
    text = "failed: https://me:pw@idx.invalid/x with token ghp_abc"
    assert redact_text(text, ["ghp_abc"]) == "failed: https://****@idx.invalid/x with token ****"


def test_redact_text_finds_parameters_in_specs_and_keys() -> None:
    """Specs and lockfile keys hold URLs among other text: user info and secret parameters
    go, the rest (and text that only looks like a parameter) stays byte for byte."""
    key = 'tarball@https://h.invalid/t.tgz?token=abc&v=1, "x@git+https://u:p@g.invalid/x.git#m"'
    assert (
        'tarball@https://h.invalid/t.tgz?token=****&v=1, "x@git+https://****@g.invalid/x.git#m"'
        == redact_text(key)
    )
    assert "a == b; token = c, key=" == redact_text("a == b; token = c, key=")


def test_url_secrets_lists_credentials_longest_first() -> None:
    """User info and secret-looking query values are returned; other values are not."""
    url = "https://alice:pw123@idx.invalid/simple?token=abc&page=2&api_key=k"
    assert ("alice", "pw123", "abc", "k") == url_secrets(url)
    assert () == url_secrets("https://idx.invalid/simple?page=2")
