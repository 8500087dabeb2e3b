"""Paging cursors over DynamoDB (`shared.items.query_page`) through the API: a real one continues the listing; a
tampered or foreign one is a 400 saying so, whatever key DynamoDB would have been handed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from local.runtime import LocalRuntime
from shared import clock
from shared.items import decode_token, encode_token
from shared.notifications import demo
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient
from tests.support.pipeline import TRIAL, small_trial


@pytest.fixture
def alice(clean: LocalRuntime, token: TokenFactory) -> ApiClient:
    small_trial()
    return ApiClient(clean.url, token=token(sub="alice", role="admin", email="alice@example.com"))


@pytest.mark.parametrize("path", ["/api/subscriptions", "/api/subscriptions?all=true"])  # owner-index; the table
def test_a_cursor_continues_its_listing_and_a_tampered_one_is_a_400(alice: ApiClient, path: str) -> None:
    made = [alice.post("/api/subscriptions", {"filters": {"trialId": TRIAL}}).json["subscriptionId"] for _ in range(3)]
    sep = "&" if "?" in path else "?"
    first = alice.get(f"{path}{sep}limit=2").json
    cursor = first["cursor"]
    rest = alice.get(f"{path}{sep}limit=2&cursor={cursor}").json
    assert sorted(s["subscriptionId"] for s in first["items"] + rest["items"]) == sorted(made)

    key: dict[str, Any] = decode_token(cursor)
    name = next(iter(key))
    tampered = [
        {**key, "someoneElse": "x"},  # an attribute the query's key does not have
        {k: v for k, v in key.items() if k != name},  # one missing
        {**key, name: 7},  # a number where the key is a string
        {**key, name: ""},  # an empty key value
        {"tenantId": "acme"},  # a key of another table or index
        [key],  # not a key at all
    ]
    for bad in tampered:
        reply = alice.get(f"{path}{sep}cursor={encode_token(bad)}")
        assert reply.status == 400, bad
        assert "the cursor is not one this API gave out" in reply.json["message"]


OUT_OF_BOUNDS = {
    "over-long": "k" * 1025,  # over DynamoDB's 1024 bytes of a sort key (longer ones are refused as over-long cursors)
    "over-long in UTF-8": "é" * 513,  # 513 characters, 1,026 bytes
    "lone surrogate": "\ud800",  # JSON can say it; UTF-8 cannot, so boto3 could not send it
}


def _out_of_bounds_keys(key: dict[str, Any], sort_key: str) -> list[dict[str, Any]]:
    """`key` with its sort key attribute replaced by each value DynamoDB or boto3 would refuse."""
    return [{**key, sort_key: bad} for bad in OUT_OF_BOUNDS.values()]


def test_a_cursor_key_value_dynamodb_would_refuse_is_a_400(alice: ApiClient) -> None:
    for _ in range(3):
        alice.post("/api/subscriptions", {"filters": {"trialId": TRIAL}})
    cursor = alice.get("/api/subscriptions?limit=1").json["cursor"]
    key = decode_token(cursor)
    for bad in [
        *_out_of_bounds_keys(key, "subscriptionId"),
        {**key, "subscriptionId": 10**40},
        {**key, "tenantId": "\udfff"},
    ]:
        reply = alice.get(f"/api/subscriptions?cursor={encode_token(bad)}")
        assert reply.status in (400, 422), (reply.status, reply.body)  # 422: longer than any cursor this API gives out
        assert "cursor" in reply.json["message"]


def test_every_listing_refuses_an_out_of_bounds_cursor_value(alice: ApiClient) -> None:
    """The listings with cursors of their own (reports, inbox, notifications) go through the same key check."""
    for _ in range(2):
        alice.post("/api/reports", {"name": "r", "query": {"table": "visits", "select": ["site_id"]}})
    listings = {
        "/api/reports": [{"after": bad} for bad in OUT_OF_BOUNDS.values()],
        "/api/inbox": [{"after": f"2026-11-20T10:00:00Z#{bad}"} for bad in OUT_OF_BOUNDS.values()],
    }
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    list(demo.put_records(demo.notification_records(now, days=1, per_day=4, seed=1, dry_run_share=0)))
    clock.set_now(now)
    page = alice.get("/api/notifications?limit=1").json
    assert len(page["items"]) == 1
    position = decode_token(page["cursor"])
    listings["/api/notifications"] = [
        {**position, "key": bad} for bad in _out_of_bounds_keys(position["key"], "sentTime")
    ]
    for path, cursors in listings.items():
        for cursor in cursors:
            reply = alice.get(f"{path}?cursor={encode_token(cursor)}")
            assert reply.status in (400, 422), (path, cursor, reply.status, reply.body)
