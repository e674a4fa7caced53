"""Times are written in one RFC 3339 form and read back, Go's zero time included."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.core.times import parse_rfc3339, rfc3339, rfc3339_minutes

UTC = timezone.utc


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        # Go's zero time: strftime("%Y") wrote "1-01-01T00:00:00Z", which nothing read back
        (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00:00Z"),
        (datetime(999, 12, 31, 23, 59, 59, tzinfo=UTC), "0999-12-31T23:59:59Z"),
        (datetime(2024, 2, 6, 22, 20, 23, 832000, tzinfo=UTC), "2024-02-06T22:20:23Z"),
        (datetime(2024, 2, 6, 23, 20, tzinfo=timezone(timedelta(hours=1))), "2024-02-06T22:20:00Z"),
        (datetime(2024, 2, 6, 22, 20), "2024-02-06T22:20:00Z"),  # naive: UTC
    ],
)
def test_written_form(moment: datetime, text: str) -> None:
    """Four-digit years, UTC, ``Z``, whole seconds; a naive time is taken as UTC."""
    assert text == rfc3339(moment)
    assert moment.replace(microsecond=0, tzinfo=moment.tzinfo or UTC) == parse_rfc3339(text)


def test_fractions_when_asked() -> None:
    """With ``fraction``, six digits when there are any: ".832Z" and ".832000Z" in two forms
    of one record are one string once read and written."""
    for written in ("2024-02-06T22:20:23.832Z", "2024-02-06T22:20:23.832000Z"):
        moment = parse_rfc3339(written)
        assert moment is not None
        assert "2024-02-06T22:20:23.832000Z" == rfc3339(moment, fraction=True)
    assert "0001-01-01T00:00:00Z" == rfc3339(datetime(1, 1, 1, tzinfo=UTC), fraction=True)
    assert "0001-01-01 00:00" == rfc3339_minutes(datetime(1, 1, 1, tzinfo=UTC))


@given(st.datetimes(timezones=st.just(UTC)))
def test_round_trip(moment: datetime) -> None:
    """Whatever the instant (year 1 to 9999), what is written is read back as it."""
    assert moment == parse_rfc3339(rfc3339(moment, fraction=True))
    assert moment.replace(microsecond=0) == parse_rfc3339(rfc3339(moment))


@pytest.mark.parametrize(
    "text",
    ["", "1-01-01T00:00:00Z", "2024-13-01T00:00:00Z", "2024-02-06", "0001-01-01T00:00:00+01:00"],
)
def test_unreadable(text: str) -> None:
    """Not RFC 3339, or an instant before year 1: None, never an exception."""
    assert parse_rfc3339(text) is None
