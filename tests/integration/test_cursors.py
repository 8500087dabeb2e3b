"""Paging cursors over DynamoDB (`shared.items.query_page`) through the API: a real one continues the listing; a
tampered or foreign one is a 400 saying so, whatever key DynamoDB would have been handed."""

from __future__ import annotations

from typing import Any

import pytest

from local.runtime import LocalRuntime
from shared.items import decode_token, encode_token
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
