"""Checks a parsed query against the field catalog and resolves it: every name looked up, every value typed, relative
ranges turned into instants. Errors name the offending part (`filters[1].field: unknown field 'x' in table t`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from shared.errors import InvalidInput
from shared.rendering.document import CellKind
from shared.reports.dsl import MAX_ROW_LIMIT, Aggregation, ColumnRef, Filter, QuerySpec, parse_query
from shared.reports.fields import (
    RELATIVE_RANGES,
    AggregationFn,
    FieldSpec,
    FieldType,
    Granularity,
    Operator,
    TableSpec,
    table_named,
)
from shared.reports.time_ranges import last_day_before, naive_utc, parse_timestamp, relative_range

ALIAS = re.compile(r"[a-z_][a-z0-9_]{0,62}")
MAX_IN_VALUES = 100
MAX_TEXT_VALUE = 256
_KIND_OF: dict[FieldType, CellKind] = {
    "string": "text",
    "integer": "int",
    "number": "float",
    "timestamp": "datetime",
    "boolean": "bool",
}
_OPERATOR_WORDS = {
    "eq": "is",
    "neq": "is not",
    "in": "is one of",
    "gt": "is after",
    "gte": "is at or after",
    "lt": "is before",
    "lte": "is at or before",
    "between": "is between",
}
_FN_WORDS = {
    "count": "Count",
    "count_distinct": "Distinct",
    "sum": "Total",
    "avg": "Average",
    "min": "Minimum",
    "max": "Maximum",
}


@dataclass(frozen=True)
class OutputColumn:
    name: str
    label: str
    kind: CellKind
    field: str | None
    granularity: Granularity | None = None
    fn: AggregationFn | None = None


@dataclass(frozen=True)
class Condition:
    field: str
    op: Operator
    values: tuple[Any, ...]
    words: str
    """The condition in plain words, for a report's reader."""


@dataclass(frozen=True)
class Ordering:
    position: int | None
    """1-based output column, or None for a table field that is not an output column."""
    field: str | None
    descending: bool


@dataclass(frozen=True)
class ResolvedQuery:
    table: TableSpec
    columns: tuple[OutputColumn, ...]
    group_by: tuple[OutputColumn, ...]
    conditions: tuple[Condition, ...]
    order: tuple[Ordering, ...]
    limit: int
    aggregated: bool
    first_day: date | None
    """The first `date` partition the filters allow (None: no lower bound)."""
    last_day: date | None
    empty: bool = False
    """The time filters exclude every instant."""


class QueryInvalid(InvalidInput):
    """A report query that names something outside the catalog or holds a wrong value; each detail names the part."""

    code = "invalid_query"

    def __init__(self, errors: list[str]) -> None:
        super().__init__(
            "the query is not valid: " + "; ".join(errors[:5]) + (" ..." if len(errors) > 5 else ""),
            [{"part": e.split(":", 1)[0], "problem": e.split(":", 1)[1].strip()} for e in errors],
        )
        self.errors = errors


def resolve(raw: Any, now: datetime) -> ResolvedQuery:
    """The query resolved against the catalog at `now`; QueryInvalid lists every problem found."""
    spec, errors = parse_query(raw)
    if spec is None:
        raise QueryInvalid(errors)
    return resolve_spec(spec, now)


def check(raw: Any, now: datetime) -> list[str]:
    """Every problem of the query (empty: valid)."""
    try:
        resolve(raw, now)
    except QueryInvalid as invalid:
        return invalid.errors
    return []


def resolve_spec(spec: QuerySpec, now: datetime) -> ResolvedQuery:
    table = table_named(spec.table)
    if table is None:
        raise QueryInvalid([f"table: unknown table {_shown(spec.table)}"])
    return _Resolver(table, now).resolve(spec)


class _Resolver:
    def __init__(self, table: TableSpec, now: datetime) -> None:
        self.table = table
        self.now = now
        self.errors: list[str] = []

    def resolve(self, spec: QuerySpec) -> ResolvedQuery:
        groups = tuple(
            c for i, ref in enumerate(spec.group_by) if (c := self._column(ref, f"group_by[{i}]", True)) is not None
        )
        aggregates = tuple(
            c for i, a in enumerate(spec.aggregations) if (c := self._aggregate(a, f"aggregations[{i}]")) is not None
        )
        if spec.aggregated:
            if spec.fields:
                self.errors.append("fields: must be empty when the query groups or aggregates (list group_by instead)")
            columns = groups + aggregates
        elif spec.fields:
            columns = tuple(
                c for i, f in enumerate(spec.fields) if (c := self._column(f, f"fields[{i}]", False)) is not None
            )
        else:
            columns = tuple(OutputColumn(f.name, f.label, _KIND_OF[f.type], f.name) for f in self.table.fields)
        self._unique_names(columns)
        conditions, first_day, last_day, empty = self._conditions(spec.filters)
        order = self._order(spec, columns)
        if not 1 <= spec.limit <= MAX_ROW_LIMIT:
            self.errors.append(f"limit: must be between 1 and {MAX_ROW_LIMIT}")
        if self.errors:
            raise QueryInvalid(self.errors)
        return ResolvedQuery(
            table=self.table,
            columns=columns,
            group_by=groups,
            conditions=conditions,
            order=order,
            limit=spec.limit,
            aggregated=spec.aggregated,
            first_day=first_day,
            last_day=last_day,
            empty=empty,
        )

    def _field(self, name: str | None, path: str) -> FieldSpec | None:
        found = self.table.field(name) if name is not None else None
        if found is None:
            self.errors.append(f"{path}: unknown field {_shown(name)} in table {self.table.name}")
        return found

    def _alias(self, alias: str | None, default: str, path: str) -> str:
        if alias is None:
            return default
        if not ALIAS.fullmatch(alias):
            self.errors.append(
                f"{path}: alias {_shown(alias)} must be 1-63 lowercase letters, digits or underscores, "
                "not starting with a digit"
            )
        return alias

    def _column(self, ref: ColumnRef, path: str, grouping: bool) -> OutputColumn | None:
        spec = self._field(ref.field, f"{path}.field")
        if spec is None:
            return None
        if grouping and not spec.groupable:
            self.errors.append(f"{path}.field: field {spec.name!r} cannot be grouped by (every value is unique)")
        granularity: Granularity | None = None
        if ref.granularity is not None:
            if ref.granularity not in spec.granularities:
                allowed = ", ".join(spec.granularities) or "none"
                self.errors.append(
                    f"{path}.granularity: {_shown(ref.granularity)} is not allowed for field {spec.name!r} "
                    f"(allowed: {allowed})"
                )
                return None
            granularity = ref.granularity
        default = spec.name if granularity is None else f"{spec.name}_{granularity}"
        name = self._alias(ref.alias, default, f"{path}.alias")
        kind: CellKind = _KIND_OF[spec.type]
        if granularity in ("day", "week", "month"):
            kind = "date"
        label = spec.label if granularity is None else f"{spec.label} ({granularity})"
        return OutputColumn(name, label if ref.alias is None else _titled(name), kind, spec.name, granularity)

    def _aggregate(self, aggregation: Aggregation, path: str) -> OutputColumn | None:
        fn = aggregation.fn
        if fn not in _FN_WORDS:
            self.errors.append(f"{path}.fn: unknown aggregation {_shown(fn)} (allowed: {', '.join(_FN_WORDS)})")
            return None
        if aggregation.field is None:
            if fn != "count":
                self.errors.append(f"{path}.field: aggregation {fn!r} needs a field")
                return None
            name = self._alias(aggregation.alias, "count", f"{path}.alias")
            return OutputColumn(name, _titled(name) if aggregation.alias else "Count", "int", None, fn="count")
        spec = self._field(aggregation.field, f"{path}.field")
        if spec is None:
            return None
        if fn not in spec.aggregations:
            self.errors.append(
                f"{path}.fn: aggregation {fn!r} is not allowed for field {spec.name!r} "
                f"(allowed: {', '.join(spec.aggregations)})"
            )
            return None
        typed_fn = fn
        kind: CellKind
        if typed_fn in ("count", "count_distinct"):
            kind = "int"
        elif typed_fn == "avg":
            kind = "float"
        else:
            kind = _KIND_OF[spec.type]
        name = self._alias(aggregation.alias, f"{fn}_{spec.name}", f"{path}.alias")
        label = _titled(name) if aggregation.alias else f"{_FN_WORDS[fn]} {spec.label.lower()}"
        return OutputColumn(name, label, kind, spec.name, fn=typed_fn)

    def _unique_names(self, columns: tuple[OutputColumn, ...]) -> None:
        seen: set[str] = set()
        for column in columns:
            if column.name in seen:
                self.errors.append(f"query: two output columns are named {column.name!r} (give one an alias)")
            seen.add(column.name)

    def _conditions(self, filters: list[Filter]) -> tuple[tuple[Condition, ...], date | None, date | None, bool]:
        conditions = []
        lower: datetime | None = None
        upper: datetime | None = None
        for i, item in enumerate(filters):
            condition = self._condition(item, f"filters[{i}]")
            if condition is None:
                continue
            conditions.append(condition)
            if condition.field == self.table.time_field:
                low, high = _bounds(condition)
                lower = low if lower is None or (low is not None and low > lower) else lower
                upper = high if upper is None or (high is not None and high < upper) else upper
        first_day = lower.date() if lower is not None else None
        last_day = upper.date() if upper is not None else None
        if first_day is not None and last_day is None:
            last_day = naive_utc(self.now).date() + timedelta(days=1)
        empty = lower is not None and upper is not None and lower > upper
        return tuple(conditions), first_day, last_day, empty

    def _condition(self, item: Filter, path: str) -> Condition | None:
        spec = self._field(item.field, f"{path}.field")
        if spec is None:
            return None
        if item.op not in spec.operators:
            self.errors.append(
                f"{path}.op: operator {_shown(item.op)} is not allowed for field {spec.name!r} "
                f"(allowed: {', '.join(spec.operators)})"
            )
            return None
        op = item.op
        if op in RELATIVE_RANGES:
            if item.value is not None:
                self.errors.append(f"{path}.value: operator {op!r} takes no value")
                return None
            start, end = relative_range(op, self.now)
            words = f"{spec.label} {op.replace('_', ' ')} ({start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC)"
            return Condition(spec.name, op, (start, end), words)
        values = self._values(spec, op, item.value, f"{path}.value")
        if values is None:
            return None
        shown = ", ".join(_worded(v) for v in values)
        if op == "between":
            shown = f"{_worded(values[0])} and {_worded(values[1])}"
        return Condition(spec.name, op, values, f"{spec.label} {_OPERATOR_WORDS[op]} {shown}")

    def _values(self, spec: FieldSpec, op: Operator, value: Any, path: str) -> tuple[Any, ...] | None:
        if op in ("in", "between"):
            fewest, most = (2, 2) if op == "between" else (1, MAX_IN_VALUES)
            if not isinstance(value, list) or not fewest <= len(value) <= most:
                expected = "a list of 2 values" if op == "between" else f"a list of 1 to {MAX_IN_VALUES} values"
                self.errors.append(f"{path}: operator {op!r} takes {expected}")
                return None
            typed = [self._value(spec, v, f"{path}[{i}]") for i, v in enumerate(value)]
            if any(t is None for t in typed):
                return None
            if op == "between" and typed[0] > typed[1]:
                self.errors.append(f"{path}: the first value of 'between' must not be greater than the second")
                return None
            return tuple(typed)
        single = self._value(spec, value, path)
        return None if single is None else (single,)

    def _value(self, spec: FieldSpec, value: Any, path: str) -> Any:
        given = value
        problem = None
        if spec.type == "string":
            if not isinstance(value, str):
                problem = "a string"
            elif len(value) > MAX_TEXT_VALUE:
                self.errors.append(f"{path}: at most {MAX_TEXT_VALUE} characters")
                return None
        elif spec.type == "integer":
            if not isinstance(value, int) or isinstance(value, bool):
                problem = "an integer"
        elif spec.type == "number":
            if not isinstance(value, int | float) or isinstance(value, bool):
                problem = "a number"
            else:
                value = float(value)
        elif spec.type == "boolean":
            if not isinstance(value, bool):
                problem = "true or false"
        elif spec.type == "timestamp":
            try:
                value = parse_timestamp(value) if isinstance(value, str) else None
            except ValueError:
                value = None
            if value is None:
                problem = "an ISO-8601 date or date-time string"
        if problem is not None:
            self.errors.append(f"{path}: field {spec.name!r} takes {problem}, not {_shown(given)}")
            return None
        return value

    def _order(self, spec: QuerySpec, columns: tuple[OutputColumn, ...]) -> tuple[Ordering, ...]:
        order = []
        names = [c.name for c in columns]
        for i, item in enumerate(spec.order_by):
            path = f"order_by[{i}]"
            if item.direction not in ("asc", "desc"):
                self.errors.append(f"{path}.direction: must be 'asc' or 'desc', not {_shown(item.direction)}")
                continue
            descending = item.direction == "desc"
            if item.field in names:
                order.append(Ordering(names.index(item.field) + 1, None, descending))
            elif not spec.aggregated and self.table.field(item.field) is not None:
                order.append(Ordering(None, item.field, descending))
            else:
                self.errors.append(
                    f"{path}.field: {_shown(item.field)} is not an output column of the query "
                    f"(output columns: {', '.join(names)})"
                )
        return tuple(order)


def _bounds(condition: Condition) -> tuple[datetime | None, datetime | None]:
    """The instants a time condition allows, as (lowest, highest) with None for unbounded."""
    values = condition.values
    if condition.op in RELATIVE_RANGES:
        start, end = values
        return start, datetime.combine(last_day_before(end), datetime.max.time())
    if condition.op in ("gt", "gte"):
        return values[0], None
    if condition.op == "lt":
        return None, datetime.combine(last_day_before(values[0]), datetime.max.time())
    if condition.op == "lte":
        return None, values[0]
    return values[0], values[1]


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _worded(value: Any) -> str:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M} UTC"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _titled(name: str) -> str:
    return name.replace("_", " ").capitalize()
