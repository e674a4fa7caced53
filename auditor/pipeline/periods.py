"""The periods of ``report --backfill``: SINCE read as a time, and the month or ISO week a
commit date falls in. Light on imports: the command line reads these before any run."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from auditor.core.errors import UsageError

PERIODS = ("month", "week")
_RELATIVE = re.compile(r"(\d{1,4})([dwmy])")
_UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}


@dataclass(frozen=True, kw_only=True)
class Backfill:
    """What ``--backfill SINCE --backfill-every PERIOD`` asks."""

    since: str  # 24m, 5y, 8w, 90d, or a date (2020-01-01)
    every: str = "month"


def since_time(text: str, now: dt.datetime) -> dt.datetime:
    """SINCE as a UTC time: ``24m`` (months), ``5y``, ``8w``, ``90d`` before ``now``, or an
    ISO date or time. ``UsageError`` for anything else."""
    value = text.strip().lower()
    match = _RELATIVE.fullmatch(value)
    if match:
        count, unit = int(match.group(1)), match.group(2)
        if unit in "dw":
            return now - dt.timedelta(**{_UNITS[unit]: count})
        months = count * (12 if unit == "y" else 1)
        year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
        if year < 1970:
            raise UsageError(f"--backfill {text}: reaches before 1970")
        day = min(now.day, _days_in(year, month + 1))
        return now.replace(year=year, month=month + 1, day=day)
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"--backfill {text!r}: expected a span (24m, 5y, 8w, 90d) or a date (2020-01-01)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def _days_in(year: int, month: int) -> int:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (first_next - dt.timedelta(days=1)).day


def period_key(moment: dt.datetime, every: str) -> str:
    """The period (UTC) a time falls in: ``2024-05`` or ``2024-W19``."""
    utc = moment.astimezone(dt.timezone.utc)
    if every == "week":
        year, week, _ = utc.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{utc.year:04d}-{utc.month:02d}"
