"""Received counts: one query over the device `notification/received` logs of a window, then SET on the reports
of the notifications sent inside that window (so a rerun, or an overlapping window, gives the same counts)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from shared import clock
from shared.catalog.notifications import N10N_RAW_EVENTS, NOTIFICATION_RECEIVED
from shared.notifications import store
from shared.notifications.models import PlatformCounts
from shared.query.engine import QueryEngine, QueryResult, Scan, default_engine, hourly_partitions

COUNT_SQL = """
WITH received AS (
  SELECT "notificationId" AS id, "platform" AS platform, "provider" AS provider
  FROM {{received}}
  WHERE ({partition_filter})
    AND "timestamp" BETWEEN ? AND ?
  UNION ALL
  SELECT regexp_extract("querystring", 'notificationId=([A-Za-z0-9_-]+)', 1) AS id,
         regexp_extract("querystring", 'platform=([A-Za-z0-9_-]+)', 1) AS platform,
         regexp_extract("querystring", 'provider=([A-Za-z0-9_-]+)', 1) AS provider
  FROM {{n10n_raw}}
  WHERE ({partition_filter})
    AND "event" = '/notification/received'
    AND "datetime" BETWEEN ? AND ?
)
SELECT id,
       count(*) AS total,
{platform_sums}
FROM received
WHERE id IS NOT NULL AND id <> '' AND id <> 'unknown'
  AND (provider IS NULL OR provider <> 'comment')
GROUP BY id
ORDER BY id
"""
"""Written once for Athena and DuckDB: sum(CASE ...) rather than count_if, string timestamps. Two sources: this
platform's `notification_received` lines and mobile-n10n's raw Fastly lines (`querystring`, `event`, `datetime`),
whose fields are read as n10n's view reads them, but with `-` allowed (n10n's `platform=(\\w+)` cuts `ios-edition`
to `ios`). A regexp that finds nothing is NULL in Athena and '' in DuckDB: both are refused."""

LABELS: dict[str, tuple[str, ...]] = {
    "ios": ("ios",),
    "android": ("android",),
    "iosedition": ("ios-edition", "iosEdition"),
    "androidedition": ("android-edition", "androidEdition"),
}
"""Output label -> the platform values it counts (n10n's names; this platform's older camel-case ones). Labels are
lower-case, as Athena returns them whatever the SQL says."""
_FIELD_OF_LABEL = {"ios": "ios", "android": "android", "iosedition": "iosEdition", "androidedition": "androidEdition"}
"""The `PlatformCounts` field each label fills."""


def count_query(start: datetime, end: datetime) -> tuple[str, list[Any], dict[str, Scan]]:
    """The SQL, its parameters and its scans for the window [start, end]: only the window's hourly partitions."""
    partitions = hourly_partitions(start, end)
    hours: dict[str, list[str]] = defaultdict(list)
    for partition in partitions:
        day, hour = (part.split("=", 1)[1] for part in partition.split("/"))
        hours[day].append(hour)
    partition_params: list[Any] = []
    predicates = []
    for day, day_hours in hours.items():
        predicates.append('("date" = ? AND "hour" BETWEEN ? AND ?)')
        partition_params.extend([day, min(day_hours), max(day_hours)])
    params = [*partition_params, clock.iso(start), clock.iso(end)]
    params += [*partition_params, f"{start:%Y-%m-%dT%H:%M:%S}", f"{end:%Y-%m-%dT%H:%M:%S}"]
    sums = ",\n".join(
        "       sum(CASE WHEN platform IN ("
        + ", ".join(f"'{value}'" for value in values)
        + f") THEN 1 ELSE 0 END) AS {label}"
        for label, values in LABELS.items()
    )
    sql = COUNT_SQL.format(platform_sums=sums, partition_filter=" OR ".join(predicates))
    return (
        sql,
        params,
        {"received": Scan(NOTIFICATION_RECEIVED, partitions), "n10n_raw": Scan(N10N_RAW_EVENTS, partitions)},
    )


def count_received(
    start: datetime, end: datetime, engine: QueryEngine | None = None
) -> tuple[dict[str, PlatformCounts], QueryResult]:
    """Received events per notification id and platform in [start, end] (provider `comment` excluded). Labels are
    read lower-cased: Athena returns `iosedition` for `AS "iosEdition"`."""
    sql, params, scans = count_query(start, end)
    result = (engine or default_engine()).run(sql, params, scans)
    counts = {}
    for record in result.records():
        row = {str(label).lower(): value for label, value in record.items()}
        counts[str(row["id"])] = PlatformCounts(
            total=int(row["total"] or 0), **{_FIELD_OF_LABEL[label]: int(row[label] or 0) for label in LABELS}
        )
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
