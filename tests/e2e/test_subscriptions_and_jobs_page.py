"""The subscriptions and jobs panels against the real API and pipeline: the local runtime runs the state machine in
this process, so a run started from the page completes (or fails, with a fault injected here) while the test polls."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Dialog, Page, expect

from local.runtime import LocalRuntime
from shared.delivery import registry
from shared.errors import PermanentError
from shared.pipeline import sources
from shared.reports.defaults import ensure_usage_summary
from tests.e2e.conftest import Visit
from tests.support.api_client import ApiClient
from tests.support.faults import FaultyEmail, FaultySource
from tests.support.pipeline import TRIAL, small_trial, wait_for_job
from tests.support.subscriptions import RECIPIENTS, subscribe

pytestmark = pytest.mark.e2e


@pytest.fixture
def trial_api(api: ApiClient) -> ApiClient:
    """The admin's client, with a small clinical trial to report on."""
    small_trial()
    return api


def _run_from_the_page(page: Page, api: ApiClient, subscription_id: str) -> dict[str, Any]:
    """Clicks Run now, waits for the pipeline to finish the job, then shows the subscription's jobs."""
    row = page.locator(f"#s-table tbody tr[data-id={subscription_id}]")
    row.locator(".s-run").click()
    expect(page.locator("#toast")).to_have_text("Run now: started; its status shows under Jobs")
    (job,) = api.get(f"/api/subscriptions/{subscription_id}/jobs").json["items"]
    finished = wait_for_job(api, job["jobId"])
    row.locator(".s-jobs").click()
    expect(page.locator("#j-heading")).to_have_text(f"Jobs of subscription {subscription_id}")
    expect(page.locator(f"#j-table tr[data-id={finished['jobId']}]")).to_have_attribute(
        "data-status", finished["status"]
    )
    return finished


def test_creating_a_schedule_lists_it_with_its_cron_read_out_then_pause_resume_and_delete(
    visit: Visit, admin_token: str, trial_api: ApiClient
) -> None:
    page = visit.open(f"/?token={admin_token}#subscriptions")
    expect(page.locator("#s-list [data-notice=empty]")).to_have_text("No subscriptions yet.")
    page.fill("#s-name", "Weekly trial summary")
    page.fill("#s-trial", TRIAL)
    page.fill("#s-recipients", "a@example.com, b@example.com")
    page.check("#s-form input[value=csv]")
    page.select_option("#s-frequency", "custom")
    page.fill("#s-cron", "30 9 * * 1")
    page.select_option("#s-timezone", "Europe/London")
    page.click("#s-submit")
    expect(page.locator("#s-create-message")).to_contain_text("(active).")
    (stored,) = trial_api.get("/api/subscriptions?all=true").json["items"]
    assert stored["name"] == "Weekly trial summary"
    assert stored["reportType"] == "clinical_weekly"
    assert stored["filters"]["trialId"] == TRIAL
    assert stored["formats"] == ["pdf", "csv"]
    assert stored["channels"][0]["recipients"] == ["a@example.com", "b@example.com"]
    assert stored["schedule"] == {"cron": "30 9 * * 1", "timezone": "Europe/London"}

    row = page.locator(f"#s-table tbody tr[data-id={stored['subscriptionId']}]")
    expect(row).to_contain_text("Weekly trial summary")
    expect(row.locator(".s-description")).to_have_text(f"{stored['scheduleDescription']} (Europe/London)")
    assert "09:30" in stored["scheduleDescription"]
    expect(row).to_have_attribute("data-status", "active")
    visit.screenshot("subscriptions")

    row.locator(".s-toggle").click()
    expect(row).to_have_attribute("data-status", "paused")
    expect(row.locator(".s-toggle")).to_have_text("Resume")
    assert trial_api.get(f"/api/subscriptions/{stored['subscriptionId']}").json["status"] == "paused"
    row.locator(".s-toggle").click()
    expect(row).to_have_attribute("data-status", "active")
    assert trial_api.get(f"/api/subscriptions/{stored['subscriptionId']}").json["status"] == "active"

    def accept(dialog: Dialog) -> None:
        dialog.accept()

    page.once("dialog", accept)
    row.locator(".s-delete").click()
    expect(page.locator("#s-table")).to_have_count(0)
    assert trial_api.get(f"/api/subscriptions/{stored['subscriptionId']}").status == 404
    visit.assert_clean()


def test_a_refused_subscription_says_why(visit: Visit, admin_token: str, trial_api: ApiClient) -> None:
    page = visit.open(f"/?token={admin_token}#subscriptions")
    page.fill("#s-name", "Every five minutes")
    page.fill("#s-recipients", "a@example.com")
    page.select_option("#s-frequency", "custom")
    page.fill("#s-cron", "*/5 * * * *")
    page.click("#s-submit")
    expect(page.locator("#s-create-message")).to_contain_text("Not created:")
    expect(page.locator("#s-create-message")).to_contain_text("15 minutes")
    assert trial_api.get("/api/subscriptions?all=true").json["items"] == []
    visit.assert_clean()


def test_run_now_makes_a_job_that_completes_shows_its_artifacts_deliveries_and_downloads(
    visit: Visit, admin_token: str, trial_api: ApiClient
) -> None:
    subscription_id = subscribe(trial_api, "Weekly CARDIO")
    page = visit.open(f"/?token={admin_token}#subscriptions")
    job = _run_from_the_page(page, trial_api, subscription_id)
    assert job["status"] == "completed", job
    row = page.locator(f"#j-table tr[data-id={job['jobId']}]")
    expect(row.locator("td").nth(3)).to_have_text(job["step"])
    expect(row.locator(".j-error")).to_have_text("—")
    pdf = next(a for a in job["artifacts"] if a["format"] == "pdf")
    expect(row.locator("td").nth(7)).to_contain_text("pdf ")
    expect(row.locator("td").nth(7)).to_contain_text("csv ")
    rows = max(a["rowCount"] or 0 for a in job["artifacts"])
    expect(row.locator("td").nth(8)).to_have_text(str(rows))
    visit.screenshot("jobs")

    with page.expect_download() as download:
        row.locator(".j-download[data-format=pdf]").click()
    assert download.value.suggested_filename == "Weekly-CARDIO.pdf", "named for the report"
    saved = download.value.path().read_bytes()
    assert saved.startswith(b"%PDF")
    assert len(saved) == pdf["sizeBytes"]

    row.locator(".j-deliveries").click()
    deliveries = page.locator("#j-deliveries-table tbody tr")
    expect(deliveries).to_have_count(len(RECIPIENTS))
    for recipient in RECIPIENTS:
        delivered = deliveries.filter(has_text=recipient)
        expect(delivered).to_have_attribute("data-status", "delivered")
        expect(delivered.locator("td").nth(0)).to_have_text("email")
        expect(delivered.locator("td").nth(3)).to_have_text("1")
    visit.screenshot("deliveries")

    page.click("#j-all")
    expect(page.locator(f"#j-table tr[data-id={job['jobId']}]")).to_have_attribute("data-status", "completed")
    visit.assert_clean()


def test_a_failed_job_shows_its_step_and_cause(
    visit: Visit, admin_token: str, trial_api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    fault = FaultySource(sources.SOURCES["clinical_weekly"], "render", PermanentError, 1_000)
    monkeypatch.setitem(sources.SOURCES, "clinical_weekly", fault)
    subscription_id = subscribe(trial_api, "Breaks at render")
    page = visit.open(f"/?token={admin_token}#subscriptions")
    job = _run_from_the_page(page, trial_api, subscription_id)
    assert job["status"] == "failed", job
    row = page.locator(f"#j-table tr[data-id={job['jobId']}]")
    expect(row.locator(".j-error")).to_have_text("render: injected PermanentError in render")
    expect(row.locator(".j-download")).to_have_count(0)
    expect(row.locator(".j-retry")).to_have_count(1)
    visit.screenshot("jobs-failed")
    visit.assert_clean()


def test_a_delivery_that_failed_shows_its_attempts_and_last_error(
    visit: Visit, admin_token: str, trial_api: ApiClient, clean: LocalRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    fault = FaultyEmail(registry.CHANNELS["email"], RECIPIENTS[1], PermanentError, 1_000)
    monkeypatch.setitem(registry.CHANNELS, "email", fault)
    subscription_id = subscribe(trial_api, "Carol's mailbox refuses")
    page = visit.open(f"/?token={admin_token}#subscriptions")
    job = _run_from_the_page(page, trial_api, subscription_id)
    assert job["status"] == "partially_delivered", job  # one recipient's failure never fails the report
    page.locator(f"#j-table tr[data-id={job['jobId']}] .j-deliveries").click()
    deliveries = page.locator("#j-deliveries-table tbody tr")
    expect(deliveries).to_have_count(len(RECIPIENTS))
    expect(deliveries.filter(has_text=RECIPIENTS[0])).to_have_attribute("data-status", "delivered")
    carol = deliveries.filter(has_text=RECIPIENTS[1])
    expect(carol).to_have_attribute("data-status", "failed")
    expected = next(d for d in job["deliveries"] if d["recipient"] == RECIPIENTS[1])
    expect(carol.locator("td").nth(3)).to_have_text(str(expected["attempts"]))
    expect(carol.locator("td").nth(4)).to_contain_text("injected PermanentError")
    visit.assert_clean()


def test_a_new_user_subscribes_to_a_saved_report_daily_without_writing_cron(
    visit: Visit, admin_token: str, api: ApiClient
) -> None:
    ensure_usage_summary("acme")
    page = visit.open(f"/?token={admin_token}#subscriptions")
    expect(page.locator("#s-report-type option[value='report:usage-summary']")).to_have_text(
        "Saved report: Usage Summary"
    )
    first_zone = page.locator("#s-timezone option").first
    expect(first_zone).to_contain_text("(this browser)")
    expect(page.locator("#s-date-range option[value=last_week]")).to_have_text("Last week (Monday to Sunday)")
    expect(page.locator("#s-cron")).to_be_hidden()
    page.fill("#s-name", "Daily usage")
    page.select_option("#s-report-type", "report:usage-summary")
    page.fill("#s-recipients", "ops@example.com")
    page.select_option("#s-frequency", "daily")
    page.fill("#s-at", "07:30")
    expect(page.locator("#s-cron-description")).to_contain_text("07:30")
    page.click("#s-submit")
    expect(page.locator("#s-create-message")).to_contain_text("(active).")
    (stored,) = api.get("/api/subscriptions?all=true").json["items"]
    assert (stored["reportType"], stored["reportId"]) == ("report", "usage-summary")
    assert stored["schedule"]["cron"] == "30 7 * * *"
    visit.assert_clean()
