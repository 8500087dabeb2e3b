"""Runs a report's query on the query engine: a page of rows for the preview, the limited rows for an export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from shared.query.engine import QueryEngine, QueryResult, default_engine
from shared.reports.compiler import TOTAL_COLUMN, CompiledQuery, compile_query
from shared.reports.validation import OutputColumn, ResolvedQuery


@dataclass
class ReportRows:
    columns: tuple[OutputColumn, ...]
    rows: list[dict[str, Any]]
    """At most `row_limit` rows, keyed by output column name."""
    row_limit: int
    total_rows: int
    """Rows the query has before the limit."""
    files_read: int

    @property
    def truncated(self) -> bool:
        return self.total_rows > len(self.rows)


def run(compiled: CompiledQuery, engine: QueryEngine | None = None) -> QueryResult:
    return (engine or default_engine()).run(compiled.sql, compiled.params, compiled.scans)


def records(compiled: CompiledQuery, result: QueryResult) -> list[dict[str, Any]]:
    """Rows keyed by the query's output names (by position: engines may change the case of labels)."""
    names = [c.name for c in compiled.columns]
    return [dict(zip(names, row, strict=True)) for row in result.rows]


def fetch_rows(query: ResolvedQuery, tenant_id: str, row_limit: int, engine: QueryEngine | None = None) -> ReportRows:
    """The first `row_limit` rows and the number of rows before the limit, in one query (a window count)."""
    compiled = compile_query(query, tenant_id, limit=row_limit, with_total=True)
    result = run(compiled, engine)
    rows = records(compiled, result)
    total = int(rows[0].pop(TOTAL_COLUMN)) if rows else 0
    for row in rows[1:]:
        del row[TOTAL_COLUMN]
    return ReportRows(query.columns, rows, row_limit, total, result.files_read)


def json_value(value: Any) -> Any:
    """A cell as JSON: dates and timestamps as ISO-8601, other non-JSON values as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
