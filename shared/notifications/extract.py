"""The daily extract: every notification report sent on a day, every page of it, as NDJSON in the data lake."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.aws import client
from shared.catalog import resource_by_id
from shared.catalog.notifications import NOTIFICATION_REPORTS
from shared.notifications import logic, store
from shared.notifications.models import NotificationReport
from shared.settings import get_settings


def extract_key(day: date) -> str:
    return f"{NOTIFICATION_REPORTS.prefix}/date={day:%Y-%m-%d}/notifications.json"


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


def extract_day(day: date) -> dict[str, Any]:
    """Write (or overwrite, with the same bytes) the day's extract."""
    settings = get_settings()
    records, queries = records_of_day(day, settings.notification_page_size)
    bucket = settings.name_of(resource_by_id(NOTIFICATION_REPORTS.bucket))
    key = extract_key(day)
    client("s3").put_object(Bucket=bucket, Key=key, Body=logic.ndjson(records), ContentType="application/x-ndjson")
    return {"day": day.isoformat(), "key": key, "records": len(records), "queries": queries}
