"""The Reports page and the builder against the real reports API over a small demo lake; one-click exports run
through the real pipeline and are followed live from the stream, then downloaded and opened."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from local.delivery_demo import DEMO_USER, load_demo_deliveries
from shared.errors import PermanentError
from shared.pipeline import sources
from shared.reports.defaults import ensure_usage_summary
from tests.e2e.conftest import Visit
from tests.support.analytics import load_small_lake
from tests.support.api_client import ApiClient
from tests.support.faults import FaultySource

pytestmark = pytest.mark.e2e

EVENTS_BY_USER = {
    "name": "Events per user",
    "query": {
        "table": "usage_events",
        "group_by": ["user_id"],
        "aggregations": [{"fn": "count", "alias": "events"}],
        "order_by": [{"field": "events", "direction": "desc"}],
        "limit": 1000,
    },
}


@pytest.fixture
def lake(api: ApiClient) -> ApiClient:
    load_small_lake()
    ensure_usage_summary("acme")
    return api


def _live(page: Page) -> None:
    expect(page.locator("#live-state")).to_have_attribute("data-open", "true")


def test_build_a_grouped_query_with_a_filter_validation_names_the_bad_field_preview_page_2_and_save(
    visit: Visit, admin_token: str, lake: ApiClient
) -> None:
    page = visit.open(f"/?token={admin_token}#reports")
    expect(page.locator("#r-table tr[data-id=usage-summary]")).to_contain_text("Usage Summary")
    expect(page.locator("#r-table tr[data-id=usage-summary]")).to_contain_text("usage_events")
    visit.screenshot("reports")

    page.click("#r-new")
    page.fill("#b-name", "Web and iOS events per user")
    page.select_option("#b-table", "usage_events")
    page.click("#b-add-group")
    page.select_option(".b-group-field", "user_id")
    page.click("#b-add-aggregation")
    page.fill(".b-agg-alias", "events")
    page.click("#b-add-filter")
    page.select_option(".b-filter-field", "platform")
    page.select_option(".b-filter-op", "in")
    page.fill(".b-filter-value", "ios, web")
    page.click("#b-add-order")
    page.fill(".b-order-field", "no_such_column")
    page.click("#b-validate")
    message = page.locator('[data-part-message="order_by[0]"]')
    expect(message).to_contain_text("no_such_column")
    visit.screenshot("builder-invalid")

    page.fill(".b-order-field", "events")
    page.click("#b-validate")
    expect(page.locator("#b-message")).to_have_text("The query is valid.")
    expect(message).to_have_text("")
    page.click("#b-save")
    expect(page.locator("#r-title")).to_have_text("Web and iOS events per user")
    (saved,) = [r for r in lake.get("/api/reports").json["items"] if r["name"] == "Web and iOS events per user"]
    assert [g["field"] for g in saved["query"]["group_by"]] == ["user_id"]
    assert [(a["fn"], a["alias"]) for a in saved["query"]["aggregations"]] == [("count", "events")]
    ((filtered,),) = [saved["query"]["filters"]]
    assert (filtered["field"], filtered["op"], filtered["value"]) == ("platform", "in", ["ios", "web"])
    assert [(o["field"], o["direction"]) for o in saved["query"]["order_by"]] == [("events", "desc")]

    first = page.locator("#r-preview-table[data-page='1'] tbody tr")
    expect(first).to_have_count(20)
    first_users = first.locator("td:first-child").all_inner_texts()
    page.click("#r-next")
    expect(page.locator("#r-page")).to_have_text("Page 2")
    second = page.locator("#r-preview-table[data-page='2'] tbody tr")
    expect(second.first).to_be_visible()
    assert not set(second.locator("td:first-child").all_inner_texts()) & set(first_users)
    visit.screenshot("report-preview-page-2")
    visit.assert_clean()


def _download(page: Page, fmt: str, tmp_path: Path) -> Path:
    with page.expect_download(timeout=60_000) as started:
        page.click(f".r-export[data-format={fmt}]")
        line = page.locator(".r-progress-line")
        expect(line).to_have_attribute("data-status", "completed", timeout=60_000)
    target = tmp_path / started.value.suggested_filename
    started.value.save_as(target)
    return target


def test_download_a_report_as_csv_and_xlsx_following_its_progress_live(
    visit: Visit, admin_token: str, lake: ApiClient, tmp_path: Path
) -> None:
    created = lake.post("/api/reports", EVENTS_BY_USER)
    assert created.status == 201, created.body
    report_id = created.json["id"]
    preview = lake.get(f"/api/reports/{report_id}/preview?limit=100").json
    labels = [c["label"] for c in preview["columns"]]
    expected = [(r["user_id"], r["events"]) for r in preview["rows"]]
    assert labels == ["User", "Events"]
    assert len(expected) == 60
    page = visit.open(f"/?token={admin_token}#reports")
    _live(page)
    page.locator(f"#r-table tr[data-id='{report_id}'] .r-open").click()

    csv_file = _download(page, "csv", tmp_path)
    assert csv_file.name == "Events-per-user.csv"
    line = page.locator(".r-progress-line")
    expect(line).to_contain_text(f"{len(expected)} rows")
    header, *rows = list(csv.reader(io.StringIO(csv_file.read_text(encoding="utf-8-sig"))))
    assert header == labels
    assert sorted((user, int(events)) for user, events in rows) == sorted(expected), "ties may come in any order"
    assert [int(events) for _, events in rows] == sorted((e for _, e in expected), reverse=True)

    xlsx_file = _download(page, "xlsx", tmp_path)
    assert xlsx_file.name == "Events-per-user.xlsx"
    workbook = openpyxl.load_workbook(xlsx_file, read_only=True)
    assert workbook.sheetnames == ["Summary", "Events per user"]
    header, *data = list(workbook["Events per user"].iter_rows(values_only=True))
    assert list(header) == labels
    assert sorted((str(user), int(str(events))) for user, events in data) == sorted(expected)

    history = page.locator("#r-history-table tbody tr")
    expect(history).to_have_count(2)
    expect(history.first).to_have_attribute("data-status", "completed")
    visit.screenshot("report-downloads")
    visit.assert_clean()


def test_a_failed_export_shows_its_error_and_retry_runs_it_again(
    visit: Visit, admin_token: str, lake: ApiClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fault = FaultySource(sources.source_for("report"), "fetch", PermanentError, 1)
    monkeypatch.setitem(sources.SOURCES, "report", fault)
    page = visit.open(f"/?token={admin_token}#reports")
    _live(page)
    page.locator("#r-table tr[data-id=usage-summary] .r-open").click()
    page.click(".r-export[data-format=csv]")
    line = page.locator(".r-progress-line")
    expect(line).to_have_attribute("data-status", "failed", timeout=60_000)
    expect(line).to_contain_text("injected PermanentError in fetch")
    visit.screenshot("report-export-failed")
    with page.expect_download(timeout=60_000) as started:
        page.click("#r-retry")
        expect(line).to_have_attribute("data-status", "completed", timeout=60_000)
    assert started.value.suggested_filename == "Usage-Summary.csv"
    assert fault.calls == 1
    visit.assert_clean()


def test_delivery_statistics_show_a_chart_and_a_table_for_the_chosen_period(visit: Visit, token: object) -> None:
    load_demo_deliveries(io.StringIO())
    demo = token(sub=DEMO_USER, role="admin")  # type: ignore[operator]
    expected = ApiClient(visit.base_url, token=demo).get("/api/v1/reporting/stats").json["totals"]
    page = visit.open(f"/?token={demo}#stats")
    rows = page.locator("#d-table tbody tr")
    expect(rows.first).to_be_visible()
    cells = [row.locator("td").all_inner_texts() for row in rows.all()]
    assert sum(int(c[2]) for c in cells) == expected["deliveries_attempted"]
    assert sum(int(c[3]) for c in cells) == expected["deliveries_successful"]
    assert sum(int(c[4]) for c in cells) == expected["deliveries_failed"]
    expect(page.locator("#d-area svg[role=img]")).to_be_visible()
    page.select_option("#d-period", "7")
    expect(rows.first).to_be_visible()
    visit.screenshot("delivery-statistics")
    visit.assert_clean()
