"""Cron maths in one place: validation, next run times (DST-aware, via cronsim) and conversion to and from the
six-field `cron(...)` of EventBridge. The API speaks standard five-field cron plus an IANA timezone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from shared.errors import InvalidInput


def zone(timezone: str) -> ZoneInfo:
    """The IANA timezone named `timezone`, or InvalidInput naming it."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown timezone {timezone!r}: use an IANA name such as 'Europe/London'") from None


def parse(expression: str) -> list[str]:
    """The five fields of a standard cron expression, checked by cronsim; InvalidInput says what is wrong."""
    fields = expression.split()
    if len(fields) != 5:
        raise InvalidInput(
            f"cron {expression!r} has {len(fields)} fields; give five: minute hour day-of-month month day-of-week"
        )
    try:
        CronSim(expression, datetime(2000, 1, 1))
    except CronSimError as error:
        raise InvalidInput(f"cron {expression!r} is not valid: {error}") from None
    if fields[2] not in ("*", "?") and fields[4] not in ("*", "?"):
        raise InvalidInput(
            f"cron {expression!r} restricts both day-of-month and day-of-week; EventBridge cannot express that, "
            "so restrict only one of them"
        )
    return fields


def runs(expression: str, timezone: str, after: datetime) -> Iterator[datetime]:
    """The run times of `expression` in `timezone` strictly after `after` (aware), as aware datetimes in that zone."""
    parse(expression)
    return CronSim(expression.replace("?", "*"), after.astimezone(zone(timezone)))


def next_runs(expression: str, timezone: str, after: datetime, count: int = 3) -> list[datetime]:
    return list(islice(runs(expression, timezone, after), count))


FREQUENCY_PROBE_RUNS = 1500
"""How many consecutive runs `shortest_gap` inspects: enough to see every gap of a pattern restricted to some days."""


def shortest_gap(expression: str, start: datetime = datetime(2026, 1, 1, tzinfo=UTC)) -> timedelta | None:
    """The shortest gap between consecutive runs of the pattern (in UTC, so DST never fakes a short gap);
    None when it fires at most once in the runs inspected."""
    smallest: timedelta | None = None
    previous: datetime | None = None
    for moment in islice(runs(expression, "UTC", start), FREQUENCY_PROBE_RUNS):
        if previous is not None:
            gap = moment - previous
            smallest = gap if smallest is None else min(smallest, gap)
        previous = moment
    return smallest


def check_schedule(expression: str, timezone: str, minimum: timedelta = timedelta(minutes=15)) -> None:
    """Everything the API refuses in a schedule, each with a sentence: a malformed cron, both day fields restricted,
    an unknown timezone, runs closer together than `minimum`."""
    parse(expression)
    zone(timezone)
    gap = shortest_gap(expression)
    if gap is not None and gap < minimum:
        raise InvalidInput(
            f"cron {expression!r} runs every {int(gap.total_seconds() // 60)} minute(s); "
            f"schedules may run at most every {int(minimum.total_seconds() // 60)} minutes"
        )


def describe(expression: str) -> str:
    """A human sentence for the expression ('At 09:00 on Monday')."""
    parse(expression)
    return CronSim(expression.replace("?", "*"), datetime(2000, 1, 1)).explain()


def _dow_to_eventbridge(field: str) -> str:
    """Standard cron numbers Sunday 0 (or 7); EventBridge numbers Sunday 1. Names pass through."""

    def shift(match: re.Match[str]) -> str:
        return str(int(match.group(0)) % 7 + 1)

    if field in ("*", "?"):
        return field
    out = []
    for part in field.split(","):
        body, _, step = part.partition("/")
        body = re.sub(r"\d+", shift, body) if not body.startswith("*") else body
        out.append(body + (f"/{step}" if step else ""))
    return ",".join(out).upper()


def _dow_from_eventbridge(field: str) -> str:
    def shift(match: re.Match[str]) -> str:
        return str((int(match.group(0)) - 1) % 7)

    if field in ("*", "?"):
        return "*"
    return ",".join(
        re.sub(r"\d+", shift, part.partition("/")[0]) + ("/" + part.partition("/")[2] if part.partition("/")[2] else "")
        for part in field.split(",")
    )


def to_eventbridge(expression: str) -> str:
    """Five-field cron to EventBridge's `cron(minutes hours day-of-month month day-of-week year)`."""
    minute, hour, dom, month, dow = parse(expression)
    if dow not in ("*", "?"):
        dom, dow = "?", _dow_to_eventbridge(dow)
    else:
        dow = "?"
        dom = "*" if dom == "?" else dom
    return f"cron({minute} {hour} {dom} {month} {dow} *)"


def from_eventbridge(expression: str) -> str:
    """EventBridge `cron(...)` (year `*` only) or `rate(N unit)` back to a five-field cron for the local scheduler."""
    rate = re.fullmatch(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)", expression)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        return {"minute": f"*/{value} * * * *", "hour": f"0 */{value} * * *", "day": f"0 0 */{value} * *"}[unit]
    inner = re.fullmatch(r"cron\((.+)\)", expression)
    if not inner or len(inner.group(1).split()) != 6:
        raise InvalidInput(f"{expression!r} is not an EventBridge cron(...) or rate(...) expression")
    minute, hour, dom, month, dow, year = inner.group(1).split()
    if year != "*":
        raise InvalidInput(f"{expression!r}: only a year of '*' is supported")
    minute = re.sub(r"^(\d+)/(\d+)$", r"\1-59/\2", minute)
    hour = re.sub(r"^(\d+)/(\d+)$", r"\1-23/\2", hour)
    return " ".join((minute, hour, "*" if dom == "?" else dom, month, _dow_from_eventbridge(dow)))
