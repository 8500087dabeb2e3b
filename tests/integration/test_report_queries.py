"""The DSL compiled and run on DuckDB over the local S3 against demo data, each answer checked against an independent
computation over the generated rows in plain Python; partition pruning and tenant isolation."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import pytest

from local.runtime import LocalRuntime
from shared.query.duckdb_engine import DuckDbEngine
from shared.reports.compiler import compile_query
from shared.reports.defaults import usage_summary
from shared.reports.demo_data import DemoData
from shared.reports.runner import fetch_rows, records, run
from shared.reports.validation import resolve
from tests.support.analytics import NOW, days_back, load_small_lake, naive, parse

ENGINE = DuckDbEngine()


@pytest.fixture(scope="module")
def lake(runtime: LocalRuntime) -> DemoData:
    """Written once for the module: these tests only read the lake."""
    runtime.reset()
    return load_small_lake()


def _run(query: dict[str, Any], tenant: str = "acme", **kwargs: Any) -> tuple[list[dict[str, Any]], int]:
    compiled = compile_query(resolve(query, NOW), tenant, **kwargs)
    result = run(compiled, ENGINE)
    return records(compiled, result), result.files_read


def test_usage_summary_matches_an_independent_count(lake: DemoData) -> None:
    rows, files_read = _run(usage_summary().query)
    start, end = naive(NOW) - timedelta(days=7), naive(NOW)
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for event in lake.rows["usage_events"]:
        moment = parse(event["timestamp"])
        if event["tenant_id"] == "acme" and start <= moment < end:
            groups[(moment.date(), event["event_type"], "acme")].append(event)
    expected = {
        key: (len(events), len({e["user_id"] for e in events}), len({e["device_id"] for e in events}))
        for key, events in groups.items()
    }
    got = {
        (r["date"], r["event_type"], r["tenant_id"]): (r["total_events"], r["unique_users"], r["unique_devices"])
        for r in rows
    }
    assert got == expected
    assert len(expected) > 50
    assert [r["date"] for r in rows] == sorted((r["date"] for r in rows), reverse=True)
    for before, after in itertools.pairwise(rows):
        if before["date"] == after["date"]:
            assert before["total_events"] >= after["total_events"]
    assert files_read == 8  # 2026-11-16 .. 2026-11-23, one file a day


def test_filters_and_numeric_aggregates_per_week(lake: DemoData) -> None:
    query = {
        "table": "usage_events",
        "group_by": [{"field": "timestamp", "granularity": "week", "alias": "week"}, "platform"],
        "aggregations": [
            {"fn": "count", "alias": "events"},
            {"fn": "sum", "field": "duration_ms", "alias": "total_ms"},
            {"fn": "avg", "field": "duration_ms", "alias": "mean_ms"},
            {"fn": "min", "field": "duration_ms", "alias": "min_ms"},
            {"fn": "max", "field": "duration_ms", "alias": "max_ms"},
        ],
        "filters": [
            {"field": "event_type", "op": "in", "value": ["click", "search", "login"]},
            {"field": "platform", "op": "neq", "value": "web"},
            {"field": "duration_ms", "op": "between", "value": [200, 3000]},
            {"field": "timestamp", "op": "between", "value": ["2026-11-10", "2026-11-20T12:00:00"]},
        ],
        "order_by": ["week", "platform"],
    }
    rows, files_read = _run(query)
    low, high = datetime(2026, 11, 10), datetime(2026, 11, 20, 12)
    groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for e in lake.rows["usage_events"]:
        moment = parse(e["timestamp"])
        if (
            e["tenant_id"] == "acme"
            and e["event_type"] in ("click", "search", "login")
            and e["platform"] != "web"
            and 200 <= int(e["duration_ms"]) <= 3000  # type: ignore[call-overload]
            and low <= moment <= high
        ):
            monday = moment.date() - timedelta(days=moment.weekday())
            groups[(monday, e["platform"])].append(int(e["duration_ms"]))  # type: ignore[call-overload]
    expected = [
        {
            "week": week,
            "platform": platform,
            "events": len(values),
            "total_ms": sum(values),
            "mean_ms": pytest.approx(sum(values) / len(values)),
            "min_ms": min(values),
            "max_ms": max(values),
        }
        for (week, platform), values in sorted(groups.items())
    ]
    assert rows == expected
    assert files_read == 11  # 2026-11-10 .. 2026-11-20


def test_rows_without_aggregation_are_ordered_and_limited(lake: DemoData) -> None:
    query = {
        "table": "usage_events",
        "fields": ["event_id", "timestamp", {"field": "user_id", "alias": "who"}],
        "filters": [{"field": "timestamp", "op": "yesterday"}, {"field": "event_type", "op": "eq", "value": "export"}],
        "order_by": [{"field": "timestamp", "direction": "desc"}, "event_id"],
        "limit": 5,
    }
    rows, files_read = _run(query)
    events = sorted(
        (
            e
            for e in lake.rows["usage_events"]
            if e["tenant_id"] == "acme" and e["event_type"] == "export" and str(e["timestamp"]).startswith("2026-11-22")
        ),
        key=lambda e: (-parse(e["timestamp"]).timestamp(), e["event_id"]),
    )
    assert rows == [
        {"event_id": e["event_id"], "timestamp": parse(e["timestamp"]), "who": e["user_id"]} for e in events[:5]
    ]
    assert files_read == 1


def test_sessions_and_device_metrics_tables(lake: DemoData) -> None:
    rows, _ = _run(
        {
            "table": "user_sessions",
            "group_by": ["platform"],
            "aggregations": [
                {"fn": "count", "alias": "sessions"},
                {"fn": "avg", "field": "duration_s", "alias": "avg_s"},
            ],
            "filters": [
                {"field": "converted", "op": "eq", "value": True},
                {"field": "started_at", "op": "last_30_days"},
            ],
            "order_by": ["platform"],
        }
    )
    converted: dict[str, list[int]] = defaultdict(list)
    for s in lake.rows["user_sessions"]:
        if s["tenant_id"] == "acme" and s["converted"] and days_back(30) <= parse(s["started_at"]) < naive(NOW):
            converted[str(s["platform"])].append(int(s["duration_s"]))  # type: ignore[call-overload]
    assert rows == [
        {"platform": p, "sessions": len(v), "avg_s": pytest.approx(sum(v) / len(v))}
        for p, v in sorted(converted.items())
    ]
    rows, _ = _run(
        {
            "table": "device_metrics",
            "group_by": [{"field": "recorded_at", "granularity": "month", "alias": "month"}],
            "aggregations": [
                {"fn": "count_distinct", "field": "device_id", "alias": "devices"},
                {"fn": "sum", "field": "crash_count", "alias": "crashes"},
            ],
            "filters": [{"field": "battery_pct", "op": "lt", "value": 50}],
        },
        tenant="globex",
    )
    samples = [m for m in lake.rows["device_metrics"] if m["tenant_id"] == "globex" and m["battery_pct"] < 50]  # type: ignore[operator]
    assert rows == [
        {
            "month": datetime(2026, 11, 1).date(),
            "devices": len({m["device_id"] for m in samples}),
            "crashes": sum(int(m["crash_count"]) for m in samples),  # type: ignore[call-overload]
        }
    ]


def test_a_tenant_sees_only_its_own_rows_even_when_it_asks_for_another(lake: DemoData) -> None:
    query = {
        "table": "usage_events",
        "group_by": ["tenant_id"],
        "aggregations": [{"fn": "count", "alias": "n"}],
        "filters": [{"field": "tenant_id", "op": "in", "value": ["acme", "globex"]}],
    }
    rows, _ = _run(query, tenant="globex")
    assert rows == [
        {"tenant_id": "globex", "n": sum(1 for e in lake.rows["usage_events"] if e["tenant_id"] == "globex")}
    ]
    rows, _ = _run({**query, "filters": [{"field": "tenant_id", "op": "eq", "value": "acme"}]}, tenant="globex")
    assert rows == []
    rows, _ = _run(query, tenant="nobody")
    assert rows == []


def test_partition_pruning_reads_exactly_the_days_in_range(lake: DemoData) -> None:
    base = {"table": "usage_events", "aggregations": [{"fn": "count", "alias": "n"}]}
    cases = [
        ([{"field": "timestamp", "op": "today"}], 1),
        ([{"field": "timestamp", "op": "last_week"}], 7),
        ([{"field": "timestamp", "op": "this_month"}], 15),  # the lake starts 2026-11-09
        ([{"field": "timestamp", "op": "gte", "value": "2026-11-20"}], 4),  # 20..23 (24 is read but empty)
        ([{"field": "timestamp", "op": "lt", "value": "2026-11-12"}], 15),  # no lower bound: every day
        ([], 15),
        (
            [
                {"field": "timestamp", "op": "gte", "value": "2026-11-20"},
                {"field": "timestamp", "op": "lt", "value": "2026-11-19"},
            ],
            0,
        ),
    ]
    for filters, files in cases:
        rows, files_read = _run({**base, "filters": filters})
        assert files_read == files, filters
        lows = [parse(e["timestamp"]) for e in lake.rows["usage_events"] if e["tenant_id"] == "acme"]
        if filters == []:
            assert rows == [{"n": len(lows)}]


def test_fetch_rows_counts_the_total_before_the_limit(lake: DemoData) -> None:
    query = resolve(usage_summary().query, NOW)
    cut = fetch_rows(query, "acme", 10, ENGINE)
    whole = fetch_rows(query, "acme", 1000, ENGINE)
    assert len(cut.rows) == 10
    assert cut.truncated
    assert cut.total_rows == len(whole.rows) > 10
    assert not whole.truncated
    assert cut.rows == whole.rows[:10]
