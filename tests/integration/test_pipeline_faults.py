"""The fault matrix: each of Fetch, Aggregate, Render and Deliver failing once (transient) or for good (permanent).

Faults are injected by replacing the registry entry of the report source or the email channel in this test only (the
local Lambda runs the handlers in this process), never by a switch in the product code."""

from __future__ import annotations

import json
import uuid
from typing import Any, Literal

import pytest

from local.runtime import LocalRuntime
from shared import clock
from shared.aws import client
from shared.catalog.pipeline import PIPELINE_DLQ
from shared.delivery import registry
from shared.errors import PermanentError, TransientError
from shared.jobs import store as job_store
from shared.jobs.models import JobError
from shared.pipeline import sources, steps
from shared.settings import get_settings
from tests.conftest import TokenFactory
from tests.support.api_client import ApiClient
from tests.support.faults import FaultyEmail, FaultySource
from tests.support.pipeline import TRIAL, executions, mail_to, report_mail_to, small_trial, wait_for_job

RECIPIENTS = ("alice@example.com", "carol@example.com")
Mode = Literal["transient", "permanent"]


def _inject(monkeypatch: pytest.MonkeyPatch, step: str, mode: Mode) -> Any:
    error = TransientError if mode == "transient" else PermanentError
    remaining = 1 if mode == "transient" else 1_000
    if step == "deliver":
        fault: Any = FaultyEmail(registry.CHANNELS["email"], RECIPIENTS[1], error, remaining)
        monkeypatch.setitem(registry.CHANNELS, "email", fault)
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


@pytest.mark.parametrize("step", ["fetch", "aggregate", "render", "deliver"])
def test_a_step_failing_once_is_retried_and_the_job_completes(
    alice_api: ApiClient, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    fault = _inject(monkeypatch, step, "transient")
    job = wait_for_job(alice_api, _subscribe_and_run(alice_api))
    assert job["status"] == "completed", job
    assert fault.remaining == 0, "the fault fired"
    _one_report_each()
    assert not [m for m in mail_to("alice@example.com") if str(m["Subject"]).startswith("Report failed")]
    assert _dlq_messages() == []
    if step == "deliver":
        carol = next(d for d in job["deliveries"] if d["recipient"] == RECIPIENTS[1])
        assert carol["attempts"] == 2


@pytest.mark.parametrize("step", ["fetch", "aggregate", "render", "deliver"])
def test_a_step_failing_for_good_fails_the_job_then_a_rerun_completes_it_without_sending_twice(
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

    (message,) = _dlq_messages()
    assert message["jobId"] == job_id
    assert message["step"] == step
    assert "injected PermanentError" in message["cause"]
    notices = [m for m in mail_to("alice@example.com") if str(m["Subject"]).startswith("Report failed")]
    assert len(notices) == 1
    delivered_before = len(report_mail_to(RECIPIENTS[0]))
    assert delivered_before == (1 if step == "deliver" else 0)

    fault.remaining = 0
    (execution,) = executions()
    described = client("stepfunctions").describe_execution(executionArn=execution["executionArn"])
    client("stepfunctions").start_execution(
        stateMachineArn=execution["stateMachineArn"], input=described["input"], name=f"rerun-{uuid.uuid4().hex}"
    )
    rerun = wait_for_job(alice_api, job_id)
    assert rerun["status"] == "completed", rerun
    assert rerun["attempt"] == 2
    assert rerun["error"] is None
    _one_report_each()
    notices = [m for m in mail_to("alice@example.com") if str(m["Subject"]).startswith("Report failed")]
    assert len(notices) == 1, "the owner was told once"
    assert _dlq_messages() == []


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


def test_a_late_step_of_an_earlier_run_never_changes_a_rerun(
    alice_api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A retried MarkFailed (or any step) of attempt 1 that lands after the job was run again leaves attempt 2 alone."""
    fault = _inject(monkeypatch, "fetch", "permanent")
    job_id = _subscribe_and_run(alice_api)
    assert wait_for_job(alice_api, job_id)["status"] == "failed"
    assert len(_dlq_messages()) == 1
    fault.remaining = 0
    requeued = job_store.requeue("acme", job_id, clock.iso(clock.now()))
    assert requeued is not None
    assert requeued.attempt == 2

    late_failure = {"tenantId": "acme", "jobId": job_id, "attempt": 1, "error": {"Error": "PermanentError"}}
    assert steps.mark_failed(late_failure)["attempt"] == 1
    job = job_store.get("acme", job_id)
    assert job is not None
    assert (job.status, job.attempt, job.error) == ("pending", 2, None)
    notices = [m for m in mail_to("alice@example.com") if str(m["Subject"]).startswith("Report failed")]
    assert len(notices) == 1, "the owner is not told of attempt 1 again"

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
