"""Relative date ranges (`last_7_days`, `this_month` ...) as half-open UTC intervals, and timestamp values."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from shared.reports.fields import Operator


def naive_utc(moment: datetime) -> datetime:
    """The engines compare against naive UTC timestamps: aware values are converted, naive ones taken as UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def parse_timestamp(value: str) -> datetime:
    """An ISO-8601 date (`2026-11-20`, midnight UTC) or date-time (`2026-11-20T05:00:00Z`); ValueError otherwise."""
    text = value.strip()
    if len(text) > 40:
        raise ValueError("too long")
    return naive_utc(datetime.fromisoformat(text))


def relative_range(op: Operator, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of a relative range at `now`: `last_N_days` is the N*24 hours before now (seed 004's
    `timestamp >= NOW() - INTERVAL 7 DAY`); days, weeks (Monday first) and months are whole UTC calendar units."""
    current = naive_utc(now)
    midnight = datetime.combine(current.date(), time())
    monday = midnight - timedelta(days=midnight.weekday())
    first = midnight.replace(day=1)
    ranges: dict[str, tuple[datetime, datetime]] = {
        "today": (midnight, midnight + timedelta(days=1)),
        "yesterday": (midnight - timedelta(days=1), midnight),
        "last_7_days": (current - timedelta(days=7), current),
        "last_30_days": (current - timedelta(days=30), current),
        "last_90_days": (current - timedelta(days=90), current),
        "this_week": (monday, monday + timedelta(days=7)),
        "last_week": (monday - timedelta(days=7), monday),
        "this_month": (first, _next_month(first)),
        "last_month": (_previous_month(first), first),
    }
    if op not in ranges:
        raise ValueError(f"{op!r} is not a relative range")
    return ranges[op]


def last_day_before(end: datetime) -> date:
    """The last calendar day an exclusive upper bound still touches."""
    return (end - timedelta(microseconds=1)).date()


def _next_month(first: datetime) -> datetime:
    return first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)


def _previous_month(first: datetime) -> datetime:
    return first.replace(year=first.year - 1, month=12) if first.month == 1 else first.replace(month=first.month - 1)
