from datetime import UTC, datetime, timedelta

import pytest

from shared import cron
from shared.errors import InvalidInput


@pytest.mark.parametrize(
    ("five", "eventbridge"),
    [
        ("0 9 * * 1", "cron(0 9 ? * 2 *)"),
        ("0 9 * * MON", "cron(0 9 ? * MON *)"),
        ("0 9 * * 0,6", "cron(0 9 ? * 1,7 *)"),
        ("*/15 * 1 * *", "cron(*/15 * 1 * ? *)"),
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


def test_smallest_interval_of_every_five_minutes() -> None:
    assert cron.smallest_interval("*/5 * * * *", "UTC", datetime(2026, 1, 1, tzinfo=UTC)) == timedelta(minutes=5)


def test_describe_is_human() -> None:
    assert cron.describe("0 9 * * 1") == "At 09:00 on Monday"
