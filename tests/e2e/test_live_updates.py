"""Live status in the page: a running job's status changes on screen without a reload, and an inbox item arrives and
is marked read, both driven by the WebSocket stream (the polling fallback runs only while the socket is closed)."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import Page, expect

from local import queues
from tests.e2e.conftest import Visit
from tests.support.api_client import ApiClient
from tests.support.deliveries import stored_job
from tests.support.pipeline import small_trial, wait_for_job
from tests.support.subscriptions import subscribe

pytestmark = pytest.mark.e2e


def _live(page: Page) -> None:
    expect(page.locator("#live-state")).to_have_attribute("data-open", "true")


def test_a_running_jobs_status_changes_on_screen_without_a_reload(
    visit: Visit, admin_token: str, api: ApiClient
) -> None:
    small_trial()
    subscription_id = subscribe(api, "Weekly", formats=("pdf",))
    page = visit.open(f"/?token={admin_token}#jobs")
    _live(page)
    expect(page.locator("#j-list [data-notice=empty]")).to_be_visible()
    seen: list[str] = []
    page.expose_function("recordStatus", lambda status: seen.append(status))
    page.evaluate(
        """() => new MutationObserver(() => {
             for (const row of document.querySelectorAll('#j-table tr[data-status]')) recordStatus(row.dataset.status);
           }).observe(document.getElementById('j-list'), {subtree: true, childList: true, attributes: true})"""
    )
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    run = api.post(f"/api/subscriptions/{subscription_id}/run")
    assert run.status == 202, run.body
    job_id = run.json["jobId"]
    row = page.locator(f"#j-table tr[data-id={job_id}]")
    expect(row).to_have_attribute("data-status", "completed", timeout=30_000)
    assert wait_for_job(api, job_id)["status"] == "completed"
    assert "processing" in seen, f"the page showed the run while it was running: {seen}"
    assert navigations == [], "nothing reloaded the page"
    expect(page.locator("#live-state")).to_have_attribute("data-open", "true")
    visit.screenshot("jobs-live")
    visit.assert_clean()


def test_an_inbox_item_arrives_live_and_is_marked_read(visit: Visit, token: object, clean: object) -> None:
    alice_token = token(sub="alice")  # type: ignore[operator]
    alice = ApiClient(visit.base_url, token=alice_token)
    job = stored_job("job-live")
    page = visit.open(f"/?token={alice_token}#inbox")
    _live(page)
    expect(page.locator("#i-list [data-notice=empty]")).to_have_text("Your inbox is empty.")
    expect(page.locator("#inbox-count")).to_be_hidden()

    deliver = threading.Thread(
        target=alice.post,
        args=(
            "/api/v1/reporting/deliver",
            {
                "request_id": "req-live",
                "report_id": job.jobId,
                "channels": [{"channel": "inbox", "recipients": ["alice"]}],
            },
        ),
    )
    deliver.start()
    deliver.join(30)
    queues.drain()  # deliver-now answers 202 and queues the send; the delivery worker files the item
    item = page.locator("#i-items li")
    expect(item).to_have_count(1)
    expect(item).to_have_attribute("data-read", "false")
    expect(item).to_contain_text("Weekly trial summary")
    expect(page.locator("#inbox-count")).to_have_text("1")
    visit.screenshot("inbox")

    item.locator(".i-read").click()
    expect(page.locator("#i-items li")).to_have_attribute("data-read", "true")
    expect(page.locator("#inbox-count")).to_be_hidden()
    assert alice.get("/api/inbox?unread=true").json["items"] == []
    visit.assert_clean()
