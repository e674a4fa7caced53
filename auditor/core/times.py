"""Times as auditor reads and writes them: RFC 3339, UTC, one form.

``strftime("%Y")`` does not pad years below 1000 on glibc, so Go's zero time (which
golang/vulndb writes as ``modified: 0001-01-01T00:00:00Z``) came out as
``1-01-01T00:00:00Z``, a string nothing parses back. Every time auditor writes goes through
``rfc3339`` and every RFC 3339 time it reads through ``parse_rfc3339``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})?$"
)


def rfc3339(moment: datetime, *, fraction: bool = False) -> str:
    """``moment`` in UTC as ``YYYY-MM-DDTHH:MM:SSZ`` (a naive time is taken as UTC); with
    ``fraction``, six fraction digits when it has any (``.832000Z``), so that one instant
    always gives one string."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        utc = moment.astimezone(timezone.utc)
    except OverflowError:  # an offset at the very edge of the calendar: keep it as written
        utc = moment
    digits = f".{utc.microsecond:06d}" if fraction and utc.microsecond else ""
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}{digits}Z"
    )


def rfc3339_minutes(moment: datetime) -> str:
    """``YYYY-MM-DD HH:MM`` in UTC, for tables people read."""
    text = rfc3339(moment)
    return f"{text[:10]} {text[11:16]}"


def parse_rfc3339(text: str | None) -> datetime | None:
    """An RFC 3339 time (OSV writes ``Z`` and up to nanoseconds) as aware UTC, or None."""
    if not text:
        return None
    match = _TIMESTAMP.match(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        value = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=timezone.utc,
        )
        if zone and zone not in "Zz":
            sign = 1 if zone[0] == "+" else -1
            hours, minutes = int(zone[1:3]), int(zone[4:6])
            value -= sign * timedelta(hours=hours, minutes=minutes)
    except (ValueError, OverflowError):
        return None
    return value
