"""The notification-report use cases without I/O: records, send requests, windows, date ranges, feeds, cursors."""

from __future__ import annotations

import calendar
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from shared import clock
from shared.catalog.model import Index
from shared.catalog.notifications import BY_DAY, BY_TYPE, LIVE_BY_DAY, LIVE_BY_TYPE
from shared.errors import InvalidInput
from shared.items import decode_token, encode_token
from shared.notifications.models import (
    COUNT_FIELDS,
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


def ttl_for(type_: NotificationType, dry_run: bool, sent: datetime, dry_run_ttl_days: int, months: int) -> int | None:
    """Epoch seconds after which DynamoDB may delete the record, by mobile-n10n's rules: live breaking news is kept
    for good (None), a breaking-news dry run `dry_run_ttl_days` days, every other type `months` calendar months."""
    if type_ is NotificationType.NEWS:
        return int((sent + timedelta(days=dry_run_ttl_days)).timestamp()) if dry_run else None
    return int(add_months(sent, months).timestamp())


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later, on the month's last day when it is shorter (Joda's plusMonths)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


QUEUEING_LEASE = timedelta(minutes=2)
"""How long a request may queue a notification's send requests before a POST of the same id may take over (far
longer than the API function's timeout)."""


def queueing_lease(now: datetime) -> str:
    """A lease on queueing a notification's shards: when it began (so it can expire) and a token no other holds."""
    return f"{clock.iso(now)}#{uuid.uuid4().hex[:12]}"


def new_record(
    request: NotificationRequest,
    sent: datetime,
    ttl: int | None,
    unqueued: list[int] | None = None,
    lease: str | None = None,
    payload: dict[str, Any] | None = None,
) -> NotificationReport:
    """The initial record: no sender results or received counts yet; for a send, the shards still to queue and the
    creator's queueing lease. `payload`: the notification as posted (n10n's shape), else the request's."""
    return NotificationReport(
        id=str(request.id),
        type=request.type,
        notification=payload if payload is not None else request.payload(),
        sentTime=clock.iso(sent),
        reports=[],
        ttl=ttl,
        unqueuedShards=unqueued,
        queueingSince=lease,
    )


def send_requests(request: NotificationRequest, shards: Iterable[int]) -> list[SendRequest]:
    """One harvester message per registration shard."""
    return [SendRequest(notificationId=str(request.id), shard=shard, notification=request) for shard in shards]


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


# Feeds: the index that answers a report query exactly, positions in it, and the opaque cursor of a position.


@dataclass(frozen=True)
class Feed:
    """A report query as index reads: the partitions of `index` in reading order, each read between `since` and
    `until` (stored timestamps, both included)."""

    index: Index
    partitions: tuple[str, ...]
    since: str
    until: str
    newest_first: bool = True

    @property
    def query(self) -> str:
        """What a cursor must have come from: the index, and the type for a by-type feed."""
        by_day = self.index in (BY_DAY, LIVE_BY_DAY)
        return self.index.name if by_day else f"{self.index.name}/{self.partitions[0]}"


@dataclass(frozen=True)
class Position:
    """Where a page starts: a partition of the feed and the last key read in it (None: from its beginning)."""

    partition: str
    key: dict[str, str] | None = None


def feed_for(
    type_: NotificationType | None, include_dry_run: bool, since: str, until: str, newest_first: bool = True
) -> Feed:
    """A type reads its partition of the by-type index; no type reads the by-day index a day at a time. Without dry
    runs the sparse `live` index of either is read, which holds no dry run, so nothing read is ever dropped."""
    if type_:
        return Feed(BY_TYPE if include_dry_run else LIVE_BY_TYPE, (type_.value,), since, until, newest_first)
    first, last = date.fromisoformat(since[:10]), date.fromisoformat(until[:10])
    days = tuple((first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1))
    return Feed(
        BY_DAY if include_dry_run else LIVE_BY_DAY, days[::-1] if newest_first else days, since, until, newest_first
    )


def index_attributes(record: NotificationReport) -> dict[str, str]:
    """The attributes the report indexes are keyed on besides `type` and `sentTime`; a dry run has no `live` ones."""
    day = record.sentTime[:10]
    attributes = {BY_DAY.partition_key.name: day}
    if not record.dry_run:
        attributes[LIVE_BY_TYPE.partition_key.name] = record.type.value
        attributes[LIVE_BY_DAY.partition_key.name] = day
    return attributes


_NOT_OURS = "the cursor is not one this API returned; start again without it"


def encode_cursor(feed: Feed, position: Position) -> str:
    return encode_token({"query": feed.query, "partition": position.partition, "key": position.key})


def decode_cursor(text: str | None, feed: Feed) -> Position:
    """The position a cursor from a previous page points at (the feed's start without one); InvalidInput if the
    cursor is not ours or belongs to another query."""
    if not text:
        return Position(feed.partitions[0])
    raw = decode_token(text, _NOT_OURS)
    if not isinstance(raw, dict) or set(raw) != {"query", "partition", "key"}:
        raise InvalidInput(_NOT_OURS)
    if raw["query"] != feed.query:
        raise InvalidInput("the cursor belongs to a query with another type or dry-run choice; start again without it")
    if raw["partition"] not in feed.partitions:
        raise InvalidInput("the cursor points outside this query's date range; start again without it")
    key = raw["key"]
    partition_key = feed.index.partition_key.name
    if key is not None and not (
        isinstance(key, dict)
        and set(key) == {"id", "sentTime", partition_key}
        and all(isinstance(v, str) for v in key.values())
        and key[partition_key] == raw["partition"]
    ):
        raise InvalidInput(_NOT_OURS)
    return Position(raw["partition"], key)


PartitionReader = Callable[[str, dict[str, str] | None, int], tuple[list[NotificationReport], dict[str, str] | None]]
"""(partition, start after this key, at most n) -> (items in feed order, the last key read if more may follow)."""


def read_page(
    feed: Feed, start: Position, limit: int, read: PartitionReader
) -> tuple[list[NotificationReport], Position | None]:
    """Up to `limit` items from `start` on, partition after partition, and where the next page starts (None: the end).

    Every read asks for just the items still wanted, so no item is read twice, on this page or the next."""
    found: list[NotificationReport] = []
    first = feed.partitions.index(start.partition)
    key = start.key
    for offset, partition in enumerate(feed.partitions[first:], start=first):
        while True:
            items, key = read(partition, key, limit - len(found))
            found.extend(items)
            if key is None:
                break
            if len(found) >= limit:
                return found, Position(partition, key)
        if len(found) >= limit:
            following = offset + 1
            return found, Position(feed.partitions[following]) if following < len(feed.partitions) else None
    return found, None


def report_row(record: NotificationReport) -> dict[str, Any]:
    """One line of the data-lake extract: flat columns (see the `notification_reports` lake table)."""
    recipients = {p: 0 for p in PLATFORMS}
    total_registrations = 0
    for result in record.reports:
        stats = result.platformStatistics
        if stats and stats.platform in recipients:
            recipients[stats.platform] = stats.recipientsCount
        total_registrations = max(total_registrations, result.totalRegistrationCount or 0)
    counts = record.events.platformCounts if record.events else None
    row: dict[str, Any] = {
        "id": record.id,
        "type": record.type.value,
        "sentTime": record.sentTime,
        "dryRun": record.dry_run,
        "title": record.notification.get("title"),
        "message": record.notification.get("message"),
        "topics": _topic_names(record.notification),
        "totalRegistrationCount": total_registrations,
    }
    row.update({f"recipients_{COUNT_FIELDS[p]}": recipients[p] for p in PLATFORMS})
    row["received_total"] = counts.total if counts else 0
    row.update({f"received_{COUNT_FIELDS[p]}": getattr(counts, COUNT_FIELDS[p]) if counts else 0 for p in PLATFORMS})
    return row


def _topic_names(notification: dict[str, Any]) -> list[str]:
    """The topics of a payload of either shape, as `type/name` strings."""
    if "topics" in notification:
        return list(notification["topics"])
    return [f"{t.get('type')}/{t.get('name')}" for t in notification.get("topic", []) if isinstance(t, dict)]


def ndjson(records: Iterable[NotificationReport]) -> bytes:
    """The extract of a day, in a fixed order (sentTime, id) so a rerun writes the same bytes."""
    ordered = sorted(records, key=lambda r: (r.sentTime, r.id))
    return "".join(json.dumps(report_row(r), sort_keys=True, separators=(",", ":")) + "\n" for r in ordered).encode()
