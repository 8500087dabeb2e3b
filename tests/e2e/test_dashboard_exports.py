"""The export history of seed 004 (`GET /api/reports/exports`, retry) over real jobs of the real pipeline, and a 401
from a panel's route."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Route, expect

from shared.errors import PermanentError
from shared.pipeline import sources
from tests.e2e.conftest import Visit
from tests.support.api_client import ApiClient
from tests.support.faults import FaultySource
from tests.support.pipeline import small_trial, wait_for_job
from tests.support.subscriptions import subscribe

pytestmark = pytest.mark.e2e


def _run(api: ApiClient, name: str) -> dict[str, Any]:
    run = api.post(f"/api/subscriptions/{subscribe(api, name, formats=('pdf',))}/run")
    assert run.status == 202, run.body
    return wait_for_job(api, run.json["jobId"])


def test_the_export_history_shows_every_export_with_its_error_and_retries_a_failed_one(
    visit: Visit, admin_token: str, api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_trial()
    completed = _run(api, "Fine")
    fault = FaultySource(sources.SOURCES["clinical_weekly"], "fetch", PermanentError, 1_000)
    monkeypatch.setitem(sources.SOURCES, "clinical_weekly", fault)
    failed = _run(api, "Broken")
    assert (completed["status"], failed["status"]) == ("completed", "failed")
    fault.remaining = 0

    page = visit.open(f"/?token={admin_token}#jobs")
    expect(page.locator("#j-heading")).to_have_text("All exports and jobs")
    broken = page.locator("#j-table tr[data-status=failed]")
    expect(broken.locator(".j-error")).to_contain_text("injected PermanentError in fetch")
    fine = page.locator("#j-table tr[data-status=completed]")
    expect(fine).to_contain_text("pdf ")
    expect(fine.locator(".j-retry")).to_have_count(0)
    visit.screenshot("exports")

    broken.locator(".j-retry").click()
    expect(page.locator("#toast")).to_have_text("Retry: started")
    expect(page.locator("#j-table tr[data-status=failed]")).to_have_count(0)
    assert wait_for_job(api, failed["jobId"])["status"] == "completed", "the retried export ran again and completed"
    visit.assert_clean()


def test_a_401_from_any_panel_brings_back_the_sign_in_message(visit: Visit, admin_token: str) -> None:
    def expired(route: Route) -> None:
        route.fulfill(status=401, json={"error": "unauthorized", "message": "token expired", "details": []})

    visit.page.route("**/api/subscriptions*", expired)
    page = visit.open(f"/?token={admin_token}#subscriptions")
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#signin-message")).to_contain_text("token was refused (token expired)")
    visit.assert_clean()
