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
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    """User info and secret-looking query values are replaced; env references kept."""
    assert expected == redact_url(url)


def test_redact_text_and_literal_secrets() -> None:
    """Free text loses URL credentials and any literal secret given."""
    text = "failed: https://me:pw@idx.invalid/x with token ghp_abc"
    assert redact_text(text, ["ghp_abc"]) == "failed: https://****@idx.invalid/x with token ****"


def test_url_secrets_lists_credentials_longest_first() -> None:
    """User info and secret-looking query values are returned; other values are not."""
    url = "https://alice:pw123@idx.invalid/simple?token=abc&page=2&api_key=k"
    assert ("alice", "pw123", "abc", "k") == url_secrets(url)
    assert () == url_secrets("https://idx.invalid/simple?page=2")
