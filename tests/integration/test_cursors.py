"""Paging cursors over DynamoDB (`shared.items.query_page`) through the API: a real one continues the listing; a
tampered or foreign one is a 400 saying so, whatever key DynamoDB would have been handed."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest

from local.runtime import LocalRuntime
from shared import clock
from shared.items import cursors_for, decode_base64url, decode_token, encode_token
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

    with cursors_for("acme", "alice"):
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
        with cursors_for("acme", "alice"):
            sealed = encode_token(bad)
        reply = alice.get(f"{path}{sep}cursor={sealed}")
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
    with cursors_for("acme", "alice"):
        key = decode_token(cursor)
    for bad in [
        *_out_of_bounds_keys(key, "subscriptionId"),
        {**key, "subscriptionId": 10**40},
        {**key, "tenantId": "\udfff"},
    ]:
        with cursors_for("acme", "alice"):
            sealed = encode_token(bad)
        reply = alice.get(f"/api/subscriptions?cursor={sealed}")
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
    with cursors_for("acme", "alice"):
        position = decode_token(page["cursor"])
    listings["/api/notifications"] = [
        {**position, "key": bad} for bad in _out_of_bounds_keys(position["key"], "sentTime")
    ]
    for path, cursors in listings.items():
        for cursor in cursors:
            with cursors_for("acme", "alice"):
                sealed = encode_token(cursor)
            reply = alice.get(f"{path}?cursor={sealed}")
            assert reply.status in (400, 422), (path, cursor, reply.status, reply.body)


def test_a_cursor_shows_no_id_and_opens_only_for_the_caller_it_was_given_to(
    clean: LocalRuntime, token: TokenFactory
) -> None:
    """Issue 13, item 4: a user who owns nothing pages over others' private reports and exports without seeing them."""
    small_trial()
    owner = ApiClient(clean.url, token=token(sub="alice", role="user"))
    query = {"table": "usage_events", "group_by": ["event_type"], "aggregations": [{"fn": "count", "alias": "n"}]}
    private = [owner.post("/api/reports", {"name": f"private {n}", "query": query}) for n in range(3)]
    assert all(r.status == 201 for r in private), private[0].body
    ids = [r.json["id"] for r in private]
    bob = ApiClient(clean.url, token=token(sub="bob", role="user"))
    carol_token = token(sub="carol", role="user")
    for path in ("/api/reports?limit=1", "/api/reports/exports?limit=1", "/api/subscriptions?limit=1"):
        reply = bob.get(path)
        assert reply.status == 200, reply.body
        cursor = reply.json.get("next_cursor") or reply.json.get("cursor")
        if cursor is None:
            assert not path.startswith("/api/reports?"), "bob's page of others' private reports has a next page"
            continue
        opened = decode_base64url(cursor)
        for report_id in ids:
            assert report_id not in reply.body.decode()
            assert report_id.encode() not in opened
            assert report_id.encode() not in base64.b64decode(cursor + "==", altchars=b"-_")
        refused = bob.get(f"{path}&cursor={cursor}", token=carol_token)
        assert refused.status == 400
        assert "cursor" in refused.json["message"]
        assert bob.get(f"{path}&cursor={cursor}", token=token(tenant="globex", sub="bob")).status == 400
        assert bob.get(f"{path}&cursor={cursor}").status == 200
