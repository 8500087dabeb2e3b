"""Issue 13, items 1, 2, 3 and 5, through the HTTP API (and the channels themselves at send time): S3 deliveries only
into buckets the tenant registered, never the platform's own, under the tenant's root; SFTP key secrets only of the
caller's tenant, SFTP hosts only public; inbox items only for users who may read the report."""

from __future__ import annotations

from typing import Any

import asyncssh
import pytest

from local.delivery_demo import delivery_context, store_artifact
from local.runtime import LocalRuntime
from shared.aws import client
from shared.catalog.platform import REPORTS_BUCKET
from shared.delivery.channels import http_post
from shared.delivery.channels.s3 import S3Channel
from shared.delivery.channels.sftp import SftpChannel
from shared.errors import PermanentError
from shared.inbox.logic import list_inbox
from shared.settings import get_settings, reset_settings
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient
from tests.support.deliveries import stored_job
from tests.support.pipeline import TRIAL, small_trial

DELIVER = "/api/v1/reporting/deliver"
BUCKETS = "/api/v1/reporting/buckets"
HOST_KEY = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()


@pytest.fixture
def alice(clean: LocalRuntime, token: TokenFactory) -> ApiClient:
    small_trial()
    return ApiClient(clean.url, token=token(sub="alice", role="user", email="alice@example.com"))


def deliver(client_: ApiClient, job_id: str, channel: dict[str, Any], token: str | None = None) -> Any:
    body = {"request_id": f"req-{abs(hash(str(channel)))}", "report_id": job_id, "channels": [channel]}
    return client_.post(DELIVER, body, token=token)


def s3(bucket: str | None, prefix: str = "") -> dict[str, Any]:
    config: dict[str, Any] = {"prefix": prefix} | ({"bucket": bucket} if bucket else {})
    return {"channel": "s3", "recipients": ["files"], "config": config}


def keys_in(bucket: str) -> list[str]:
    return [o["Key"] for o in client("s3").list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_the_platforms_own_buckets_are_refused_everywhere(alice: ApiClient, token: TokenFactory) -> None:
    job = stored_job("job-s3-own")
    platform = sorted(get_settings().platform_buckets)
    reports = get_settings().name_of(REPORTS_BUCKET)
    assert reports in platform
    assert len(platform) >= 3
    before = keys_in(reports)
    for bucket in platform:
        for prefix in ("exports/globex/", "deliveries/globex/", ""):
            reply = deliver(alice, job.jobId, s3(bucket, prefix))
            assert reply.status == 400, reply.body
            assert "platform" in reply.json["message"]
        made = alice.post("/api/subscriptions", {"filters": {"trialId": TRIAL}, "channels": [s3(bucket)]})
        assert made.status == 400
        admin = token(role="admin")
        assert alice.put(f"{BUCKETS}/{bucket}", {"prefix": ""}, token=admin).status == 400
    assert keys_in(reports) == before
    artifact = store_artifact()
    before = keys_in(reports)
    with pytest.raises(PermanentError, match="platform itself"):
        S3Channel().send(delivery_context("s3", {"bucket": reports, "prefix": "exports/globex/"}), [artifact])
    assert keys_in(reports) == before


def test_only_a_bucket_the_tenant_registered_and_only_under_its_root(alice: ApiClient, token: TokenFactory) -> None:
    job = stored_job("job-s3-customer")
    storage = client("s3")
    storage.create_bucket(Bucket="globex-drop")
    storage.create_bucket(Bucket="acme-drop")
    acme_admin, globex_admin = token(role="admin"), token(tenant="globex", sub="gadmin", role="admin")
    assert alice.put(f"{BUCKETS}/globex-drop", {"prefix": "in/"}, token=globex_admin).status == 200
    assert alice.put(f"{BUCKETS}/globex-drop", {"prefix": ""}, token=acme_admin).status == 409
    assert alice.put(f"{BUCKETS}/acme-drop", {"prefix": "reports"}).status == 403, "a plain user registers nothing"
    for bad in ("../x/", "/abs", "a//b", "a/./b"):
        assert alice.put(f"{BUCKETS}/acme-drop", {"prefix": bad}, token=acme_admin).status == 422, bad
    assert alice.put(f"{BUCKETS}/acme-drop", {"prefix": "reports"}, token=acme_admin).json["prefix"] == "reports/"
    assert [b["bucket"] for b in alice.get(BUCKETS, token=acme_admin).json] == ["acme-drop"]
    assert [b["bucket"] for b in alice.get(BUCKETS, token=globex_admin).json] == ["globex-drop"]

    refused = deliver(alice, job.jobId, s3("globex-drop", "in/"))
    assert refused.status == 400
    assert "not a bucket registered for this tenant" in refused.json["message"]
    assert keys_in("globex-drop") == []
    for bad in ("../../globex/", "/x", "a/../../b"):
        assert deliver(alice, job.jobId, s3("acme-drop", bad)).status == 400, bad
    with pytest.raises(PermanentError, match="not a bucket registered"):
        S3Channel().send(delivery_context("s3", {"bucket": "globex-drop"}), [store_artifact()])

    accepted = deliver(alice, job.jobId, s3("acme-drop", "weekly/"))
    assert accepted.status in (200, 202), accepted.body
    receipt = S3Channel().send(delivery_context("s3", {"bucket": "acme-drop", "prefix": "weekly/"}), [store_artifact()])
    assert receipt.keys
    assert all(k.startswith("reports/weekly/") for k in receipt.keys)
    assert set(receipt.keys) <= set(keys_in("acme-drop"))
    assert alice.delete(f"{BUCKETS}/acme-drop", token=globex_admin).status == 404
    assert alice.delete(f"{BUCKETS}/acme-drop", token=acme_admin).status == 204
    with pytest.raises(PermanentError, match="not a bucket registered"):
        S3Channel().send(delivery_context("s3", {"bucket": "acme-drop"}), [store_artifact()])


def sftp(secret: str, host: str = "files.example.com") -> dict[str, Any]:
    config = {"host": host, "username": "reports", "private_key_secret": secret, "known_host_key": HOST_KEY}
    return {"channel": "sftp", "recipients": ["files"], "config": config}


def test_an_sftp_key_secret_must_be_the_callers_tenants_and_errors_tell_nothing(alice: ApiClient) -> None:
    job = stored_job("job-sftp")
    client("secretsmanager").create_secret(Name="report-platform/sftp/globex/partner", SecretString="k")
    answers = []
    for secret in ("report-platform/sftp/globex/partner", "report-platform/sftp/globex/none-such"):
        reply = deliver(alice, job.jobId, sftp(secret))
        assert reply.status == 400, reply.body
        answers.append(reply.json["message"].replace(secret, "<name>"))
        made = alice.post("/api/subscriptions", {"filters": {"trialId": TRIAL}, "channels": [sftp(secret)]})
        assert made.status == 400
        assert "report-platform/sftp/acme/" in made.json["message"]
    assert answers[0] == answers[1], "the answer must not depend on whether another tenant's secret exists"
    artifact = store_artifact()
    for secret in (
        "report-platform/sftp/globex/partner",
        "report-platform/sftp/acme-evil/x",
        "report-platform/sftp/acme",
    ):
        with pytest.raises(PermanentError, match="report-platform/sftp/acme/") as refused:
            SftpChannel().send(delivery_context("sftp", sftp(secret)["config"]), [artifact])
        assert "exist" not in str(refused.value)
        assert "ResourceNotFound" not in str(refused.value)


@pytest.mark.parametrize("host", ["169.254.169.254", "10.0.0.5", "192.168.1.1", "100.64.0.1", "fd00::1", "0.0.0.0"])  # noqa: S104
def test_an_sftp_host_must_be_public(alice: ApiClient, host: str) -> None:
    job = stored_job("job-sftp-host")
    reply = deliver(alice, job.jobId, sftp("report-platform/sftp/acme/partner", host))
    assert reply.status == 400, reply.body
    assert "host" in reply.json["message"]


def test_sftp_connects_only_to_a_public_address_it_checked(
    clean: LocalRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:

    client("secretsmanager").create_secret(Name="report-platform/sftp/acme/partner", SecretString="k")
    config = sftp("report-platform/sftp/acme/partner", "files.example.com")["config"]
    monkeypatch.setattr(http_post, "resolve", lambda host, port: ["169.254.169.254"])
    with pytest.raises(PermanentError, match="not a public address"):
        SftpChannel().send(delivery_context("sftp", config), [store_artifact()])
    monkeypatch.setenv("STAGE", "prod")
    reset_settings()
    try:
        for host in ("127.0.0.1", "localhost"):
            with pytest.raises(PermanentError, match="local stage"):
                SftpChannel().send(delivery_context("sftp", {**config, "host": host}), [store_artifact()])
    finally:
        monkeypatch.setenv("STAGE", "local")
        reset_settings()


def test_an_inbox_item_goes_only_to_a_user_who_may_read_the_report(alice: ApiClient, token: TokenFactory) -> None:
    job = stored_job("job-inbox")
    spoof = {"channel": "inbox", "recipients": ["bob"]}
    refused = deliver(alice, job.jobId, spoof)
    assert refused.status == 403
    assert "bob" in refused.json["message"]
    admin = token(role="admin", sub="admin-1")
    assert deliver(alice, job.jobId, spoof, token=admin).status == 403
    assert list_inbox("acme", "bob", 10, False, None).items == []
    made = alice.post("/api/subscriptions", {"filters": {"trialId": TRIAL}, "channels": [spoof]})
    assert made.status == 403
    for allowed, caller in ((["alice"], None), (["alice", "admin-1"], admin)):
        reply = deliver(alice, job.jobId, {"channel": "inbox", "recipients": allowed}, token=caller)
        assert reply.status in (200, 202), reply.body
