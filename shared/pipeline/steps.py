"""The state machine's task bodies. Each takes the state (ids and S3 keys) and returns the next state.

Errors: TransientError is retried by the ASL; PermanentError and anything unexpected go to MarkFailed. AWS throttling,
5xx and connection errors are translated to TransientError at the boundary (`transient_boundary`)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError, ConnectionError, ReadTimeoutError

from shared import clock
from shared.delivery import records as delivery_records
from shared.delivery import service as delivery
from shared.errors import PermanentError, TransientError
from shared.jobs import logic as jobs
from shared.jobs import store as job_store
from shared.jobs.models import Job, JobError
from shared.observability import logger, metrics
from shared.pipeline import workspace
from shared.pipeline.sources import source_for
from shared.pipeline.spec import ReportSpec
from shared.pipeline.state import DeliveryItem, FailedRun, RunInput, RunState
from shared.settings import get_settings
from shared.subscriptions import logic as subscriptions
from shared.subscriptions import store as subscription_store

THROTTLING = {
    "Throttling",
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "SlowDown",
    "InternalError",
    "ServiceUnavailable",
}

Step = Callable[[dict[str, Any]], dict[str, Any]]


def transient_boundary(step: Step) -> Step:
    """AWS throttling, 5xx and network failures become TransientError, so the ASL's Retry catches them by name."""

    @functools.wraps(step)
    def guarded(event: dict[str, Any]) -> dict[str, Any]:
        try:
            return step(event)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400))
            if code in THROTTLING or status >= 500:
                raise TransientError(f"{code}: {error}") from error
            raise
        except (ConnectionError, ReadTimeoutError) as error:
            raise TransientError(str(error)) from error

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
    """Record the step reached, unless the job is no longer processing (then the run stops)."""
    updated = job_store.set_step(state.tenantId, state.jobId, step, clock.iso(clock.now()), attempt=state.attempt)
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
    claimed = job_store.claim(job.tenantId, job.jobId, clock.iso(clock.now()))
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
    fetched = source_for(job.reportType).fetch(spec_of(job))
    state.fetched = workspace.put_json(job.tenantId, job.jobId, "fetched", fetched)
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
    """Mark the job completed, count the subscription's run once, drop the intermediate data."""
    state = RunState.model_validate(event)
    job = job_store.get(state.tenantId, state.jobId)
    if job is None:
        raise PermanentError(f"job {state.jobId} does not exist")
    now = clock.now()
    started = datetime.fromisoformat((job.startedAt or job.createdAt).replace("Z", "+00:00"))
    elapsed = max(0, int((now - started).total_seconds() * 1000))
    completed = job_store.complete(job.tenantId, job.jobId, clock.iso(now), elapsed, attempt=state.attempt)
    if completed is not None:
        metrics.add_metric(name="JobsCompleted", unit="Count", value=1)
        subscriptions.count_run(completed, clock.iso(now))
    workspace.clear(job.tenantId, job.jobId)
    return {"tenantId": job.tenantId, "jobId": job.jobId, "status": "completed"}


def _cause(error: dict[str, Any]) -> str:
    """The human part of a Catch's `Cause` (a Lambda error's JSON, or plain text)."""
    cause = str(error.get("Cause") or "")
    try:
        parsed = json.loads(cause)
    except ValueError:
        return cause[:2000] or str(error.get("Error") or "unknown error")
    if isinstance(parsed, dict):
        return str(parsed.get("errorMessage") or parsed.get("errorType") or cause)[:2000]
    return cause[:2000]


@transient_boundary
def mark_failed(event: dict[str, Any]) -> dict[str, Any]:
    """The job failed at the step it had reached, with the cause; the owner is told once; returns the DLQ message."""
    run = FailedRun.model_validate(event)
    error_name = str(run.error.get("Error") or "Error")
    cause = _cause(run.error)
    job_id = run.jobId or (
        jobs.job_id_for(run.subscriptionId, run.scheduledFor) if run.subscriptionId and run.scheduledFor else None
    )
    job = job_store.get(run.tenantId, job_id) if run.tenantId and job_id else None
    step = job.step if job else "start"
    if job is not None:
        error = JobError(step=step, cause=cause, error=error_name)
        failed = job_store.fail(job.tenantId, job.jobId, error, clock.iso(clock.now()), attempt=run.attempt)
        current = failed or job_store.get(job.tenantId, job.jobId)
        if failed is not None:
            metrics.add_metric(name="JobsFailed", unit="Count", value=1)
        if current is not None and current.status == "failed" and run.attempt in (None, current.attempt):
            delivery.notify_owner_of_failure(current)
    logger.error("report job failed", extra={"job_id": job_id, "step": step, "error": error_name, "cause": cause})
    return {
        "jobId": job_id,
        "tenantId": run.tenantId,
        "subscriptionId": run.subscriptionId or (job.subscriptionId if job else None),
        "step": step,
        "error": error_name,
        "cause": cause,
        "attempt": run.attempt or (job.attempt if job else None),
        "failedAt": clock.iso(clock.now()),
    }
