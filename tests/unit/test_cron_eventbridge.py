"""The five-field cron of the API and the `cron(...)` EventBridge Scheduler runs are the same schedule: for a corpus of
expressions and timezones across daylight-saving changes, the next 20 runs of the local scheduler (cronsim, through
`shared.cron.runs`) equal those of the converted expression read by a separate evaluator of EventBridge's documented
rules (`tests/support/eventbridge_cron.py`, which also documents how Scheduler applies a timezone across DST)."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared import cron
from shared.errors import InvalidInput
from tests.support.eventbridge_cron import EventBridgeCron

RUNS = 20

TRANSITIONS = {
    "America/New_York": (datetime(2026, 3, 8), datetime(2026, 11, 1)),
    "Europe/London": (datetime(2026, 3, 29), datetime(2026, 10, 25)),
    "Australia/Sydney": (datetime(2026, 10, 4), datetime(2026, 4, 5)),
    "Asia/Kolkata": (datetime(2026, 3, 8),),
    "UTC": (datetime(2026, 3, 8),),
}
"""Per timezone, the local midnight that starts each comparison: the days its clocks go forward, then back (2026)."""

STARTS = [(zone, day.replace(tzinfo=ZoneInfo(zone))) for zone, days in TRANSITIONS.items() for day in days]

CORPUS = [
    "0 9 * * *",
    "30 2 * * *",
    "30 1 * * *",
    "0 2 * * *",
    "15 3 * * *",
    "*/15 * * * *",
    "0,30 * * * *",
    "45 */2 * * *",
    "0 8-17/3 * * 1-5",
    "0 9 * * 1",
    "0 9 * * MON",
    "0 9 * * mon-fri",
    "0 9 * * SAT,SUN",
    "0 9 * * 5#2",
    "0 9 * * 0#1",
    "0 9 * * 7#2",
    "30 2 * * 0#2",
    "0 9 * * 5#5",
    "0 9 * * 7",
    "0 9 * * 6",
    "0 9 * * 0,6",
    "0 9 * * */2",
    "0 9 * * 1-5/2",
    "0 9 * * 5-7",
    "0 9 * * 0-6",
    "0 9 * * 0-7",
    "30 2 * * 0",
    "30 1 * * 0",
    "0 9 1 * *",
    "0 9 L * *",
    "0 9 31 * *",
    "0 9 */10 * *",
    "0 9 2-6/2 * *",
    "0 9 1 */3 *",
    "0 9 * JAN,JUL *",
    "0 9 15 FEB-APR *",
    "0 9 1-31 * 1",
    "0 9 ? * 1",
]


def local_runs(expression: str, zone: str, start: datetime) -> list[datetime]:
    return [moment.astimezone(UTC) for moment in cron.next_runs(expression, zone, start, RUNS)]


def eventbridge_runs(expression: str, zone: str, start: datetime) -> list[datetime]:
    schedule = EventBridgeCron.parse(expression)
    return [moment.astimezone(UTC) for moment in islice(schedule.runs(zone, start), RUNS)]


@pytest.mark.parametrize(("zone", "start"), STARTS, ids=[f"{z}-{s:%m-%d}" for z, s in STARTS])
@pytest.mark.parametrize("expression", CORPUS)
def test_the_converted_expression_runs_when_the_local_scheduler_does(
    expression: str, zone: str, start: datetime
) -> None:
    converted = cron.to_eventbridge(expression)
    assert local_runs(expression, zone, start) == eventbridge_runs(converted, zone, start), converted


@pytest.mark.parametrize(
    ("five", "eventbridge"),
    [
        ("0 9 * * 5#2", "cron(0 9 ? * 6#2 *)"),
        ("0 9 * * 7", "cron(0 9 ? * 1 *)"),
        ("0 9 * * 0", "cron(0 9 ? * 1 *)"),
        ("0 9 * * 7#1", "cron(0 9 ? * 1#1 *)"),
        ("0 9 * * 6", "cron(0 9 ? * 7 *)"),
        ("0 9 * * */2", "cron(0 9 ? * 1,3,5,7 *)"),
        ("0 9 * * 1-5/2", "cron(0 9 ? * 2,4,6 *)"),
        ("0 9 * * 5-7", "cron(0 9 ? * 1,6,7 *)"),
        ("0 9 * * 0-6", "cron(0 9 * * ? *)"),
        ("0 9 * * FRI-SAT", "cron(0 9 ? * 6,7 *)"),
        ("0 9 * JAN,MAR MON-FRI", "cron(0 9 ? 1,3 2-6 *)"),
        ("0 9 1,2,3,5 * *", "cron(0 9 1-3,5 * ? *)"),
        ("0 9 */2 * *", "cron(0 9 1/2 * ? *)"),
        ("0 8-17/2 * */3 *", "cron(0 8,10,12,14,16 * 1/3 ? *)"),
        ("*/20 * * * *", "cron(0/20 * * * ? *)"),
        ("0 9 1-31 * 1", "cron(0 9 * * ? *)"),
    ],
)
def test_conversion_uses_eventbridge_numbers_and_documented_forms(five: str, eventbridge: str) -> None:
    assert cron.to_eventbridge(five) == eventbridge


@pytest.mark.parametrize(
    ("five", "reason"),
    [
        ("0 9 * * 5L", "no 'last Friday of the month' (5L)"),
        ("0 9 * * 1#1,5#2", "'#' (the Nth weekday of the month) must stand alone"),
        ("0 9 * * 1,5#2", "must stand alone"),
        ("0 9 LW * *", "no 'last weekday of the month' (LW)"),
        ("0 9 1,L * *", "'L' (the last day of the month) must stand alone"),
    ],
)
def test_what_eventbridge_cannot_express_is_refused_in_user_terms(five: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match="cannot be scheduled in AWS") as refused:
        cron.check_schedule(five, "Europe/London")
    assert reason in str(refused.value)


def test_the_densest_conversion_fits_what_eventbridge_stores() -> None:
    """Lists with no range of three and no step are the longest form: every field at its densest still fits."""

    def dense(low: int, high: int) -> str:
        return ",".join(str(value) for value in range(low, high + 1) if (value - low) % 3 != 2)

    expression = f"{dense(0, 59)} {dense(0, 23)} {dense(1, 31)} {dense(1, 12)} *"
    converted = cron.to_eventbridge(expression)
    assert len(converted) == 238
    assert len(converted) <= cron.EVENTBRIDGE_MAX_LENGTH


@pytest.mark.parametrize(
    ("eventbridge", "five"),
    [
        ("cron(0 9 ? * 7 *)", "0 9 * * 6"),
        ("cron(0 9 ? * 1 *)", "0 9 * * 0"),
        ("cron(0 9 ? * 1,6,7 *)", "0 9 * * 0,5,6"),
        ("cron(0 9 ? * 2-6 *)", "0 9 * * 1-5"),
        ("cron(0 9 ? * 6#2 *)", "0 9 * * 5#2"),
        ("cron(0 9 ? * SAT *)", "0 9 * * SAT"),
        ("cron(0/15 8 1/2 1/3 ? *)", "0-59/15 8 1-31/2 1-12/3 *"),
        ("cron(0 9 L * ? *)", "0 9 L * *"),
        ("rate(2 hours)", "0 */2 * * *"),
        ("rate(1 day)", "0 0 */1 * *"),
    ],
)
def test_from_eventbridge_reads_eventbridge_numbers_back(eventbridge: str, five: str) -> None:
    assert cron.from_eventbridge(eventbridge) == five


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("0 9 * * 1", "is not an EventBridge cron(...) or rate(...)"),
        ("cron(0 9 * * ?)", "is not an EventBridge cron(...) or rate(...)"),
        ("cron(0 9 * * ? 2027)", "only a year of '*'"),
        ("cron(0 9 * * 2 *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(0 9 ? * ? *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(0 9 ? * 0 *)", "day-of-week numbers are 1-7 (SUN-SAT), not 0"),
        ("cron(0 9 ? * 8 *)", "day-of-week numbers are 1-7 (SUN-SAT), not 8"),
        ("cron(0 9 ? * 1/2 *)", "day-of-week steps and 'L' are not supported"),
        ("cron(0 9 ? * 6L *)", "day-of-week steps and 'L' are not supported"),
        ("cron(0 9 ? * 2#1,6#3 *)", "'#' takes one day-of-week number"),
        ("cron(0 9 15W * ? *)", "'W' (nearest weekday) is not supported"),
        ("cron(61 9 * * ? *)", "is not a valid EventBridge cron"),
        ("rate(0 minutes)", "is not an EventBridge cron(...) or rate(...)"),
        ("rate(5 weeks)", "is not an EventBridge cron(...) or rate(...)"),
    ],
)
def test_from_eventbridge_refuses_what_it_cannot_read(bad: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        cron.from_eventbridge(bad)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("expression", "start", "expected"),
    [
        ("cron(0 10 ? * 6#3 *)", datetime(2026, 1, 1), ["2026-01-16 10:00", "2026-02-20 10:00"]),
        ("cron(0 18 ? * MON-FRI *)", datetime(2026, 1, 2, 19), ["2026-01-05 18:00", "2026-01-06 18:00"]),
        ("cron(0 8 1 * ? *)", datetime(2026, 1, 15), ["2026-02-01 08:00", "2026-03-01 08:00"]),
        ("cron(0/15 * * * ? *)", datetime(2026, 1, 1, 0, 50), ["2026-01-01 01:00", "2026-01-01 01:15"]),
        ("cron(0 9 L * ? *)", datetime(2026, 2, 1), ["2026-02-28 09:00", "2026-03-31 09:00"]),
        ("cron(0 9 1W * ? *)", datetime(2026, 7, 25), ["2026-08-03 09:00", "2026-09-01 09:00"]),
        ("cron(0 9 31W * ? *)", datetime(2026, 5, 1), ["2026-05-29 09:00", "2026-07-31 09:00"]),
        ("cron(0 9 ? * 1 *)", datetime(2026, 1, 1), ["2026-01-04 09:00", "2026-01-11 09:00"]),
        ("cron(0 9 ? * 7 *)", datetime(2026, 1, 1), ["2026-01-03 09:00", "2026-01-10 09:00"]),
    ],
)
def test_the_evaluator_reads_the_documented_examples(expression: str, start: datetime, expected: list[str]) -> None:
    runs = islice(EventBridgeCron.parse(expression).runs("UTC", start.replace(tzinfo=UTC)), 2)
    assert [moment.strftime("%Y-%m-%d %H:%M") for moment in runs] == expected


def test_the_evaluator_skips_the_spring_gap_and_runs_the_repeated_hour_once() -> None:
    new_york = ZoneInfo("America/New_York")
    spring = EventBridgeCron.parse("cron(30 2 * * ? *)").runs("America/New_York", datetime(2026, 3, 7, tzinfo=new_york))
    assert [m.strftime("%m-%d %H:%M %z") for m in islice(spring, 2)] == ["03-07 02:30 -0500", "03-09 02:30 -0400"]
    autumn = EventBridgeCron.parse("cron(0/30 1 * * ? *)").runs(
        "America/New_York", datetime(2026, 11, 1, tzinfo=new_york)
    )
    assert [m.strftime("%m-%d %H:%M %z") for m in islice(autumn, 3)] == [
        "11-01 01:00 -0400",
        "11-01 01:30 -0400",
        "11-02 01:00 -0500",
    ]


@pytest.mark.parametrize(
    "bad",
    [
        "cron(0 9 * * * *)",
        "cron(0 9 ? * ? *)",
        "cron(0 9 ? * 2#1,6#3 *)",
        "cron(0 9 ? * 1/2 *)",
        "cron(0 9 ? * 0 *)",
        "cron(0 9 ? * 6L *)",
        "cron(0 9 LW * ? *)",
        "cron(0 9 1-5/2 * ? *)",
        "cron(*/5 9 * * ? *)",
        "cron(0 9 5-1 * ? *)",
        "cron(0 9 * * ?)",
    ],
)
def test_the_evaluator_refuses_undocumented_forms(bad: str) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        EventBridgeCron.parse(bad)


def test_the_repeated_autumn_hour_of_a_frequent_schedule_runs_once_locally_and_in_eventbridge() -> None:
    start = datetime(2026, 11, 1, 0, 50, tzinfo=ZoneInfo("America/New_York"))
    runs = cron.next_runs("*/30 * * * *", "America/New_York", start, 4)
    assert [m.strftime("%H:%M %z") for m in runs] == ["01:00 -0400", "01:30 -0400", "02:00 -0500", "02:30 -0500"]
    assert [m.astimezone(UTC) for m in runs] == eventbridge_runs("cron(0/30 * * * ? *)", "America/New_York", start)[:4]


_NUMBERS = {"minute": (0, 59), "hour": (0, 23), "dom": (1, 31), "month": (1, 12), "dow": (0, 7)}


def _field(kind: str) -> st.SearchStrategy[str]:
    low, high = _NUMBERS[kind]
    number = st.integers(low, high)
    ranges = st.tuples(number, number).map(lambda pair: f"{min(pair)}-{max(pair)}")
    steps = st.tuples(ranges | st.just("*"), st.integers(1, 5)).map(lambda pair: f"{pair[0]}/{pair[1]}")
    single = number.map(str) | ranges | steps
    options = [st.just("*"), single, st.lists(number.map(str) | ranges, min_size=2, max_size=3).map(",".join)]
    if kind == "dow":
        day = st.sampled_from(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))
        options += [
            day,
            st.tuples(day, day).map("-".join),
            st.tuples(number, st.integers(1, 5)).map(lambda pair: f"{pair[0]}#{pair[1]}"),
            number.map(lambda value: f"{value}L"),
        ]
    if kind == "dom":
        options += [st.just("L"), st.just("LW")]
    if kind == "month":
        options.append(st.sampled_from(("JAN", "FEB-MAR", "JUN,DEC")))
    return st.one_of(options)


_expressions = st.builds(
    lambda minute, hour, days, month: f"{minute} {hour} {days[0]} {month} {days[1]}",
    _field("minute").filter(lambda value: value != "*" and not value.startswith("*/")),
    _field("hour"),
    st.one_of(_field("dom").map(lambda dom: (dom, "*")), _field("dow").map(lambda dow: ("*", dow))),
    _field("month"),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_expressions, st.sampled_from(STARTS))
def test_every_expression_converts_exactly_or_is_refused_with_a_reason(
    expression: str, start: tuple[str, datetime]
) -> None:
    zone, moment = start
    try:
        converted = cron.to_eventbridge(expression)
    except InvalidInput as refused:
        reason = str(refused)
        assert "cannot be scheduled in AWS" in reason or "is not valid" in reason
        return
    assert len(converted) <= cron.EVENTBRIDGE_MAX_LENGTH
    assert local_runs(expression, zone, moment) == eventbridge_runs(converted, zone, moment), converted
    assert cron.next_runs(cron.from_eventbridge(converted), zone, moment, RUNS) == cron.next_runs(
        expression, zone, moment, RUNS
    )


@pytest.mark.parametrize("expression", ["*/15 * * * *", "45 1 * * *", "0,30 1-2 * * *", "30 1 * * 0"])
def test_from_inside_the_repeated_autumn_hour_both_skip_what_already_ran(expression: str) -> None:
    """01:30 EST, the second 01:30 of New York's autumn night: 01:45 already ran as 01:45 EDT, so the next is 02:00."""
    inside = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    converted = cron.to_eventbridge(expression)
    assert local_runs(expression, "America/New_York", inside) == eventbridge_runs(converted, "America/New_York", inside)
    assert local_runs(expression, "America/New_York", inside)[0] >= datetime(2026, 11, 1, 7, 0, tzinfo=UTC)
