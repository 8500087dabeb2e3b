"""Seed 003's reporting routes through the local HTTP API: subscribe, subscriptions, deliver now, delivery status, and
a job's deliveries; tenants and users kept apart; channel configs validated on subscribe."""

from __future__ import annotations

import socket
import time

import pytest

from local import queues
from local.peers import HttpPeer, Reply
from local.runtime import LocalRuntime
from shared.catalog.delivery import DELIVERY_REQUESTS
from shared.delivery import records
from shared.inbox.logic import list_inbox
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient
from tests.support.deliveries import stored_job
from tests.support.pipeline import TRIAL, small_trial

HOOK = {"url": "https://hooks.example.com/reports", "secret": "s3cret-for-this-subscription"}


@pytest.fixture
def alice(clean: LocalRuntime, token: TokenFactory) -> ApiClient:
    small_trial()
    return ApiClient(clean.url, token=token(sub="alice", role="user", email="alice@example.com"))


def subscription(subscriber: str = "alice", config: dict[str, object] | None = None) -> dict[str, object]:
    return {
        "subscriber_id": subscriber,
        "report_types": ["weekly"],
        "delivery_preferences": {
            "channels": [
                {"channel": "email", "recipients": ["alice@example.com"]},
                {"channel": "webhook", "recipients": ["ops"], "config": config if config is not None else HOOK},
            ],
            "schedule": "0 7 * * 1",
            "format_preferences": ["pdf", "csv"],
        },
        "filters": {"trialId": TRIAL},
    }


def test_subscribe_then_list_with_secrets_masked(alice: ApiClient, token: TokenFactory) -> None:
    reply = alice.post("/api/v1/reporting/subscribe", subscription())
    assert reply.status == 201, reply.body
    (made,) = reply.json["subscriptions"]
    assert made["report_types"] == ["clinical_weekly"]
    assert made["status"] == "active"
    listed = alice.get("/api/v1/reporting/subscriptions/alice")
    assert listed.status == 200
    (item,) = listed.json
    assert item["subscription_id"] == made["subscription_id"]
    assert item["delivery_preferences"]["schedule"] == "0 7 * * 1"
    assert item["delivery_preferences"]["channels"][1]["config"]["secret"] == "***"
    assert alice.get("/api/v1/reporting/subscriptions/bob").status == 404
    admin = token(sub="admin-1", role="admin")
    assert len(alice.get("/api/v1/reporting/subscriptions/alice", token=admin).json) == 1
    other = token(tenant="globex", sub="alice", role="admin")
    assert alice.get("/api/v1/reporting/subscriptions/alice", token=other).json == []


def test_subscribe_validates_each_channel_config_and_the_subscriber(alice: ApiClient) -> None:
    bad = alice.post("/api/v1/reporting/subscribe", subscription(config={"url": "ftp://x", "secret": "short"}))
    assert bad.status == 400
    assert "webhook" in bad.json["message"]
    assert "url" in bad.json["message"]
    assert "secret" in bad.json["message"]
    assert alice.post("/api/v1/reporting/subscribe", subscription(subscriber="bob")).status == 403
    sftp = alice.post(
        "/api/subscriptions",
        {"filters": {"trialId": TRIAL}, "channels": [{"channel": "sftp", "recipients": ["x"], "config": {}}]},
    )
    assert sftp.status == 400
    assert "sftp" in sftp.json["message"]
    assert "host" in sftp.json["message"]


def test_deliver_now_is_idempotent_per_request_and_answers_status(alice: ApiClient, token: TokenFactory) -> None:
    job = stored_job("job-now")
    request = {
        "request_id": "req-1",
        "report_id": job.jobId,
        "channels": [{"channel": "inbox", "recipients": ["alice"]}],
    }
    first = alice.post("/api/v1/reporting/deliver", request)
    assert first.status == 202, first.body
    (status,) = first.json["deliveries"]
    assert status["status"] == "created", "answered at once: the delivery worker sends it"
    assert list_inbox("acme", "alice", 10, False, None).items == []
    assert queues.drain() == 1
    assert len(list_inbox("acme", "alice", 10, False, None).items) == 1
    again = alice.post("/api/v1/reporting/deliver", request)
    assert again.status == 202
    assert [d["delivery_id"] for d in again.json["deliveries"]] == [status["delivery_id"]]
    assert again.json["deliveries"][0]["status"] == "delivered"
    assert queues.drain() == 0, "a repeated request queues nothing"
    assert len(list_inbox("acme", "alice", 10, False, None).items) == 1
    one = alice.get(f"/api/v1/reporting/delivery/{status['delivery_id']}/status")
    assert one.status == 200
    assert one.json["report_id"] == job.jobId
    assert one.json["channel"] == "inbox"
    assert one.json["delivery_time"]
    listed = alice.get(f"/api/jobs/{job.jobId}/deliveries")
    assert [d["deliveryId"] for d in listed.json] == [status["delivery_id"]]
    assert listed.json[0]["channel"] == "inbox"
    assert listed.json[0]["recipient"] == "alice"
    assert listed.json[0]["attempts"] == 1
    stranger = token(tenant="globex", sub="alice", role="admin")
    assert alice.get(f"/api/v1/reporting/delivery/{status['delivery_id']}/status", token=stranger).status == 404
    assert alice.get(f"/api/jobs/{job.jobId}/deliveries", token=stranger).status == 404
    assert alice.post("/api/v1/reporting/deliver", request, token=stranger).status == 404
    bob = token(sub="bob")
    assert alice.get(f"/api/v1/reporting/delivery/{status['delivery_id']}/status", token=bob).status == 404


def test_deliver_now_refuses_an_unfinished_report_and_bad_input(alice: ApiClient) -> None:
    job = stored_job("job-busy", status="processing")
    channels = [{"channel": "inbox", "recipients": ["alice"]}]
    busy = alice.post("/api/v1/reporting/deliver", {"request_id": "r", "report_id": job.jobId, "channels": channels})
    assert busy.status == 409
    missing = alice.post("/api/v1/reporting/deliver", {"request_id": "r", "report_id": "nope", "channels": channels})
    assert missing.status == 404
    assert alice.post("/api/v1/reporting/deliver", {"report_id": job.jobId}).status == 422
    assert alice.get("/api/v1/reporting/delivery/dlv_unknown/status").status == 404


def test_deliver_now_names_a_channel_and_recipient_given_twice_once(alice: ApiClient) -> None:
    job = stored_job("job-twice")
    inbox = {"channel": "inbox", "recipients": ["alice", "alice"]}
    reply = alice.post(
        "/api/v1/reporting/deliver", {"request_id": "req-twice", "report_id": job.jobId, "channels": [inbox, inbox]}
    )
    assert reply.status == 202, reply.body
    assert [d["status"] for d in reply.json["deliveries"]] == ["created"]
    queues.drain()
    assert len(list_inbox("acme", "alice", 10, False, None).items) == 1


def test_deliver_now_answers_at_once_and_refuses_retries_beyond_the_send_budget(alice: ApiClient) -> None:
    """Issue 13 item 11: three webhooks to a closed port held the request for 28 s; now the reply comes first, and
    retry settings whose worst case outlives the sending function are refused."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    job = stored_job("job-dead-peer")
    hook = {"url": f"http://127.0.0.1:{port}/hook", "secret": "s3cret-for-this-subscription"}
    channels = [{"channel": "webhook", "recipients": [f"ops-{n}"], "config": hook} for n in range(3)]
    started = time.monotonic()
    reply = alice.post(
        "/api/v1/reporting/deliver", {"request_id": "dead", "report_id": job.jobId, "channels": channels}
    )
    assert reply.status == 202, reply.body
    assert time.monotonic() - started < 5
    assert len(reply.json["deliveries"]) == 3
    assert {d["status"] for d in reply.json["deliveries"]} == {"created"}

    greedy = {**hook, "retry": {"max_attempts": 10, "timeout_s": 30}}
    refused = alice.post(
        "/api/v1/reporting/deliver",
        {
            "request_id": "greedy",
            "report_id": job.jobId,
            "channels": [{"channel": "webhook", "recipients": ["x"], "config": greedy}],
        },
    )
    assert refused.status == 400, refused.body
    assert "beyond the 90 s" in refused.json["message"]


def test_a_queued_delivery_failing_on_every_receive_is_ended_for_good_on_the_last(alice: ApiClient) -> None:
    """The queue's redelivery is the second layer of a deliver-now: after its last receive the delivery is failed for
    good (not retryable), so the delivery sweeper does not send it a fourth time."""
    job = stored_job("job-flaky-peer")
    with HttpPeer() as peer:
        peer.script(*[Reply(503)] * 10)
        hook = {"url": peer.url("/hook"), "secret": "s3cret-for-this-subscription", "retry": {"max_attempts": 1}}
        channel = {"channel": "webhook", "recipients": ["ops"], "config": hook}
        request = {"request_id": "flaky", "report_id": job.jobId, "channels": [channel]}
        reply = alice.post("/api/v1/reporting/deliver", request)
        assert reply.status == 202, reply.body
        queues.drain()
        assert len(peer.requests) == DELIVERY_REQUESTS.max_receive_count
    (status,) = reply.json["deliveries"]
    record = records.get("acme", status["delivery_id"])
    assert record is not None
    assert (record.status, record.retryable, record.attempts) == ("failed", False, 3)
    assert "retries used up" in (record.lastError or "")
