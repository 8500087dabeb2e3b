"""When reports fall due: every active subscription's runs over a period (cron + IANA timezone, DST included, with
the same cron maths as the scheduler), counted per UTC minute."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shared import cron
from shared.capacity.profile import Workload


@dataclass(frozen=True)
class Subscribed:
    """One subscription as the capacity model sees it."""

    cron: str
    timezone: str
    workload: Workload

    @classmethod
    def of(cls, subscription: Mapping[str, Any]) -> Subscribed:
        schedule = subscription.get("schedule") or {}
        return cls(schedule.get("cron", "0 9 * * 1"), schedule.get("timezone", "UTC"), Workload.of(subscription))


@dataclass(frozen=True)
class Minute:
    """The reports and deliveries due in one UTC minute."""

    start: datetime
    workloads: tuple[Workload, ...]

    @property
    def reports(self) -> int:
        return len(self.workloads)

    @property
    def deliveries(self) -> int:
        return sum(w.deliveries for w in self.workloads)


def due_minutes(subscriptions: Iterable[Subscribed], start: datetime, days: int = 14) -> list[Minute]:
    """Every UTC minute in [start, start + days) in which reports fall due, in time order."""
    end = start + timedelta(days=days)
    by_minute: dict[datetime, list[Workload]] = defaultdict(list)
    schedules: dict[tuple[str, str], list[Workload]] = defaultdict(list)
    for subscription in subscriptions:
        schedules[(subscription.cron, subscription.timezone)].append(subscription.workload)
    for (expression, timezone), workloads in schedules.items():
        for run in cron.runs(expression, timezone, start - timedelta(microseconds=1)):
            if run >= end:
                break
            by_minute[run.astimezone(UTC).replace(second=0, microsecond=0)].extend(workloads)
    return [Minute(minute, tuple(by_minute[minute])) for minute in sorted(by_minute)]


def peaks(minutes: list[Minute], count: int = 3) -> list[Minute]:
    """The `count` busiest minutes (most reports; earliest first among equals), busiest first."""
    return sorted(minutes, key=lambda m: (-m.reports, m.start))[:count]
