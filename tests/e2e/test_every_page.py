"""Every page, at a desktop width and at a phone's (390 x 844): axe-core finds no serious or critical violation, the
page never scrolls sideways, nothing is fetched from outside the project; a screenshot of each under artifacts/."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Browser, expect

from local.delivery_demo import DEMO_USER, load_demo_deliveries
from local.runtime import LocalRuntime
from shared.reports.defaults import ensure_usage_summary
from tests.e2e.conftest import PHONE, Visit
from tests.support.analytics import load_small_lake
from tests.support.api_client import ApiClient
from tests.support.pipeline import small_trial, wait_for_job
from tests.support.subscriptions import subscribe

pytestmark = pytest.mark.e2e

PANELS = ("notifications", "subscriptions", "jobs", "reports", "inbox", "stats")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_page_is_accessible_and_fits_the_screen(
    browser: Browser, clean: LocalRuntime, token: object, viewport: str
) -> None:
    admin = token(sub=DEMO_USER, role="admin")  # type: ignore[operator]
    api = ApiClient(clean.url, token=admin)
    small_trial()
    load_small_lake()
    ensure_usage_summary("acme")
    load_demo_deliveries(io.StringIO())
    run = api.post(f"/api/subscriptions/{subscribe(api, 'Weekly trial summary', formats=('pdf',))}/run")
    wait_for_job(api, run.json["jobId"])

    size = PHONE if viewport == "phone" else {"width": 1280, "height": 900}
    context = browser.new_context(viewport=size, accept_downloads=True, bypass_csp=True)  # axe-core is injected
    context.set_default_timeout(10_000)
    page = context.new_page()
    visit = Visit(page, clean.url)
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((clean.url, clean.aws.endpoint, "data:", "blob:"))
            else visit.foreign_requests.append(request.url)
        ),
    )
    try:
        visit.open("/")
        expect(page.locator("#signin")).to_be_visible()
        visit.assert_accessible(f"sign-in, {viewport}")
        visit.assert_fits_width(f"sign-in, {viewport}")
        visit.screenshot(f"page-signin-{viewport}")
        visit.open(f"/?token={admin}#notifications")
        for panel in PANELS:
            page.locator(f"#tabs [data-panel={panel}]").click()
            expect(page.locator(f"#panel-{panel}")).to_be_visible()
            expect(page.locator(f"#panel-{panel} [data-notice=loading]")).to_have_count(0)
            visit.assert_accessible(f"{panel}, {viewport}")
            visit.assert_fits_width(f"{panel}, {viewport}")
            visit.screenshot(f"page-{panel}-{viewport}")
        page.locator("#tabs [data-panel=reports]").click()
        page.locator("#r-table tr[data-id=usage-summary] .r-open").click()
        expect(page.locator("#r-title")).to_have_text("Usage Summary")
        expect(page.locator("#r-detail [data-notice=loading]")).to_have_count(0)
        visit.assert_accessible(f"report, {viewport}")
        visit.assert_fits_width(f"report, {viewport}")
        visit.screenshot(f"page-report-{viewport}")
        page.locator("#r-edit").click()
        expect(page.locator("#b-form")).to_be_visible()
        visit.assert_accessible(f"builder, {viewport}")
        visit.assert_fits_width(f"builder, {viewport}")
        visit.screenshot(f"page-builder-{viewport}")
        visit.assert_clean()
    finally:
        context.close()
