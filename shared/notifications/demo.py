"""Demo data for notification reports: realistic notifications (several types, both platforms' apps, some dry runs),
device registrations and the devices' `notification/received` logs. Used by `make run`, the tests and benchmarks."""

from __future__ import annotations

import json
import random
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from shared import clock
from shared.aws import client
from shared.catalog import resource_by_id
from shared.catalog.notifications import NOTIFICATION_RECEIVED
from shared.notifications import logic, store
from shared.notifications.models import (
    PLATFORMS,
    NotificationReport,
    NotificationRequest,
    NotificationType,
    Platform,
)
from shared.settings import get_settings

TOPICS = {
    NotificationType.NEWS: ["breaking/uk", "breaking/us", "breaking/international"],
    NotificationType.CONTENT: ["tag/politics/politics", "tag/environment/climate-crisis", "contributor/profile/jo"],
    NotificationType.FOOTBALL_MATCH_STATUS: ["football-match/4012345", "football-team/arsenal"],
    NotificationType.EDITIONS: ["editions/uk", "editions/au"],
}
HEADLINES = [
    "Prime minister announces early election",
    "Storm warning issued for the north-east",
    "Central bank holds interest rates",
    "Arsenal 2-1 Chelsea: full time",
    "Climate summit reaches late-night deal",
    "Your daily edition is ready",
    "Live: markets react to jobs report",
    "Ceasefire talks resume in Cairo",
]
TYPE_WEIGHTS = {
    NotificationType.NEWS: 5,
    NotificationType.CONTENT: 3,
    NotificationType.FOOTBALL_MATCH_STATUS: 2,
    NotificationType.EDITIONS: 1,
}
AUDIENCE = {"ios": (400, 900), "android": (300, 800), "ios-edition": (20, 120), "android-edition": (10, 80)}


def notification_records(
    now: datetime, days: int, per_day: int, seed: int = 7, dry_run_share: float = 0.1
) -> list[NotificationReport]:
    """`per_day` notifications a day over the `days` days before `now`, with their sender results (no events yet)."""
    rng = random.Random(seed)
    types = list(TYPE_WEIGHTS)
    weights = list(TYPE_WEIGHTS.values())
    settings = get_settings()
    records = []
    for n in range(days * per_day):
        sent = now - timedelta(seconds=rng.uniform(60, days * 86400))
        type_ = rng.choices(types, weights)[0]
        dry_run = rng.random() < dry_run_share
        request = NotificationRequest(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            type=type_,
            title=rng.choice(HEADLINES),
            message=f"Demo notification {n + 1}: tap to read more",
            topics=rng.sample(TOPICS[type_], k=1),
            link=f"https://www.example.com/story/{n + 1}",
            dryRun=dry_run,
        )
        ttl = logic.ttl_for(type_, dry_run, sent, settings.dry_run_ttl_days, settings.notification_ttl_months)
        record = logic.new_record(request, sent, ttl)
        counts: dict[Platform, int] = {p: rng.randint(*AUDIENCE[p]) for p in PLATFORMS}
        record.reports = logic.sender_results(counts, sent)
        records.append(record)
    return sorted(records, key=lambda r: r.sentTime)


def received_events(records: Iterable[NotificationReport], seed: int = 11) -> list[dict[str, Any]]:
    """The devices' received calls for the records: most recipients within minutes, a tail over two hours, a few
    `comment` provider events (not pushes) and a few calls naming unknown ids."""
    rng = random.Random(seed)
    events: list[dict[str, Any]] = []
    for record in records:
        if record.dry_run:
            continue
        sent = datetime.fromisoformat(record.sentTime.replace("Z", "+00:00"))
        for result in record.reports:
            stats = result.platformStatistics
            if stats is None:
                continue
            received = int(stats.recipientsCount * rng.uniform(0.55, 0.9))
            for _ in range(received):
                delay = timedelta(seconds=min(rng.expovariate(1 / 240), 7200))
                events.append(
                    _event(record.id, stats.platform, "apns" if "ios" in stats.platform else "fcm", sent + delay)
                )
        for _ in range(rng.randint(0, 5)):
            events.append(_event(record.id, "ios", "comment", sent + timedelta(minutes=rng.randint(1, 90))))
    for _ in range(len(events) // 200):
        moment = datetime.fromisoformat(rng.choice(events)["timestamp"].replace("Z", "+00:00"))
        events.append(_event(str(uuid.UUID(int=rng.getrandbits(128), version=4)), "android", "fcm", moment))
    return events


def _event(notification_id: str, platform: str, provider: str, moment: datetime) -> dict[str, Any]:
    return {
        "notificationId": notification_id,
        "platform": platform,
        "provider": provider,
        "timestamp": clock.iso(moment),
    }


def log_objects(events: Iterable[dict[str, Any]], files_per_hour: int = 2) -> dict[str, bytes]:
    """The events as JSON-lines objects under `date=YYYY-MM-DD/hour=HH/` of the received-log table."""
    by_file: dict[str, list[str]] = defaultdict(list)
    for n, event in enumerate(sorted(events, key=lambda e: e["timestamp"])):
        moment = event["timestamp"]
        partition = f"date={moment[:10]}/hour={moment[11:13]}"
        by_file[f"{NOTIFICATION_RECEIVED.prefix}/{partition}/fastly-{n % files_per_hour}.json"].append(
            json.dumps(event)
        )
    return {key: ("\n".join(lines) + "\n").encode() for key, lines in by_file.items()}


def put_records(records: Iterable[NotificationReport]) -> Iterator[NotificationReport]:
    """Write the records (yielding each, for progress output)."""
    return store.put_many(records)


def put_logs(objects: dict[str, bytes]) -> Iterator[str]:
    """Write the log objects to the event-logs bucket (yielding each key)."""
    s3 = client("s3")
    bucket = get_settings().name_of(resource_by_id(NOTIFICATION_RECEIVED.bucket))
    for key, body in objects.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)
        yield key


def device_registrations(devices: int, seed: int = 5) -> list[tuple[str, str, Platform]]:
    """(topic, token, platform) for `devices` demo devices, each following one to three topics."""
    rng = random.Random(seed)
    topics = [t for group in TOPICS.values() for t in group]
    shares = [0.45, 0.4, 0.1, 0.05]
    found = []
    for n in range(devices):
        platform: Platform = rng.choices(PLATFORMS, shares)[0]
        token = f"demo-{platform}-{n:05d}"
        for topic in rng.sample(topics, k=rng.randint(1, 3)):
            found.append((topic, token, platform))
    return found
