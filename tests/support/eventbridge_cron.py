"""A test-only reading of EventBridge Scheduler's `cron(...)` by its documented rules, written without cronsim and
without `shared.cron`, so that the production conversion is checked from the outside.

Fields (EventBridge "Cron expressions reference"): minutes 0-59 `, - * /`; hours 0-23 `, - * /`; day-of-month 1-31
`, - * ? / L W`; month 1-12 or JAN-DEC `, - * /`; day-of-week 1-7 or SUN-SAT (1 = Sunday) `, - * ? L #`; year
1970-2199 `, - * /`. Exactly one of day-of-month and day-of-week is `?`. `a/b` is a, a+b, ... up to the field's end;
`3W` is the weekday nearest the 3rd inside its month; `n#k` is the k-th day n of the month and must stand alone.
Forms the reference does not define (`L` in day-of-week, `LW`, `a-b/c`, steps in day-of-week) are refused here, so a
converter that emits them fails its tests.

Timezone and daylight saving time (EventBridge Scheduler User Guide, "Schedule types", section "Daylight saving
time"): the expression is evaluated on the local wall clock of `ScheduleExpressionTimezone`. When clocks go forward, an
invocation whose local date and time does not exist is skipped (not moved to after the jump); when clocks go back, a
local time that happens twice is invoked once, not repeated: here at its first occurrence (PEP 495 `fold=0`).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
SEARCH_DAYS = 366 * 120
"""How far ahead `runs` looks before deciding that nothing more runs."""


def _number(text: str, low: int, high: int, names: tuple[str, ...] = ()) -> int:
    upper = text.upper()
    if upper in names:
        return names.index(upper) + low
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(f"{text!r} is not in {low}-{high}")
    return int(text)


def values(field: str, low: int, high: int, names: tuple[str, ...] = (), steps: bool = True) -> set[int]:
    """The values a field with `, - * /` selects."""
    found: set[int] = set()
    for part in field.split(","):
        if part == "*":
            found.update(range(low, high + 1))
        elif "/" in part:
            start, step = part.split("/")
            if not steps or not step.isdigit() or int(step) == 0 or not start.isdigit():
                raise ValueError(f"{part!r}: a step is start/increment (numbers), where the field takes one")
            first = _number(start, low, high, names)
            found.update(range(first, high + 1, int(step)))
        elif "-" in part:
            first, last = (_number(p, low, high, names) for p in part.split("-"))
            if first > last:
                raise ValueError(f"{part!r}: a range runs upwards")
            found.update(range(first, last + 1))
        else:
            found.add(_number(part, low, high, names))
    return found


def _weekday(day: date) -> int:
    """EventBridge's day-of-week number: Sunday 1 to Saturday 7."""
    return (day.weekday() + 1) % 7 + 1


def _nearest_weekday(day: date, wanted: int) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    if wanted > last:
        return False
    target = day.replace(day=wanted)
    if target.weekday() == 5:
        target = target - timedelta(days=1) if wanted > 1 else target + timedelta(days=2)
    elif target.weekday() == 6:
        target = target + timedelta(days=1) if wanted < last else target - timedelta(days=2)
    return day == target


def _day_of_month(field: str) -> Callable[[date], bool]:
    if field == "L":
        return lambda day: day.day == calendar.monthrange(day.year, day.month)[1]
    if field.endswith("W") and field[:-1].isdigit():
        wanted = _number(field[:-1], 1, 31)
        return lambda day: _nearest_weekday(day, wanted)
    if "L" in field or "W" in field:
        raise ValueError(f"{field!r}: L and W stand alone (L, or nW)")
    days = values(field, 1, 31)
    return lambda day: day.day in days


def _day_of_week(field: str) -> Callable[[date], bool]:
    if "#" in field:
        weekday, nth = field.split("#")
        number, which = _number(weekday, 1, 7, DAYS), _number(nth, 1, 5)
        return lambda day: _weekday(day) == number and (day.day - 1) // 7 + 1 == which
    if "L" in field.upper():
        raise ValueError(f"{field!r}: L in day-of-week is not defined precisely enough to evaluate")
    days = values(field, 1, 7, DAYS, steps=False)
    return lambda day: _weekday(day) in days


@dataclass(frozen=True)
class EventBridgeCron:
    minutes: set[int]
    hours: set[int]
    day: Callable[[date], bool]
    months: set[int]
    years: set[int]

    @classmethod
    def parse(cls, expression: str) -> EventBridgeCron:
        if not (expression.startswith("cron(") and expression.endswith(")")):
            raise ValueError(f"{expression!r} is not cron(...)")
        fields = expression[5:-1].split(" ")
        if len(fields) != 6:
            raise ValueError(f"{expression!r} has {len(fields)} fields, not 6")
        minute, hour, dom, month, dow, year = fields
        if (dom == "?") == (dow == "?"):
            raise ValueError(f"{expression!r}: exactly one of day-of-month and day-of-week is '?'")
        if dom == "*" and dow == "*":
            raise ValueError(f"{expression!r}: '*' in both day fields")
        return cls(
            values(minute, 0, 59),
            values(hour, 0, 23),
            _day_of_week(dow) if dom == "?" else _day_of_month(dom),
            values(month, 1, 12, MONTHS),
            values(year, 1970, 2199),
        )

    def runs(self, timezone: str, after: datetime) -> Iterator[datetime]:
        """Invocation times strictly after `after`, aware in `timezone`, by the rules in the module docstring."""
        zone = ZoneInfo(timezone)
        floor = after.astimezone(UTC)
        day = floor.astimezone(zone).date() - timedelta(days=1)
        for _ in range(SEARCH_DAYS):
            day += timedelta(days=1)
            if day.year not in self.years or day.month not in self.months or not self.day(day):
                continue
            for hour in sorted(self.hours):
                for minute in sorted(self.minutes):
                    first = datetime.combine(day, time(hour, minute), tzinfo=zone)
                    second = first.replace(fold=1)
                    skipped = first.utcoffset() < second.utcoffset()  # type: ignore[operator]
                    if not skipped and first.astimezone(UTC) > floor:
                        yield first
