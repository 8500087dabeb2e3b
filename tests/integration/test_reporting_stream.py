"""`WebSocket /api/v1/reporting/stream` on the local port: the same $connect, connections table and pushed updates as
the API Gateway WebSocket API (the local runtime reads the DynamoDB streams as Lambda's poller would)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from local.runtime import LocalRuntime
from shared.aws import resource
from shared.catalog.stream import STREAM_CONNECTIONS, STREAM_PATH
from shared.settings import get_settings
from shared.stream import logic, store
from shared.stream.models import Connection
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient
from tests.support.pipeline import small_trial, wait_for_job
from tests.support.subscriptions import subscribe
from tests.support.websocket_client import HandshakeRefused, connect


def _connections() -> list[dict[str, Any]]:
    return list(resource("dynamodb").Table(get_settings().name_of(STREAM_CONNECTIONS)).scan()["Items"])


def _final(message: dict[str, Any]) -> bool:
    return message["type"] == "job" and message["status"] in ("completed", "failed")


def test_a_connection_without_a_valid_token_is_refused(clean: LocalRuntime, token: TokenFactory) -> None:
    with pytest.raises(HandshakeRefused) as refused:
        connect(clean.url, STREAM_PATH)
    assert refused.value.status == 401
    with pytest.raises(HandshakeRefused) as forged:
        connect(clean.url, STREAM_PATH, token=token()[:-4] + "AAAA")
    assert forged.value.status == 401
    with pytest.raises(HandshakeRefused) as bad_query:
        connect(clean.url, STREAM_PATH, token=token(), subscription_id="no spaces allowed")
    assert bad_query.value.status == 400
    assert _connections() == []


def test_a_run_streams_its_job_status_changes_to_its_owner_only(clean: LocalRuntime, token: TokenFactory) -> None:
    small_trial()
    alice = ApiClient(clean.url, token=token(sub="alice"))
    subscription_id = subscribe(alice, "Weekly")
    own = connect(clean.url, STREAM_PATH, token=token(sub="alice"), subscription_id=subscription_id)
    other_tenant = connect(
        clean.url, STREAM_PATH, token=token(tenant="globex", sub="alice", role="admin"), subscription_id=subscription_id
    )
    other_user = connect(clean.url, STREAM_PATH, token=token(sub="bob"))
    other_type = connect(clean.url, STREAM_PATH, token=token(sub="alice"), report_types="usage_summary")
    try:
        stored = {(c["tenantId"], c["userId"], c.get("subscriptionId")) for c in _connections()}
        assert stored == {
            ("acme", "alice", subscription_id),
            ("globex", "alice", subscription_id),
            ("acme", "bob", None),
            ("acme", "alice", None),
        }
        job_id = alice.post(f"/api/subscriptions/{subscription_id}/run").json["jobId"]
        job = wait_for_job(alice, job_id)
        messages = own.messages(timeout=5, until=_final)
        jobs = [m for m in messages if m["type"] == "job"]
        assert [m["jobId"] for m in jobs] == [job_id] * len(jobs)
        assert jobs[-1]["status"] == job["status"] == "completed"
        assert "processing" in [m["status"] for m in jobs]
        assert jobs[-1]["reportType"] == "clinical_weekly"
        assert {a["format"] for a in jobs[-1]["artifacts"]} == {"pdf", "csv"}
        assert "tenantId" not in jobs[-1]
        deliveries = [m for m in messages if m["type"] == "delivery"]
        assert all(d["jobId"] == job_id for d in deliveries)
        assert other_tenant.messages(timeout=1) == []
        assert other_user.messages(timeout=0.2) == []
        assert other_type.messages(timeout=0.2) == []
    finally:
        for socket in (own, other_tenant, other_user, other_type):
            socket.close()


def test_a_closed_connection_is_forgotten(clean: LocalRuntime, token: TokenFactory) -> None:
    socket = connect(clean.url, STREAM_PATH, token=token())
    assert len(_connections()) == 1
    socket.close()
    for _ in range(50):
        if not _connections():
            break
        time.sleep(0.05)
    assert _connections() == []


def test_a_gone_connection_is_removed_when_an_update_finds_it(clean: LocalRuntime) -> None:
    gone = Connection(tenantId="acme", connectionId="gone-1", userId="alice", connectedAt="x", ttl=4_000_000_000)
    store.put(gone)
    record = {
        "eventName": "INSERT",
        "dynamodb": {
            "NewImage": {
                "tenantId": {"S": "acme"},
                "jobId": {"S": "job-1"},
                "ownerId": {"S": "alice"},
                "kind": {"S": "export"},
                "reportType": {"S": "report"},
                "title": {"S": "Usage"},
                "status": {"S": "pending"},
                "step": {"S": "start"},
            }
        },
    }
    assert logic.publish([record]) == 0
    assert _connections() == []
