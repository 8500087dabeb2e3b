"""Received counts: one query over the device `notification/received` logs of a window, then SET on the reports
of the notifications sent inside that window (so a rerun, or an overlapping window, gives the same counts)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from shared import clock
from shared.catalog.notifications import NOTIFICATION_RECEIVED
from shared.notifications import store
from shared.notifications.models import PLATFORMS, PlatformCounts
from shared.query.engine import QueryEngine, QueryResult, Scan, default_engine, hourly_partitions

COUNT_SQL = """
SELECT "notificationId" AS id,
       count(*) AS total,
{platform_sums}
FROM {{received}}
WHERE ({partition_filter})
  AND "timestamp" BETWEEN ? AND ?
  AND "notificationId" IS NOT NULL
  AND ("provider" IS NULL OR "provider" <> 'comment')
GROUP BY "notificationId"
ORDER BY "notificationId"
"""
"""Written once for Athena and DuckDB: sum(CASE ...) rather than count_if, string timestamps in `clock.iso` form."""


def count_query(start: datetime, end: datetime) -> tuple[str, list[Any], Scan]:
    """The SQL, its parameters and its scan for the window [start, end]: only the window's hourly partitions."""
    partitions = hourly_partitions(start, end)
    hours: dict[str, list[str]] = defaultdict(list)
    for partition in partitions:
        day, hour = (part.split("=", 1)[1] for part in partition.split("/"))
        hours[day].append(hour)
    params: list[Any] = []
    predicates = []
    for day, day_hours in hours.items():
        predicates.append('("date" = ? AND "hour" BETWEEN ? AND ?)')
        params.extend([day, min(day_hours), max(day_hours)])
    params.extend([clock.iso(start), clock.iso(end)])
    sums = ",\n".join(
        f'       sum(CASE WHEN "platform" = \'{platform}\' THEN 1 ELSE 0 END) AS "{platform}"' for platform in PLATFORMS
    )
    sql = COUNT_SQL.format(platform_sums=sums, partition_filter=" OR ".join(predicates))
    return sql, params, Scan(NOTIFICATION_RECEIVED, partitions)


def count_received(
    start: datetime, end: datetime, engine: QueryEngine | None = None
) -> tuple[dict[str, PlatformCounts], QueryResult]:
    """Received events per notification id and platform in [start, end] (provider `comment` excluded). Labels are
    read lower-cased: Athena returns `iosedition` for `AS "iosEdition"`."""
    sql, params, scan = count_query(start, end)
    result = (engine or default_engine()).run(sql, params, {"received": scan})
    rows = ({label.lower(): value for label, value in row.items()} for row in result.records())
    counts = {
        str(row["id"]): PlatformCounts(total=int(row["total"] or 0), **{p: int(row[p.lower()] or 0) for p in PLATFORMS})
        for row in rows
    }
    return counts, result


def update_received_counts(start: datetime, end: datetime, engine: QueryEngine | None = None) -> dict[str, Any]:
    """Count the window and SET the counts of the notifications sent inside it; unknown ids are ignored."""
    counts, result = count_received(start, end, engine)
    since, until = clock.iso(start), clock.iso(end)
    updated = [
        notification_id for notification_id, c in counts.items() if store.set_events(notification_id, c, since, until)
    ]
    return {
        "start": since,
        "end": until,
        "notificationsSeen": len(counts),
        "updated": len(updated),
        "ignored": len(counts) - len(updated),
        "filesRead": result.files_read,
        "partitions": len(hourly_partitions(start, end)),
        "bytesScanned": result.bytes_scanned,
    }
