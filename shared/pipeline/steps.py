"""The state machine's task bodies. Each takes the state (ids and S3 keys) and returns the next state.

Errors: TransientError is retried by the ASL; PermanentError and anything unexpected (or a TransientError past its
retries) end the execution at that step, where a redrive resumes it; the status-change rule records the failure
(`mark_failed`). AWS throttling, 5xx and connection errors become TransientError at the boundary (`transient_boundary`,
one classification: `shared.transient`). Every step is idempotent, so a redrive after a partial step is safe."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shared import clock
from shared.aws import client
from shared.catalog.pipeline import PIPELINE_DLQ
from shared.delivery import records as delivery_records
from shared.delivery import service as delivery
from shared.errors import PermanentError, TransientError
from shared.jobs import logic as jobs
from shared.jobs import store as job_store
from shared.jobs.models import Job, JobError
from shared.observability import logger, metrics
from shared.pipeline import executions, workspace
from shared.pipeline.sources import source_for
from shared.pipeline.spec import ReportSpec
from shared.pipeline.state import ENDED_BADLY, DeliveryItem, ExecutionStatusChange, RunInput, RunState
from shared.settings import get_settings
from shared.subscriptions import logic as subscriptions
from shared.subscriptions import store as subscription_store
from shared.transient import is_transient

Step = Callable[[dict[str, Any]], dict[str, Any]]
_STATUS_ERRORS = {"TIMED_OUT": "States.Timeout", "ABORTED": "States.Aborted"}


def transient_boundary(step: Step) -> Step:
    """AWS throttling, 5xx and network failures become TransientError, so the ASL's Retry catches them by name."""

    @functools.wraps(step)
    def guarded(event: dict[str, Any]) -> dict[str, Any]:
        try:
            return step(event)
        except (ClientError, BotoCoreError) as error:
            if is_transient(error):
                raise TransientError(f"{type(error).__name__}: {error}") from error
            raise

    return guarded


def spec_of(job: Job) -> ReportSpec:
    return ReportSpec(
        tenantId=job.tenantId,
        jobId=job.jobId,
        ownerId=job.ownerId,
        reportType=job.reportType,
        reportId=job.reportId,
        title=job.title,
        filters=job.filters,
        formats=job.formats,
        timezone=job.timezone,
        locale=job.locale,
        scheduledFor=datetime.fromisoformat(job.scheduledFor.replace("Z", "+00:00")),
        rowLimit=get_settings().report_row_limit,
    )


def _still_processing(job: Job | None, state: RunState, step: str) -> Job:
    """The job a conditional update returned; None (it is no longer processing: a sweeper failed it) stops the run."""
    if job is None:
        raise PermanentError(f"job {state.jobId} is no longer processing; {step} stops here")
    return job


def _processing(state: RunState, step: str) -> Job:
    """Record the step reached, unless the job is no longer processing (then the run stops). A job whose failure was
    recorded from this attempt's execution ending (a redrive resumes it here) returns to `processing`."""
    now = clock.iso(clock.now())
    updated = job_store.set_step(state.tenantId, state.jobId, step, now, attempt=state.attempt)
    if updated is None:
        updated = job_store.resume(state.tenantId, state.jobId, step, state.attempt, now)
        if updated is not None:
            logger.info("redriven job resumes", extra={"job_id": state.jobId, "step": step})
            metrics.add_metric(name="JobsResumed", unit="Count", value=1)
    return _still_processing(updated, state, step)


@transient_boundary
def start(event: dict[str, Any]) -> dict[str, Any]:
    """Create (scheduled slot) or find (run-now, export, rerun) the job, then claim it. A slot fired twice, a job
    already running or finished, or a subscription deleted or paused meanwhile ends the run quietly."""
    run = RunInput.model_validate(event)
    if run.jobId:
        job = job_store.get(run.tenantId, run.jobId)
        if job is None:
            raise PermanentError(f"job {run.jobId} does not exist")
    else:
        if not run.subscriptionId or not run.scheduledFor:
            raise PermanentError("a run needs a jobId, or a subscriptionId and scheduledFor")
        subscription = subscription_store.get(run.tenantId, run.subscriptionId)
        if subscription is None or subscription.status != "active":
            logger.info("slot of a deleted or paused subscription skipped", extra={"subscription": run.subscriptionId})
            return RunState(tenantId=run.tenantId, jobId="", duplicate=True).model_dump()
        job, _ = jobs.create_job_for_slot(subscription, run.scheduledFor, kind="scheduled")
    now = clock.iso(clock.now())
    claimed = None
    if job.status == "failed" and job.error is not None and job.error.executionArn and job.error.step == "start":
        claimed = job_store.resume(job.tenantId, job.jobId, "start", job.attempt, now)  # a redrive of Start
    claimed = claimed or job_store.claim(job.tenantId, job.jobId, now)
    if claimed is None:
        logger.info("duplicate run ends quietly", extra={"job_id": job.jobId, "status": job.status})
        metrics.add_metric(name="DuplicateRuns", unit="Count", value=1)
        return RunState(tenantId=job.tenantId, jobId=job.jobId, duplicate=True).model_dump()
    return RunState(
        tenantId=job.tenantId, jobId=job.jobId, subscriptionId=job.subscriptionId, attempt=claimed.attempt
    ).model_dump()


@transient_boundary
def fetch(event: dict[str, Any]) -> dict[str, Any]:
    state = RunState.model_validate(event)
    job = _processing(state, "fetch")
    source = source_for(job.reportType)
    fetched = source.fetch(spec_of(job))
    state.fetched = workspace.put_json(job.tenantId, job.jobId, "fetched", fetched)
    if not getattr(source, "aggregates", True):
        state.skipAggregate, state.aggregated = True, state.fetched
    return state.model_dump()


@transient_boundary
def aggregate(event: dict[str, Any]) -> dict[str, Any]:
    state = RunState.model_validate(event)
    job = _processing(state, "aggregate")
    if not state.fetched:
        raise PermanentError("Aggregate ran before Fetch")
    aggregated = source_for(job.reportType).aggregate(spec_of(job), workspace.get_json(state.fetched))
    state.aggregated = workspace.put_json(job.tenantId, job.jobId, "aggregated", aggregated)
    return state.model_dump()


@transient_boundary
def render(event: dict[str, Any]) -> dict[str, Any]:
    from shared.pipeline.render import render_artifacts

    state = RunState.model_validate(event)
    job = _processing(state, "render")
    if not state.aggregated:
        raise PermanentError("Render ran before Aggregate")
    artifacts = render_artifacts(job, spec_of(job), source_for(job.reportType), workspace.get_json(state.aggregated))
    job = _still_processing(
        job_store.set_artifacts(job.tenantId, job.jobId, artifacts, clock.iso(clock.now())), state, "render"
    )
    subscription = subscription_store.get(job.tenantId, job.subscriptionId) if job.subscriptionId else None
    planned = delivery.open_deliveries(delivery.plan_deliveries(job, subscription))
    state.deliveries = [
        DeliveryItem(tenantId=job.tenantId, jobId=job.jobId, deliveryId=r.deliveryId, attempt=state.attempt)
        for r in planned
    ]
    return state.model_dump()


@transient_boundary
def deliver(event: dict[str, Any]) -> dict[str, Any]:
    """One item of the Deliver Map: send once, whatever retries or reruns happen around it."""
    item = DeliveryItem.model_validate(event)
    job = _processing(RunState(tenantId=item.tenantId, jobId=item.jobId, attempt=item.attempt), "deliver")
    record = delivery_records.get(item.tenantId, item.deliveryId)
    if record is None:
        raise PermanentError(f"delivery {item.deliveryId} was never planned")
    done = delivery.deliver(delivery.context_of(record), delivery.artifacts_of(job))
    metrics.add_metric(name="Deliveries", unit="Count", value=1)
    return {"deliveryId": done.deliveryId, "status": done.status}


@transient_boundary
def complete(event: dict[str, Any]) -> dict[str, Any]:
    """The job `completed` (every delivery delivered) or `partially_delivered`, with the delivery summary; the run
    counted once; the owner told of failed deliveries, or that a run they were told had failed recovered; work/
    dropped. Idempotent: a second Complete of the same attempt changes and sends nothing."""
    state = RunState.model_validate(event)
    stamp = clock.iso(clock.now())
    job = (
        job_store.set_step(state.tenantId, state.jobId, "complete", stamp, attempt=state.attempt)
        or job_store.resume(state.tenantId, state.jobId, "complete", state.attempt, stamp)
        or job_store.get(state.tenantId, state.jobId)
    )
    if job is None:
        raise PermanentError(f"job {state.jobId} does not exist")
    now = clock.now()
    started = datetime.fromisoformat((job.startedAt or job.createdAt).replace("Z", "+00:00"))
    elapsed = max(0, int((now - started).total_seconds() * 1000))
    delivery.end_retries(job)
    summary = delivery.delivery_summary(job)
    done = job_store.complete(job.tenantId, job.jobId, clock.iso(now), elapsed, attempt=state.attempt, summary=summary)
    if done is not None:
        metrics.add_metric(name="JobsCompleted", unit="Count", value=1)
        metrics.add_metric(name="DeliveriesFailed", unit="Count", value=summary.failed)
        subscriptions.count_run(done, clock.iso(now))
    current = done or job_store.get(job.tenantId, job.jobId)
    if current is not None and current.attempt == (state.attempt or current.attempt):
        delivery.notify_owner_of_partial_delivery(current)
        if current.resumedFrom is not None:
            delivery.notify_owner_of_recovery(current)
    workspace.clear(job.tenantId, job.jobId)
    status = current.status if current is not None else "completed"
    return {"tenantId": job.tenantId, "jobId": job.jobId, "status": status, **summary.model_dump(exclude={"failures"})}


def _cause(error: str | None, cause: str | None) -> str:
    """The human part of a failure's cause (a Lambda error's JSON, or plain text)."""
    text = str(cause or "")
    try:
        parsed = json.loads(text)
    except ValueError:
        return text[:2000] or str(error or "unknown error")
    if isinstance(parsed, dict):
        return str(parsed.get("errorMessage") or parsed.get("errorType") or text)[:2000]
    return text[:2000]


@transient_boundary
def mark_failed(event: dict[str, Any]) -> dict[str, Any]:
    """The target of the rule on the state machine's "Execution Status Change" events (FAILED, TIMED_OUT, ABORTED):
    the job failed at the step it had reached, with the cause and the execution (a redrive of it resumes the job);
    the owner told once per attempt; the failure on the pipeline DLQ. Any other status is ignored."""
    change = ExecutionStatusChange.model_validate(event.get("detail") or {})
    if change.status not in ENDED_BADLY:
        return {"ignored": change.status}
    run = RunInput.model_validate_json(change.input or "{}")
    failed_state, attempt, history_error = executions.failure_of(change.executionArn)
    error_name = change.error or history_error[0] or _STATUS_ERRORS.get(change.status, change.status)
    cause = _cause(error_name, change.cause or history_error[1] or f"the execution ended {change.status}")
    job_id = run.jobId or (
        jobs.job_id_for(run.subscriptionId, run.scheduledFor) if run.subscriptionId and run.scheduledFor else None
    )
    job = job_store.get(run.tenantId, job_id) if job_id else None
    step = job.step if job else "start"
    if job is not None:
        error = JobError(step=step, cause=cause, error=error_name, executionArn=change.executionArn)
        failed = job_store.fail(job.tenantId, job.jobId, error, clock.iso(clock.now()), attempt=attempt)
        current = failed or job_store.get(job.tenantId, job.jobId)
        if failed is not None:
            metrics.add_metric(name="JobsFailed", unit="Count", value=1)
        if current is not None and current.status == "failed" and attempt in (None, current.attempt):
            delivery.notify_owner_of_failure(current)
    logger.error("report job failed", extra={"job_id": job_id, "step": step, "error": error_name, "cause": cause})
    message = {
        "jobId": job_id,
        "tenantId": run.tenantId,
        "subscriptionId": run.subscriptionId or (job.subscriptionId if job else None),
        "step": step,
        "state": failed_state,
        "error": error_name,
        "cause": cause,
        "attempt": attempt or (job.attempt if job else None),
        "executionArn": change.executionArn,
        "status": change.status,
        "failedAt": clock.iso(clock.now()),
        "source": "pipeline-mark-failed",
    }
    client("sqs").send_message(QueueUrl=get_settings().name_of(PIPELINE_DLQ), MessageBody=json.dumps(message))
    return message
