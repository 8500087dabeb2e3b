"""S3 channel (server-side copy in the local AWS) and push channel (recording provider, and SNS in the local AWS)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from moto.sns.models import sns_backends

from local.account import ACCOUNT_ID, REGION
from local.delivery_demo import delivery_context, store_artifact
from local.push import PUSH_LOG, RecordingPushProvider
from local.runtime import LocalRuntime
from shared import clock
from shared.api.caller import Caller
from shared.aws import client
from shared.delivery.channels.push import PushChannel
from shared.delivery.channels.s3 import S3Channel, S3Config
from shared.delivery.tenant_buckets import BucketRegistration, register
from shared.errors import ConfigurationError, PermanentError, TransientError
from shared.push.sns_provider import SnsPushProvider

DELIVERED_AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
ACME_ADMIN = Caller(sub="admin-1", tenant="acme", roles=("admin",))


def test_s3_copy_lands_under_the_expected_key_with_kms(clean: LocalRuntime) -> None:
    clock.set_now(DELIVERED_AT)
    s3 = client("s3")
    s3.create_bucket(Bucket="customer-reports")
    register(ACME_ADMIN, "customer-reports", BucketRegistration())
    key_id = client("kms").create_key()["KeyMetadata"]["KeyId"]
    artifact = store_artifact(export_id="exp-7", content=b"%PDF-1.7 quarterly")
    config = {"bucket": "customer-reports", "prefix": "inbound/reports", "kms_key_id": key_id}
    receipt = S3Channel().send(delivery_context("s3", config, "dlv-s3"), [artifact])
    expected = "inbound/reports/usage-summary/2026-11-23/exp-7.pdf"
    assert receipt.keys == [expected]
    copied = s3.get_object(Bucket="customer-reports", Key=expected)
    assert copied["Body"].read() == b"%PDF-1.7 quarterly"
    assert copied["ContentType"] == "application/pdf"
    assert copied["ServerSideEncryption"] == "aws:kms"
    assert copied["SSEKMSKeyId"].endswith(key_id)
    assert copied["Metadata"]["delivery-id"] == "dlv-s3"


def test_s3_without_a_bucket_goes_to_the_platforms_bucket_under_the_tenant(clean: LocalRuntime) -> None:
    clock.set_now(DELIVERED_AT)
    artifact = store_artifact(export_id="exp-8")
    config = {"key_pattern": "{date}/{file_name}"}
    receipt = S3Channel().send(delivery_context("s3", config), [artifact])
    assert receipt.bucket == artifact.bucket
    assert receipt.keys == ["deliveries/acme/2026-11-23/usage-summary_exp-8.pdf"]
    client("s3").head_object(Bucket=artifact.bucket, Key=receipt.keys[0])


def test_s3_to_a_missing_bucket_is_permanent(clean: LocalRuntime) -> None:
    register(ACME_ADMIN, "no-such-bucket-here", BucketRegistration())
    with pytest.raises(PermanentError, match="NoSuchBucket"):
        S3Channel().send(delivery_context("s3", {"bucket": "no-such-bucket-here"}), [store_artifact()])


def test_s3_config_refuses_bad_patterns_and_buckets() -> None:
    for bad, message in (
        ({"key_pattern": "{date}/{report_type}.pdf"}, "must contain"),
        ({"key_pattern": "{tenant}/{export_id}"}, "unknown placeholder"),
        ({"bucket": "Not_A_Bucket"}, "valid S3 bucket name"),
        ({"prefix": "/abs"}, "must be relative"),
        ({"prefix": "a/../b"}, "must not contain"),
        ({"prefix": "a//b"}, "must not contain"),
        ({"key_pattern": "../{export_id}"}, "must not contain"),
    ):
        with pytest.raises(ValueError, match=message):
            S3Config.model_validate(bad)


def test_push_through_the_recording_provider(clean: LocalRuntime) -> None:
    provider = RecordingPushProvider()
    artifact = store_artifact(export_id="exp-push", title="Weekly trial report")
    config = {"device_token": "device-token-123", "platform": "ios"}
    PUSH_LOG.clear()
    PUSH_LOG.fail("device-token-123")
    with pytest.raises(TransientError):
        PushChannel(provider).send(delivery_context("push", config, "dlv-p"), [artifact])
    PUSH_LOG.heal("device-token-123")
    receipt = PushChannel(provider).send(delivery_context("push", config, "dlv-p"), [artifact])
    assert next(a.outcome for a in PUSH_LOG.attempts) == "transient"
    (sent,) = PUSH_LOG.sent()
    assert receipt.external_id == sent.outcome.removeprefix("sent:")
    assert (sent.device_token, sent.platform, sent.title) == ("device-token-123", "ios", "Weekly trial report")
    assert sent.data == {
        "delivery_id": "dlv-p",
        "job_id": "job-0001",
        "export_id": "exp-push",
        "link": artifact.download_url,
    }


def test_push_through_sns_platform_endpoints(clean: LocalRuntime) -> None:
    sns = client("sns")
    android = sns.create_platform_application(
        Name="reports-fcm", Platform="GCM", Attributes={"PlatformCredential": "server-key"}
    )["PlatformApplicationArn"]
    provider = SnsPushProvider({"android": android})
    artifact = store_artifact()
    config = {"device_token": "fcm-token-abcdef", "platform": "android"}
    first = PushChannel(provider).send(delivery_context("push", config), [artifact])
    again = PushChannel(provider).send(delivery_context("push", config), [artifact])
    assert first.external_id
    assert again.external_id
    endpoints = sns.list_endpoints_by_platform_application(PlatformApplicationArn=android)["Endpoints"]
    assert len(endpoints) == 1, "the device's endpoint is reused"
    published = json.loads(list(sns_endpoint(endpoints[0]["EndpointArn"]).messages.values())[-1])
    fcm = json.loads(published["GCM"])["fcmV1Message"]["message"]
    assert fcm["notification"] == {"title": "Usage Summary", "body": "2026-11-16 to 2026-11-22: ready to download"}
    assert fcm["data"]["link"] == artifact.download_url
    assert json.loads(published["APNS"])["aps"]["alert"]["title"] == "Usage Summary"
    with pytest.raises(ConfigurationError, match="no SNS platform application"):
        PushChannel(provider).send(delivery_context("push", {**config, "platform": "ios"}), [artifact])
    sns.set_endpoint_attributes(EndpointArn=endpoints[0]["EndpointArn"], Attributes={"Enabled": "false"})
    with pytest.raises(PermanentError, match=r"EndpointDisabled|disabled"):
        PushChannel(provider).send(delivery_context("push", config), [artifact])


def sns_endpoint(arn: str) -> Any:
    """The local AWS's record of an SNS platform endpoint (it keeps what was published to it)."""
    return sns_backends[ACCOUNT_ID][REGION].platform_endpoints[arn]
