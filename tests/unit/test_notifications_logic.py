"""Notification-report logic: windows, ranges, cursors, the k-way merge, the count SQL, batched sends."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.errors import InvalidInput
from shared.notifications import logic
from shared.notifications.models import NotificationReport, NotificationType
from shared.notifications.received import count_query
from shared.query.athena_engine import athena_literal
from shared.queue_batches import send_in_batches

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_the_count_window_defaults_to_the_last_hours_and_a_payload_backfills() -> None:
    assert logic.count_window({"detail": {}}, NOW, 3) == (NOW - timedelta(hours=3), NOW)
    start, end = logic.count_window({"start": "2026-11-01T00:00:00Z", "end": "2026-11-02"}, NOW, 3)
    assert start == datetime(2026, 11, 1, tzinfo=UTC)
    assert end == datetime(2026, 11, 2, tzinfo=UTC)
    with pytest.raises(InvalidInput):
        logic.count_window({"start": "2026-11-02", "end": "2026-11-01"}, NOW, 3)


def test_extract_days_default_to_yesterday_and_backfill_inclusive() -> None:
    assert logic.extract_days({}, NOW) == [date(2026, 11, 19)]
    assert logic.extract_days({"from": "2026-10-30", "to": "2026-11-02"}, NOW) == [
        date(2026, 10, 30),
        date(2026, 10, 31),
        date(2026, 11, 1),
        date(2026, 11, 2),
    ]
    with pytest.raises(InvalidInput):
        logic.extract_days({"from": "2026-11-03", "to": "2026-11-02"}, NOW)


def test_report_range_default_and_until_as_a_date_covers_the_whole_day() -> None:
    assert logic.report_range(None, None, NOW) == ("2026-11-13T12:00:00.000Z", "2026-11-20T12:00:00.000Z")
    assert logic.report_range("2026-11-01", "2026-11-01", NOW) == (
        "2026-11-01T00:00:00.000Z",
        "2026-11-01T23:59:59.999Z",
    )
    assert logic.report_range("2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z", NOW)[0] == "2026-10-01T00:00:00.000Z"
    with pytest.raises(InvalidInput, match="longer than 31 days"):
        logic.report_range("2026-10-01T00:00:00Z", "2026-11-01T00:00:01Z", NOW)


def _record(n: int, type_: NotificationType, sent: datetime) -> NotificationReport:
    return NotificationReport(
        id=f"{n:04d}", type=type_, notification={"dryRun": False}, sentTime=logic.clock.iso(sent), ttl=0
    )


def test_the_merge_pages_every_type_newest_first_with_nothing_lost_or_repeated() -> None:
    rng = random.Random(1)
    types = list(NotificationType)
    streams: dict[NotificationType, list[NotificationReport]] = {t: [] for t in types}
    for n in range(230):
        type_ = rng.choices(types, [8, 1, 1, 0.2])[0]
        streams[type_].append(_record(n, type_, NOW - timedelta(minutes=rng.randint(0, 5000))))
    for items in streams.values():
        items.sort(key=lambda r: (r.sentTime, r.id), reverse=True)
    reads = 0

    def fetch(
        type_: NotificationType, after: dict[str, str] | None, want: int
    ) -> tuple[list[NotificationReport], bool]:
        nonlocal reads
        items = streams[type_]
        start = 0 if after is None else next(i for i, r in enumerate(items) if r.id == after["id"]) + 1
        page = items[start : start + want]
        reads += len(page)
        return page, start + want < len(items)

    seen: list[str] = []
    cursor = logic.decode_cursor(None, types)
    while not logic.is_done(cursor):
        page, cursor = logic.merged_page(types, cursor, 9, fetch)
        assert len(page) <= 9
        cursor = logic.decode_cursor(logic.encode_cursor(cursor), types)
        seen.extend(r.id for r in page)
    everything = sorted((r for s in streams.values() for r in s), key=lambda r: (r.sentTime, r.id), reverse=True)
    assert seen == [r.id for r in everything]
    assert reads < 3 * len(everything)


def test_a_foreign_cursor_is_refused() -> None:
    types = [NotificationType.NEWS]
    with pytest.raises(InvalidInput):
        logic.decode_cursor("%%%", types)
    other = logic.encode_cursor({"content": None})
    with pytest.raises(InvalidInput, match="other types"):
        logic.decode_cursor(other, types)


def test_the_count_sql_prunes_by_partition_and_renders_for_athena() -> None:
    sql, params, scan = count_query(
        datetime(2026, 11, 19, 22, 30, tzinfo=UTC), datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    )
    assert scan.partitions == (
        "date=2026-11-19/hour=22",
        "date=2026-11-19/hour=23",
        "date=2026-11-20/hour=00",
        "date=2026-11-20/hour=01",
    )
    assert params == [
        "2026-11-19",
        "22",
        "23",
        "2026-11-20",
        "00",
        "01",
        "2026-11-19T22:30:00.000Z",
        "2026-11-20T01:00:00.000Z",
    ]
    assert "count_if" not in sql
    assert sql.count("?") == len(params)
    rendered = sql.format(received='"db"."notification_received"')
    assert "sum(CASE WHEN \"platform\" = 'iosEdition' THEN 1 ELSE 0 END)" in rendered
    assert [athena_literal(p) for p in params[:2]] == ["'2026-11-19'", "'22'"]


class _FlakySqs:
    """Refuses chosen entries a number of times, as SQS does when throttled."""

    def __init__(self, refusals: dict[str, int]) -> None:
        self.refusals = refusals
        self.received: list[str] = []

    def send_message_batch(self, **request: Any) -> dict[str, Any]:
        entries: list[dict[str, str]] = request["Entries"]
        assert len(entries) <= 10
        ok, failed = [], []
        for entry in entries:
            if self.refusals.get(entry["MessageBody"], 0) > 0:
                self.refusals[entry["MessageBody"]] -= 1
                failed.append(
                    {"Id": entry["Id"], "Code": "ServiceUnavailable", "Message": "try again", "SenderFault": False}
                )
            else:
                self.received.append(entry["MessageBody"])
                ok.append({"Id": entry["Id"], "MessageId": entry["Id"]})
        return {"Successful": ok, "Failed": failed}


def test_batches_of_ten_with_refused_entries_retried() -> None:
    bodies = [f"m{n}" for n in range(23)]
    sqs = _FlakySqs({"m3": 1, "m15": 2, "m22": 5})
    outcome = send_in_batches("url", bodies, attempts=3, backoff_s=0, sqs=sqs)
    assert sorted(sqs.received) == sorted(b for b in bodies if b != "m22")
    assert outcome.sent == 22
    assert [f["code"] for f in outcome.failed] == ["ServiceUnavailable"]
    assert outcome.calls == 2 + 3 + 3  # m3 refused once, m15 twice, m22 on every attempt
