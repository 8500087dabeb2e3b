"""The received-count consumer over DuckDB and the local S3: window edges, pruning, backfill, reruns, late events,
`comment` events and unknown ids ignored, notifications sent outside the window left alone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from local import lambdas
from local.runtime import LocalRuntime
from shared import clock
from shared.catalog.notifications import RECEIVED_COUNTER
from shared.errors import InvalidInput
from shared.notifications import demo, logic, store
from shared.notifications.models import NotificationRequest, NotificationType
from shared.notifications.received import count_received
from tests.support.notifications import put_received, received

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
START = NOW - timedelta(hours=3)


def _notification(sent: datetime, dry_run: bool = False) -> str:
    request = NotificationRequest(
        id=uuid.uuid4(), type=NotificationType.NEWS, title="t", message="m", topics=["breaking/uk"], dryRun=dry_run
    )
    record = logic.new_record(request, sent, ttl=int(sent.timestamp()) + 86400)
    list(demo.put_records([record]))
    return record.id


def _events(notification_id: str) -> dict[str, int] | None:
    record = store.get(notification_id)
    assert record is not None
    return record.events.platformCounts.model_dump() if record.events else None


def _run(event: dict[str, object] | None = None) -> dict[str, object]:
    clock.set_now(NOW)
    return lambdas.invoke(RECEIVED_COUNTER.name, event or {"detail-type": "Scheduled Event", "detail": {}})


def test_counts_per_platform_ignoring_comments_and_unknown_ids(clean: LocalRuntime) -> None:
    sent = NOW - timedelta(hours=1)
    n = _notification(sent)
    later = sent + timedelta(minutes=2)
    events = [received(n, "ios", later)] * 3 + [received(n, "android", later)] * 2
    events += [received(n, "ios-edition", later), received(n, "android-edition", later)]
    events += [received(n, "ios", later, provider="comment")] * 4
    events += [received(str(uuid.uuid4()), "ios", later)]
    put_received(events)
    summary = _run()
    assert _events(n) == {"total": 7, "ios": 3, "android": 2, "iosEdition": 1, "androidEdition": 1}
    assert summary["updated"] == 1
    assert summary["ignored"] == 1


def test_events_exactly_at_the_window_start_and_end_are_counted(clean: LocalRuntime) -> None:
    at_start = _notification(START)
    put_received(
        [
            received(at_start, "ios", START),
            received(at_start, "android", NOW),
            received(at_start, "android", START - timedelta(milliseconds=1)),
            received(at_start, "android", NOW + timedelta(milliseconds=1)),
        ]
    )
    _run()
    assert _events(at_start) == {"total": 2, "ios": 1, "android": 1, "iosEdition": 0, "androidEdition": 0}


def test_only_the_window_partitions_are_read(clean: LocalRuntime) -> None:
    n = _notification(NOW - timedelta(hours=2))
    moments = [NOW - timedelta(minutes=20 * k) for k in range(0, 90)]
    keys = put_received([received(n, "ios", m) for m in moments], files_per_hour=2)
    in_window = [k for k in keys if any(f"date=2026-11-20/hour={h}/" in k for h in ("09", "10", "11", "12"))]
    assert len(keys) > 50
    assert len(in_window) == 7
    summary = _run()
    assert summary["partitions"] == 4
    assert summary["filesRead"] == len(in_window)
    counts, result = count_received(START, NOW)
    assert result.files_read == len(in_window)
    assert counts[n].ios == 10  # 09:00 to 12:00 every 20 minutes, both ends included


def test_notifications_sent_outside_the_window_are_left_alone(clean: LocalRuntime) -> None:
    old = _notification(START - timedelta(minutes=1))
    put_received([received(old, "ios", NOW - timedelta(minutes=30))])
    summary = _run()
    assert _events(old) is None
    assert summary["ignored"] == 1


def test_a_rerun_gives_the_same_counts_and_late_events_are_added(clean: LocalRuntime) -> None:
    sent = NOW - timedelta(minutes=90)
    n = _notification(sent)
    put_received([received(n, "ios", sent + timedelta(minutes=m)) for m in range(5)])
    _run()
    _run()
    assert _events(n) == {"total": 5, "ios": 5, "android": 0, "iosEdition": 0, "androidEdition": 0}
    put_received([received(n, "android", sent + timedelta(minutes=3))], suffix="-late")
    _run()
    assert _events(n) == {"total": 6, "ios": 5, "android": 1, "iosEdition": 0, "androidEdition": 0}


def test_a_backfill_counts_an_older_window(clean: LocalRuntime) -> None:
    sent = NOW - timedelta(days=2)
    n = _notification(sent)
    put_received([received(n, "android-edition", sent + timedelta(hours=h)) for h in range(4)])
    _run()
    assert _events(n) is None
    summary = _run({"start": clock.iso(sent - timedelta(hours=1)), "end": clock.iso(sent + timedelta(hours=5))})
    assert summary["partitions"] == 7
    assert _events(n) == {"total": 4, "ios": 0, "android": 0, "iosEdition": 0, "androidEdition": 4}


def test_a_backfill_window_must_be_ordered(clean: LocalRuntime) -> None:
    with pytest.raises(InvalidInput, match="not before"):
        _run({"start": clock.iso(NOW), "end": clock.iso(START)})
