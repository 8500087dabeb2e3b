"""The notification-reports demo loader: three days of notifications, their received logs, counted, and devices."""

from __future__ import annotations

from datetime import timedelta
from typing import TextIO

from local.progress import counted
from shared import clock
from shared.notifications import demo, registrations
from shared.notifications.received import update_received_counts

DAYS = 3
PER_DAY = 16
DEVICES = 400


def load_notifications(stream: TextIO) -> str:
    now = clock.now()
    records = demo.notification_records(now, DAYS, PER_DAY)
    for _ in counted(demo.put_records(records), "notifications", len(records), stream):
        pass
    objects = demo.log_objects(demo.received_events(records))
    for _ in counted(demo.put_logs(objects), "received-log files", len(objects), stream):
        pass
    summary = update_received_counts(now - timedelta(days=DAYS, hours=1), now)
    devices = registrations.register(demo.device_registrations(DEVICES))
    dry_runs = sum(1 for r in records if r.dry_run)
    return (
        f"{len(records)} notifications ({dry_runs} dry runs) over {DAYS} days, {len(objects)} received-log files, "
        f"received counts set on {summary['updated']}, {devices} device registrations"
    )
