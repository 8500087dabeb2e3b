"""GET /api/notifications and /api/notifications/{id}: date ranges, type and dry-run filters, newest first, paging
across many pages with nothing lost or repeated, the 31-day cap and bad dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from shared import clock
from shared.notifications import demo, reports
from shared.notifications.models import NotificationReport, NotificationType
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def records(api: ApiClient) -> list[NotificationReport]:
    made = demo.notification_records(NOW, days=10, per_day=12, seed=3, dry_run_share=0.2)
    list(demo.put_records(made))
    clock.set_now(NOW)
    return made


def _all_pages(api: ApiClient, query: str) -> tuple[list[dict[str, object]], int]:
    items: list[dict[str, object]] = []
    pages = 0
    cursor: str | None = None
    while True:
        suffix = f"&cursor={quote(cursor)}" if cursor else ""
        reply = api.get(f"/api/notifications?{query}{suffix}")
        assert reply.status == 200, reply.body
        pages += 1
        items.extend(reply.json["items"])
        cursor = reply.json["cursor"]
        if cursor is None:
            return items, pages


def _expected(records: list[NotificationReport], since: datetime, until: datetime, **match: object) -> list[str]:
    chosen = [
        r
        for r in records
        if clock.iso(since) <= r.sentTime <= clock.iso(until)
        and all((r.type.value if k == "type" else r.dry_run) == v for k, v in match.items())
    ]
    return [r.id for r in sorted(chosen, key=lambda r: (r.sentTime, r.id), reverse=True)]


def test_defaults_are_the_last_seven_days_without_dry_runs_newest_first(
    api: ApiClient, records: list[NotificationReport]
) -> None:
    reply = api.get("/api/notifications?limit=200")
    assert reply.status == 200
    expected = _expected(records, NOW - timedelta(days=7), NOW, dryRun=False)
    assert [i["id"] for i in reply.json["items"]] == expected
    assert reply.json["cursor"] is None


def test_paging_without_a_type_loses_and_repeats_nothing(api: ApiClient, records: list[NotificationReport]) -> None:
    items, pages = _all_pages(api, "limit=7&includeDryRun=true")
    expected = _expected(records, NOW - timedelta(days=7), NOW)
    assert len(expected) > 70
    assert [i["id"] for i in items] == expected
    assert pages >= len(expected) // 7


def test_a_page_can_end_on_a_day_boundary_and_the_next_starts_on_the_day_before(
    api: ApiClient, records: list[NotificationReport]
) -> None:
    today = [r for r in records if r.sentTime[:10] == "2026-11-20" and r.sentTime <= clock.iso(NOW)]
    first = api.get(f"/api/notifications?includeDryRun=true&from=2026-11-18&until={clock.iso(NOW)}&limit={len(today)}")
    assert [i["id"] for i in first.json["items"]] == _expected(today, NOW - timedelta(days=1), NOW)
    items, _ = _all_pages(api, f"includeDryRun=true&from=2026-11-18&until={clock.iso(NOW)}&limit={len(today)}")
    assert [i["id"] for i in items] == _expected(records, datetime(2026, 11, 18, tzinfo=UTC), NOW)


def test_paging_one_type_with_dry_runs_filtered(api: ApiClient, records: list[NotificationReport]) -> None:
    items, _ = _all_pages(api, "type=news&limit=3&from=2026-11-12&until=2026-11-18")
    since, until = datetime(2026, 11, 12, tzinfo=UTC), datetime(2026, 11, 18, 23, 59, 59, 999000, tzinfo=UTC)
    expected = _expected(records, since, until, type="news", dryRun=False)
    assert len(expected) > 10
    assert [i["id"] for i in items] == expected
    assert {i["type"] for i in items} == {"news"}


def test_dry_runs_are_included_on_request(api: ApiClient, records: list[NotificationReport]) -> None:
    with_dry = api.get("/api/notifications?includeDryRun=true&limit=200").json["items"]
    without = api.get("/api/notifications?limit=200").json["items"]
    assert any(i["notification"]["dryRun"] for i in with_dry)
    assert not any(i["notification"]["dryRun"] for i in without)
    assert len(with_dry) == len(_expected(records, NOW - timedelta(days=7), NOW))


def test_a_range_given_as_date_times(api: ApiClient, records: list[NotificationReport]) -> None:
    since, until = NOW - timedelta(hours=30), NOW - timedelta(hours=6)
    reply = api.get(f"/api/notifications?from={clock.iso(since)}&until={clock.iso(until)}&limit=200")
    assert [i["id"] for i in reply.json["items"]] == _expected(records, since, until, dryRun=False)


@pytest.mark.parametrize("type_", [NotificationType.NEWS, None])
@pytest.mark.parametrize("include_dry_run", [True, False])
def test_every_page_reads_only_the_items_it_returns(
    api: ApiClient, records: list[NotificationReport], type_: NotificationType | None, include_dry_run: bool
) -> None:
    cursor: str | None = None
    returned: list[str] = []
    while True:
        page = reports.list_reports(type_, None, None, include_dry_run, 10, cursor, NOW)
        assert page.itemsRead == len(page.items)
        returned.extend(i.id for i in page.items)
        if page.cursor is None:
            break
        cursor = page.cursor
    match: dict[str, object] = {} if include_dry_run else {"dryRun": False}
    if type_:
        match["type"] = type_.value
    assert returned == _expected(records, NOW - timedelta(days=7), NOW, **match)


def test_a_cursor_only_continues_its_own_query(api: ApiClient, records: list[NotificationReport]) -> None:
    cursor = api.get("/api/notifications?type=news&limit=2").json["cursor"]
    assert api.get(f"/api/notifications?type=news&limit=2&cursor={quote(cursor)}").status == 200
    for other in ("type=content", "", "type=news&includeDryRun=true"):
        reply = api.get(f"/api/notifications?{other}&limit=2&cursor={quote(cursor)}")
        assert reply.status == 400, other
        assert "another type or dry-run choice" in reply.json["message"]
    untyped = api.get("/api/notifications?limit=2").json["cursor"]
    reply = api.get(f"/api/notifications?from=2026-10-01&until=2026-10-05&cursor={quote(untyped)}")
    assert reply.status == 400
    assert "outside this query's date range" in reply.json["message"]


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("from=2026-10-01&until=2026-11-20", "longer than 31 days"),
        ("from=2026-11-19&until=2026-11-10", "is after until"),
        ("from=yesterday", "is not a date"),
        ("until=2026-13-45", "is not a date"),
        ("cursor=bm90LWEtY3Vyc29y", "cursor"),
    ],
)
def test_bad_ranges_answer_400_saying_why(
    api: ApiClient, records: list[NotificationReport], query: str, says: str
) -> None:
    reply = api.get(f"/api/notifications?{query}")
    assert reply.status == 400
    assert says in reply.json["message"]


def test_thirty_one_days_is_allowed(api: ApiClient, records: list[NotificationReport]) -> None:
    assert api.get("/api/notifications?from=2026-10-20&until=2026-11-19").status == 200


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "type=gossip", "includeDryRun=perhaps"])
def test_bad_parameters_are_refused(api: ApiClient, query: str) -> None:
    assert api.get(f"/api/notifications?{query}").status == 422


def test_one_record_by_id_or_404_for_any_authenticated_caller(
    api: ApiClient, records: list[NotificationReport], token: TokenFactory
) -> None:
    other_tenant_user = token(tenant="globex", role="user")
    reply = api.get(f"/api/notifications/{records[0].id}", token=other_tenant_user)
    assert reply.status == 200
    assert reply.json["id"] == records[0].id
    assert len(reply.json["reports"]) == 4
    assert api.get("/api/notifications/00000000-0000-4000-8000-000000000000").status == 404
    assert api.get("/api/notifications", token="").status == 401
