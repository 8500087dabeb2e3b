"""The query DSL: validation errors that name the part, the compiled SQL and its parameters, relative ranges, and an
injection corpus in every position of a query."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.reports.compiler import compile_query
from shared.reports.defaults import usage_summary
from shared.reports.dsl import DEFAULT_ROW_LIMIT, MAX_ROW_LIMIT
from shared.reports.time_ranges import relative_range
from shared.reports.validation import QueryInvalid, check, resolve

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def _query(**parts: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"table": "usage_events", "fields": ["event_type", "user_id"]}
    base.update(parts)
    return base


def test_the_usage_summary_compiles_to_parameterised_sql_with_the_tenant_first_and_pruned_partitions() -> None:
    query = resolve(usage_summary().query, NOW)
    compiled = compile_query(query, "acme")
    assert compiled.sql == (
        'SELECT CAST("timestamp" AS DATE) AS "date", "event_type" AS "event_type", "tenant_id" AS "tenant_id", '
        'COUNT(*) AS "total_events", COUNT(DISTINCT "user_id") AS "unique_users", '
        'COUNT(DISTINCT "device_id") AS "unique_devices" '
        'FROM {source} WHERE "tenant_id" = ? AND "date" >= ? AND "date" <= ? '
        'AND "timestamp" >= ? AND "timestamp" < ? '
        'GROUP BY CAST("timestamp" AS DATE), "event_type", "tenant_id" ORDER BY 1 DESC, 4 DESC, 2 LIMIT 1000'
    )
    assert compiled.params == (
        "acme",
        "2026-11-16",
        "2026-11-23",
        datetime(2026, 11, 16, 14, 0),
        datetime(2026, 11, 23, 14, 0),
    )
    assert compiled.scans["source"].partitions == tuple(f"date=2026-11-{d}" for d in range(16, 24))
    assert [c.kind for c in compiled.columns] == ["date", "text", "text", "int", "int", "int"]


def test_every_operator_becomes_placeholders_and_values_are_typed() -> None:
    query = resolve(
        _query(
            filters=[
                {"field": "event_type", "op": "in", "value": ["login", "click"]},
                {"field": "platform", "op": "neq", "value": "web"},
                {"field": "duration_ms", "op": "between", "value": [10, 500]},
                {"field": "duration_ms", "op": "gt", "value": 3},
                {"field": "timestamp", "op": "gte", "value": "2026-11-01"},
                {"field": "timestamp", "op": "lt", "value": "2026-11-03T00:00:00Z"},
            ]
        ),
        NOW,
    )
    compiled = compile_query(query, "acme", limit=20, offset=40, stable_order=True)
    assert compiled.sql.endswith(
        'WHERE "tenant_id" = ? AND "date" >= ? AND "date" <= ? AND "event_type" IN (?, ?) AND "platform" <> ? '
        'AND "duration_ms" BETWEEN ? AND ? AND "duration_ms" > ? AND "timestamp" >= ? AND "timestamp" < ? '
        "ORDER BY 1, 2 OFFSET 40 LIMIT 20"
    )
    assert compiled.params == (
        "acme",
        "2026-11-01",
        "2026-11-02",
        "login",
        "click",
        "web",
        10,
        500,
        3,
        datetime(2026, 11, 1),
        datetime(2026, 11, 3),
    )
    assert compiled.scans["source"].partitions == ("date=2026-11-01", "date=2026-11-02")


def test_without_a_lower_time_bound_every_partition_is_read_and_an_open_end_stops_tomorrow() -> None:
    unbounded = compile_query(resolve(_query(), NOW), "acme")
    assert unbounded.scans["source"].partitions is None
    assert '"date"' not in unbounded.sql
    assert unbounded.sql.endswith(f"LIMIT {DEFAULT_ROW_LIMIT}")
    open_end = compile_query(
        resolve(_query(filters=[{"field": "timestamp", "op": "gt", "value": "2026-11-22"}]), NOW), "t"
    )
    assert open_end.scans["source"].partitions == ("date=2026-11-22", "date=2026-11-23", "date=2026-11-24")


def test_contradictory_time_filters_read_no_partition() -> None:
    query = resolve(
        _query(
            filters=[
                {"field": "timestamp", "op": "gte", "value": "2026-11-20"},
                {"field": "timestamp", "op": "lt", "value": "2026-11-10"},
            ]
        ),
        NOW,
    )
    assert query.empty
    assert compile_query(query, "acme").scans["source"].partitions == ()


def test_granularities_and_aggregations_compile_to_the_common_subset() -> None:
    query = resolve(
        {
            "table": "device_metrics",
            "group_by": [
                {"field": "recorded_at", "granularity": "week"},
                {"field": "recorded_at", "granularity": "month", "alias": "month"},
                {"field": "recorded_at", "granularity": "hour", "alias": "hour"},
            ],
            "aggregations": [
                {"fn": "avg", "field": "battery_pct"},
                {"fn": "sum", "field": "crash_count"},
                {"fn": "min", "field": "cpu_pct"},
                {"fn": "max", "field": "recorded_at"},
                {"fn": "count", "field": "device_id"},
            ],
        },
        NOW,
    )
    sql = compile_query(query, "acme").sql
    assert (
        'CAST(date_trunc(\'week\', "recorded_at") AS DATE) AS "recorded_at_week", '
        'CAST(date_trunc(\'month\', "recorded_at") AS DATE) AS "month", date_trunc(\'hour\', "recorded_at") AS "hour", '
        'AVG("battery_pct") AS "avg_battery_pct", SUM("crash_count") AS "sum_crash_count", '
        'MIN("cpu_pct") AS "min_cpu_pct", MAX("recorded_at") AS "max_recorded_at", '
        'COUNT("device_id") AS "count_device_id"'
    ) in sql
    assert [c.kind for c in query.columns] == ["date", "date", "datetime", "float", "int", "float", "datetime", "int"]
    for word in ("count_if", "approx_distinct", "::", "ILIKE", "QUALIFY"):
        assert word not in sql
    counted = compile_query(query, "acme", limit=7, with_total=True)
    assert ', COUNT(*) OVER () AS "__total_rows" FROM {source}' in counted.sql
    assert counted.sql.endswith("LIMIT 7")
    assert counted.columns[-1].name == "__total_rows"


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"table": "nope"}, "table: unknown table 'nope'"),
        (
            _query(filters=[{"field": "event_type", "op": "eq", "value": "x"}, {"field": "x", "op": "eq", "value": 1}]),
            "filters[1].field: unknown field 'x' in table usage_events",
        ),
        (_query(fields=["event_type", "secret"]), "fields[1].field: unknown field 'secret' in table usage_events"),
        (
            _query(filters=[{"field": "event_type", "op": "gt", "value": "a"}]),
            "filters[0].op: operator 'gt' is not allowed for field 'event_type' (allowed: eq, neq, in)",
        ),
        (
            _query(filters=[{"field": "duration_ms", "op": "eq", "value": "12"}]),
            "filters[0].value: field 'duration_ms' takes an integer, not '12'",
        ),
        (
            _query(filters=[{"field": "duration_ms", "op": "eq", "value": True}]),
            "filters[0].value: field 'duration_ms' takes an integer, not True",
        ),
        (
            _query(filters=[{"field": "timestamp", "op": "gte", "value": "yesterday-ish"}]),
            "filters[0].value: field 'timestamp' takes an ISO-8601 date or date-time string, not 'yesterday-ish'",
        ),
        (
            _query(filters=[{"field": "event_type", "op": "in", "value": "login"}]),
            "filters[0].value: operator 'in' takes a list of 1 to 100 values",
        ),
        (
            _query(filters=[{"field": "event_type", "op": "in", "value": []}]),
            "filters[0].value: operator 'in' takes a list of 1 to 100 values",
        ),
        (
            _query(filters=[{"field": "duration_ms", "op": "between", "value": [1, 5, 9]}]),
            "filters[0].value: operator 'between' takes a list of 2 values",
        ),
        (
            _query(filters=[{"field": "event_type", "op": "in", "value": ["a", 3]}]),
            "filters[0].value[1]: field 'event_type' takes a string, not 3",
        ),
        (
            _query(filters=[{"field": "duration_ms", "op": "between", "value": [9, 1]}]),
            "filters[0].value: the first value of 'between' must not be greater than the second",
        ),
        (
            _query(filters=[{"field": "timestamp", "op": "last_7_days", "value": 3}]),
            "filters[0].value: operator 'last_7_days' takes no value",
        ),
        (
            _query(fields=[], group_by=["event_type"], aggregations=[{"fn": "sum", "field": "event_type"}]),
            "aggregations[0].fn: aggregation 'sum' is not allowed for field 'event_type' "
            "(allowed: count, count_distinct)",
        ),
        (_query(fields=[], aggregations=[{"fn": "median", "field": "duration_ms"}]), "aggregations[0].fn: unknown"),
        (_query(fields=[], aggregations=[{"fn": "avg"}]), "aggregations[0].field: aggregation 'avg' needs a field"),
        (_query(fields=[], group_by=["event_id"]), "group_by[0].field: field 'event_id' cannot be grouped by"),
        (
            _query(fields=[{"field": "event_type", "granularity": "day"}]),
            "fields[0].granularity: 'day' is not allowed for field 'event_type' (allowed: none)",
        ),
        (_query(group_by=["event_type"]), "fields: must be empty when the query groups or aggregates"),
        (_query(fields=[{"field": "event_type", "alias": "Type"}]), "fields[0].alias: alias 'Type' must be"),
        (_query(fields=["event_type", "event_type"]), "query: two output columns are named 'event_type'"),
        (_query(order_by=[{"field": "nope"}]), "order_by[0].field: 'nope' is not an output column of the query"),
        (_query(order_by=[{"field": "event_type", "direction": "sideways"}]), "order_by[0].direction: must be"),
        (_query(limit=MAX_ROW_LIMIT + 1), f"limit: must be between 1 and {MAX_ROW_LIMIT}"),
        (_query(limit="10"), "limit: input should be a valid integer"),
        (_query(limit=0), "limit: must be between 1 and"),
        (_query(extra=1), "extra: not a known part of a query"),
        ({"fields": []}, "table: required"),
        (_query(filters=[{"field": "event_type"}]), "filters[0].op: required"),
        ([1, 2], "query: must be a JSON object"),
    ],
)
def test_each_invalid_query_names_the_offending_part(query: Any, error: str) -> None:
    errors = check(query, NOW)
    assert any(e.startswith(error) for e in errors), errors


def test_every_problem_is_reported_at_once() -> None:
    errors = check(
        _query(
            fields=["nope"],
            filters=[{"field": "event_type", "op": "gt", "value": 1}, {"field": "also_nope", "op": "eq"}],
            order_by=[{"field": "x"}],
        ),
        NOW,
    )
    assert [e.split(":")[0] for e in errors] == [
        "fields[0].field",
        "filters[0].op",
        "filters[1].field",
        "order_by[0].field",
    ]
    with pytest.raises(QueryInvalid) as raised:
        resolve(_query(fields=["nope"]), NOW)
    assert raised.value.details == [
        {"part": "fields[0].field", "problem": "unknown field 'nope' in table usage_events"}
    ]


def test_relative_ranges() -> None:
    naive = datetime(2026, 11, 23, 14, 0)  # a Monday
    assert relative_range("last_7_days", NOW) == (datetime(2026, 11, 16, 14), naive)
    assert relative_range("today", NOW) == (datetime(2026, 11, 23), datetime(2026, 11, 24))
    assert relative_range("yesterday", NOW) == (datetime(2026, 11, 22), datetime(2026, 11, 23))
    assert relative_range("this_week", NOW) == (datetime(2026, 11, 23), datetime(2026, 11, 30))
    assert relative_range("last_week", NOW) == (datetime(2026, 11, 16), datetime(2026, 11, 23))
    assert relative_range("this_month", NOW) == (datetime(2026, 11, 1), datetime(2026, 12, 1))
    assert relative_range("last_month", datetime(2026, 1, 5, tzinfo=UTC)) == (
        datetime(2025, 12, 1),
        datetime(2026, 1, 1),
    )
    assert relative_range("this_month", datetime(2026, 12, 5, tzinfo=UTC))[1] == datetime(2027, 1, 1)
    week = resolve(_query(filters=[{"field": "timestamp", "op": "last_week"}]), NOW)
    assert (week.first_day, week.last_day) == (date(2026, 11, 16), date(2026, 11, 22))


INJECTIONS = [
    "x'; DROP TABLE usage_events; --",
    'event_type" FROM secrets --',
    "1 OR 1=1",
    "event_type) UNION SELECT password FROM users --",
    "{source} UNION SELECT 1",
    "' OR tenant_id <> '",
    "timestamp; DELETE FROM t",
    '"; SELECT 1; --',
    "count(*)",
    "desc; DROP TABLE x",
]
NAME_POSITIONS = {
    "table": lambda q, p: q.update(table=p),
    "fields[0].field": lambda q, p: q["fields"].__setitem__(0, {"field": p}),
    "fields[0].alias": lambda q, p: q["fields"].__setitem__(0, {"field": "event_type", "alias": p}),
    "fields[0].granularity": lambda q, p: q["fields"].__setitem__(0, {"field": "timestamp", "granularity": p}),
    "filters[0].field": lambda q, p: q.update(filters=[{"field": p, "op": "eq", "value": "a"}]),
    "filters[0].op": lambda q, p: q.update(filters=[{"field": "event_type", "op": p, "value": "a"}]),
    "order_by[0].field": lambda q, p: q.update(order_by=[{"field": p}]),
    "order_by[0].direction": lambda q, p: q.update(order_by=[{"field": "event_type", "direction": p}]),
    "limit": lambda q, p: q.update(limit=p),
}
AGGREGATE_POSITIONS = {
    "group_by[0].field": lambda q, p: q.update(group_by=[p]),
    "aggregations[0].fn": lambda q, p: q.update(aggregations=[{"fn": p, "field": "user_id"}]),
    "aggregations[0].field": lambda q, p: q.update(aggregations=[{"fn": "count_distinct", "field": p}]),
    "aggregations[0].alias": lambda q, p: q.update(aggregations=[{"fn": "count", "alias": p}]),
}


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_in_any_name_position_is_refused_naming_the_part(payload: str) -> None:
    for position, place in {**NAME_POSITIONS, **AGGREGATE_POSITIONS}.items():
        query = _query() if position in NAME_POSITIONS else {"table": "usage_events", "group_by": ["event_type"]}
        query = copy.deepcopy(query)
        place(query, payload)
        errors = check(query, NOW)
        assert errors, f"{position} accepted {payload!r}"
        assert any(e.startswith(position) for e in errors), (position, errors)


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_as_a_value_is_only_ever_a_parameter(payload: str) -> None:
    query = resolve(
        _query(
            filters=[
                {"field": "event_type", "op": "eq", "value": payload},
                {"field": "country", "op": "in", "value": [payload, "US"]},
                {"field": "user_id", "op": "neq", "value": payload},
            ]
        ),
        NOW,
    )
    for compiled in (compile_query(query, "acme", stable_order=True), compile_query(query, "acme", with_total=True)):
        assert payload not in compiled.sql
        assert compiled.params.count(payload) == 3
    assert check(_query(filters=[{"field": "timestamp", "op": "gte", "value": payload}]), NOW)
    assert check(_query(filters=[{"field": "duration_ms", "op": "eq", "value": payload}]), NOW)


def test_a_tenant_id_is_a_parameter_too() -> None:
    compiled = compile_query(resolve(_query(), NOW), "acme' OR '1'='1")
    assert "acme" not in compiled.sql
    assert compiled.params[0] == "acme' OR '1'='1"
