"""The dashboard as a user sees it: sign-in, the three panels, the schedule form's cron preview, no foreign assets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Visit

pytestmark = pytest.mark.e2e

PANELS = ("notifications", "subscriptions", "jobs")


def test_page_loads_with_token_from_the_url_keeps_it_for_the_session_and_drops_it_from_the_address(
    visit: Visit, admin_token: str
) -> None:
    page = visit.open(f"/?token={admin_token}")
    expect(page.locator("#panels")).to_be_visible()
    expect(page.locator("#signin")).to_be_hidden()
    expect(page.locator("#who-name")).to_have_text("admin-1 · admin · tenant acme")
    assert "token=" not in page.url
    assert page.evaluate("sessionStorage.getItem('report-platform.token')") == admin_token
    page.reload()
    expect(page.locator("#panels")).to_be_visible()
    visit.screenshot("signed-in")
    visit.assert_clean()


@pytest.mark.parametrize(
    ("name", "make_bad"),
    [
        ("garbage", lambda good: "not-a-token"),
        ("tampered", lambda good: good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")),
    ],
)
def test_a_bad_token_shows_the_sign_in_message(
    visit: Visit, admin_token: str, name: str, make_bad: Callable[[str], str]
) -> None:
    page = visit.open(f"/?token={make_bad(admin_token)}")
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#signin-message")).to_contain_text("token was refused")
    expect(page.locator("#panels")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('report-platform.token')") is None
    visit.screenshot(f"sign-in-bad-token-{name}")
    visit.assert_clean()


def test_an_expired_token_shows_the_sign_in_message(visit: Visit, token: Callable[..., str]) -> None:
    expired = token(role="admin", sub="admin-1", ttl=timedelta(seconds=-60))
    page = visit.open(f"/?token={expired}")
    expect(page.locator("#signin-message")).to_contain_text("token was refused")
    visit.assert_clean()


def test_with_no_token_the_page_asks_for_one_and_a_pasted_token_signs_in(visit: Visit, admin_token: str) -> None:
    page = visit.open("/")
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#signin-message")).to_contain_text("paste your API token")
    visit.screenshot("sign-in")
    page.fill("#signin-token", f"Bearer {admin_token}")
    page.click("#signin-form button[type=submit]")
    expect(page.locator("#panels")).to_be_visible()
    page.click("#sign-out")
    expect(page.locator("#signin-message")).to_contain_text("Signed out")
    visit.assert_clean()


def test_every_panel_renders_its_data_never_an_error(visit: Visit, admin_token: str) -> None:
    page = visit.open(f"/?token={admin_token}")
    for panel in PANELS:
        page.click(f"#tabs button[data-panel={panel}]")
        root = page.locator(f"#panel-{panel}")
        expect(root).to_be_visible()
        expect(root.locator("h2")).to_be_visible()
        settled = root.locator("table.records, [data-notice=empty]")
        expect(settled.first).to_be_visible()
        expect(root.locator("[data-notice=loading]")).to_have_count(0)
        expect(root.locator("[data-notice=error]")).to_have_count(0)
        assert page.url.endswith(f"#{panel}")
        visit.screenshot(f"panel-{panel}")
    visit.assert_clean()


def test_the_schedule_form_reads_the_cron_out_and_lists_the_next_three_runs_in_the_chosen_timezone(
    visit: Visit, admin_token: str
) -> None:
    page = visit.open(f"/?token={admin_token}#subscriptions")
    page.select_option("#s-frequency", "custom")
    page.fill("#s-cron", "30 9 * * 1")
    page.select_option("#s-timezone", "America/New_York")
    expect(page.locator("#s-cron-description")).to_contain_text("09:30")
    expect(page.locator("#s-cron-description")).to_contain_text("Monday")
    expect(page.locator("#s-cron-description")).to_contain_text("America/New_York")
    runs = page.locator("#s-next-runs li")
    expect(runs).to_have_count(3)
    for text in runs.all_inner_texts():
        assert text.startswith("Mon"), text
        assert "09:30" in text, text
        assert ("EST" in text) or ("EDT" in text) or ("GMT-" in text), text
    page.select_option("#s-timezone", "Asia/Tokyo")
    for text in runs.all_inner_texts():
        assert "09:30" in text, text
        assert ("JST" in text) or ("GMT+9" in text), text
    page.fill("#s-cron", "0 9 * *")
    expect(page.locator("#s-cron-error")).to_contain_text("5 fields")
    expect(page.locator("#s-next-runs")).to_have_count(0)
    page.fill("#s-cron", "*/5 * * * *")
    expect(page.locator("#s-cron-preview")).to_contain_text("more often than every 15 minutes")
    visit.screenshot("subscription-form")
    visit.assert_clean()
