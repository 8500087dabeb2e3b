"""The notifications panel against the real report API: one chart point per day, paging, a record's detail."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from local.queues import drain
from shared import clock
from tests.e2e.conftest import Visit
from tests.support.api_client import ApiClient

pytestmark = pytest.mark.e2e

SENT_PER_DAY = (3, 0, 2, 5, 1)
"""Notifications sent on each of five consecutive days (a day with none included)."""


@pytest.fixture
def seeded(api: ApiClient) -> tuple[datetime, int]:
    """Seeds notifications by `POST /api/notifications` with the clock set to each day, and has their queued work done
    under that clock too (drained here, not by whichever later test drains the queues); gives (first day, total)."""
    first_day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=10)
    try:
        for offset, count in enumerate(SENT_PER_DAY):
            for n in range(count):
                clock.set_now(first_day + timedelta(days=offset, hours=9, minutes=7 * n))
                reply = api.post(
                    "/api/notifications",
                    {
                        "id": str(uuid.uuid4()),
                        "type": "news",
                        "title": f"Headline {offset}-{n}",
                        "message": "Something happened",
                        "topics": ["breaking/uk"],
                        "dryRun": False,
                    },
                )
                assert reply.status in (200, 201, 202), reply.body
                drain()
    finally:
        clock.set_now(None)
    return first_day, sum(SENT_PER_DAY)


def _show_range(visit: Visit, token: str, first: datetime, days: int, per_page: int = 25) -> None:
    page = visit.open(f"/?token={token}#notifications")
    page.fill("#n-from", first.strftime("%Y-%m-%d"))
    page.fill("#n-until", (first + timedelta(days=days - 1)).strftime("%Y-%m-%d"))
    page.select_option("#n-page-size", str(per_page))
    page.click("#n-filters button[type=submit]")


def test_the_chart_has_one_point_per_day_of_the_range_with_that_days_count(
    visit: Visit, admin_token: str, seeded: tuple[datetime, int]
) -> None:
    first, total = seeded
    days = len(SENT_PER_DAY) + 2
    _show_range(visit, admin_token, first, days)
    points = visit.page.locator("#n-chart svg circle.point")
    expect(points).to_have_count(days)
    values = [int(v) for v in points.evaluate_all("nodes => nodes.map(n => n.dataset.value)")]
    assert values == [*SENT_PER_DAY, 0, 0]
    expect(visit.page.locator("#n-total")).to_have_text(f"{total} notifications over {days} days")
    visit.screenshot("notifications-chart")
    visit.assert_clean()


def test_the_default_range_is_the_last_seven_days(visit: Visit, admin_token: str, seeded: tuple[datetime, int]) -> None:
    page = visit.open(f"/?token={admin_token}#notifications")
    expect(page.locator("#n-chart svg circle.point")).to_have_count(7)
    today = datetime.now(UTC)
    assert page.input_value("#n-until") == today.strftime("%Y-%m-%d")
    assert page.input_value("#n-from") == (today - timedelta(days=6)).strftime("%Y-%m-%d")
    visit.assert_clean()


def test_paging_walks_every_record_once_and_a_click_opens_its_record(
    visit: Visit, admin_token: str, seeded: tuple[datetime, int]
) -> None:
    first, total = seeded
    _show_range(visit, admin_token, first, len(SENT_PER_DAY), per_page=10)
    page = visit.page
    seen: list[str] = []
    while True:
        rows = page.locator("#n-records tbody tr")
        expect(rows.first).to_be_visible()
        seen.extend(rows.evaluate_all("nodes => nodes.map(n => n.dataset.id)"))
        if page.locator("#n-next").is_disabled():
            break
        label = page.inner_text("#n-page")
        page.click("#n-next")
        expect(page.locator("#n-page")).not_to_have_text(label)
    assert len(seen) == total
    assert len(set(seen)) == total
    page.click("#n-previous")
    expect(page.locator("#n-records tbody tr")).to_have_count(10)
    page.locator("#n-records tbody tr").first.click()
    expect(page.locator("#n-detail")).to_be_visible()
    expect(page.locator("#n-detail-title")).to_contain_text("Headline")
    expect(page.locator("#n-detail svg rect.bar")).to_have_count(8)
    expect(page.locator("#n-detail")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#n-detail")).to_be_hidden()
    expect(page.locator("#n-records tbody tr").first).to_be_focused()
    page.locator("#n-records tbody tr.clickable").first.click()
    expect(page.locator("#n-detail")).to_be_visible()
    visit.screenshot("notification-record")
    visit.assert_clean()
