"""The report builder as a report source of the pipeline: a saved report, run for a tenant at an instant, as the
format-neutral `Document` that every renderer (PDF, CSV, XLSX) takes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from shared.query.engine import QueryEngine
from shared.rendering.document import (
    Block,
    ChartBlock,
    ColumnSpec,
    Document,
    ParagraphBlock,
    TableBlock,
    as_cell,
)
from shared.reports import store
from shared.reports.models import Report, Visualization
from shared.reports.runner import ReportRows, fetch_rows
from shared.reports.validation import OutputColumn, ResolvedQuery, resolve

MAX_CHART_LABELS = 60
MAX_CHART_SERIES = 8


def build_document(
    report: Report, tenant_id: str, now: datetime, row_limit: int | None = None, engine: QueryEngine | None = None
) -> Document:
    """Run `report` for `tenant_id` as of `now` (relative ranges end there) and describe it for the renderers.

    At most min(report.row_limit, query limit, `row_limit`) rows are returned; the table block carries that limit and
    the total before it, so the renderers say when rows were cut."""
    query, data = run_report(report, tenant_id, now, row_limit, engine)
    return document_of(report, query, data.rows, data.total_rows, data.row_limit, tenant_id, now)


def run_report(
    report: Report, tenant_id: str, now: datetime, row_limit: int | None = None, engine: QueryEngine | None = None
) -> tuple[ResolvedQuery, ReportRows]:
    """The report's query resolved at `now` and its first min(report.row_limit, query limit, `row_limit`) rows, with
    the total before that limit (one scan). QueryInvalid when the saved query is no longer valid."""
    query = resolve(report.query, now)
    limit = min(report.row_limit, query.limit, row_limit or report.row_limit)
    return query, fetch_rows(query, tenant_id, limit, engine)


def document_of(
    report: Report,
    query: ResolvedQuery,
    rows: list[dict[str, object]],
    total_rows: int,
    limit: int,
    tenant_id: str,
    now: datetime,
) -> Document:
    """The document of rows already fetched: description, chart, the typed table with its limit and total."""
    blocks: list[Block] = []
    if report.description:
        blocks.append(ParagraphBlock(text=report.description))
    if report.visualization is not None and rows:
        blocks.append(chart_of(report.visualization, query.columns, rows))
    blocks.append(
        TableBlock(
            title=report.name,
            columns=[ColumnSpec(key=c.name, title=c.label, kind=c.kind) for c in query.columns],
            rows=[{k: as_cell(v) for k, v in row.items()} for row in rows],
            row_limit=limit,
            total_rows=total_rows,
        )
    )
    return Document(
        title=report.name,
        subtitle=report.description,
        generated_at=now,
        metadata=describe(query, tenant_id, len(rows), total_rows),
        blocks=blocks,
    )


def build_document_for(
    tenant_id: str, report_id: str, now: datetime, row_limit: int | None = None, engine: QueryEngine | None = None
) -> Document:
    """`build_document` of the tenant's saved report `report_id` (NotFound when the tenant has none)."""
    return build_document(store.get(tenant_id, report_id), tenant_id, now, row_limit, engine)


def describe(query: ResolvedQuery, tenant_id: str, shown: int, total: int) -> dict[str, str]:
    """The query in plain words for the title page: source, filters, grouping, rows."""
    metadata = {
        "Tenant": tenant_id,
        "Source": query.table.label,
        "Filters": "; ".join(c.words for c in query.conditions) or "none",
    }
    if query.group_by:
        metadata["Grouped by"] = ", ".join(c.label for c in query.group_by)
    metadata["Rows"] = f"{shown} of {total}" + (f" (limited to {shown})" if total > shown else "")
    return metadata


def chart_of(
    visualization: Visualization, columns: tuple[OutputColumn, ...], rows: list[dict[str, object]]
) -> ChartBlock:
    """The rows summed per `x` label (ascending, at most 60 labels), one series per `y` column or `series_by` value
    (the 8 largest, the rest summed as `other`)."""
    labels_of = {c.name: c.label for c in columns}
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in rows:
        label = _label(row.get(visualization.x))
        for y in visualization.y:
            name = labels_of[y] if visualization.series_by is None else _label(row.get(visualization.series_by))
            value = row.get(y)
            sums[name][label] += float(value) if isinstance(value, int | float) else 0.0
    labels = sorted({label for per_label in sums.values() for label in per_label})[:MAX_CHART_LABELS]
    ranked = sorted(sums, key=lambda s: -sum(sums[s].values()))
    series = {name: [sums[name].get(label, 0.0) for label in labels] for name in ranked[:MAX_CHART_SERIES]}
    if len(ranked) > MAX_CHART_SERIES:
        series["other"] = [sum(sums[n].get(label, 0.0) for n in ranked[MAX_CHART_SERIES:]) for label in labels]
    title = visualization.title or (
        f"{', '.join(labels_of[y] for y in visualization.y)} by {labels_of[visualization.x].lower()}"
    )
    return ChartBlock(title=title, chart=visualization.type, labels=labels, series=series)


def _label(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "(none)" if value is None else str(value)
