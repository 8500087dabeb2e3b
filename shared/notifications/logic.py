"""The notification-report use cases without I/O: records, send requests, windows, date ranges, cursors, merging."""

from __future__ import annotations

import base64
import binascii
import hashlib
import heapq
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from shared import clock
from shared.errors import InvalidInput
from shared.notifications.models import (
    PLATFORMS,
    CountWindow,
    NotificationReport,
    NotificationRequest,
    NotificationType,
    Platform,
    PlatformStatistics,
    PushRequest,
    SenderResult,
    SendRequest,
)

MAX_RANGE = timedelta(days=31)
DEFAULT_RANGE = timedelta(days=7)
SENDER_NAME = "harvester"


def ttl_for(dry_run: bool, sent: datetime, notification_ttl_days: int, dry_run_ttl_days: int) -> int:
    """Epoch seconds after which DynamoDB may delete the record: dry runs go sooner."""
    days = dry_run_ttl_days if dry_run else notification_ttl_days
    return int((sent + timedelta(days=days)).timestamp())


def new_record(request: NotificationRequest, sent: datetime, ttl: int) -> NotificationReport:
    """The initial record: no sender results and no received counts yet."""
    return NotificationReport(
        id=str(request.id),
        type=request.type,
        notification=request.payload(),
        sentTime=clock.iso(sent),
        reports=[],
        ttl=ttl,
    )


def send_requests(request: NotificationRequest, shards: int) -> list[SendRequest]:
    """One harvester message per registration shard."""
    return [SendRequest(notificationId=str(request.id), shard=shard, notification=request) for shard in range(shards)]


def shard_of(token: str, shards: int) -> int:
    """The registration shard of a device token (stable across processes)."""
    return int.from_bytes(hashlib.sha256(token.encode()).digest()[:4], "big") % shards


def sender_results(counts: dict[Platform, int], sent: datetime) -> list[SenderResult]:
    """One sender result per platform (`platformStatistics` names one platform, as in the design and mobile-n10n)."""
    total = sum(counts.values())
    return [
        SenderResult(
            senderName=SENDER_NAME,
            sentTime=clock.iso(sent),
            platformStatistics=PlatformStatistics(platform=platform, recipientsCount=counts.get(platform, 0)),
            totalRegistrationCount=total,
        )
        for platform in PLATFORMS
    ]


def push_requests(send: SendRequest, devices: Iterable[tuple[str, Platform]]) -> list[PushRequest]:
    """One push per device of the shard; a device following several of the topics gets it once."""
    notification = send.notification
    data = {"notificationId": send.notificationId, "type": notification.type.value}
    if notification.link:
        data["link"] = notification.link
    seen: dict[str, Platform] = {}
    for token, platform in devices:
        seen.setdefault(token, platform)
    return [
        PushRequest(
            notificationId=send.notificationId,
            platform=platform,
            token=token,
            title=notification.title,
            body=notification.message,
            data=data,
            dryRun=notification.dryRun,
        )
        for token, platform in sorted(seen.items())
    ]


def parse_moment(value: str, name: str, end_of_day: bool = False) -> datetime:
    """An ISO-8601 date or date-time (UTC if no offset); a date alone is the start (or end) of that day."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max if end_of_day else time.min, tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"{name} {value!r} is not a date: use ISO-8601, e.g. 2026-11-20 or 2026-11-20T05:00:00Z",
            [{"field": name, "problem": "not an ISO-8601 date or date-time"}],
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def report_range(start: str | None, end: str | None, now: datetime) -> tuple[str, str]:
    """The `[from, until]` of a report query as stored timestamps; default the last 7 days, at most 31 days."""
    until = parse_moment(end, "until", end_of_day=True) if end else now
    since = parse_moment(start, "from") if start else until - DEFAULT_RANGE
    if since > until:
        raise InvalidInput(
            f"from ({clock.iso(since)}) is after until ({clock.iso(until)})", [{"field": "from", "problem": "after"}]
        )
    if until - since > MAX_RANGE:
        raise InvalidInput(
            f"the range from {clock.iso(since)} to {clock.iso(until)} is longer than 31 days; ask for 31 days or fewer",
            [{"field": "from", "problem": "range over 31 days"}],
        )
    return clock.iso(since), clock.iso(until)


def count_window(event: dict[str, Any], now: datetime, hours: int) -> tuple[datetime, datetime]:
    """The received-count window: `{start, end}` from the event (a backfill), or the last `hours` hours."""
    if "start" in event or "end" in event:
        window = CountWindow.model_validate(event)
        start, end = parse_moment(window.start, "start"), parse_moment(window.end, "end")
        if start >= end:
            raise InvalidInput(f"the window start {window.start} is not before its end {window.end}")
        return start, end
    return now - timedelta(hours=hours), now


def extract_days(event: dict[str, Any], now: datetime) -> list[date]:
    """The days to extract: yesterday (UTC), or every day of `{from, to}` in the event (a backfill)."""
    if "from" in event or "to" in event:
        first = parse_moment(str(event.get("from") or event.get("to")), "from").date()
        last = parse_moment(str(event.get("to") or event.get("from")), "to").date()
        if first > last:
            raise InvalidInput(f"from {first} is after to {last}")
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [(now - timedelta(days=1)).date()]


def day_bounds(day: date) -> tuple[str, str]:
    """The first and last stored timestamps of a UTC day."""
    return clock.iso(datetime.combine(day, time.min, tzinfo=UTC)), clock.iso(
        datetime.combine(day, time.max, tzinfo=UTC)
    )


# Cursors: base64 of JSON {type: last key read | null (not started) | "done"}.

Cursor = dict[str, dict[str, str] | str | None]
DONE = "done"


def encode_cursor(cursor: Cursor) -> str:
    return base64.urlsafe_b64encode(json.dumps(cursor, sort_keys=True, separators=(",", ":")).encode()).decode()


def decode_cursor(text: str | None, types: list[NotificationType]) -> Cursor:
    """The per-type positions of a cursor from a previous page; InvalidInput if it is not one of ours."""
    if not text:
        return {t.value: None for t in types}
    try:
        raw = json.loads(base64.urlsafe_b64decode(text.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidInput("the cursor is not one this API returned; start again without it") from None
    if not isinstance(raw, dict) or set(raw) != {t.value for t in types}:
        raise InvalidInput("the cursor belongs to a query with other types; start again without it")
    for value in raw.values():
        if not (
            value is None or value == DONE or (isinstance(value, dict) and {"id", "type", "sentTime"} <= set(value))
        ):
            raise InvalidInput("the cursor is not one this API returned; start again without it")
    return raw


def index_key(item: NotificationReport) -> dict[str, str]:
    """The GSI position of an item (table key plus index key): where the next query of its type starts."""
    return {"id": item.id, "type": item.type.value, "sentTime": item.sentTime}


PageFetcher = Callable[[NotificationType, dict[str, str] | None, int], tuple[list[NotificationReport], bool]]
"""(type, start after this key, at most n) -> (items newest first, whether more may follow)."""


def merged_page(
    types: list[NotificationType], cursor: Cursor, limit: int, fetch: PageFetcher
) -> tuple[list[NotificationReport], Cursor]:
    """Newest-first merge of one stream per type, taking `limit` items; each type's position moves past what it gave.

    Streams are read lazily: a type is asked for more only when its buffered items are used up."""
    streams = {t: _Stream(t, cursor.get(t.value), fetch) for t in types}
    share = max(1, -(-limit // max(1, len(types))))
    heap: list[tuple[_Newest, str]] = []
    for stream in streams.values():
        stream.refill(share)
        if stream.buffer:
            heapq.heappush(heap, (_Newest(stream.buffer[0]), stream.type.value))
    taken: list[NotificationReport] = []
    while heap and len(taken) < limit:
        _, type_value = heapq.heappop(heap)
        stream = streams[NotificationType(type_value)]
        item = stream.buffer.pop(0)
        taken.append(item)
        stream.position = index_key(item)
        if not stream.buffer:
            stream.refill(limit - len(taken))
        if stream.buffer:
            heapq.heappush(heap, (_Newest(stream.buffer[0]), type_value))
    return taken, {t.value: s.next_position() for t, s in streams.items()}


class _Newest:
    """Heap order: newest sentTime first, then id descending (a total order, so pages never overlap)."""

    def __init__(self, item: NotificationReport) -> None:
        self.key = (item.sentTime, item.id)

    def __lt__(self, other: _Newest) -> bool:
        return self.key > other.key


class _Stream:
    def __init__(self, type_: NotificationType, start: dict[str, str] | str | None, fetch: PageFetcher) -> None:
        self.type = type_
        self.fetch = fetch
        self.position: dict[str, str] | None = start if isinstance(start, dict) else None
        self.exhausted = start == DONE
        self.more = not self.exhausted
        self.buffer: list[NotificationReport] = []

    def refill(self, want: int) -> None:
        if not self.more or want <= 0:
            return
        items, self.more = self.fetch(self.type, self.position, want)
        self.buffer.extend(items)

    def next_position(self) -> dict[str, str] | str | None:
        if not self.buffer and not self.more:
            return DONE
        return self.position


def is_done(cursor: Cursor) -> bool:
    return all(value == DONE for value in cursor.values())


def report_row(record: NotificationReport) -> dict[str, Any]:
    """One line of the data-lake extract: flat columns (see the `notification_reports` lake table)."""
    recipients = {p: 0 for p in PLATFORMS}
    total_registrations = 0
    for result in record.reports:
        if result.platformStatistics:
            recipients[result.platformStatistics.platform] = result.platformStatistics.recipientsCount
        total_registrations = max(total_registrations, result.totalRegistrationCount or 0)
    counts = record.events.platformCounts if record.events else None
    row: dict[str, Any] = {
        "id": record.id,
        "type": record.type.value,
        "sentTime": record.sentTime,
        "dryRun": record.dry_run,
        "title": record.notification.get("title"),
        "message": record.notification.get("message"),
        "topics": record.notification.get("topics", []),
        "totalRegistrationCount": total_registrations,
    }
    row.update({f"recipients_{p}": recipients[p] for p in PLATFORMS})
    row["received_total"] = counts.total if counts else 0
    row.update({f"received_{p}": getattr(counts, p) if counts else 0 for p in PLATFORMS})
    return row


def ndjson(records: Iterable[NotificationReport]) -> bytes:
    """The extract of a day, in a fixed order (sentTime, id) so a rerun writes the same bytes."""
    ordered = sorted(records, key=lambda r: (r.sentTime, r.id))
    return "".join(json.dumps(report_row(r), sort_keys=True, separators=(",", ":")) + "\n" for r in ordered).encode()


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
