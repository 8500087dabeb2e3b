"""The six paths that would have failed on the first real deploy, each run through the strict twin (own environment,
synthesized IAM policy checked on every call) so that they fail here exactly as they would in AWS."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.config import Config

from local import function_env, iam, lambdas, template
from local.runtime import LocalRuntime
from shared import catalog
from shared.catalog.delivery import DELIVERY_SWEEPER, JOB_SWEEPER
from shared.catalog.pipeline import (
    DELIVERIES,
    JOBS,
    PIPELINE_DELIVER,
    PIPELINE_FETCH,
    SUBSCRIPTIONS,
    TRIAL_DOCUMENTS_BUCKET,
)
from shared.catalog.platform import REPORTS_BUCKET
from shared.delivery import service
from shared.delivery.channel import DeliveryContext
from shared.leases import acquire, release
from shared.notifications import demo, logic, store
from shared.notifications.models import NotificationRequest, NotificationType
from shared.notifications.received import update_received_counts
from shared.query.engine import QueryEngine, QueryResult, Scan, default_engine
from shared.settings import get_settings
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient
from tests.support.deliveries import PDF, stored_job
from tests.support.notifications import put_received, received


def _arn(table: catalog.Table) -> str:
    return f"arn:aws:dynamodb:us-east-1:123456789012:table/{get_settings().name_of(table)}"


def _allowed(function: catalog.Function, action: str, resource: str) -> bool:
    return iam.decide(iam.principal_named(function.name), iam.Requirement(action, resource)) == "allow"


def test_no_function_reserves_concurrency_and_a_sweep_is_still_single_flight(clean: LocalRuntime) -> None:
    functions = [
        r
        for r in template.templates()["ReportPlatformStateless"]["Resources"].values()
        if r["Type"] == "AWS::Lambda::Function"
    ]
    assert functions
    assert all("ReservedConcurrentExecutions" not in f["Properties"] for f in functions)
    holder = acquire(DELIVERY_SWEEPER.name, 60)
    assert holder is not None
    try:
        assert lambdas.invoke(DELIVERY_SWEEPER.name, {"detail-type": "Scheduled Event"}) == {
            "notRun": f"another {DELIVERY_SWEEPER.name} run is in progress"
        }
    finally:
        release(DELIVERY_SWEEPER.name, holder)
    ran = lambdas.invoke(JOB_SWEEPER.name, {"detail-type": "Scheduled Event"})
    assert "notRun" not in ran
    assert acquire(JOB_SWEEPER.name, 60) is not None, "a finished run gives its lease back"


def test_pipeline_deliver_may_write_the_job_step(clean: LocalRuntime) -> None:
    assert _allowed(PIPELINE_DELIVER, "dynamodb:UpdateItem", _arn(JOBS))


def test_a_download_is_a_sigv4_url_that_s3_serves_and_a_recipient_may_download(
    clean: LocalRuntime, token: TokenFactory
) -> None:
    job = stored_job("job-recipient", owner="alice")
    service.open_deliveries(
        [
            DeliveryContext(
                delivery_id=service.delivery_id_for(job.jobId, "email", "bob@example.com"),
                tenant_id="acme",
                job_id=job.jobId,
                subscription_id=job.subscriptionId,
                owner_id="alice",
                channel="email",
                recipient="bob@example.com",
            )
        ]
    )
    bob = ApiClient(clean.url, token=token(sub="bob", email="bob@example.com"))
    reply = bob.get(f"/api/reports/exports/{job.jobId}/download?format=pdf")
    assert reply.status == 302, reply.body
    location = {name.lower(): value for name, value in reply.headers.items()}["location"]
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert "Signature" not in query
    assert query["X-Amz-Credential"][0].split("/")[2] == "us-east-1"
    with urllib.request.urlopen(location, timeout=10) as response:  # noqa: S310 - the local S3
        assert response.read() == PDF
    carol = ApiClient(clean.url, token=token(sub="carol", email="carol@example.com"))
    assert carol.get(f"/api/reports/exports/{job.jobId}/download?format=pdf").status == 404


def test_the_local_s3_refuses_a_sigv2_url_for_a_kms_encrypted_object(clean: LocalRuntime) -> None:
    stored_job("job-v2")
    sigv2 = boto3.session.Session().client("s3", config=Config(signature_version="s3"))
    url = sigv2.generate_presigned_url(
        "get_object", Params={"Bucket": get_settings().name_of(REPORTS_BUCKET), "Key": "exports/acme/job-v2/report.pdf"}
    )
    assert "Signature=" in url
    assert "AWSAccessKeyId=" in url
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)  # noqa: S310 - the local S3
    assert refused.value.code == 400
    assert b"require AWS Signature Version 4" in refused.value.read()


def test_the_delivery_sweeper_may_update_jobs_and_subscriptions(clean: LocalRuntime) -> None:
    environment = function_env.environment_of(DELIVERY_SWEEPER.name)
    assert environment[SUBSCRIPTIONS.env_var] == get_settings().name_of(SUBSCRIPTIONS)
    for table in (JOBS, SUBSCRIPTIONS, DELIVERIES):
        assert _allowed(DELIVERY_SWEEPER, "dynamodb:UpdateItem", _arn(table)), table.id


class AthenaLabels:
    """The local engine with Athena's output labels: lower-cased (`AS "iosEdition"` comes back as `iosedition`)."""

    def __init__(self, engine: QueryEngine) -> None:
        self.engine = engine

    def run(self, sql: str, params: Sequence[Any], scans: Mapping[str, Scan]) -> QueryResult:
        result = self.engine.run(sql, params, scans)
        result.columns = [column.lower() for column in result.columns]
        return result


def test_received_counts_are_read_from_lower_cased_labels(clean: LocalRuntime) -> None:
    sent = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    request = NotificationRequest(
        id=uuid.uuid4(), type=NotificationType.NEWS, title="t", message="m", topics=["breaking/uk"], dryRun=False
    )
    record = logic.new_record(request, sent, ttl=int(sent.timestamp()) + 86400)
    list(demo.put_records([record]))
    moment = sent + timedelta(minutes=5)
    put_received([received(record.id, "ios", moment)] * 2 + [received(record.id, "iosEdition", moment)] * 3)
    summary = update_received_counts(sent, sent + timedelta(hours=1), AthenaLabels(default_engine()))
    assert summary["updated"] == 1
    stored = store.get(record.id)
    assert stored is not None
    assert stored.events is not None
    counts = stored.events.platformCounts
    assert (counts.ios, counts.iosEdition, counts.total) == (2, 3, 5)


def test_pipeline_fetch_may_read_the_trial_documents(clean: LocalRuntime) -> None:
    bucket = get_settings().name_of(TRIAL_DOCUMENTS_BUCKET)
    assert function_env.environment_of(PIPELINE_FETCH.name)[TRIAL_DOCUMENTS_BUCKET.env_var] == bucket
    assert _allowed(PIPELINE_FETCH, "s3:GetObject", f"arn:aws:s3:::{bucket}/trials/acme/t-1/note.txt")
