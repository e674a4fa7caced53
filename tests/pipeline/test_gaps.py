"""What a run could not do, said the same way every run."""

from __future__ import annotations

from auditor.pipeline.gaps import _cause, _common_cause


def test_a_refusal_and_the_requests_not_sent_after_it_name_one_cause() -> None:
    """Whichever lookup met the refusal first, the host and its cause read alike."""
    refused = (
        "requirements unknown: GET http://127.0.0.1:9/simple/amqp/: connection failed: "
        "connection refused (not retried)"
    )
    not_sent = (
        "requirements unknown: GET http://127.0.0.1:9/simple/zope/: not sent: 127.0.0.1:9 "
        "could not be reached earlier in this run (connection failed: connection refused)"
    )
    expected = "127.0.0.1:9: connection failed: connection refused"
    assert expected == _cause(refused) == _cause(not_sent)


def test_the_common_cause_does_not_depend_on_order() -> None:
    """The most frequent cause wins; a tie goes to the first in sorted order."""
    reasons = [
        "GET http://a.invalid/x/: HTTP 500",
        "GET http://b.invalid/y/: HTTP 404",
        "GET http://a.invalid/z/: HTTP 500",
    ]
    assert "a.invalid: HTTP 500" == _common_cause(reasons) == _common_cause(reversed(reasons))
    assert "a.invalid: HTTP 500" == _common_cause(reasons[:2]) == _common_cause(reasons[1::-1])
    assert "no URL here" == _cause("no URL here")
