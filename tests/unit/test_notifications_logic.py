"""Notification-report logic: windows, ranges, feeds and cursors, paging across days, the count SQL, batched sends."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.catalog.notifications import BY_DAY, BY_TYPE, LIVE_BY_DAY, LIVE_BY_TYPE
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


def _record(n: int, type_: NotificationType, sent: datetime, dry_run: bool = False) -> NotificationReport:
    return NotificationReport(
        id=f"{n:04d}", type=type_, notification={"dryRun": dry_run}, sentTime=logic.clock.iso(sent), ttl=0
    )


def test_each_query_reads_the_index_that_holds_just_what_it_asks_for() -> None:
    since, until = "2026-11-18T12:00:00.000Z", "2026-11-20T12:00:00.000Z"
    typed = logic.feed_for(NotificationType.NEWS, True, since, until)
    assert (typed.index, typed.partitions) == (BY_TYPE, ("news",))
    assert logic.feed_for(NotificationType.NEWS, False, since, until).index == LIVE_BY_TYPE
    every = logic.feed_for(None, True, since, until)
    assert (every.index, every.partitions) == (BY_DAY, ("2026-11-20", "2026-11-19", "2026-11-18"))
    live = logic.feed_for(None, False, since, until, newest_first=False)
    assert (live.index, live.partitions) == (LIVE_BY_DAY, ("2026-11-18", "2026-11-19", "2026-11-20"))


def test_a_dry_run_carries_no_key_of_the_live_indexes() -> None:
    sent = datetime(2026, 11, 20, 23, 59, tzinfo=UTC)
    assert logic.index_attributes(_record(1, NotificationType.NEWS, sent)) == {
        "sentDay": "2026-11-20",
        "liveType": "news",
        "liveDay": "2026-11-20",
    }
    assert logic.index_attributes(_record(2, NotificationType.NEWS, sent, dry_run=True)) == {"sentDay": "2026-11-20"}


class _Partitions:
    """Index partitions answering as DynamoDB does: at most `limit` items, a last key whenever the limit (or a
    response-size cut, here at 7 items) stopped the read, even if nothing follows."""

    def __init__(self, feed: logic.Feed, records: list[NotificationReport]) -> None:
        self.feed = feed
        self.records = sorted(records, key=lambda r: (r.sentTime, r.id), reverse=feed.newest_first)
        self.reads = 0

    def read(
        self, partition: str, after: dict[str, str] | None, limit: int
    ) -> tuple[list[NotificationReport], dict[str, str] | None]:
        items = [r for r in self.records if r.sentTime[:10] == partition]
        start = 0 if after is None else next(i for i, r in enumerate(items) if r.id == after["id"]) + 1
        page = items[start : start + min(limit, 7)]
        self.reads += len(page)
        stopped = len(page) == min(limit, 7) and page
        return page, {"id": page[-1].id, "sentTime": page[-1].sentTime, "sentDay": partition} if stopped else None


@pytest.mark.parametrize("limit", [1, 9, 50, 200])
def test_pages_cross_days_newest_first_reading_each_item_once(limit: int) -> None:
    rng = random.Random(limit)
    records = [
        _record(n, rng.choice(list(NotificationType)), NOW - timedelta(minutes=rng.randint(0, 7 * 24 * 60)))
        for n in range(230)
    ]
    since, until = logic.report_range(None, None, NOW)
    feed = logic.feed_for(None, True, since, until)
    index = _Partitions(feed, records)
    seen: list[str] = []
    cursor: str | None = None
    while True:
        page, following = logic.read_page(feed, logic.decode_cursor(cursor, feed), limit, index.read)
        assert len(page) <= limit
        seen.extend(r.id for r in page)
        if following is None:
            break
        cursor = logic.encode_cursor(feed, following)
    assert seen == [r.id for r in index.records if since <= r.sentTime <= until]
    assert index.reads == len(seen)


def test_a_foreign_cursor_is_refused() -> None:
    since, until = logic.report_range(None, None, NOW)
    feed = logic.feed_for(None, False, since, until)
    mine = logic.Position("2026-11-19", {"id": "x", "sentTime": "2026-11-19T01:00:00.000Z", "liveDay": "2026-11-19"})
    assert logic.decode_cursor(logic.encode_cursor(feed, mine), feed) == mine
    with pytest.raises(InvalidInput, match="not one this API returned"):
        logic.decode_cursor("%%%", feed)
    other_query = logic.feed_for(NotificationType.NEWS, False, since, until)
    with pytest.raises(InvalidInput, match="another type or dry-run"):
        logic.decode_cursor(logic.encode_cursor(other_query, logic.Position("news")), feed)
    with pytest.raises(InvalidInput, match="outside this query's date range"):
        logic.decode_cursor(logic.encode_cursor(feed, logic.Position("2026-10-01")), feed)
    tampered = logic.Position("2026-11-19", {"id": "x", "sentTime": "t", "liveDay": "2026-11-18"})
    with pytest.raises(InvalidInput, match="not one this API returned"):
        logic.decode_cursor(logic.encode_cursor(feed, tampered), feed)


def test_the_count_sql_prunes_by_partition_and_renders_for_athena() -> None:
    sql, params, scans = count_query(
        datetime(2026, 11, 19, 22, 30, tzinfo=UTC), datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    )
    scan = scans["received"]
    assert scans["n10n_raw"].partitions == scan.partitions
    assert scan.partitions == (
        "date=2026-11-19/hour=22",
        "date=2026-11-19/hour=23",
        "date=2026-11-20/hour=00",
        "date=2026-11-20/hour=01",
    )
    partitions = ["2026-11-19", "22", "23", "2026-11-20", "00", "01"]
    assert params == [
        *partitions,
        "2026-11-19T22:30:00.000Z",
        "2026-11-20T01:00:00.000Z",
        *partitions,
        "2026-11-19T22:30:00",
        "2026-11-20T01:00:00",
    ], "n10n's raw lines carry `datetime` without milliseconds or zone"
    assert "count_if" not in sql
    assert sql.count("?") == len(params)
    rendered = sql.format(received='"db"."notification_received"', n10n_raw='"db"."n10n_raw_events"')
    assert "sum(CASE WHEN platform IN ('ios-edition', 'iosEdition') THEN 1 ELSE 0 END) AS iosedition" in rendered
    assert "id <> 'unknown'" in rendered
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
