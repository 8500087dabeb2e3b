"""The fault matrix: every step (Start, Fetch, Aggregate, Render, Deliver, Complete) failing once (transient: its
Retry gets it through) or for good (the execution ends at that step, the status-change event records the failure,
and a redrive resumes there after the fault is fixed).

Faults are injected by replacing the registry entry of the report source or the email channel, or wrapping a store
call, in this test only (the local Lambda runs the handlers in this process), never by a switch in the product code."""

from __future__ import annotations

import json
import uuid
from typing import Any, Literal

import pytest

from local import queues
from local.execution_redrive import redrive
from local.peers import HttpPeer, Reply
from local.runtime import LocalRuntime
from shared import clock
from shared.aws import client
from shared.catalog.pipeline import PIPELINE_DLQ
from shared.catalog.platform import REPORTS_BUCKET
from shared.delivery import records as delivery_records
from shared.delivery import registry
from shared.delivery import service as delivery_service
from shared.errors import PermanentError, TransientError
from shared.jobs import store as job_store
from shared.jobs.models import JobError
from shared.pipeline import sources, steps
from shared.settings import get_settings
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient
from tests.support.faults import FaultyCall, FaultyEmail, FaultySource
from tests.support.pipeline import (
    TRIAL,
    executions,
    notices_to,
    report_mail_to,
    small_trial,
    wait_for_job,
)

RECIPIENTS = ("alice@example.com", "carol@example.com")
Mode = Literal["transient", "permanent"]
STEPS = ["start", "fetch", "aggregate", "render", "deliver", "complete"]


def _inject(monkeypatch: pytest.MonkeyPatch, step: str, mode: Mode) -> Any:
    error = TransientError if mode == "transient" else PermanentError
    remaining = 1 if mode == "transient" else 1_000
    fault: Any
    if step == "deliver":
        fault = FaultyEmail(registry.CHANNELS["email"], RECIPIENTS[1], error, remaining)
        monkeypatch.setitem(registry.CHANNELS, "email", fault)
    elif step == "start":
        fault = FaultyCall(job_store.claim, error, remaining)
        monkeypatch.setattr(job_store, "claim", fault)
    elif step == "complete":
        fault = FaultyCall(delivery_service.delivery_summary, error, remaining)
        monkeypatch.setattr(delivery_service, "delivery_summary", fault)
    else:
        fault = FaultySource(sources.SOURCES["clinical_weekly"], step, error, remaining)
        monkeypatch.setitem(sources.SOURCES, "clinical_weekly", fault)
    return fault


def _subscribe_and_run(api: ApiClient) -> str:
    created = api.post(
        "/api/subscriptions",
        {
            "reportType": "clinical_weekly",
            "filters": {"trialId": TRIAL, "fileTypes": ["txt"]},
            "formats": ["pdf", "csv"],
            "channels": [{"channel": "email", "recipients": list(RECIPIENTS)}],
        },
    )
    assert created.status == 201, created.body
    run = api.post(f"/api/subscriptions/{created.json['subscriptionId']}/run")
    assert run.status == 202, run.body
    return str(run.json["jobId"])


def _dlq_messages() -> list[dict[str, Any]]:
    sqs = client("sqs")
    url = get_settings().name_of(PIPELINE_DLQ)
    found = []
    while True:
        reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        messages = reply.get("Messages", [])
        if not messages:
            return found
        for message in messages:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _one_report_each() -> None:
    for recipient in RECIPIENTS:
        assert len(report_mail_to(recipient)) == 1, f"{recipient} got {len(report_mail_to(recipient))} reports"


@pytest.fixture
def alice_api(clean: LocalRuntime, token: TokenFactory) -> ApiClient:
    small_trial()
    return ApiClient(clean.url, token=token(sub="alice", role="user", email="alice@example.com"))


@pytest.mark.parametrize("step", STEPS)
def test_a_step_failing_once_is_retried_and_the_job_completes(
    alice_api: ApiClient, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    fault = _inject(monkeypatch, step, "transient")
    job = wait_for_job(alice_api, _subscribe_and_run(alice_api))
    assert job["status"] == "completed", job
    assert job["deliverySummary"]["delivered"] == 2
    assert job["deliverySummary"]["failed"] == 0
    assert fault.remaining == 0, "the fault fired"
    _one_report_each()
    assert notices_to("alice@example.com", "Report") == []
    assert _dlq_messages() == []
    assert {e["status"] for e in executions()} == {"SUCCEEDED"}
    if step == "deliver":
        carol = next(d for d in job["deliveries"] if d["recipient"] == RECIPIENTS[1])
        assert carol["attempts"] == 2


@pytest.mark.parametrize("step", [s for s in STEPS if s != "deliver"])
def test_a_step_failing_for_good_fails_the_job_and_a_redrive_resumes_it_there(
    alice_api: ApiClient, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    fault = _inject(monkeypatch, step, "permanent")
    job_id = _subscribe_and_run(alice_api)
    job = wait_for_job(alice_api, job_id)
    assert job["status"] == "failed", job
    assert job["error"]["step"] == step
    assert "injected PermanentError" in job["error"]["cause"]
    assert job["error"]["error"] == "PermanentError"
    assert job["reportUrl"] is None
    (execution,) = executions()
    assert execution["status"] == "FAILED"
    history = client("stepfunctions").get_execution_history(executionArn=execution["executionArn"])["events"]
    assert not [e for e in history if e.get("stateEnteredEventDetails", {}).get("name") in ("MarkFailed", "Failed")]

    (message,) = _dlq_messages()
    assert (message["jobId"], message["step"], message["executionArn"]) == (job_id, step, execution["executionArn"])
    assert message["state"] == step.capitalize()
    assert "injected PermanentError" in message["cause"]
    assert len(notices_to("alice@example.com", "Report failed")) == 1
    assert len(report_mail_to(RECIPIENTS[0])) == (1 if step == "complete" else 0), "Complete fails after Deliver"

    fault.remaining = 0
    redrive("acme", job_id)
    resumed = wait_for_job(alice_api, job_id)
    assert resumed["status"] == "completed", resumed
    assert resumed["attempt"] == 1, "a redrive resumes the same attempt"
    assert resumed["error"] is None
    _one_report_each()
    assert len(notices_to("alice@example.com", "Report failed")) == 1, "the owner was told once"
    (recovered,) = notices_to("alice@example.com", "Report delivered after all")
    assert f"its {step} step" in str(recovered.get_body(preferencelist=("plain",)).get_content())
    assert _dlq_messages() == []
    redriven = [e for e in executions() if e["executionArn"] != execution["executionArn"]]
    assert [e["status"] for e in redriven] == ["SUCCEEDED"]
    redriven_history = client("stepfunctions").get_execution_history(executionArn=redriven[0]["executionArn"])
    first = next(e for e in redriven_history["events"] if "stateEnteredEventDetails" in e)
    assert first["stateEnteredEventDetails"]["name"] == step.capitalize(), "the redrive starts at the failed state"


def test_a_delivery_failing_for_good_ends_alone_and_a_retry_sends_only_it(
    alice_api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    fault = _inject(monkeypatch, "deliver", "permanent")
    job_id = _subscribe_and_run(alice_api)
    job = wait_for_job(alice_api, job_id)
    assert job["status"] == "partially_delivered", job
    assert (job["deliverySummary"]["delivered"], job["deliverySummary"]["failed"]) == (1, 1)
    (failure,) = job["deliverySummary"]["failures"]
    assert (failure["recipient"], failure["channel"]) == (RECIPIENTS[1], "email")
    assert "injected PermanentError" in failure["reason"]
    assert job["reportUrl"] is not None, "the report was produced: it can be downloaded"
    assert {e["status"] for e in executions()} == {"SUCCEEDED"}
    assert _dlq_messages() == []
    (notice,) = notices_to("alice@example.com", "Report partly delivered")
    text = str(notice.get_body(preferencelist=("plain",)).get_content())
    assert RECIPIENTS[1] in text
    assert "injected PermanentError" in text
    assert len(report_mail_to(RECIPIENTS[0])) == 1
    assert report_mail_to(RECIPIENTS[1]) == []

    fault.remaining = 0
    retried = alice_api.post(f"/api/jobs/{job_id}/deliveries/retry")
    assert retried.status == 202, retried.body
    assert retried.json["deliveryIds"] == [failure["deliveryId"]]
    queues.drain()
    job = wait_for_job(alice_api, job_id)
    assert job["status"] == "completed", job
    assert (job["deliverySummary"]["delivered"], job["deliverySummary"]["failed"]) == (2, 0)
    _one_report_each()


def test_a_rerun_of_a_completed_job_ends_quietly_and_sends_nothing(alice_api: ApiClient) -> None:
    job_id = _subscribe_and_run(alice_api)
    assert wait_for_job(alice_api, job_id)["status"] == "completed"
    (execution,) = executions()
    described = client("stepfunctions").describe_execution(executionArn=execution["executionArn"])
    client("stepfunctions").start_execution(
        stateMachineArn=execution["stateMachineArn"], input=described["input"], name=f"rerun-{uuid.uuid4().hex}"
    )
    job = wait_for_job(alice_api, job_id)
    assert len(executions()) == 2
    assert job["status"] == "completed"
    assert job["attempt"] == 1
    assert {e["status"] for e in executions()} == {"SUCCEEDED"}
    _one_report_each()


class _FailedMidRender:
    """The real clinical weekly, whose job a sweeper fails while Render is building the document."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.report_type = inner, inner.report_type

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def build_document(self, spec: Any, aggregated: Any, purpose: Any) -> Any:
        stalled = JobError(step="render", cause="no progress (test)", error="Stalled")
        job_store.fail(spec.tenantId, spec.jobId, stalled, clock.iso(clock.now()))
        return self.inner.build_document(spec, aggregated, purpose)


def test_a_job_failed_while_rendering_plans_and_sends_nothing(
    alice_api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sources.SOURCES, "clinical_weekly", _FailedMidRender(sources.SOURCES["clinical_weekly"]))
    job = wait_for_job(alice_api, _subscribe_and_run(alice_api))
    assert job["status"] == "failed", job
    assert job["error"]["error"] == "Stalled"
    assert job["deliveries"] == [], "no delivery is planned for a job that is no longer processing"
    assert job["artifacts"] == []
    assert report_mail_to(RECIPIENTS[0]) == report_mail_to(RECIPIENTS[1]) == []


def test_a_late_status_change_of_an_earlier_run_never_changes_a_rerun(
    alice_api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The status-change event of attempt 1 delivered again (EventBridge delivers at least once) after the job was run
    again leaves attempt 2 alone, and a late step of attempt 1 neither fails nor advances it."""
    fault = _inject(monkeypatch, "fetch", "permanent")
    job_id = _subscribe_and_run(alice_api)
    assert wait_for_job(alice_api, job_id)["status"] == "failed"
    assert len(_dlq_messages()) == 1
    fault.remaining = 0
    (execution,) = executions()
    described = client("stepfunctions").describe_execution(executionArn=execution["executionArn"])
    requeued = job_store.requeue("acme", job_id, clock.iso(clock.now()))
    assert requeued is not None
    assert requeued.attempt == 2

    late_event = {
        "detail-type": "Step Functions Execution Status Change",
        "source": "aws.states",
        "detail": {
            "executionArn": execution["executionArn"],
            "status": "FAILED",
            "input": described["input"],
            "error": "PermanentError",
            "cause": "late",
        },
    }
    assert steps.mark_failed(late_event)["attempt"] == 1
    job = job_store.get("acme", job_id)
    assert job is not None
    assert (job.status, job.attempt, job.error) == ("pending", 2, None)
    assert len(notices_to("alice@example.com", "Report failed")) == 1, "the owner is not told of attempt 1 again"
    assert steps.mark_failed({"detail": {**late_event["detail"], "status": "SUCCEEDED"}}) == {"ignored": "SUCCEEDED"}

    claimed = job_store.claim("acme", job_id, clock.iso(clock.now()))
    assert claimed is not None
    assert claimed.attempt == 2
    late_state = {"tenantId": "acme", "jobId": job_id, "attempt": 1}
    with pytest.raises(PermanentError, match="no longer processing"):
        steps.fetch(late_state)
    steps.complete(late_state)
    job = job_store.get("acme", job_id)
    assert job is not None
    assert (job.status, job.step) == ("processing", "start")

    current = steps.fetch({**late_state, "attempt": 2})
    assert current["attempt"] == 2
    assert current["fetched"]
    job = job_store.get("acme", job_id)
    assert job is not None
    assert job.step == "fetch"


def test_a_webhook_answering_400_fails_alone_and_a_retry_after_the_fix_sends_only_it(
    alice_api: ApiClient, token: TokenFactory
) -> None:
    """Two email recipients and an S3 channel get the report while the webhook answers 400: the job ends
    partially_delivered (3 delivered, 1 failed), the owner's notice names the webhook; once the receiver is fixed,
    retrying sends the webhook alone."""
    reports = get_settings().name_of(REPORTS_BUCKET)
    dropped = {"Bucket": reports, "Prefix": "deliveries/acme/"}
    with HttpPeer() as peer:
        peer.expect_secret("/hook", "s3cret-for-this-subscription")
        peer.script(*[Reply(400, body="unknown event type")] * 5)
        created = alice_api.post(
            "/api/subscriptions",
            {
                "reportType": "clinical_weekly",
                "filters": {"trialId": TRIAL, "fileTypes": ["txt"]},
                "formats": ["pdf"],
                "channels": [
                    {"channel": "email", "recipients": list(RECIPIENTS)},
                    {"channel": "s3", "recipients": ["partner"], "config": {}},
                    {
                        "channel": "webhook",
                        "recipients": ["ops-hook"],
                        "config": {"url": peer.url("/hook"), "secret": "s3cret-for-this-subscription"},
                    },
                ],
            },
        )
        assert created.status == 201, created.body
        job_id = alice_api.post(f"/api/subscriptions/{created.json['subscriptionId']}/run").json["jobId"]
        job = wait_for_job(alice_api, job_id)
        assert job["status"] == "partially_delivered", job
        assert (job["deliverySummary"]["delivered"], job["deliverySummary"]["failed"]) == (3, 1)
        (failure,) = job["deliverySummary"]["failures"]
        assert (failure["channel"], failure["recipient"]) == ("webhook", "ops-hook")
        assert "HTTP 400" in failure["reason"]
        assert len(peer.requests) == 1, "a 400 is not retried"
        _one_report_each()
        objects = client("s3").list_objects_v2(**dropped).get("Contents", [])
        assert len(objects) == 1
        (notice,) = notices_to("alice@example.com", "Report partly delivered")
        text = str(notice.get_body(preferencelist=("plain",)).get_content())
        assert "ops-hook (webhook): " in text
        assert "HTTP 400" in text
        assert {e["status"] for e in executions()} == {"SUCCEEDED"}
        assert _dlq_messages() == []

        peer.reset()
        retried = alice_api.post(f"/api/jobs/{job_id}/deliveries/retry")
        assert retried.status == 202, retried.body
        assert retried.json["deliveryIds"] == [failure["deliveryId"]]
        queues.drain()
        job = wait_for_job(alice_api, job_id)
        assert job["status"] == "completed", job
        assert (job["deliverySummary"]["delivered"], job["deliverySummary"]["failed"]) == (4, 0)
        assert len(peer.requests) == 1
        assert peer.requests[0].signature_valid is True
        _one_report_each()
        assert len(client("s3").list_objects_v2(**dropped).get("Contents", [])) == 1
        assert client("s3").head_object(Bucket=reports, Key=objects[0]["Key"])["ETag"] == objects[0]["ETag"]
        again = alice_api.post(f"/api/jobs/{job_id}/deliveries/retry")
        assert again.json["deliveryIds"] == [], "nothing failed is left to retry"
        bob = alice_api.post(f"/api/jobs/{job_id}/deliveries/retry", token=token(sub="bob"))
        assert bob.status == 404


def test_a_delivery_failing_transiently_past_its_retries_is_ended_not_left_to_the_sweeper(
    alice_api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Step Functions' Retry is the last automatic layer for a delivery: after it, Complete fails the delivery for good
    (not `retryable`), so the delivery sweeper never re-sends it; the owner is told and the retry route sends it."""
    _inject(monkeypatch, "deliver", "transient")
    monkeypatch.setattr(registry.CHANNELS["email"], "remaining", 1_000)
    job_id = _subscribe_and_run(alice_api)
    job = wait_for_job(alice_api, job_id)
    assert job["status"] == "partially_delivered", job
    (failure,) = job["deliverySummary"]["failures"]
    assert "retries used up" in failure["reason"]
    carol = delivery_records.get("acme", failure["deliveryId"])
    assert carol is not None
    assert (carol.status, carol.retryable, carol.attempts) == ("failed", False, 3), "1 + MaxAttempts 2 invocations"
    assert carol.deliveryId not in [r.deliveryId for r in delivery_records.list_retryable("9999", "0000")]
    assert len(notices_to("alice@example.com", "Report partly delivered")) == 1
