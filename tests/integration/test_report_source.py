"""The report builder as a pipeline source: a saved report becomes a `Document` with its filters in words, a chart
when it has a visualization, and a typed table that knows its row limit and the total before it."""

from __future__ import annotations

import io
from datetime import date

from local.analytics_demo import load_analytics
from local.runtime import LocalRuntime
from shared import clock
from shared.query.duckdb_engine import DuckDbEngine
from shared.rendering.document import ChartBlock, ParagraphBlock, TableBlock
from shared.reports import store
from shared.reports.defaults import USAGE_SUMMARY_ID, ensure_usage_summary
from shared.reports.demo_data import DEMO_TENANTS, generate
from shared.reports.source import build_document, build_document_for
from tests.support.analytics import FIRST_DAY, LAST_DAY, NOW, TENANTS


def test_the_usage_summary_as_a_document(clean: LocalRuntime) -> None:
    data = generate(FIRST_DAY, LAST_DAY, TENANTS, tables=("usage_events",), keep_rows=True)
    report, _ = ensure_usage_summary("acme")
    document = build_document(report, "acme", NOW, engine=DuckDbEngine())
    assert document.title == "Usage Summary"
    assert document.generated_at == NOW
    assert document.metadata["Tenant"] == "acme"
    assert document.metadata["Source"] == "Usage events"
    assert document.metadata["Filters"] == "Time last 7 days (2026-11-16 14:00 to 2026-11-23 14:00 UTC)"
    assert document.metadata["Grouped by"] == "Date, Event type, Tenant"
    paragraph, chart, table = document.blocks
    assert isinstance(paragraph, ParagraphBlock)
    assert isinstance(chart, ChartBlock)
    assert isinstance(table, TableBlock)
    assert chart.labels == [f"2026-11-{d}" for d in range(16, 24)]
    in_range = [
        e
        for e in data.rows["usage_events"]
        if e["tenant_id"] == "acme" and "2026-11-16 14" <= str(e["timestamp"]) < "2026-11-23 14"
    ]
    assert sum(sum(values) for values in chart.series.values()) == len(in_range)
    assert set(chart.series) <= {
        "page_view",
        "click",
        "search",
        "login",
        "logout",
        "share",
        "export",
        "error",
        "purchase",
        "signup",
        "other",
    }
    assert [(c.key, c.kind) for c in table.columns] == [
        ("date", "date"),
        ("event_type", "text"),
        ("tenant_id", "text"),
        ("total_events", "int"),
        ("unique_users", "int"),
        ("unique_devices", "int"),
    ]
    rows = list(table.rows)
    assert table.row_limit == 1000
    assert table.total_rows == len(rows) < 1000
    assert sum(r["total_events"] for r in rows) == len(in_range)  # type: ignore[misc]
    assert isinstance(rows[0]["date"], date)
    assert document.metadata["Rows"] == f"{len(rows)} of {len(rows)}"


def test_a_smaller_row_limit_cuts_the_rows_and_says_so(clean: LocalRuntime) -> None:
    generate(FIRST_DAY, LAST_DAY, TENANTS, tables=("usage_events",))
    ensure_usage_summary("acme")
    document = build_document_for("acme", USAGE_SUMMARY_ID, NOW, row_limit=12, engine=DuckDbEngine())
    table = document.tables()[0]
    assert len(list(table.rows)) == 12
    assert table.row_limit == 12
    assert table.total_rows is not None
    assert table.total_rows > 12
    assert document.metadata["Rows"] == f"12 of {table.total_rows} (limited to 12)"


def test_a_report_without_visualization_or_description_is_just_its_table(clean: LocalRuntime) -> None:
    report, _ = ensure_usage_summary("globex")
    bare = report.model_copy(update={"visualization": None, "description": None})
    document = build_document(bare, "globex", NOW, engine=DuckDbEngine())
    assert [b.kind for b in document.blocks] == ["table"]
    assert list(document.tables()[0].rows) == []
    assert document.metadata["Rows"] == "0 of 0"


def test_the_demo_loader_writes_every_table_and_each_tenants_usage_summary(clean: LocalRuntime) -> None:
    clock.set_now(NOW)
    out = io.StringIO()
    summary = load_analytics(out)
    assert "analytics 2026-10-27 to 2026-11-23 for 4 tenants" in summary
    assert "analytics days 28/28" in out.getvalue()
    for tenant in DEMO_TENANTS:
        assert store.get(tenant.tenant_id, USAGE_SUMMARY_ID).name == "Usage Summary"
    document = build_document_for("acme", USAGE_SUMMARY_ID, NOW, engine=DuckDbEngine())
    assert document.tables()[0].total_rows == 80  # 8 days x 10 event types
