"""Demo analytics data: several tenants' usage events, sessions and device metrics, day by day, with realistic shapes
(a few heavy users and many light ones, a daily rhythm, quieter weekends). Deterministic for a seed, so tests can
compute the expected answers from the very rows that were written; `make run`, tests and benchmarks all use it."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property

from shared.aws import client
from shared.catalog import LakeTable, resource_by_id
from shared.catalog.reports import DEVICE_METRICS, USAGE_EVENTS, USER_SESSIONS
from shared.settings import get_settings

Row = dict[str, object]

EVENT_TYPES = ("page_view", "click", "search", "login", "logout", "share", "export", "error", "purchase", "signup")
EVENT_WEIGHTS = (38, 24, 10, 8, 6, 4, 3, 3, 2, 2)
FEATURES = ("dashboard", "reports", "search", "settings", "billing", "onboarding")
FEATURE_WEIGHTS = (35, 25, 15, 10, 8, 7)
PLATFORMS = ("ios", "android", "web")
PLATFORM_WEIGHTS = (40, 45, 15)
COUNTRIES = ("US", "GB", "DE", "FR", "CA", "IN", "BR")
COUNTRY_WEIGHTS = (45, 12, 10, 8, 7, 10, 8)
HOUR_WEIGHTS = (2, 1, 1, 1, 1, 2, 4, 6, 8, 9, 10, 10, 9, 9, 10, 10, 9, 8, 7, 7, 6, 5, 4, 3)
WEEKEND_FACTOR = 0.55
OS_VERSIONS = {"ios": ("17.6", "18.1", "18.2"), "android": ("13", "14", "15"), "web": ("chrome", "firefox", "safari")}
APP_VERSIONS = ("3.8.0", "3.9.1", "4.0.0", "4.1.2")


@dataclass(frozen=True)
class TenantProfile:
    tenant_id: str
    users: int
    events_per_day: int
    """Mean usage events on a weekday (weekends are quieter)."""

    @cached_property
    def user_weights(self) -> list[float]:
        """Zipf-like activity: user i is active in proportion to 1/(i+1)^0.9."""
        return [1 / (i + 1) ** 0.9 for i in range(self.users)]

    def user(self, index: int) -> str:
        return f"{self.tenant_id}-u{index:05d}"

    @cached_property
    def _devices(self) -> list[list[tuple[str, str]]]:
        rng = random.Random(f"{self.tenant_id}-devices")
        return [
            [(f"{self.tenant_id}-d{i:05d}-{k}", rng.choices(PLATFORMS, PLATFORM_WEIGHTS)[0]) for k in range(1 + i % 3)]
            for i in range(self.users)
        ]

    @cached_property
    def _countries(self) -> list[str]:
        return random.Random(f"{self.tenant_id}-countries").choices(COUNTRIES, COUNTRY_WEIGHTS, k=self.users)

    def devices(self, index: int) -> list[tuple[str, str]]:
        """The (device id, platform) pairs of one user: 1 to 3 devices, fixed per user."""
        return self._devices[index]

    def country(self, index: int) -> str:
        return self._countries[index]


DEMO_TENANTS = (
    TenantProfile("acme", users=1200, events_per_day=6000),
    TenantProfile("globex", users=500, events_per_day=2500),
    TenantProfile("initech", users=200, events_per_day=900),
    TenantProfile("umbrella", users=80, events_per_day=300),
)


@dataclass
class DemoData:
    """What a generation wrote (and, when `keep_rows`, the rows themselves per table)."""

    first_day: date
    last_day: date
    counts: dict[str, int] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)
    rows: dict[str, list[Row]] = field(default_factory=dict)


def scale_for(target_events: int, days: int, tenants: tuple[TenantProfile, ...] = DEMO_TENANTS) -> float:
    """The scale that makes `days` days of `tenants` hold about `target_events` usage events."""
    per_day = sum(t.events_per_day for t in tenants) * (5 + 2 * WEEKEND_FACTOR) / 7
    return target_events / (per_day * days)


def _stamp(day: date, hour: int, seconds: float) -> str:
    whole = int(seconds)
    return f"{day:%Y-%m-%d} {hour:02d}:{whole // 60:02d}:{whole % 60:02d}.{int((seconds - whole) * 1000):03d}"


def _formatted(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}.{moment.microsecond // 1000:03d}"


def _day_volume(tenant: TenantProfile, day: date, scale: float, rng: random.Random) -> int:
    factor = WEEKEND_FACTOR if day.weekday() >= 5 else 1.0
    return max(1, round(tenant.events_per_day * scale * factor * rng.uniform(0.85, 1.15)))


def usage_events_of_day(tenants: Iterable[TenantProfile], day: date, scale: float = 1.0, seed: int = 7) -> list[Row]:
    rows: list[Row] = []
    for tenant in tenants:
        rng = random.Random(f"{seed}-events-{tenant.tenant_id}-{day}")
        count = _day_volume(tenant, day, scale, rng)
        users = rng.choices(range(tenant.users), tenant.user_weights, k=count)
        kinds = rng.choices(EVENT_TYPES, EVENT_WEIGHTS, k=count)
        features = rng.choices(FEATURES, FEATURE_WEIGHTS, k=count)
        hours = rng.choices(range(24), HOUR_WEIGHTS, k=count)
        lognormal = rng.lognormvariate
        for n in range(count):
            user = users[n]
            devices = tenant.devices(user)
            device, platform = devices[n % len(devices)]
            hour = hours[n]
            rows.append(
                {
                    "event_id": f"{tenant.tenant_id}-{day:%Y%m%d}-{n:07d}",
                    "tenant_id": tenant.tenant_id,
                    "user_id": tenant.user(user),
                    "device_id": device,
                    "session_id": f"{device}-{day:%Y%m%d}-{hour // 6}",
                    "event_type": kinds[n],
                    "feature": features[n],
                    "platform": platform,
                    "country": tenant.country(user),
                    "duration_ms": int(lognormal(7.0, 1.0)),
                    "timestamp": _stamp(day, hour, rng.random() * 3600),
                }
            )
    return rows


def user_sessions_of_day(tenants: Iterable[TenantProfile], day: date, scale: float = 1.0, seed: int = 7) -> list[Row]:
    rows: list[Row] = []
    for tenant in tenants:
        rng = random.Random(f"{seed}-sessions-{tenant.tenant_id}-{day}")
        count = max(1, _day_volume(tenant, day, scale, rng) // 8)
        users = rng.choices(range(tenant.users), tenant.user_weights, k=count)
        hours = rng.choices(range(24), HOUR_WEIGHTS, k=count)
        for n in range(count):
            user = users[n]
            device, platform = rng.choice(tenant.devices(user))
            started = datetime.combine(day, time(hours[n])) + timedelta(seconds=rng.random() * 3600)
            duration = max(5, int(rng.lognormvariate(5.5, 0.9)))
            rows.append(
                {
                    "session_id": f"{tenant.tenant_id}-s{day:%Y%m%d}-{n:06d}",
                    "tenant_id": tenant.tenant_id,
                    "user_id": tenant.user(user),
                    "device_id": device,
                    "platform": platform,
                    "country": tenant.country(user),
                    "started_at": _formatted(started),
                    "ended_at": _formatted(started + timedelta(seconds=duration)),
                    "duration_s": duration,
                    "event_count": 1 + int(rng.expovariate(1 / 8)),
                    "converted": rng.random() < 0.08,
                }
            )
    return rows


def device_metrics_of_day(tenants: Iterable[TenantProfile], day: date, scale: float = 1.0, seed: int = 7) -> list[Row]:
    rows: list[Row] = []
    for tenant in tenants:
        rng = random.Random(f"{seed}-metrics-{tenant.tenant_id}-{day}")
        reporting = max(1, round(tenant.users * min(1.0, 0.25 * scale)))
        for user in rng.sample(range(tenant.users), reporting):
            for device, platform in tenant.devices(user):
                for sample in range(4):
                    rows.append(
                        {
                            "tenant_id": tenant.tenant_id,
                            "device_id": device,
                            "platform": platform,
                            "os_version": rng.choice(OS_VERSIONS[platform]),
                            "app_version": rng.choices(APP_VERSIONS, (1, 2, 4, 6))[0],
                            "recorded_at": _stamp(day, sample * 6 + rng.randrange(6), rng.random() * 3600),
                            "battery_pct": round(rng.uniform(5, 100), 1),
                            "memory_mb": round(rng.gauss(180, 40), 1),
                            "cpu_pct": round(min(100.0, rng.expovariate(1 / 12)), 1),
                            "crash_count": 1 if rng.random() < 0.01 else 0,
                        }
                    )
    return rows


DayGenerator = Callable[[Iterable[TenantProfile], date, float, int], list[Row]]
GENERATORS: tuple[tuple[LakeTable, str, DayGenerator], ...] = (
    (USAGE_EVENTS, "timestamp", usage_events_of_day),
    (USER_SESSIONS, "started_at", user_sessions_of_day),
    (DEVICE_METRICS, "recorded_at", device_metrics_of_day),
)


def write_day(table: LakeTable, day: date, rows: list[Row], rows_per_file: int = 200_000) -> int:
    """Write one day's rows as JSON-lines part files under `<prefix>/date=YYYY-MM-DD/`; returns the files written."""
    s3 = client("s3")
    bucket = get_settings().name_of(resource_by_id(table.bucket))
    files = 0
    for start in range(0, len(rows), rows_per_file):
        body = "\n".join(json.dumps(r, separators=(",", ":")) for r in rows[start : start + rows_per_file])
        key = f"{table.prefix}/date={day:%Y-%m-%d}/part-{files:05d}.json"
        s3.put_object(Bucket=bucket, Key=key, Body=body.encode() + b"\n")
        files += 1
    return files


def days_between(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def generate(
    first_day: date,
    last_day: date,
    tenants: tuple[TenantProfile, ...] = DEMO_TENANTS,
    *,
    scale: float = 1.0,
    seed: int = 7,
    tables: tuple[str, ...] = ("usage_events", "user_sessions", "device_metrics"),
    keep_rows: bool = False,
    days: Callable[[Iterable[date]], Iterable[date]] = lambda d: d,
) -> DemoData:
    """Generate and write every day of [first_day, last_day] of each table to the data-lake bucket.

    `days` may wrap the day sequence (to print progress)."""
    data = DemoData(first_day, last_day)
    chosen = [g for g in GENERATORS if g[0].name in tables]
    for day in days(list(days_between(first_day, last_day))):
        for table, _time_field, make in chosen:
            rows = make(tenants, day, scale, seed)
            data.files[table.name] = data.files.get(table.name, 0) + write_day(table, day, rows)
            data.counts[table.name] = data.counts.get(table.name, 0) + len(rows)
            if keep_rows:
                data.rows.setdefault(table.name, []).extend(rows)
    return data
