"""The daily extract: every notification report sent on a day, every page of it, as NDJSON in the data lake."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from shared.aws import client
from shared.catalog import resource_by_id
from shared.catalog.notifications import N10N_EXTRACT_PREFIX, NOTIFICATION_REPORTS
from shared.notifications import logic, n10n_reports, store
from shared.notifications.models import NotificationReport, NotificationType
from shared.settings import get_settings

N10N_EXPORTED_TYPES = (
    NotificationType.NEWS,
    NotificationType.CONTENT,
    NotificationType.FOOTBALL_MATCH_STATUS,
    NotificationType.EDITIONS,
)
"""The types mobile-n10n's report extractor writes for Ophan, in its order."""


def extract_key(day: date) -> str:
    return f"{NOTIFICATION_REPORTS.prefix}/date={day:%Y-%m-%d}/notifications.json"


def n10n_extract_key(day: date) -> str:
    return f"{N10N_EXTRACT_PREFIX}/date={day:%Y-%m-%d}/notifications.json"


def n10n_raw_record(record: NotificationReport) -> dict[str, Any]:
    """A record as n10n's extractor writes it (the DynamoDB item as JSON): n10n's fields, with the received counts
    under `events.platform`, where n10n's event consumer stores them."""
    raw = n10n_reports.n10n_view(record)
    if "events" in raw:
        raw["events"] = {"platform": raw["events"]["platformCounts"]}
    return raw


def n10n_lines(records: list[NotificationReport]) -> bytes:
    """n10n's layout: one raw record a line, the four exported types in n10n's order, each by send time, no dry
    runs; lines joined by newlines, as n10n joins them."""
    order = {t: n for n, t in enumerate(N10N_EXPORTED_TYPES)}
    kept = sorted(
        (r for r in records if r.type in order and not r.dry_run), key=lambda r: (order[r.type], r.sentTime, r.id)
    )
    return "\n".join(json.dumps(n10n_raw_record(r), separators=(",", ":")) for r in kept).encode()


def records_of_day(day: date, page_size: int) -> tuple[list[NotificationReport], int]:
    """Every record sent on `day` (dry runs included, flagged): the day's partition of the by-day index, every page."""
    since, until = logic.day_bounds(day)
    feed = logic.feed_for(None, True, since, until, newest_first=False)
    reader = store.FeedReader(feed)
    records: list[NotificationReport] = []
    position: logic.Position | None = logic.decode_cursor(None, feed)
    while position:
        items, position = logic.read_page(feed, position, page_size, reader.read)
        records.extend(items)
    return records, reader.queries


def extract_day(day: date, n10n_layout: bool = False) -> dict[str, Any]:
    """Write (or overwrite, with the same bytes) the day's extract; with `n10n_layout`, mobile-n10n's beside it."""
    settings = get_settings()
    records, queries = records_of_day(day, settings.notification_page_size)
    bucket = settings.name_of(resource_by_id(NOTIFICATION_REPORTS.bucket))
    key = extract_key(day)
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key=key, Body=logic.ndjson(records), ContentType="application/x-ndjson")
    summary: dict[str, Any] = {"day": day.isoformat(), "key": key, "records": len(records), "queries": queries}
    if n10n_layout:
        body = n10n_lines(records)
        s3.put_object(Bucket=bucket, Key=n10n_extract_key(day), Body=body, ContentType="application/json")
        summary["n10nKey"] = n10n_extract_key(day)
        summary["n10nRecords"] = body.count(b"\n") + 1 if body else 0
    return summary
