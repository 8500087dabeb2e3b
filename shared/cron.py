"""Cron maths in one place: validation, next run times (DST-aware, via cronsim) and conversion to and from the
six-field `cron(...)` of EventBridge. The API speaks standard five-field cron plus an IANA timezone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from shared.errors import InvalidInput


def zone(timezone: str) -> ZoneInfo:
    """The IANA timezone named `timezone`, or InvalidInput naming it."""
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown timezone {timezone!r}: use an IANA name such as 'Europe/London'") from None


def _simulation(expression: str) -> CronSim:
    """cronsim's reading of a five-field expression (`?` read as `*`), or InvalidInput saying what is wrong."""
    fields = expression.split()
    if len(fields) != 5:
        raise InvalidInput(
            f"cron {expression!r} has {len(fields)} fields; give five: minute hour day-of-month month day-of-week"
        )
    try:
        return CronSim(expression.replace("?", "*"), datetime(2000, 1, 1))
    except CronSimError as error:
        raise InvalidInput(f"cron {expression!r} is not valid: {error}") from None


def _weekdays(items: set[Any]) -> set[int]:
    """The plain weekdays (0 = Sunday; 7 folded onto 0) of cronsim's day-of-week set."""
    return {item % 7 for item in items if isinstance(item, int)}


def _day_restrictions(simulation: CronSim) -> tuple[bool, bool]:
    """Whether the days actually run are restricted by day-of-month, by day-of-week (cron's AND/OR rule applied)."""
    month_days = simulation.days != set(range(1, 32))
    week_days = _weekdays(simulation.weekdays) != set(range(7)) or any(
        not isinstance(item, int) for item in simulation.weekdays
    )
    if not simulation.day_and and (not month_days or not week_days):
        return False, False
    return month_days, week_days


def parse(expression: str) -> list[str]:
    """The five fields of a standard cron expression, checked by cronsim; InvalidInput says what is wrong."""
    fields = expression.split()
    month_days, week_days = _day_restrictions(_simulation(expression))
    if month_days and week_days:
        raise InvalidInput(
            f"cron {expression!r} restricts both day-of-month and day-of-week; EventBridge cannot express that, "
            "so restrict only one of them"
        )
    return fields


def runs(expression: str, timezone: str, after: datetime) -> Iterator[datetime]:
    """The run times of `expression` in `timezone` strictly after `after` (aware), as aware datetimes in that zone,
    by EventBridge Scheduler's daylight-saving rules: a local time the spring change skips does not run, a local
    time the autumn change repeats runs once (its first occurrence)."""
    parse(expression)
    tz = zone(timezone)
    floor = after.astimezone(UTC)
    for wall in CronSim(expression.replace("?", "*"), after.astimezone(tz).replace(tzinfo=None)):
        moment = wall.replace(tzinfo=tz)
        if moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
            continue
        if moment.astimezone(UTC) > floor:
            yield moment


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
    a pattern EventBridge Scheduler cannot express, an unknown timezone, runs closer together than `minimum`."""
    to_eventbridge(expression)
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
    return _simulation(expression).explain()


EVENTBRIDGE_MAX_LENGTH = 256
"""The longest `ScheduleExpression` EventBridge Scheduler stores; the densest conversion is shorter (tested)."""
_DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def _compact(values: set[int], low: int, high: int, steps: bool = True) -> str:
    """`*`, `start/step` (where the field takes steps) or a list of values and ranges: EventBridge's documented
    forms, for exactly `values`."""
    ordered = sorted(values)
    if ordered == list(range(low, high + 1)):
        return "*"
    if len(ordered) >= 3:
        step = ordered[1] - ordered[0]
        if steps and step > 1 and ordered == list(range(ordered[0], high + 1, step)):
            return f"{ordered[0]}/{step}"
    parts: list[str] = []
    first = previous = ordered[0]
    for value in [*ordered[1:], None]:
        if value is not None and value == previous + 1:
            previous = value
            continue
        if previous > first + 1:
            parts.append(f"{first}-{previous}")
        else:
            parts.extend(str(v) for v in range(first, previous + 1))
        if value is not None:
            first = previous = value
    return ",".join(parts)


def _refused(expression: str, reason: str) -> InvalidInput:
    return InvalidInput(f"cron {expression!r} cannot be scheduled in AWS: {reason}")


def _day_of_month(expression: str, days: set[int]) -> str:
    if CronSim.LAST_WEEKDAY in days:
        raise _refused(
            expression, "EventBridge Scheduler has no 'last weekday of the month' (LW); use L for the last day"
        )
    if CronSim.LAST in days:
        if days != {CronSim.LAST}:
            raise _refused(expression, "'L' (the last day of the month) must stand alone in the day-of-month field")
        return "L"
    return _compact(days, 1, 31)


def _day_of_week(expression: str, items: set[Any]) -> str:
    """Standard cron numbers Sunday 0 or 7, EventBridge numbers Sunday 1 to Saturday 7."""
    special = [item for item in items if not isinstance(item, int)]
    for day, which in special:
        if which == CronSim.LAST:
            raise _refused(
                expression,
                f"EventBridge Scheduler has no 'last {_DAY_NAMES[day % 7]} of the month' ({day}L); choose the "
                f"Nth {_DAY_NAMES[day % 7]} with '#' instead (e.g. {day % 7}#4 for the fourth)",
            )
    if special:
        if len(items) > 1:
            raise _refused(
                expression,
                "a day-of-week with '#' (the Nth weekday of the month) must stand alone: EventBridge Scheduler "
                "takes one such day per schedule, not a list",
            )
        day, nth = special[0]
        return f"{day % 7 + 1}#{nth}"
    return _compact({day + 1 for day in _weekdays(items)}, 1, 7, steps=False)


def to_eventbridge(expression: str) -> str:
    """Five-field cron to EventBridge's `cron(minutes hours day-of-month month day-of-week year)` with exactly the
    same runs, or InvalidInput saying why EventBridge Scheduler cannot express it."""
    parse(expression)
    simulation = _simulation(expression)
    month_days, week_days = _day_restrictions(simulation)
    if week_days:
        dom, dow = "?", _day_of_week(expression, simulation.weekdays)
    elif month_days:
        dom, dow = _day_of_month(expression, simulation.days), "?"
    else:
        dom, dow = "*", "?"
    minute = _compact(simulation.minutes, 0, 59)
    hour = _compact(simulation.hours, 0, 23)
    month = _compact(simulation.months, 1, 12)
    return f"cron({minute} {hour} {dom} {month} {dow} *)"


_EVENTBRIDGE_RANGES = {"minute": (0, 59), "hour": (0, 23), "month": (1, 12)}


def _step_from_eventbridge(field: str, kind: str) -> str:
    """EventBridge's `start/step` runs to the end of the field; standard cron writes that as `start-end/step`."""
    high = _EVENTBRIDGE_RANGES[kind][1]
    return ",".join(re.sub(r"^(\d+)/(\d+)$", rf"\1-{high}/\2", part) for part in field.split(","))


def _dow_from_eventbridge(expression: str, field: str) -> str:
    """EventBridge day-of-week (1-7 or SUN-SAT, one `n#k`) to standard cron (0-6)."""

    def shift(match: re.Match[str]) -> str:
        number = int(match.group(0))
        if not 1 <= number <= 7:
            raise InvalidInput(f"{expression!r}: day-of-week numbers are 1-7 (SUN-SAT), not {number}")
        return str(number - 1)

    if field in ("*", "?"):
        return "*"
    if "/" in field or "L" in field.upper():
        raise InvalidInput(f"{expression!r}: day-of-week steps and 'L' are not supported")
    nth = re.fullmatch(r"(\d+)#([1-5])", field)
    if nth:
        return re.sub(r"\d+", shift, nth.group(1)) + "#" + nth.group(2)
    if "#" in field:
        raise InvalidInput(f"{expression!r}: '#' takes one day-of-week number and an occurrence 1-5, alone")
    return re.sub(r"\d+", shift, field)


def from_eventbridge(expression: str) -> str:
    """EventBridge `cron(...)` (year `*` only) or `rate(N unit)` back to a five-field cron for the local scheduler;
    InvalidInput names what it cannot read."""
    rate = re.fullmatch(r"rate\(([1-9]\d*) (minute|minutes|hour|hours|day|days)\)", expression)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        return {"minute": f"*/{value} * * * *", "hour": f"0 */{value} * * *", "day": f"0 0 */{value} * *"}[unit]
    inner = re.fullmatch(r"cron\((.+)\)", expression)
    if not inner or len(inner.group(1).split()) != 6:
        raise InvalidInput(f"{expression!r} is not an EventBridge cron(...) or rate(...) expression")
    minute, hour, dom, month, dow, year = inner.group(1).split()
    if year != "*":
        raise InvalidInput(f"{expression!r}: only a year of '*' is supported")
    if (dom == "?") == (dow == "?"):
        raise InvalidInput(f"{expression!r}: exactly one of day-of-month and day-of-week must be '?'")
    if "W" in dom.upper():
        raise InvalidInput(f"{expression!r}: 'W' (nearest weekday) is not supported")
    five = " ".join(
        (
            _step_from_eventbridge(minute, "minute"),
            _step_from_eventbridge(hour, "hour"),
            "*" if dom == "?" else re.sub(r"^(\d+)/(\d+)$", r"\1-31/\2", dom),
            _step_from_eventbridge(month, "month"),
            _dow_from_eventbridge(expression, dow),
        )
    )
    try:
        parse(five)
    except InvalidInput as error:
        raise InvalidInput(f"{expression!r} is not a valid EventBridge cron: {error}") from None
    return five
