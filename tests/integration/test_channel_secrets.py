"""Channel secrets are stored sealed with the channel-secrets KMS key, bound to their tenant, and opened only to send:
read what DynamoDB holds, run the pipeline to a real webhook receiver that checks the signature, and move a sealed
value to another tenant."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from local import function_env, queues
from local.peers import HttpPeer
from local.runtime import LocalRuntime
from shared.aws import client
from shared.catalog.delivery import CHANNEL_SECRETS
from shared.catalog.pipeline import DELIVERIES, SUBSCRIPTIONS, SUBSCRIPTIONS_API
from shared.delivery import records, sealing, service
from shared.delivery.channel import DeliveryContext
from shared.errors import PermanentError
from shared.settings import get_settings, reset_settings
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient
from tests.support.deliveries import stored_job
from tests.support.pipeline import TRIAL, small_trial, wait_for_job
from tests.support.twin import expect_denied

SECRET = "s3cret-signing-key-0123456789"
SLACK_URL = "https://hooks.slack.com/services/T000/B000/xyzzy"


@pytest.fixture
def peer(clean: LocalRuntime) -> Iterator[HttpPeer]:
    with HttpPeer() as running:
        running.expect_secret("/hook", SECRET)
        yield running


@pytest.fixture
def alice(clean: LocalRuntime, token: TokenFactory) -> ApiClient:
    small_trial()
    return ApiClient(clean.url, token=token(sub="alice", role="user", email="alice@example.com"))


def raw_items(table: Any) -> str:
    """Everything a table holds, as DynamoDB holds it (no model in between), as one JSON text."""
    items = client("dynamodb").scan(TableName=get_settings().name_of(table))["Items"]
    return json.dumps(items)


def webhook_subscription(alice: ApiClient, peer: HttpPeer) -> str:
    created = alice.post(
        "/api/subscriptions",
        {
            "reportType": "weekly",
            "filters": {"trialId": TRIAL},
            "formats": ["csv"],
            "channels": [
                {"channel": "webhook", "recipients": ["ops"], "config": {"url": peer.url("/hook"), "secret": SECRET}},
                {"channel": "slack", "recipients": ["#reports"], "config": {"webhook_url": SLACK_URL}},
            ],
        },
    )
    assert created.status == 201, created.body
    return str(created.json["subscriptionId"])


def test_secrets_are_stored_sealed_and_a_run_signs_with_the_opened_secret(alice: ApiClient, peer: HttpPeer) -> None:
    subscription_id = webhook_subscription(alice, peer)
    stored = raw_items(SUBSCRIPTIONS)
    assert SECRET not in stored
    assert "xyzzy" not in stored
    assert stored.count(sealing.SEALED_PREFIX) == 2
    assert peer.url("/hook") in stored, "only the secret fields are sealed"

    shown = alice.get(f"/api/subscriptions/{subscription_id}").json["channels"]
    assert shown[0]["config"]["secret"] == "***"
    kept = alice.patch(f"/api/subscriptions/{subscription_id}", {"channels": shown[:1]})  # no Slack: no network
    assert kept.status == 200, kept.body
    assert SECRET not in raw_items(SUBSCRIPTIONS)
    run = alice.post(f"/api/subscriptions/{subscription_id}/run")
    assert run.status == 202, run.body
    job = wait_for_job(alice, run.json["jobId"])
    statuses = {d["channel"]: d["status"] for d in job["deliveries"]}
    assert statuses["webhook"] == "delivered", job
    (request,) = peer.requests
    assert request.signature_valid is True, "the receiver checked the signature with the secret in clear"
    deliveries = raw_items(DELIVERIES)
    assert SECRET not in deliveries
    assert "xyzzy" not in deliveries
    assert SECRET not in json.dumps(job)


def test_a_sealed_secret_does_not_open_for_another_tenant(clean: LocalRuntime, peer: HttpPeer) -> None:
    sealed = sealing.seal(SECRET, "acme")
    assert sealing.open_value(sealed, "acme") == SECRET
    with pytest.raises(PermanentError, match="opening a sealed channel secret failed"):
        sealing.open_value(sealed, "globex")
    job = stored_job("job-stolen", tenant="globex")
    context = DeliveryContext(
        delivery_id=service.delivery_id_for(job.jobId, "webhook", "ops"),
        tenant_id="globex",
        job_id=job.jobId,
        subscription_id=job.subscriptionId,
        owner_id=job.ownerId,
        channel="webhook",
        recipient="ops",
        config={"url": peer.url("/hook"), "secret": sealed},
    )
    service.open_deliveries([context])
    with pytest.raises(PermanentError, match="opening a sealed channel secret failed"):
        service.deliver(context, service.artifacts_of(job))
    assert peer.requests == []
    ended = records.get("globex", context.delivery_id)
    assert ended is not None
    assert (ended.status, ended.retryable) == ("failed", False)


def test_a_secret_that_looks_sealed_is_taken_as_given_and_sealed_again(alice: ApiClient, peer: HttpPeer) -> None:
    lookalike = sealing.seal("another-tenants-secret", "globex")
    created = alice.post(
        "/api/subscriptions",
        {
            "reportType": "weekly",
            "filters": {"trialId": TRIAL},
            "channels": [
                {"channel": "webhook", "recipients": ["ops"], "config": {"url": peer.url("/hook"), "secret": lookalike}}
            ],
        },
    )
    assert created.status == 201, created.body
    (item,) = client("dynamodb").scan(TableName=get_settings().name_of(SUBSCRIPTIONS))["Items"]
    stored = item["channels"]["L"][0]["M"]["config"]["M"]["secret"]["S"]
    assert stored != lookalike
    assert sealing.open_value(stored, "acme") == lookalike, "what a user sends is always the secret itself"


def test_deliver_now_stores_its_records_sealed_and_sends_signed(alice: ApiClient, peer: HttpPeer) -> None:
    job = stored_job("job-now")
    hook = {"channel": "webhook", "recipients": ["ops"], "config": {"url": peer.url("/hook"), "secret": SECRET}}
    reply = alice.post("/api/v1/reporting/deliver", {"request_id": "r-1", "report_id": job.jobId, "channels": [hook]})
    assert reply.status == 202, reply.body
    assert [d["status"] for d in reply.json["deliveries"]] == ["created"]
    assert queues.drain() == 1, "the delivery worker sent it"
    assert peer.requests[0].signature_valid is True
    assert SECRET not in raw_items(DELIVERIES)


def test_the_local_key_is_the_catalogued_one(clean: LocalRuntime) -> None:
    arn = get_settings().name_of(CHANNEL_SECRETS)
    metadata = client("kms").describe_key(KeyId=arn)["KeyMetadata"]
    assert (metadata["KeyState"], metadata["Description"]) == ("Enabled", CHANNEL_SECRETS.description)


def test_a_patch_keeping_a_secret_that_no_longer_opens_is_a_400_and_changes_nothing(
    alice: ApiClient, peer: HttpPeer
) -> None:
    subscription_id = webhook_subscription(alice, peer)
    table = client("dynamodb")
    key = {"tenantId": {"S": "acme"}, "subscriptionId": {"S": subscription_id}}
    foreign = sealing.seal(SECRET, "globex")
    table.update_item(
        TableName=get_settings().name_of(SUBSCRIPTIONS),
        Key=key,
        UpdateExpression="SET channels[0].config.secret = :s",
        ExpressionAttributeValues={":s": {"S": foreign}},
    )
    shown = alice.get(f"/api/subscriptions/{subscription_id}").json["channels"]
    reply = alice.patch(f"/api/subscriptions/{subscription_id}", {"channels": shown[:1]})
    assert reply.status == 400, reply.body
    assert reply.json["message"] == (
        "channels[0].config.secret: the stored value can no longer be read; send the value itself"
    )
    fresh = {**shown[0], "config": {**shown[0]["config"], "secret": "a-brand-new-signing-secret"}}
    assert alice.patch(f"/api/subscriptions/{subscription_id}", {"channels": [fresh]}).status == 200


def test_when_the_key_cannot_be_used_nothing_is_stored_and_the_reply_says_why(alice: ApiClient, peer: HttpPeer) -> None:
    gone = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"  # deleted, or a wrong ARN
    with function_env.overridden(SUBSCRIPTIONS_API.name, **{CHANNEL_SECRETS.env_var: gone}), expect_denied() as denied:
        reset_settings()
        try:
            reply = alice.post(
                "/api/subscriptions",
                {
                    "reportType": "weekly",
                    "filters": {"trialId": TRIAL},
                    "channels": [
                        {
                            "channel": "webhook",
                            "recipients": ["ops"],
                            "config": {"url": peer.url("/hook"), "secret": SECRET},
                        }
                    ],
                },
            )
            email_only = alice.post("/api/subscriptions", {"reportType": "weekly", "filters": {"trialId": TRIAL}})
        finally:
            reset_settings()
    assert [(action, resource) for _, action, resource in denied] == [("kms:Encrypt", gone)], "the role has no grant"
    assert reply.status == 502, reply.body
    assert "a channel secret could not be sealed" in reply.json["message"]
    assert "nothing was stored" in reply.json["message"]
    assert email_only.status == 201, "a subscription with no secret does not need the key"
    (item,) = client("dynamodb").scan(TableName=get_settings().name_of(SUBSCRIPTIONS))["Items"]
    assert item["subscriptionId"]["S"] == email_only.json["subscriptionId"]


def test_a_sealed_value_is_opened_once_per_process_for_all_its_deliveries(clean: LocalRuntime, peer: HttpPeer) -> None:
    decrypts: list[str] = []
    events = client("kms").meta.events
    events.register("after-call.kms.Decrypt", lambda **_: decrypts.append("Decrypt"), unique_id="count-decrypts")
    try:
        job = stored_job("job-many")
        config = {"url": peer.url("/hook"), "secret": sealing.seal(SECRET, "acme")}
        contexts = [
            DeliveryContext(
                delivery_id=service.delivery_id_for(job.jobId, "webhook", recipient),
                tenant_id="acme",
                job_id=job.jobId,
                subscription_id=job.subscriptionId,
                owner_id=job.ownerId,
                channel="webhook",
                recipient=recipient,
                config=config,
            )
            for recipient in ("ops", "audit", "finance")
        ]
        service.open_deliveries(contexts)
        for context in contexts:
            assert service.deliver(context, service.artifacts_of(job)).status == "delivered"
    finally:
        events.unregister("after-call.kms.Decrypt", unique_id="count-decrypts")
    assert [r.signature_valid for r in peer.requests] == [True, True, True]
    assert decrypts == ["Decrypt"]
