"""Every SQL text the project sends to Athena is Athena's SQL: the DSL compiler for every operator, aggregation,
granularity, ordering and paging branch, the notifications received-count query and the Usage Summary are parsed by
sqlglot in its `athena` dialect (errors raised), and the DuckDB-only forms it would accept are refused by name."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, get_args

import pytest
from sqlglot import exp
from sqlglot.errors import ParseError

from shared.notifications.received import count_query
from shared.reports.compiler import SOURCE, compile_query
from shared.reports.defaults import usage_summary
from shared.reports.fields import AggregationFn, Granularity, Operator
from shared.reports.validation import resolve
from tests.support.athena_sql import athena_text, check_athena_sql

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)

VALUES: dict[str, Any] = {
    "eq": 5,
    "neq": 5,
    "in": [1, 2, 3],
    "gt": 1,
    "gte": 1,
    "lt": 9,
    "lte": 9,
    "between": [5, 5],
}
"""A value for each value operator on the measure `duration_ms`."""


def _filters() -> list[tuple[str, dict[str, Any]]]:
    """One filter per operator: value operators on a measure and on the time field, relative ranges on time."""
    found = []
    for op in get_args(Operator):
        if op in VALUES:
            found.append((f"duration_ms-{op}", {"field": "duration_ms", "op": op, "value": VALUES[op]}))
        if op in ("gt", "gte", "lt", "lte"):
            found.append((f"timestamp-{op}", {"field": "timestamp", "op": op, "value": "2026-11-10T06:00:00Z"}))
        elif op == "between":
            found.append((f"timestamp-{op}", {"field": "timestamp", "op": op, "value": ["2026-11-01", "2026-11-20"]}))
        elif op not in VALUES:
            found.append((f"timestamp-{op}", {"field": "timestamp", "op": op}))
    found.append(("event_type-in-one", {"field": "event_type", "op": "in", "value": ["login"]}))
    found.append(("platform-eq-text", {"field": "platform", "op": "eq", "value": "it's"}))
    return found


def _aggregations() -> list[tuple[str, dict[str, Any]]]:
    found = [("count-rows", {"fn": "count"})]
    for fn in get_args(AggregationFn):
        field = "timestamp" if fn in ("min", "max") else "duration_ms"
        found.append((fn, {"fn": fn, "field": field}))
    found.append(("count_distinct-users", {"fn": "count_distinct", "field": "user_id", "alias": "users"}))
    return found


def _queries() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(id, query, compile options) covering each branch of the compiler."""
    corpus: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for name, condition in _filters():
        corpus.append((f"filter-{name}", {"table": "usage_events", "filters": [condition]}, {}))
    for name, aggregation in _aggregations():
        query = {"table": "usage_events", "group_by": ["event_type"], "aggregations": [aggregation]}
        corpus.append((f"aggregate-{name}", query, {}))
    for granularity in get_args(Granularity):
        query = {
            "table": "usage_events",
            "group_by": [{"field": "timestamp", "granularity": granularity, "alias": f"per_{granularity}"}],
            "aggregations": [{"fn": "count"}],
            "order_by": [{"field": f"per_{granularity}", "direction": "desc"}],
        }
        corpus.append((f"granularity-{granularity}", query, {}))
    rows = {
        "table": "user_sessions",
        "fields": ["user_id", {"field": "started_at", "alias": "began"}],
        "filters": [{"field": "converted", "op": "eq", "value": True}],
        "order_by": ["duration_s", {"field": "began", "direction": "desc"}],
        "limit": 1,
    }
    corpus.append(("rows-ordered-by-a-field-not-shown", rows, {}))
    corpus.append(("rows-no-fields-every-column", {"table": "device_metrics"}, {}))
    grouped = {
        "table": "device_metrics",
        "group_by": ["platform", {"field": "recorded_at", "granularity": "day"}],
        "aggregations": [{"fn": "avg", "field": "battery_pct"}, {"fn": "max", "field": "crash_count"}],
        "filters": [{"field": "recorded_at", "op": "last_7_days"}],
        "order_by": [{"field": "avg_battery_pct", "direction": "desc"}],
    }
    corpus.append(("preview-page", grouped, {"limit": 21, "offset": 40, "stable_order": True}))
    corpus.append(("first-preview-page", grouped, {"limit": 21, "offset": 0, "stable_order": True}))
    corpus.append(("export-with-total", grouped, {"limit": 1000, "with_total": True}))
    corpus.append(("usage-summary", usage_summary().query, {}))
    corpus.append(("usage-summary-export", usage_summary().query, {"limit": 1000, "with_total": True}))
    return corpus


CORPUS = _queries()


@pytest.mark.parametrize(("query", "options"), [(q, o) for _, q, o in CORPUS], ids=[i for i, _, _ in CORPUS])
def test_every_compiled_query_is_athena_sql(query: dict[str, Any], options: dict[str, Any]) -> None:
    compiled = compile_query(resolve(query, NOW), "acme", **options)
    tree = check_athena_sql(athena_text(compiled.sql, SOURCE))
    placeholders = list(tree.find_all(exp.Placeholder))
    assert len(placeholders) == len(compiled.params)


def test_the_corpus_reaches_every_operator_aggregation_and_granularity() -> None:
    names = [name for name, _, _ in CORPUS]
    for op in get_args(Operator):
        assert any(name.endswith(f"-{op}") for name in names), op
    for fn in get_args(AggregationFn):
        assert f"aggregate-{fn}" in names
    for granularity in get_args(Granularity):
        assert f"granularity-{granularity}" in names
    sql = " ".join(compile_query(resolve(q, NOW), "acme", **o).sql for _, q, o in CORPUS)
    for construct in (" IN (", " BETWEEN ", " OFFSET 40 LIMIT 21", "COUNT(*) OVER ()", " DESC", "date_trunc('hour'"):
        assert construct in sql, construct


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2026, 11, 20, 5, 0, tzinfo=UTC), datetime(2026, 11, 20, 5, 59, tzinfo=UTC)),
        (datetime(2026, 11, 20, 22, 30, tzinfo=UTC), datetime(2026, 11, 22, 1, 15, tzinfo=UTC)),
    ],
)
def test_the_received_count_query_is_athena_sql(start: datetime, end: datetime) -> None:
    sql, params, scans = count_query(start, end)
    tree = check_athena_sql(athena_text(sql, *scans))
    assert len(list(tree.find_all(exp.Placeholder))) == len(params)


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("SELECT x::int FROM t", "'::' casts"),
        ("SELECT x FROM t LIMIT 5 OFFSET 10", "OFFSET before LIMIT"),
        ("SELECT strftime(ts, '%Y') FROM t", "functions Athena does not have: ['strftime']"),
        ("SELECT epoch_ms(x) FROM t", "functions Athena does not have"),
        ("SELECT x FROM t WHERE a = $1", "'$n' parameters"),
        ("SELECT x FROM t WHERE a = :tenant", "named parameters"),
        ("SELECT * EXCLUDE (a) FROM t", "EXCLUDE"),
        ("SELECT x, count(*) FROM t GROUP BY ALL", "GROUP BY ALL"),
    ],
)
def test_duckdb_only_sql_is_refused_by_name(sql: str, reason: str) -> None:
    with pytest.raises(AssertionError, match=reason.replace("(", r"\(").replace("[", r"\[").replace("$", r"\$")):
        check_athena_sql(sql)


@pytest.mark.parametrize("sql", ["SELECT x FROM t QUALIFY row_number() OVER () = 1", "SELECT FROM WHERE"])
def test_sql_athena_cannot_parse_fails(sql: str) -> None:
    with pytest.raises(ParseError):
        check_athena_sql(sql)
