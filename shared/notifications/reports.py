"""Serving notification reports: one record by id, or a date range newest first, a page at a time."""

from __future__ import annotations

from datetime import datetime

from shared.errors import NotFound
from shared.notifications import logic, store
from shared.notifications.models import NotificationReport, NotificationType, ReportPage


def get_report(notification_id: str) -> NotificationReport:
    record = store.get(notification_id)
    if record is None:
        raise NotFound(f"no notification with id {notification_id}")
    return record


def list_reports(
    type_: NotificationType | None,
    since: str | None,
    until: str | None,
    include_dry_run: bool,
    limit: int,
    cursor: str | None,
    now: datetime,
) -> ReportPage:
    """A page of the range's records newest first, read from the one index that holds just them, and the next cursor."""
    start, end = logic.report_range(since, until, now)
    feed = logic.feed_for(type_, include_dry_run, start, end)
    reader = store.FeedReader(feed)
    items, following = logic.read_page(feed, logic.decode_cursor(cursor, feed), limit, reader.read)
    next_cursor = logic.encode_cursor(feed, following) if following else None
    return ReportPage(items=items, cursor=next_cursor, itemsRead=reader.items_read)
