"""Compiles a resolved query into parameterised SQL in the subset Athena and DuckDB both accept.

Identifiers come only from the field catalog (quoted), aliases only after matching `[a-z_][a-z0-9_]*` (quoted);
every value is a `?` parameter; LIMIT and OFFSET are integers formatted from validated ints. The caller's tenant is
always the first condition, and the time field's range also bounds the `date` partitions read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.query.engine import Scan, daily_partitions
from shared.reports.fields import TENANT_FIELD
from shared.reports.validation import Condition, OutputColumn, ResolvedQuery

SOURCE = "source"
TOTAL_COLUMN = "__total_rows"
PARTITION_COLUMN = "date"
_COMPARISON = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_AGGREGATE = {"count": "COUNT({})", "count_distinct": "COUNT(DISTINCT {})", "sum": "SUM({})", "avg": "AVG({})"}


@dataclass(frozen=True)
class CompiledQuery:
    sql: str
    """SQL whose only table reference is `{source}` (see `shared.query.engine.QueryEngine.run`)."""
    params: tuple[Any, ...]
    scans: dict[str, Scan]
    columns: tuple[OutputColumn, ...]


def quoted(identifier: str) -> str:
    """A catalog identifier or checked alias, quoted for both engines."""
    if not identifier or '"' in identifier or "{" in identifier or "}" in identifier:
        raise ValueError(f"not a safe identifier: {identifier!r}")
    return f'"{identifier}"'


def column_sql(column: OutputColumn) -> str:
    if column.fn is not None:
        argument = "*" if column.field is None else quoted(column.field)
        template = _AGGREGATE.get(column.fn, column.fn.upper() + "({})")
        return template.format(argument)
    assert column.field is not None
    field = quoted(column.field)
    if column.granularity == "hour":
        return f"date_trunc('hour', {field})"
    if column.granularity == "day":
        return f"CAST({field} AS DATE)"
    if column.granularity in ("week", "month"):
        return f"CAST(date_trunc('{column.granularity}', {field}) AS DATE)"
    return field


def _condition_sql(condition: Condition) -> str:
    field = quoted(condition.field)
    if condition.op == "in":
        return f"{field} IN ({', '.join('?' for _ in condition.values)})"
    if condition.op == "between":
        return f"{field} BETWEEN ? AND ?"
    if condition.op in _COMPARISON:
        return f"{field} {_COMPARISON[condition.op]} ?"
    return f"{field} >= ? AND {field} < ?"


def _where(query: ResolvedQuery, tenant_id: str) -> tuple[str, list[Any]]:
    terms = [f"{quoted(TENANT_FIELD)} = ?"]
    params: list[Any] = [tenant_id]
    if query.first_day is not None:
        terms.append(f"{quoted(PARTITION_COLUMN)} >= ?")
        params.append(f"{query.first_day:%Y-%m-%d}")
    if query.last_day is not None:
        terms.append(f"{quoted(PARTITION_COLUMN)} <= ?")
        params.append(f"{query.last_day:%Y-%m-%d}")
    for condition in query.conditions:
        terms.append(_condition_sql(condition))
        params.extend(condition.values)
    return " AND ".join(terms), params


def _scans(query: ResolvedQuery) -> dict[str, Scan]:
    partitions = None
    if query.first_day is not None and query.last_day is not None:
        partitions = daily_partitions(query.first_day, query.last_day)
    return {SOURCE: Scan(query.table.lake_table, partitions)}


def _select_group(query: ResolvedQuery, tenant_id: str, with_total: bool = False) -> tuple[str, list[Any]]:
    where, params = _where(query, tenant_id)
    select = ", ".join(f"{column_sql(c)} AS {quoted(c.name)}" for c in query.columns)
    if with_total:
        select += f", COUNT(*) OVER () AS {quoted(TOTAL_COLUMN)}"
    sql = f"SELECT {select} FROM {{{SOURCE}}} WHERE {where}"  # noqa: S608 - catalog identifiers and ? only
    if query.group_by:
        sql += " GROUP BY " + ", ".join(column_sql(c) for c in query.group_by)
    return sql, params


def compile_query(
    query: ResolvedQuery,
    tenant_id: str,
    *,
    limit: int | None = None,
    offset: int = 0,
    stable_order: bool = False,
    with_total: bool = False,
) -> CompiledQuery:
    """The query's rows for `tenant_id`: at most `limit` (default: the query's own limit) after skipping `offset`.
    `stable_order` appends every output column to the ordering, so that pages of one query never overlap;
    `with_total` appends a last column holding the number of rows before the limit (one scan, not two)."""
    sql, params = _select_group(query, tenant_id, with_total)
    order = [
        f"{o.position if o.position is not None else quoted(str(o.field))}{' DESC' if o.descending else ''}"
        for o in query.order
    ]
    if stable_order:
        ordered = {o.position for o in query.order}
        order += [str(i) for i in range(1, len(query.columns) + 1) if i not in ordered]
    if order:
        sql += " ORDER BY " + ", ".join(order)
    if offset:
        sql += f" OFFSET {int(offset)}"
    sql += f" LIMIT {int(limit if limit is not None else query.limit)}"
    columns = query.columns
    if with_total:
        columns += (OutputColumn(TOTAL_COLUMN, "Total rows", "int", None, fn="count"),)
    return CompiledQuery(sql, tuple(params), _scans(query), columns)
