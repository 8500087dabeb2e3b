"""A small demo data lake for tests, written by the same generator as `make run`, with its rows kept in memory so
tests can compute expected answers independently of SQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from shared.reports.demo_data import DemoData, TenantProfile, generate

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
"""A Monday, 14:00 UTC."""
FIRST_DAY = date(2026, 11, 9)
LAST_DAY = date(2026, 11, 23)
TENANTS = (
    TenantProfile("acme", users=60, events_per_day=300),
    TenantProfile("globex", users=25, events_per_day=120),
)


def load_small_lake() -> DemoData:
    """15 days (2026-11-09 .. 2026-11-23) of two tenants, one file per table and day."""
    return generate(FIRST_DAY, LAST_DAY, TENANTS, keep_rows=True)


def parse(stamp: object) -> datetime:
    return datetime.strptime(str(stamp), "%Y-%m-%d %H:%M:%S.%f")


def naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def days_back(days: int) -> datetime:
    return naive(NOW) - timedelta(days=days)
