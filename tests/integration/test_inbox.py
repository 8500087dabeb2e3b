"""The inbox channel files a report once per delivery; `GET /api/inbox` and mark-read through the local HTTP API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from local.delivery_demo import delivery_context, store_artifact
from local.runtime import LocalRuntime
from shared import clock
from shared.delivery.channels.inbox import InboxChannel
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient


def file_reports(count: int, user: str = "alice", tenant: str = "acme") -> None:
    start = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    for number in range(count):
        clock.set_now(start + timedelta(minutes=number))
        artifact = store_artifact(export_id=f"exp-{number}", title=f"Report {number}")
        context = delivery_context("inbox", {}, f"dlv-{tenant}-{user}-{number}", recipient=user, tenant_id=tenant)
        InboxChannel().send(context, [artifact])
    clock.set_now(None)


def test_the_inbox_shows_the_report_and_mark_read_works(clean: LocalRuntime, token: TokenFactory) -> None:
    artifact = store_artifact(export_id="exp-1", title="Weekly trial report")
    receipt = InboxChannel().send(delivery_context("inbox", {}, "dlv-1", recipient="alice"), [artifact])
    alice = ApiClient(clean.url, token=token(sub="alice"))
    reply = alice.get("/api/inbox")
    assert reply.status == 200, reply.body
    (item,) = reply.json["items"]
    assert item["item_id"] == receipt.external_id
    assert (item["title"], item["period"], item["link"]) == (
        "Weekly trial report",
        artifact.period,
        artifact.download_url,
    )
    assert item["read"] is False
    assert reply.json["next_cursor"] is None

    marked = alice.post(f"/api/inbox/{item['item_id']}/read")
    assert marked.status == 200, marked.body
    assert marked.json["read"] is True
    assert marked.json["read_at"]
    assert alice.get("/api/inbox?unread=true").json["items"] == []
    assert alice.get("/api/inbox").json["items"][0]["read"] is True


def test_a_retried_delivery_files_one_item(clean: LocalRuntime, token: TokenFactory) -> None:
    artifact = store_artifact()
    context = delivery_context("inbox", {}, "dlv-same", recipient="alice")
    first = InboxChannel().send(context, [artifact])
    clock.set_now(clock.now() + timedelta(minutes=5))
    again = InboxChannel().send(context, [artifact])
    assert again.external_id == first.external_id
    assert "already in" in again.detail
    clock.set_now(None)
    items = ApiClient(clean.url, token=token(sub="alice")).get("/api/inbox").json["items"]
    assert len(items) == 1


def test_another_users_item_is_404_and_invisible(clean: LocalRuntime, token: TokenFactory) -> None:
    file_reports(1, user="alice")
    file_reports(1, user="alice", tenant="globex")
    alice = ApiClient(clean.url, token=token(sub="alice"))
    item_id = alice.get("/api/inbox").json["items"][0]["item_id"]
    bob = ApiClient(clean.url, token=token(sub="bob"))
    assert bob.get("/api/inbox").json["items"] == []
    reply = bob.post(f"/api/inbox/{item_id}/read")
    assert reply.status == 404
    assert reply.json["error"] == "not_found"
    assert (
        ApiClient(clean.url, token=token(sub="alice", tenant="globex")).post(f"/api/inbox/{item_id}/read").status == 404
    )
    assert alice.post("/api/inbox/not-an-id/read").status == 404
    assert alice.get("/api/inbox").json["items"][0]["read"] is False


def test_newest_first_paged_with_an_opaque_cursor_and_unread_filter(clean: LocalRuntime, token: TokenFactory) -> None:
    file_reports(7)
    alice = ApiClient(clean.url, token=token(sub="alice"))
    titles: list[str] = []
    cursor = ""
    pages = 0
    while True:
        reply = alice.get(f"/api/inbox?limit=3{cursor}")
        assert reply.status == 200, reply.body
        titles += [item["title"] for item in reply.json["items"]]
        pages += 1
        if not reply.json["next_cursor"]:
            break
        cursor = f"&cursor={reply.json['next_cursor']}"
    assert titles == [f"Report {n}" for n in range(6, -1, -1)]
    assert pages == 3

    items = alice.get("/api/inbox").json["items"]
    for item in items[:5]:
        alice.post(f"/api/inbox/{item['item_id']}/read")
    unread = alice.get("/api/inbox?unread=true&limit=1")
    assert [i["title"] for i in unread.json["items"]] == ["Report 1"]
    rest = alice.get(f"/api/inbox?unread=true&limit=1&cursor={unread.json['next_cursor']}")
    assert [i["title"] for i in rest.json["items"]] == ["Report 0"]
    assert rest.json["next_cursor"] is None


def test_bad_inbox_queries_are_4xx(clean: LocalRuntime, token: TokenFactory) -> None:
    alice = ApiClient(clean.url, token=token(sub="alice"))
    assert alice.get("/api/inbox?cursor=%%%").status == 400
    assert alice.get("/api/inbox?limit=0").status == 422
    assert alice.get("/api/inbox?limit=500").status == 422
