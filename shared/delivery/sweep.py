"""The sweepers of seed 002: replay deliveries left behind, and end or re-drive jobs that stopped making progress.

Deliveries `created` or `sending` unchanged for `DELIVERY_STALE_MINUTES`:
- `created` (never handed over: the Deliver step never ran, or crashed before its claim) is sent now, through the same
  conditional claim as the pipeline, so a sweeper racing a late Deliver step sends it once.
- `sending` (a crash mid-send: the hand-over may or may not have happened) is taken over (conditional on the
  `updatedAt` seen) and sent again only on the channels whose peer recognises a repeat (`registry.RESEND_SAFE`:
  webhook `X-Delivery-Id`, S3 and SFTP same key and bytes, inbox conditional put): at least once, deduplicated by the
  peer. Email, Slack and push cannot be deduplicated, so they stay at most once: the delivery is failed with the reason
  (visible in the job's deliveries and counted) instead of risking a second copy.

Jobs `processing` unchanged for `JOB_WORKING_TIMEOUT_MINUTES` have lost their execution (a crash, a timeout beyond
the state machine's own catches): the cause is transient, so the job is failed with the reason and started again with
the same input (`jobId`, attempt + 1), up to `JOB_MAX_REDRIVES` times; after that it stays failed and its owner is
emailed. Both queries go through the `status-index` GSIs, never a Scan; each sweep logs and counts what it touched.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel

from shared import clock
from shared.delivery import records, service
from shared.delivery.records import DeliveryRecord
from shared.delivery.registry import RESEND_SAFE
from shared.errors import PermanentError, TransientError
from shared.jobs import store as job_store
from shared.jobs.logic import start_job
from shared.jobs.models import Job, JobError
from shared.observability import logger, metrics
from shared.settings import get_settings


class DeliverySweep(BaseModel):
    resent: list[str] = []
    """Delivery ids handed over by this sweep (delivered, or failed for good by the channel)."""
    abandoned: list[str] = []
    """Stale `sending` on an at-most-once channel: failed with the reason, not sent again."""
    retrying: list[str] = []
    """Handed over but failed transiently: `failed` (retryable), with the error."""
    skipped: list[str] = []
    """Moved on since they were listed (their own sender finished): left alone."""


class JobSweep(BaseModel):
    redriven: list[str] = []
    failed: list[str] = []
    skipped: list[str] = []


def _job_of(record: DeliveryRecord, jobs: dict[str, Job | None]) -> Job | None:
    if record.jobId not in jobs:
        jobs[record.jobId] = job_store.get(record.tenantId, record.jobId)
    return jobs[record.jobId]


def _resend(record: DeliveryRecord, job: Job | None, stale_since: str | None) -> DeliveryRecord | None:
    """One more hand-over: a report delivery through the service, a failure notice as the note it was."""
    if record.kind == "failure_notice":
        now = clock.iso(clock.now())
        if records.take(record.tenantId, record.deliveryId, now, stale_since) is None:
            return None
        if job is None:
            records.mark_failed(record.tenantId, record.deliveryId, "its job no longer exists", False, now)
            return None
        return service.send_failure_notice(job, record.deliveryId)
    artifacts = service.artifacts_of(job) if job is not None else []
    return service.deliver(service.context_of(record), artifacts, stale_since=stale_since)


def sweep_deliveries() -> DeliverySweep:
    """Replay deliveries left `created` or `sending` past the threshold (see the module's docstring)."""
    settings = get_settings()
    before = clock.iso(clock.now() - timedelta(minutes=settings.delivery_stale_minutes))
    report = DeliverySweep()
    jobs: dict[str, Job | None] = {}
    for status in ("created", "sending"):
        for record in records.list_stale(status, before, settings.sweep_batch):
            job = _job_of(record, jobs)
            stale_since = record.updatedAt if status == "sending" else None
            if status == "sending" and record.channel not in RESEND_SAFE:
                reason = (
                    f"interrupted while sending (last update {record.updatedAt}); not sent again: {record.channel} "
                    "cannot recognise a repeat, so it is delivered at most once"
                )
                done = records.abandon(
                    record.tenantId, record.deliveryId, record.updatedAt, reason, clock.iso(clock.now())
                )
                (report.abandoned if done is not None else report.skipped).append(record.deliveryId)
                continue
            try:
                result = _resend(record, job, stale_since)
            except TransientError:
                report.retrying.append(record.deliveryId)
                continue
            except PermanentError:
                report.resent.append(record.deliveryId)
                continue
            taken = result is not None and result.attempts > record.attempts
            (report.resent if taken else report.skipped).append(record.deliveryId)
    metrics.add_metric(name="SweptDeliveriesResent", unit="Count", value=len(report.resent))
    metrics.add_metric(name="SweptDeliveriesAbandoned", unit="Count", value=len(report.abandoned))
    metrics.add_metric(name="SweptDeliveriesRetrying", unit="Count", value=len(report.retrying))
    logger.info("delivery sweep", extra={"before": before, **report.model_dump()})
    return report


def sweep_jobs() -> JobSweep:
    """Fail jobs `processing` past the working timeout; re-drive them while redrives remain, else tell the owner."""
    settings = get_settings()
    minutes = settings.job_working_timeout_minutes
    before = clock.iso(clock.now() - timedelta(minutes=minutes))
    report = JobSweep()
    for job in job_store.list_stale("processing", before, settings.sweep_batch):
        cause = f"no progress for {minutes} minutes at step {job.step} (last update {job.updatedAt})"
        error = JobError(step=job.step, cause=cause, error="Stalled")
        failed = job_store.fail(job.tenantId, job.jobId, error, clock.iso(clock.now()), seen_updated_at=job.updatedAt)
        if failed is None:
            report.skipped.append(job.jobId)
            continue
        if job.attempt <= settings.job_max_redrives:
            start_job(job, name=f"{job.jobId}-redrive-{job.attempt}")
            report.redriven.append(job.jobId)
            continue
        report.failed.append(job.jobId)
        try:
            service.notify_owner_of_failure(failed)
        except (TransientError, PermanentError) as problem:
            logger.warning("owner not told of a stalled job yet", extra={"job_id": job.jobId, "error": f"{problem}"})
    metrics.add_metric(name="SweptJobsRedriven", unit="Count", value=len(report.redriven))
    metrics.add_metric(name="SweptJobsFailed", unit="Count", value=len(report.failed))
    logger.info("job sweep", extra={"before": before, **report.model_dump()})
    return report
