"""mobile-n10n's report routes over this platform's records: its query parameters, parsed as its Play binders parse
them, and its reply (a bare array of `NotificationReport`s, oldest first, n10n's field names, absent not null)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from shared import clock
from shared.catalog.notifications import BY_TYPE
from shared.errors import InvalidInput, NotFound
from shared.notifications import logic, payloads, store
from shared.notifications.models import NotificationReport, NotificationType

DEFAULT_FROM = timedelta(weeks=1)
MAX_DAYS = 31
"""n10n refuses a range when Joda's `Days.daysBetween(from, to)` (whole days) is over 31."""
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
"""Play's `QueryStringBindable[Boolean]`."""


def _bad(name: str, kind: str, detail: str = "") -> InvalidInput:
    suffix = f": {detail}" if detail else ""
    return InvalidInput(f"Cannot parse parameter {name} as {kind}{suffix}", [{"field": name, "problem": kind}])


def parse_moment(value: str, name: str) -> datetime:
    """Joda's `DateTime.parse`: ISO-8601; a date alone is midnight; no offset is UTC (n10n's servers run in UTC)."""
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time.min, tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise _bad(name, "DateTime", str(error)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def notification_type(value: str | None) -> NotificationType:
    if value is None:
        raise InvalidInput("Missing parameter: type", [{"field": "type", "problem": "missing"}])
    try:
        return NotificationType(value)
    except ValueError:
        raise _bad("type", "NotificationType") from None


def include_dry_run(value: str | None) -> bool:
    if value is None:
        return False
    try:
        return _BOOLEANS[value.strip()]
    except KeyError:
        raise _bad("includeDryRun", "Boolean") from None


def report_range(since: str | None, until: str | None, now: datetime) -> tuple[str, str]:
    """n10n's defaults (from: a week ago, until: now, each on its own) and cap, as stored timestamps."""
    end = parse_moment(until, "until") if until is not None else now
    start = parse_moment(since, "from") if since is not None else now - DEFAULT_FROM
    if start > end:
        raise InvalidInput(
            f"from ({clock.iso(start)}) is after until ({clock.iso(end)})", [{"field": "from", "problem": "after"}]
        )
    if (end - start).days > MAX_DAYS:
        raise InvalidInput("Date range too big to query", [{"field": "from", "problem": f"over {MAX_DAYS} days"}])
    return clock.iso(start), clock.iso(end)


def list_reports(
    type_: NotificationType, since: str, until: str, dry_runs: bool, page_size: int
) -> list[NotificationReport]:
    """Every record of the type in [since, until], oldest first, every page read here: only dry runs if `dry_runs`,
    else only live ones. Read from `sentTime-index` (n10n's own index), so records n10n wrote are found as written."""
    feed = logic.Feed(BY_TYPE, (type_.value,), since, until, newest_first=False)
    reader = store.FeedReader(feed)
    found: list[NotificationReport] = []
    position: logic.Position | None = logic.decode_cursor(None, feed)
    while position:
        items, position = logic.read_page(feed, position, page_size, reader.read)
        found.extend(r for r in items if r.dry_run == dry_runs)
    return found


def get_report(notification_id: str) -> NotificationReport:
    """One record; n10n binds the id as a UUID, so anything else is a 400."""
    try:
        UUID(notification_id)
    except ValueError:
        raise _bad("id", "UUID") from None
    record = store.get(notification_id)
    if record is None:
        raise NotFound(f"UUID not found: {notification_id}")
    return record


def n10n_view(record: NotificationReport) -> dict[str, Any]:
    """A record as n10n's `NotificationReport` JSON: its seven fields only, absent rather than null."""
    view: dict[str, Any] = {
        "id": record.id,
        "type": record.type.value,
        "notification": payloads.n10n_shape(record.notification),
        "sentTime": record.sentTime,
        "reports": [r.model_dump(mode="json", exclude_none=True) for r in record.reports],
    }
    if record.events is not None:
        view["events"] = {"platformCounts": record.events.platformCounts.model_dump()}
    if record.ttl is not None:
        view["ttl"] = record.ttl
    return view
