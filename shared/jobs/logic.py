"""Job use cases: the slot's deterministic id, the job of a slot, one-off exports, reading jobs as the API shows them.

An export (seed 004) is a job and its artifacts: the export id is the job id."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from shared import clock
from shared.api.caller import Caller
from shared.delivery import records as delivery_records
from shared.errors import Conflict, InvalidInput, NotFound
from shared.jobs import files, store
from shared.jobs.models import (
    FINISHED,
    DeliveryStatusReply,
    ExportSpec,
    Job,
    JobError,
    JobKind,
    JobPage,
    JobReply,
    JobSummary,
)
from shared.pipeline.executions import start_run
from shared.pipeline.sources import source_for
from shared.pipeline.spec import period_of
from shared.subscriptions.models import ReportFormat, Subscription

MAX_PAGE = 100


def normalise_slot(scheduled_for: str | datetime) -> str:
    """One spelling of a slot's time (`clock.iso`), whatever Scheduler or a caller wrote."""
    if isinstance(scheduled_for, str):
        try:
            moment = datetime.fromisoformat(scheduled_for.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(f"scheduledFor {scheduled_for!r} is not an ISO-8601 time") from None
    else:
        moment = scheduled_for
    if moment.tzinfo is None:
        raise InvalidInput("scheduledFor must carry a timezone")
    return clock.iso(moment)


def _moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def job_id_for(subscription_id: str, scheduled_for: str | datetime) -> str:
    """The id of a subscription's run at one slot: the same slot always makes the same id."""
    digest = hashlib.sha256(f"{subscription_id}|{normalise_slot(scheduled_for)}".encode()).hexdigest()
    return f"job_{digest[:32]}"


def job_for_slot(subscription: Subscription, scheduled_for: str, kind: JobKind) -> Job:
    now = clock.iso(clock.now())
    slot = normalise_slot(scheduled_for)
    return Job(
        jobId=job_id_for(subscription.subscriptionId, slot),
        tenantId=subscription.tenantId,
        kind=kind,
        subscriptionId=subscription.subscriptionId,
        ownerId=subscription.ownerId,
        ownerEmail=subscription.ownerEmail,
        reportType=subscription.reportType,
        reportId=subscription.reportId,
        title=subscription.name,
        filters=subscription.filters,
        timezone=subscription.schedule.timezone,
        locale=subscription.locale,
        formats=subscription.formats,
        status="pending",
        scheduledFor=slot,
        periodLabel=period_of(subscription.filters.dateRange, _moment(slot), subscription.schedule.timezone).label,
        createdAt=now,
        updatedAt=now,
    )


def create_job_for_slot(
    subscription: Subscription, scheduled_for: str, kind: JobKind = "scheduled"
) -> tuple[Job, bool]:
    """The job of this slot, written with a conditional put; (the job, whether this call created it)."""
    job = job_for_slot(subscription, scheduled_for, kind)
    if store.put_new(job):
        return job, True
    existing = store.get(job.tenantId, job.jobId)
    if existing is None:
        raise Conflict(f"job {job.jobId} exists but could not be read")
    return existing, False


def start_job(job: Job, name: str | None = None) -> None:
    """Start the state machine on a job that exists (a run-now, an export, a rerun, a sweeper's redrive); `name`
    makes a second start of the same run a no-op (default: a fresh name)."""
    run_input: dict[str, str] = {"tenantId": job.tenantId, "jobId": job.jobId, "scheduledFor": job.scheduledFor}
    if job.subscriptionId:
        run_input["subscriptionId"] = job.subscriptionId
    start_run(run_input, name=name or f"{job.jobId}-{job.attempt}-{uuid.uuid4().hex[:8]}")


def start_one_off_export(caller: Caller, spec: ExportSpec, format: ReportFormat) -> Job:
    """A job with no subscription: rendered in `format`, no deliveries, downloaded through the export route."""
    source = source_for(spec.reportType)
    access = source.check_access(caller, spec.reportId, spec.filters)
    filters = access.filters
    now = clock.now()
    job = Job(
        jobId=f"job_{uuid.uuid4().hex}",
        tenantId=caller.tenant,
        kind="export",
        ownerId=caller.sub,
        ownerEmail=caller.email,
        reportType=spec.reportType,
        reportId=spec.reportId,
        title=spec.title or access.title,
        filters=filters,
        timezone=spec.timezone,
        locale=spec.locale,
        formats=[format],
        status="pending",
        scheduledFor=clock.iso(now),
        periodLabel=period_of(filters.dateRange, now, spec.timezone).label,
        createdAt=clock.iso(now),
        updatedAt=clock.iso(now),
    )
    store.put_new(job)
    start_job(job)
    return job


def rerun(caller: Caller, job_id: str) -> Job:
    """Start a failed job again (seed 004's export retry): the job, now pending. Steps are idempotent, nothing is
    delivered twice."""
    job = get(caller, job_id)
    if job.deletedAt is not None:
        raise NotFound(f"no job {job_id}: it was deleted")
    if job.status != "failed":
        raise Conflict(f"job {job_id} is {job.status}; only a failed job can be run again")
    requeued = store.requeue(job.tenantId, job.jobId, clock.iso(clock.now()))
    if requeued is None:
        raise Conflict(f"job {job_id} is no longer failed: another request ran it again")
    try:
        start_job(requeued)
    except Exception:
        cause = "the rerun could not be started; retry it"
        store.fail(
            job.tenantId, job.jobId, JobError(step="start", cause=cause, error="StartFailed"), clock.iso(clock.now())
        )
        raise
    return requeued


def get(caller: Caller, job_id: str) -> Job:
    """The caller's job: their own, or any of the tenant's for an admin; another tenant's is a 404."""
    job = store.get(caller.tenant, job_id)
    if job is None or (not caller.is_admin and job.ownerId != caller.sub):
        raise NotFound(f"no job {job_id}")
    return job


def delivery_replies(job: Job) -> list[DeliveryStatusReply]:
    """The job's report deliveries: each recipient and channel with its status, attempts and last error."""
    return [
        DeliveryStatusReply(
            deliveryId=d.deliveryId,
            channel=d.channel,
            recipient=d.recipient,
            status=d.status,
            attempts=d.attempts,
            lastError=d.lastError,
            externalId=d.externalId,
            updatedAt=d.updatedAt,
        )
        for d in delivery_records.list_for_job(job.jobId)
        if d.kind == "report" and d.tenantId == job.tenantId
    ]


def summary(job: Job) -> JobSummary:
    """The job as a list shows it: the record alone, no further read."""
    report_url = None
    if job.status in FINISHED and job.artifacts:
        report_url = files.download_link(job.jobId, job.artifacts[0].format)
    return JobSummary(
        jobId=job.jobId,
        subscriptionId=job.subscriptionId,
        kind=job.kind,
        status=job.status,
        step=job.step,
        reportType=job.reportType,
        scheduledFor=job.scheduledFor,
        createdAt=job.createdAt,
        updatedAt=job.updatedAt,
        completedAt=job.completedAt,
        reportUrl=report_url,
        error=job.error,
        deliverySummary=job.deliverySummary,
        formats=job.formats,
        artifacts=job.artifacts,
        executionTimeMs=job.executionTimeMs,
        attempt=job.attempt,
    )


def reply(job: Job) -> JobReply:
    """One job with its deliveries (one query of `job-index`)."""
    return JobReply(**summary(job).model_dump(), deliveries=delivery_replies(job))


def delete_export(caller: Caller, job_id: str) -> None:
    """Seed 004's export delete: the artifacts go and the job is marked deleted (no longer an export, nor
    downloadable); the record stays, so a scheduled slot fired again never runs or delivers twice."""
    job = get(caller, job_id)
    if job.deletedAt is not None:
        raise NotFound(f"no export {job_id}")
    if job.status not in (*FINISHED, "failed"):
        raise Conflict(f"export {job_id} is {job.status}; it can be deleted once completed or failed")
    if store.mark_deleted(job.tenantId, job.jobId, clock.iso(clock.now())) is None:
        raise Conflict(f"export {job_id} changed meanwhile; read it again")
    files.delete([a.key for a in job.artifacts])


def list_for_subscription(caller: Caller, subscription: Subscription, limit: int, cursor: str | None) -> JobPage:
    """A subscription's jobs, newest first (the caller's access to the subscription is checked by the caller): one
    query for the page, whatever its size; each job's deliveries are on `reply` (`GET /api/jobs/{id}`)."""
    jobs, next_cursor = store.list_for_subscription(
        caller.tenant, subscription.subscriptionId, min(max(limit, 1), MAX_PAGE), cursor
    )
    return JobPage(items=[summary(j) for j in jobs], cursor=next_cursor)


def list_for_tenant(caller: Caller, limit: int, cursor: str | None) -> tuple[list[Job], str | None]:
    """The tenant's jobs, newest first (an admin sees all; a user only their own on this page)."""
    jobs, next_cursor = store.list_for_tenant(caller.tenant, min(max(limit, 1), MAX_PAGE), cursor)
    if not caller.is_admin:
        jobs = [j for j in jobs if j.ownerId == caller.sub]
    return jobs, next_cursor


def download_location(caller: Caller, export_id: str, fmt: ReportFormat | None) -> str:
    """Where `GET /api/reports/exports/{id}/download` redirects: a presigned URL valid 5 minutes, after checking that
    the caller is the job's owner, an admin of its tenant, or one of its email recipients."""
    job = store.get(caller.tenant, export_id)
    if job is None or job.deletedAt is not None:
        raise NotFound(f"no export {export_id}")
    if not caller.is_admin and job.ownerId != caller.sub:
        recipients = {
            d.recipient.lower() for d in delivery_records.list_for_job(job.jobId) if d.tenantId == caller.tenant
        }
        if not caller.email or caller.email.lower() not in recipients:
            raise NotFound(f"no export {export_id}")
    if job.status not in FINISHED or not job.artifacts:
        raise Conflict(f"export {export_id} is {job.status}; it can be downloaded once completed")
    if fmt is None:
        if len(job.artifacts) > 1:
            formats = ", ".join(a.format for a in job.artifacts)
            raise InvalidInput(f"export {export_id} has several formats ({formats}): choose one with ?format=")
        artifact = job.artifacts[0]
    else:
        matching = [a for a in job.artifacts if a.format == fmt]
        if not matching:
            raise NotFound(f"export {export_id} has no {fmt} file; it has {', '.join(a.format for a in job.artifacts)}")
        artifact = matching[0]
    if artifact.expiresAt <= clock.iso(clock.now()):
        raise NotFound(f"the {artifact.format} file of export {export_id} expired at {artifact.expiresAt}")
    return files.presigned_url(artifact.key, artifact.key.rsplit("/", 1)[-1], artifact.contentType)
