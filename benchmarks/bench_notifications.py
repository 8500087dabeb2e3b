"""Notification reports: DynamoDB items read per dashboard query, and received-log files read per consumer run,
each as a ratio to what was needed, beside an unindexed / unpruned baseline measured in the same run.

Run: .venv/bin/python benchmarks/bench_notifications.py
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LOCAL_STATE_DIR", str(Path(__file__).resolve().parent.parent / ".local" / "bench-state"))

from boto3.dynamodb.conditions import Attr

from local.progress import counted
from local.runtime import LocalRuntime
from shared import clock
from shared.aws import client, resource
from shared.catalog.notifications import NOTIFICATION_RECEIVED, NOTIFICATIONS
from shared.notifications import demo, logic, reports
from shared.notifications.models import NotificationType
from shared.notifications.received import count_query
from shared.query.duckdb_engine import DuckDbEngine
from shared.query.engine import Scan
from shared.settings import get_settings

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAYS = 365
PER_DAY = 24
PAGE = 50


def dashboard(type_: NotificationType | None, include_dry_run: bool) -> tuple[int, int, int]:
    """Every page of the last 7 days through the report service, cursor and all: (items read, returned, pages)."""
    cursor: str | None = None
    read = returned = pages = 0
    while True:
        page = reports.list_reports(type_, None, None, include_dry_run, PAGE, cursor, NOW)
        read += page.itemsRead
        returned += len(page.items)
        pages += 1
        cursor = page.cursor
        if cursor is None:
            return read, returned, pages


def scan_baseline(type_: NotificationType | None, include_dry_run: bool) -> tuple[int, int]:
    """The same question answered by a Scan with a filter: (items read, items returned)."""
    since, until = logic.report_range(None, None, NOW)
    condition = Attr("sentTime").between(since, until)
    if type_:
        condition = condition & Attr("type").eq(type_.value)
    if not include_dry_run:
        condition = condition & (Attr("notification.dryRun").not_exists() | Attr("notification.dryRun").eq(False))
    table = resource("dynamodb").Table(get_settings().name_of(NOTIFICATIONS))
    params: dict[str, Any] = {"FilterExpression": condition}
    read = returned = 0
    while True:
        reply = table.scan(**params)
        read += reply["ScannedCount"]
        returned += reply["Count"]
        if "LastEvaluatedKey" not in reply:
            return read, returned
        params["ExclusiveStartKey"] = reply["LastEvaluatedKey"]


def files_in(partitions: tuple[str, ...]) -> int:
    s3 = client("s3")
    bucket = get_settings().resources["EVENT_LOGS_BUCKET"]
    total = 0
    for partition in partitions:
        prefix = f"{NOTIFICATION_RECEIVED.prefix}/{partition}/"
        total += s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("KeyCount", 0)
    return total


def main() -> None:
    runtime = LocalRuntime().start()
    try:
        records = demo.notification_records(NOW, DAYS, PER_DAY, seed=21, dry_run_share=0.1)
        print(f"loading {len(records)} notifications over {DAYS} days ...", flush=True)
        for _ in counted(demo.put_records(records), "notifications", len(records), every=5):
            pass
        print("\nDynamoDB items read per dashboard query (7-day window, all pages of 50), read / returned:")
        print(f"{'query':44} {'GSI Query':>10} {'Scan baseline':>14} {'returned':>9} {'pages':>6}")
        for label, type_, dry in (
            ("type=news, includeDryRun=true", NotificationType.NEWS, True),
            ("type=news (dry runs excluded)", NotificationType.NEWS, False),
            ("all types, includeDryRun=true", None, True),
            ("all types (dry runs excluded)", None, False),
        ):
            read, returned, pages = dashboard(type_, dry)
            scan_read, scan_returned = scan_baseline(type_, dry)
            assert scan_returned == returned, (scan_returned, returned)
            print(f"{label:44} {read / returned:>10.3f} {scan_read / scan_returned:>14.1f} {returned:>9} {pages:>6}")

        recent = [r for r in records if r.sentTime >= clock.iso(NOW - timedelta(days=2))]
        objects = demo.log_objects(demo.received_events(recent), files_per_hour=3)
        print(f"\nloading {len(objects)} received-log files for the last 2 days ...", flush=True)
        for _ in counted(demo.put_logs(objects), "files", len(objects), every=5):
            pass
        start = NOW - timedelta(hours=get_settings().received_window_hours)
        sql, params, scans = count_query(start, NOW)
        scan = scans["received"]
        assert scan.partitions is not None
        needed = files_in(scan.partitions)
        pruned = DuckDbEngine().run(sql, params, scans)
        unpruned = DuckDbEngine().run(sql, params, {name: Scan(s.table, None) for name, s in scans.items()})
        assert pruned.rows == unpruned.rows
        print("\nReceived-log files read per consumer run (3-hour window), read / files in the window:")
        print(f"  pruned to the window's partitions : {pruned.files_read / needed:.2f}  ({pruned.files_read}/{needed})")
        print(
            f"  unpruned baseline (whole table)   : {unpruned.files_read / needed:.2f}  "
            f"({unpruned.files_read}/{needed})"
        )
    finally:
        runtime.stop()


if __name__ == "__main__":
    main()
