"""The daily extract: every notification report sent on a day, every page of it, as NDJSON in the data lake."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.aws import client
from shared.catalog import resource_by_id
from shared.catalog.notifications import NOTIFICATION_REPORTS
from shared.notifications import logic, store
from shared.notifications.models import NotificationReport, NotificationType
from shared.settings import get_settings


def extract_key(day: date) -> str:
    return f"{NOTIFICATION_REPORTS.prefix}/date={day:%Y-%m-%d}/notifications.json"


def records_of_day(day: date, page_size: int) -> tuple[list[NotificationReport], int]:
    """Every record sent on `day` (dry runs included, flagged), reading each type's GSI range to its last page."""
    since, until = logic.day_bounds(day)
    query = store.SentQuery(since, until, include_dry_run=True, newest_first=False)
    records: list[NotificationReport] = []
    for type_ in NotificationType:
        position: dict[str, str] | None = None
        more = True
        while more:
            items, more = query.page(type_, position, page_size)
            records.extend(items)
            if items:
                position = logic.index_key(items[-1])
    return records, query.queries


def extract_day(day: date) -> dict[str, Any]:
    """Write (or overwrite, with the same bytes) the day's extract."""
    settings = get_settings()
    records, queries = records_of_day(day, settings.notification_page_size)
    bucket = settings.name_of(resource_by_id(NOTIFICATION_REPORTS.bucket))
    key = extract_key(day)
    client("s3").put_object(Bucket=bucket, Key=key, Body=logic.ndjson(records), ContentType="application/x-ndjson")
    return {"day": day.isoformat(), "key": key, "records": len(records), "queries": queries}
