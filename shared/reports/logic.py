"""The report builder's use cases: save, list, read, replace, delete and preview reports; check a query; the catalog.

Who may do what: anyone of the tenant reads the tenant's public reports and their own; only the author edits or
deletes a report, an admin any of the tenant's. A report the caller may not read does not exist for them (404).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from shared import clock
from shared.api.caller import Caller
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.items import decode_token, encode_token
from shared.query.engine import QueryEngine
from shared.reports import store
from shared.reports.compiler import compile_query
from shared.reports.dsl import DEFAULT_ROW_LIMIT, MAX_ROW_LIMIT, parse_query
from shared.reports.fields import TABLES
from shared.reports.models import (
    ColumnOut,
    FieldOut,
    PreviewPage,
    QueryCheck,
    Report,
    ReportIn,
    ReportPage,
    TableOut,
    TablesReply,
    Visualization,
)
from shared.reports.runner import json_value, records, run
from shared.reports.validation import OutputColumn, QueryInvalid, resolve, resolve_spec

MAX_PREVIEW_ROWS = 100
_NUMERIC = ("int", "float")


def tables() -> TablesReply:
    return TablesReply(
        tables=[
            TableOut(
                name=t.name,
                label=t.label,
                description=t.description,
                time_field=t.time_field,
                fields=[
                    FieldOut(
                        name=f.name,
                        type=f.type,
                        label=f.label,
                        description=f.description,
                        operators=list(f.operators),
                        aggregations=list(f.aggregations),
                        groupable=f.groupable,
                        granularities=list(f.granularities),
                    )
                    for f in t.fields
                ],
            )
            for t in TABLES
        ],
        default_row_limit=DEFAULT_ROW_LIMIT,
        max_row_limit=MAX_ROW_LIMIT,
    )


def check_query(raw: Any, visualization: Any = None, now: datetime | None = None) -> QueryCheck:
    """Whether a query (and optionally a visualization of it) is valid, with every problem named by its part."""
    try:
        resolved = resolve(raw, now or clock.now())
    except QueryInvalid as invalid:
        return QueryCheck(valid=False, errors=invalid.errors)
    errors = []
    if visualization is not None:
        try:
            errors = visualization_errors(Visualization.model_validate(visualization), resolved.columns)
        except ValueError as error:
            errors = [f"visualization: {error}"]
    return QueryCheck(valid=not errors, errors=errors, columns=_columns_out(resolved.columns))


def visualization_errors(visualization: Visualization, columns: tuple[OutputColumn, ...]) -> list[str]:
    kinds = {c.name: c.kind for c in columns}
    errors = []
    for path, name in (("visualization.x", visualization.x), ("visualization.series_by", visualization.series_by)):
        if name is not None and name not in kinds:
            errors.append(f"{path}: {name!r} is not an output column of the query")
    for i, name in enumerate(visualization.y):
        if kinds.get(name) not in _NUMERIC:
            errors.append(f"visualization.y[{i}]: {name!r} is not a numeric output column of the query")
    if visualization.series_by is not None and len(visualization.y) != 1:
        errors.append("visualization.y: exactly one column when series_by is set")
    return errors


def _validated(body: ReportIn, now: datetime) -> tuple[dict[str, Any], int]:
    """The normalised query and the row limit of a report body; QueryInvalid names every problem."""
    spec, errors = parse_query(body.query)
    if spec is None:
        raise QueryInvalid([f"query.{e}" for e in errors])
    try:
        resolved = resolve_spec(spec, now)
    except QueryInvalid as invalid:
        raise QueryInvalid([f"query.{e}" for e in invalid.errors]) from None
    if body.visualization is not None:
        problems = visualization_errors(body.visualization, resolved.columns)
        if problems:
            raise QueryInvalid(problems)
    return spec.model_dump(mode="json"), body.row_limit or spec.limit


def create(caller: Caller, body: ReportIn, report_id: str | None = None) -> Report:
    """Save a new report authored by the caller; `report_id` fixes the id (Conflict when the tenant has it)."""
    now = clock.now()
    query, row_limit = _validated(body, now)
    stamp = clock.iso(now)
    report = Report(
        id=report_id or uuid.uuid4().hex,
        tenant_id=caller.tenant,
        name=body.name,
        description=body.description,
        query=query,
        visualization=body.visualization,
        row_limit=row_limit,
        is_public=body.is_public,
        tags=body.tags,
        created_by=caller.sub,
        created_at=stamp,
        updated_at=stamp,
        version=1,
    )
    if not store.insert(report):
        raise Conflict(f"a report {report.id} already exists")
    return report


def _may_read(caller: Caller, report: Report) -> bool:
    return caller.is_admin or report.is_public or report.created_by == caller.sub


def get(caller: Caller, report_id: str) -> Report:
    report = store.get(caller.tenant, report_id)
    if not _may_read(caller, report):
        raise NotFound(f"no report {report_id}")
    return report


def _editable(caller: Caller, report_id: str) -> Report:
    report = get(caller, report_id)
    if not caller.is_admin and report.created_by != caller.sub:
        raise Forbidden("only the report's author or an admin may change it")
    return report


def replace(caller: Caller, report_id: str, body: ReportIn) -> Report:
    current = _editable(caller, report_id)
    now = clock.now()
    query, row_limit = _validated(body, now)
    updated = current.model_copy(
        update={
            "name": body.name,
            "description": body.description,
            "query": query,
            "visualization": body.visualization,
            "row_limit": row_limit,
            "is_public": body.is_public,
            "tags": body.tags,
            "updated_at": clock.iso(now),
            "version": current.version + 1,
        }
    )
    store.replace(updated, current.version)
    return updated


def delete(caller: Caller, report_id: str) -> None:
    current = _editable(caller, report_id)
    store.delete(caller.tenant, report_id, current.version)


def listing(caller: Caller, limit: int, cursor: str | None) -> ReportPage:
    items, next_cursor = store.page(caller.tenant, None if caller.is_admin else caller.sub, limit, cursor)
    return ReportPage(items=items, next_cursor=next_cursor)


def preview(
    caller: Caller, report_id: str, limit: int, cursor: str | None, engine: QueryEngine | None = None
) -> PreviewPage:
    """One page of the report's rows, at most `limit` (≤ 100); pages stop at the report's row limit."""
    report = get(caller, report_id)
    offset = _offset_of(cursor, report) if cursor else 0
    query = resolve(report.query, clock.now())  # relative ranges move with time
    row_limit = min(report.row_limit, query.limit)
    page_size = max(0, min(limit, row_limit - offset))
    rows: list[dict[str, Any]] = []
    files_read = 0
    more = False
    if page_size:
        compiled = compile_query(query, caller.tenant, limit=page_size + 1, offset=offset, stable_order=True)
        result = run(compiled, engine)
        files_read = result.files_read
        found = records(compiled, result)
        more = len(found) > page_size and offset + page_size < row_limit
        rows = [{k: json_value(v) for k, v in row.items()} for row in found[:page_size]]
    return PreviewPage(
        columns=_columns_out(query.columns),
        rows=rows,
        next_cursor=_cursor_of(offset + page_size, report) if more else None,
        row_limit=row_limit,
        files_read=files_read,
    )


def _columns_out(columns: tuple[OutputColumn, ...]) -> list[ColumnOut]:
    return [ColumnOut(name=c.name, label=c.label, kind=c.kind) for c in columns]


_NOT_OURS = "cursor: not a cursor this API returned"


def _cursor_of(offset: int, report: Report) -> str:
    return encode_token({"o": offset, "v": report.version})


def _offset_of(cursor: str, report: Report) -> int:
    decoded = decode_token(cursor, _NOT_OURS)
    if not isinstance(decoded, dict) or set(decoded) != {"o", "v"}:
        raise InvalidInput(_NOT_OURS)
    offset, version = decoded["o"], decoded["v"]
    if type(offset) is not int or type(version) is not int or not 0 <= offset <= MAX_ROW_LIMIT:
        raise InvalidInput(_NOT_OURS)
    if version != report.version:
        raise Conflict("the report changed since this cursor was issued; start from the first page")
    return offset
