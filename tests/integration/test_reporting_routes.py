"""Seed 003's reporting routes through the local HTTP API: subscribe, subscriptions, deliver now, delivery status, and
a job's deliveries; tenants and users kept apart; channel configs validated on subscribe."""

from __future__ import annotations

import pytest

from local.runtime import LocalRuntime
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
    assert first.status == 200, first.body
    (status,) = first.json["deliveries"]
    assert status["status"] == "delivered"
    assert status["retry_count"] == 0
    again = alice.post("/api/v1/reporting/deliver", request)
    assert again.json["deliveries"] == first.json["deliveries"]
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
    assert reply.status == 200, reply.body
    assert [d["status"] for d in reply.json["deliveries"]] == ["delivered"]
    assert len(list_inbox("acme", "alice", 10, False, None).items) == 1
