"""DuckDB answers as Athena does where code can tell: lower-cased output labels, `?` parameters only (the qmark style
`AthenaEngine` hands to the pinned pyathena), and for DATE / TIMESTAMP / number columns the Python types pyathena's
default converter makes of Athena's results."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pyathena.converter import DefaultTypeConverter
from pyathena.cursor import Cursor

from local.runtime import LocalRuntime
from shared.catalog.reports import USAGE_EVENTS
from shared.query.athena_engine import AthenaEngine, athena_literal
from shared.query.duckdb_engine import DuckDbEngine
from shared.query.engine import QueryResult, Scan
from shared.reports.compiler import compile_query
from shared.reports.demo_data import TenantProfile, usage_events_of_day, write_day
from shared.reports.runner import records, run
from shared.reports.validation import OutputColumn, resolve
from shared.settings import get_settings

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
ATHENA_TEXT = {
    "date": "2026-11-20",
    "timestamp": "2026-11-20 05:06:07.123",
    "bigint": "42",
    "double": "1.5",
    "varchar": "text",
}
"""A value of each Athena result type as Athena's result set carries it (text), for pyathena to convert."""


def athena_type(column: OutputColumn) -> str:
    """The type Athena gives the column the DSL compiler writes (Trino's typing of each construct; `sum` of a
    bigint is a bigint, `min`/`max` keep their field's type)."""
    if column.fn in ("count", "count_distinct"):
        return "bigint"
    if column.fn == "avg":
        return "double"
    if column.granularity == "hour":
        return "timestamp"
    if column.granularity is not None:
        return "date"
    if column.field == "timestamp":
        return "timestamp"
    if column.field == "duration_ms":
        return "bigint"
    return "varchar"


def _lake() -> None:
    for day in (date(2026, 11, 19), date(2026, 11, 20)):
        write_day(USAGE_EVENTS, day, usage_events_of_day((TenantProfile("acme", users=5, events_per_day=40),), day))


QUERIES = [
    {
        "table": "usage_events",
        "group_by": [
            {"field": "timestamp", "granularity": granularity, "alias": f"per_{granularity}"}
            for granularity in ("hour", "day", "week", "month")
        ],
        "aggregations": [
            {"fn": "count"},
            {"fn": "count_distinct", "field": "user_id"},
            {"fn": "sum", "field": "duration_ms"},
            {"fn": "avg", "field": "duration_ms"},
            {"fn": "min", "field": "timestamp"},
            {"fn": "max", "field": "duration_ms"},
        ],
        "filters": [{"field": "timestamp", "op": "last_7_days"}],
    },
    {"table": "usage_events", "fields": ["timestamp", "event_type", "duration_ms"], "limit": 5},
]


@pytest.mark.parametrize("query", QUERIES, ids=["grouped", "rows"])
def test_dates_timestamps_and_numbers_have_the_types_pyathena_gives(clean: LocalRuntime, query: dict[str, Any]) -> None:
    _lake()
    resolved = resolve(query, NOW)
    compiled = compile_query(resolved, "acme")
    rows = records(compiled, run(compiled, DuckDbEngine()))
    assert rows
    converter = DefaultTypeConverter()
    for column in resolved.columns:
        kind = athena_type(column)
        expected = type(converter.convert(kind, ATHENA_TEXT[kind]))
        found = {type(row[column.name]) for row in rows if row[column.name] is not None}
        assert found == {expected}, (column.name, kind, found)


def test_output_labels_come_back_lower_cased_as_athena_returns_them(clean: LocalRuntime) -> None:
    _lake()
    result = DuckDbEngine().run(
        'SELECT count(*) AS "iosEdition", max("event_type") AS "eventType", ? AS "Mixed_Case" FROM {events}',
        ["x"],
        {"events": Scan(USAGE_EVENTS, ("date=2026-11-20",))},
    )
    assert result.columns == ["iosedition", "eventtype", "mixed_case"]
    with pytest.raises(KeyError):
        result.records()[0]["iosEdition"]


@pytest.mark.parametrize(
    ("sql", "params", "error"),
    [
        ("SELECT * FROM {events} WHERE event_type = $1", ["x"], "'$1' is not Athena's"),
        ("SELECT * FROM {events} WHERE event_type = :kind", ["x"], "':k' is not Athena's"),
        ("SELECT * FROM {events} WHERE event_type = %s", ["x"], "'%s' is not Athena's"),
        ("SELECT * FROM {events} WHERE event_type = ?1", ["x"], "'?1' is not Athena's"),
        ("SELECT * FROM {events} WHERE event_type = ?", [], "1 '?' but 0 parameters"),
    ],
)
def test_only_qmark_parameters_are_accepted(clean: LocalRuntime, sql: str, params: list[Any], error: str) -> None:
    with pytest.raises(ValueError, match=error.replace("$", r"\$").replace("?", r"\?")):
        DuckDbEngine().run(sql, params, {"events": Scan(USAGE_EVENTS, ("date=2026-11-20",))})


def test_named_parameters_are_refused(clean: LocalRuntime) -> None:
    with pytest.raises(TypeError, match="qmark"):
        DuckDbEngine().run("SELECT ? AS x", {"x": 1}, {})  # type: ignore[arg-type]


def test_a_question_mark_inside_a_literal_or_quoted_name_is_not_a_parameter(clean: LocalRuntime) -> None:
    result = DuckDbEngine().run("SELECT 'why?' AS \"what?\", ? AS n", [3], {})
    assert result.records() == [{"what?": "why?", "n": 3}]


SENT: list[tuple[str, list[str] | None]] = []
"""What pyathena would send to Athena: the query text and its ExecutionParameters."""


class _AthenaCursor:
    """The part of pyathena's cursor `AthenaEngine` uses; `execute` hands its arguments to pyathena's own
    `_prepare_query`, so the test sees what the pinned pyathena would send to Athena."""

    description = [("id", "varchar"), ("iosedition", "bigint")]
    data_scanned_in_bytes = 10

    def execute(self, sql: str, params: list[str] | None, paramstyle: str) -> None:
        SENT.append(Cursor._prepare_query(object.__new__(Cursor), sql, params, paramstyle))

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [("n-1", 2)]


class _AthenaConnection:
    def cursor(self) -> _AthenaCursor:
        return _AthenaCursor()

    def close(self) -> None:
        return None


def test_athena_gets_the_sql_untouched_and_each_value_as_an_execution_parameter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("pyathena.connect", lambda **_: _AthenaConnection())
    SENT.clear()
    sql = "SELECT id, count(*) AS iosEdition FROM {events} WHERE a = ? AND b = ? AND c = ? AND d LIKE '%x%'"
    params = ["it's", datetime(2026, 11, 20, 5, 6, 7), date(2026, 11, 20)]
    result: QueryResult = AthenaEngine().run(sql, params, {"events": Scan(USAGE_EVENTS)})
    [(query, execution_parameters)] = SENT
    assert query == sql.format(events=f'"{get_settings().glue_database}"."usage_events"')
    assert execution_parameters == [
        "'it''s'",
        "timestamp '2026-11-20 05:06:07.000'",
        "date '2026-11-20'",
    ]
    assert execution_parameters == [athena_literal(p) for p in params]
    assert result.records() == [{"id": "n-1", "iosedition": 2}]


def test_nulls_sort_last_both_ways_and_text_by_code_point_as_in_trino(clean: LocalRuntime) -> None:
    values = "(VALUES (1, 'b'), (NULL, 'B'), (2, 'a'), (3, 'é')) AS t(n, s)"
    engine = DuckDbEngine()
    assert [r[0] for r in engine.run(f"SELECT n FROM {values} ORDER BY n DESC", [], {}).rows] == [3, 2, 1, None]  # noqa: S608
    assert [r[0] for r in engine.run(f"SELECT n FROM {values} ORDER BY n", [], {}).rows] == [1, 2, 3, None]  # noqa: S608
    assert [r[0] for r in engine.run(f"SELECT s FROM {values} ORDER BY s", [], {}).rows] == ["B", "a", "b", "é"]  # noqa: S608
