"""The page against the documented shapes of the routes other branches are building (notifications, subscriptions,
jobs/exports, deliveries), answered by `DocumentedApi` in the browser. Sign-in and the token check use the real local
API. After merging, the lead repeats these flows against the real routes and keeps these as the page's contract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Dialog, expect

from tests.e2e.conftest import Visit
from tests.e2e.documented_api import DocumentedApi, notification

pytestmark = pytest.mark.e2e


def _sent(days_ago: int, minutes: int) -> datetime:
    today = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    return today - timedelta(days=days_ago) + timedelta(minutes=minutes)


def test_notifications_chart_paging_type_filter_and_record(visit: Visit, admin_token: str) -> None:
    per_day_ago = {0: 2, 1: 0, 2: 4, 3: 1, 4: 0, 5: 3, 6: 1}
    api = DocumentedApi(admin_token)
    times = [_sent(ago, 5 * n) for ago, count in per_day_ago.items() for n in range(count)]
    api.notifications = [notification(number, sent) for number, sent in enumerate(times, start=1)]
    api.notifications.append(notification(99, _sent(9, 0)))
    api.install(visit.page)
    page = visit.open(f"/?token={admin_token}")

    points = page.locator("#n-chart svg circle.point")
    expect(points).to_have_count(7)
    values = [int(v) for v in points.evaluate_all("nodes => nodes.map(n => n.dataset.value)")]
    assert values == [per_day_ago[ago] for ago in range(6, -1, -1)]
    expect(page.locator("#n-total")).to_have_text("11 notifications over 7 days")

    page.select_option("#n-page-size", "10")
    page.click("#n-filters button[type=submit]")
    seen: list[str] = []
    for number, rows in ((1, 10), (2, 1)):
        expect(page.locator("#n-page")).to_have_text(f"Page {number}")
        expect(page.locator("#n-records tbody tr")).to_have_count(rows)
        seen.extend(page.locator("#n-records tbody tr").evaluate_all("nodes => nodes.map(n => n.dataset.id)"))
        if number < 2:
            page.click("#n-next")
    expect(page.locator("#n-next")).to_be_disabled()
    assert len(seen) == len(set(seen)) == 11
    page.click("#n-previous")
    expect(page.locator("#n-records tbody tr")).to_have_count(10)

    first = page.locator("#n-records tbody tr").first
    cells = first.locator("td").all_inner_texts()
    record = next(n for n in api.notifications if n["id"] == first.get_attribute("data-id"))
    ios_sent = record["reports"][0]["platformStatistics"]["recipientsCount"]
    assert cells[3] == f"{ios_sent} / 50"
    sent_total = sum(r["platformStatistics"]["recipientsCount"] for r in record["reports"])
    assert cells[-1] == f"{165 / sent_total * 100:.1f}%"
    first.click()
    expect(page.locator("#n-detail-title")).to_have_text(record["notification"]["title"])
    bars = page.locator("#n-detail svg rect.bar")
    expect(bars).to_have_count(8)
    assert bars.evaluate_all("nodes => nodes.map(n => n.dataset.value)")[:2] == [str(ios_sent), "50"]
    expect(page.locator("#n-detail-reports tbody tr")).to_have_count(4)
    visit.screenshot("notifications-documented-shapes")

    page.select_option("#n-type", "news")
    page.click("#n-filters button[type=submit]")
    news = sum(1 for n in api.notifications[:-1] if n["type"] == "news")
    expect(page.locator("#n-total")).to_have_text(f"{news} notifications over 7 days")
    assert any(call[1] == "/api/notifications" for call in api.calls)
    visit.assert_clean()


def test_creating_a_schedule_shows_it_in_the_list_then_pause_run_and_delete(visit: Visit, admin_token: str) -> None:
    api = DocumentedApi(admin_token).install(visit.page)
    page = visit.open(f"/?token={admin_token}#subscriptions")
    expect(page.locator("[data-notice=empty]")).to_have_text("No subscriptions yet.")
    page.fill("#s-name", "Weekly trial summary")
    page.fill("#s-recipients", "a@example.com, b@example.com")
    page.check("#s-form input[value=csv]")
    page.fill("#s-cron", "0 9 * * 1")
    page.select_option("#s-timezone", "Europe/London")
    page.click("#s-submit")
    expect(page.locator("#s-create-message")).to_have_text("Created sub-1 (active).")
    row = page.locator("#s-table tbody tr[data-id=sub-1]")
    expect(row).to_contain_text("Weekly trial summary")
    expect(row).to_contain_text("At 09:00, only on Monday (Europe/London)")
    created = next(call[2] for call in api.calls if call[0] == "POST" and call[1] == "/api/subscriptions")
    assert created == {
        "name": "Weekly trial summary",
        "reportType": "weekly",
        "filters": {"dateRange": "last_week"},
        "formats": ["pdf", "csv"],
        "channels": [{"channel": "email", "recipients": ["a@example.com", "b@example.com"]}],
        "schedule": {"cron": "0 9 * * 1", "timezone": "Europe/London"},
    }
    visit.screenshot("subscriptions-documented-shapes")

    row.locator(".s-toggle").click()
    expect(row).to_have_attribute("data-status", "paused")
    expect(row.locator(".s-toggle")).to_have_text("Resume")
    assert ("PATCH", "/api/subscriptions/sub-1", {"status": "paused"}) in api.calls
    row.locator(".s-run").click()
    expect(page.locator("#toast")).to_have_text("Run now: done")
    assert ("POST", "/api/subscriptions/sub-1/run", {}) in api.calls

    def accept(dialog: Dialog) -> None:
        dialog.accept()

    page.once("dialog", accept)
    row.locator(".s-delete").click()
    expect(page.locator("#s-table")).to_have_count(0)
    assert api.subscriptions == {}
    visit.assert_clean()


def test_a_failed_job_shows_its_error_and_is_retried_deliveries_and_download(visit: Visit, admin_token: str) -> None:
    api = DocumentedApi(admin_token)
    api.jobs = [
        {
            "jobId": "job-completed-1",
            "subscriptionId": "sub-1",
            "status": "completed",
            "step": "Complete",
            "createdAt": "2026-11-16T14:00:00Z",
            "completedAt": "2026-11-16T14:01:10Z",
            "error": None,
            "artifacts": [{"format": "pdf", "sizeBytes": 204800, "rowCount": 1000}],
        },
        {
            "jobId": "job-failed-2",
            "subscriptionId": "sub-1",
            "status": "failed",
            "step": "Render",
            "createdAt": "2026-11-23T14:00:00Z",
            "completedAt": None,
            "error": {"step": "Render", "cause": "chart data missing for site 4"},
            "artifacts": [],
        },
    ]
    api.deliveries["job-completed-1"] = [
        {
            "deliveryId": "d-1",
            "channel": "email",
            "recipient": "a@example.com",
            "status": "delivered",
            "attempts": 1,
            "lastError": None,
            "updatedAt": "2026-11-16T14:01:09Z",
        },
        {
            "deliveryId": "d-2",
            "channel": "webhook",
            "recipient": "https://hooks.example.com/r",
            "status": "failed",
            "attempts": 3,
            "lastError": "HTTP 500 from receiver",
            "updatedAt": "2026-11-16T14:03:00Z",
        },
    ]
    api.install(visit.page)
    page = visit.open(f"/?token={admin_token}#jobs")
    failed = page.locator("#j-table tr[data-id=job-failed-2]")
    expect(failed.locator(".j-error")).to_have_text("Render: chart data missing for site 4")
    completed = page.locator("#j-table tr[data-id=job-completed-1]")
    expect(completed).to_contain_text("pdf 200.0 KB")
    expect(completed).to_contain_text("1000")
    expect(completed.locator(".j-retry")).to_have_count(0)
    visit.screenshot("jobs-documented-shapes")

    failed.locator(".j-retry").click()
    expect(failed).to_have_attribute("data-status", "processing")
    assert ("POST", "/api/reports/exports/job-failed-2/retry", {}) in api.calls

    completed.locator(".j-deliveries").click()
    rows = page.locator("#j-deliveries-table tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#j-deliveries-table tr[data-id=d-2]")).to_contain_text("HTTP 500 from receiver")
    expect(page.locator("#j-deliveries-table tr[data-id=d-2] td").nth(3)).to_have_text("3")
    visit.screenshot("deliveries-documented-shapes")

    with page.expect_download() as download:
        completed.locator(".j-download[data-format=pdf]").click()
    assert download.value.suggested_filename == "job-completed-1.pdf"
    assert ("GET", "/api/reports/exports/job-completed-1/download", None) in api.calls
    visit.assert_clean()


def test_a_401_from_any_panel_brings_back_the_sign_in_message(visit: Visit, admin_token: str) -> None:
    DocumentedApi("another-token").install(visit.page)
    page = visit.open(f"/?token={admin_token}#jobs")
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#signin-message")).to_contain_text("token was refused (token expired)")
    visit.assert_clean()
