import itertools
from datetime import UTC, datetime, timedelta

import pytest

from shared import cron
from shared.errors import InvalidInput


@pytest.mark.parametrize(
    ("five", "eventbridge"),
    [
        ("0 9 * * 1", "cron(0 9 ? * 2 *)"),
        ("0 9 * * MON", "cron(0 9 ? * 2 *)"),
        ("0 9 * * 0,6", "cron(0 9 ? * 1,7 *)"),
        ("*/15 * 1 * *", "cron(0/15 * 1 * ? *)"),
        ("30 2 * * *", "cron(30 2 * * ? *)"),
        ("0 8 * * 1-5", "cron(0 8 ? * 2-6 *)"),
    ],
)
def test_to_eventbridge(five: str, eventbridge: str) -> None:
    assert cron.to_eventbridge(five) == eventbridge


@pytest.mark.parametrize(
    ("eventbridge", "five"),
    [
        ("cron(2/5 * * * ? *)", "2-59/5 * * * *"),
        ("cron(0 1 * * ? *)", "0 1 * * *"),
        ("cron(0 9 ? * 2 *)", "0 9 * * 1"),
        ("rate(5 minutes)", "*/5 * * * *"),
    ],
)
def test_from_eventbridge(eventbridge: str, five: str) -> None:
    assert cron.from_eventbridge(eventbridge) == five


def test_both_day_fields_restricted_is_refused_with_a_reason() -> None:
    with pytest.raises(InvalidInput, match="both day-of-month and day-of-week"):
        cron.parse("0 9 1 * 1")


@pytest.mark.parametrize("bad", ["0 9 * *", "61 * * * *", "0 25 * * *", "a b c d e"])
def test_malformed_cron_is_invalid_input(bad: str) -> None:
    with pytest.raises(InvalidInput, match="cron"):
        cron.parse(bad)


def test_unknown_timezone_is_named() -> None:
    with pytest.raises(InvalidInput, match="Mars/Olympus"):
        cron.zone("Mars/Olympus")


def test_next_runs_keep_local_time_across_spring_forward() -> None:
    runs = cron.next_runs("0 9 * * *", "America/New_York", datetime(2026, 3, 7, 12, tzinfo=UTC), 3)
    assert [r.hour for r in runs] == [9, 9, 9]
    assert [r.astimezone(UTC).hour for r in runs] == [14, 13, 13]


def test_shortest_gap_of_every_five_minutes() -> None:
    assert cron.shortest_gap("*/5 * * * *", datetime(2026, 1, 1, tzinfo=UTC)) == timedelta(minutes=5)


def test_shortest_gap_sees_a_pattern_that_runs_on_one_day_of_the_month_only() -> None:
    assert cron.shortest_gap("*/10 * 15 * *", datetime(2026, 1, 1, tzinfo=UTC)) == timedelta(minutes=10)


def test_describe_is_human() -> None:
    assert cron.describe("0 9 * * 1") == "At 09:00 on Monday"


def _utc(runs: list[datetime]) -> list[str]:
    return [r.astimezone(UTC).strftime("%a %Y-%m-%d %H:%M") for r in runs]


def test_weekly_monday_nine_across_new_york_spring_forward_week() -> None:
    """US clocks go forward on Sunday 2026-03-08: Monday 09:00 stays 09:00 local, one hour earlier in UTC."""
    runs = cron.next_runs("0 9 * * 1", "America/New_York", datetime(2026, 2, 28, tzinfo=UTC), 3)
    assert [r.strftime("%H:%M") for r in runs] == ["09:00"] * 3
    assert _utc(runs) == ["Mon 2026-03-02 14:00", "Mon 2026-03-09 13:00", "Mon 2026-03-16 13:00"]


def test_weekly_monday_nine_across_new_york_fall_back_week() -> None:
    runs = cron.next_runs("0 9 * * 1", "America/New_York", datetime(2026, 10, 24, tzinfo=UTC), 3)
    assert _utc(runs) == ["Mon 2026-10-26 13:00", "Mon 2026-11-02 14:00", "Mon 2026-11-09 14:00"]


def test_weekly_monday_nine_across_london_spring_forward_and_fall_back_weeks() -> None:
    spring = cron.next_runs("0 9 * * 1", "Europe/London", datetime(2026, 3, 21, tzinfo=UTC), 2)
    assert _utc(spring) == ["Mon 2026-03-23 09:00", "Mon 2026-03-30 08:00"]
    autumn = cron.next_runs("0 9 * * 1", "Europe/London", datetime(2026, 10, 17, tzinfo=UTC), 2)
    assert _utc(autumn) == ["Mon 2026-10-19 08:00", "Mon 2026-10-26 09:00"]


def test_a_run_in_the_skipped_spring_hour_is_skipped_as_eventbridge_scheduler_does() -> None:
    runs = cron.next_runs("30 2 * * *", "America/New_York", datetime(2026, 3, 7, 12, tzinfo=UTC), 3)
    assert [r.strftime("%m-%d %H:%M %z") for r in runs] == [
        "03-09 02:30 -0400",
        "03-10 02:30 -0400",
        "03-11 02:30 -0400",
    ]


@pytest.mark.parametrize("timezone", ["America/New_York", "Europe/London"])
def test_a_run_in_the_repeated_autumn_hour_fires_once(timezone: str) -> None:
    start = {
        "America/New_York": datetime(2026, 10, 30, tzinfo=UTC),
        "Europe/London": datetime(2026, 10, 23, tzinfo=UTC),
    }
    runs = cron.next_runs("30 1 * * *", timezone, start[timezone], 4)
    assert len({r.date() for r in runs}) == 4
    gaps = {b.astimezone(UTC) - a.astimezone(UTC) for a, b in itertools.pairwise(runs)}
    assert gaps <= {timedelta(hours=24), timedelta(hours=25)}


def test_month_ends_use_the_last_day_and_skip_short_months_for_day_31() -> None:
    last = cron.next_runs("0 9 L * *", "UTC", datetime(2026, 1, 1, tzinfo=UTC), 4)
    assert [r.strftime("%m-%d") for r in last] == ["01-31", "02-28", "03-31", "04-30"]
    leap = cron.next_runs("0 9 L 2 *", "UTC", datetime(2027, 6, 1, tzinfo=UTC), 1)
    assert leap[0].strftime("%Y-%m-%d") == "2028-02-29"
    thirty_first = cron.next_runs("0 9 31 * *", "Europe/London", datetime(2026, 1, 1, tzinfo=UTC), 3)
    assert [r.strftime("%m-%d") for r in thirty_first] == ["01-31", "03-31", "05-31"]


def test_month_end_in_a_timezone_ahead_of_utc_is_the_local_month_end() -> None:
    runs = cron.next_runs("0 0 1 * *", "Asia/Tokyo", datetime(2026, 1, 15, tzinfo=UTC), 1)
    assert runs[0].astimezone(UTC).strftime("%Y-%m-%d %H:%M") == "2026-01-31 15:00"


@pytest.mark.parametrize(
    ("expression", "allowed"),
    [
        ("*/15 * * * *", True),
        ("0 9 * * 1", True),
        ("*/5 * * * *", False),
        ("*/10 * 15 * *", False),
        ("55,5 * * * *", False),
        ("0,14 9 * * 1", False),
        ("* * * * *", False),
    ],
)
def test_schedules_run_at_most_every_fifteen_minutes(expression: str, allowed: bool) -> None:
    if allowed:
        cron.check_schedule(expression, "Europe/London")
    else:
        with pytest.raises(InvalidInput, match="at most every 15 minutes"):
            cron.check_schedule(expression, "Europe/London")


def test_check_schedule_names_the_unknown_timezone_and_both_day_fields() -> None:
    with pytest.raises(InvalidInput, match="Nowhere/Land"):
        cron.check_schedule("0 9 * * 1", "Nowhere/Land")
    with pytest.raises(InvalidInput, match="both day-of-month and day-of-week"):
        cron.check_schedule("0 9 1 * 1", "UTC")


def test_eventbridge_round_trip_keeps_the_runs() -> None:
    for five in ("0 9 * * 1", "30 2 * * *", "0 9 L * *", "*/15 8-17 * * 1-5", "0 6 1 */3 *"):
        back = cron.from_eventbridge(cron.to_eventbridge(five))
        start = datetime(2026, 3, 1, tzinfo=UTC)
        assert cron.next_runs(back, "America/New_York", start, 5) == cron.next_runs(five, "America/New_York", start, 5)
