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
    """A page of the range's records (one GSI query per type, merged newest first) and the cursor of the next."""
    start, end = logic.report_range(since, until, now)
    types = [type_] if type_ else list(NotificationType)
    position = logic.decode_cursor(cursor, types)
    if logic.is_done(position):
        return ReportPage(items=[], cursor=None)
    query = store.SentQuery(start, end, include_dry_run)
    items, following = logic.merged_page(types, position, limit, query.page)
    next_cursor = None if logic.is_done(following) else logic.encode_cursor(following)
    return ReportPage(items=items, cursor=next_cursor, itemsRead=query.items_read)
