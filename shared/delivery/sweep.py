"""The sweepers of seed 002: replay deliveries left behind, and end or re-drive jobs that stopped making progress.

Deliveries `created` or `sending` unchanged for `DELIVERY_STALE_MINUTES`:
- `created` (never handed over: the Deliver step never ran, or crashed before its claim) is sent now, through the same
  conditional claim as the pipeline, so a sweeper racing a late Deliver step sends it once.
- `sending` (a crash mid-send: the hand-over may or may not have happened) is taken over (conditional on the
  `updatedAt` seen) and sent again only on the channels whose peer recognises a repeat (`registry.RESEND_SAFE`:
  webhook `X-Delivery-Id`, S3 and SFTP same key and bytes, inbox conditional put): at least once, deduplicated by the
  peer. Email, Slack and push cannot be deduplicated, so they stay at most once: the delivery is failed with the reason
  (visible in the job's deliveries and counted) instead of risking a second copy.

Deliveries `failed` with a transient cause (`retryable`: the pipeline's own retries were used up, or a deliver-now or
an earlier sweep failed transiently), unchanged for `DELIVERY_STALE_MINUTES` * 2^(sweeps so far) (15, 30, 60 min):
- on a `RESEND_SAFE` channel: taken (`failed → sending`, conditional on the `updatedAt` seen and still retryable, so a
  rerun of the job or another sweep racing it sends once) and sent again, up to `DELIVERY_RETRY_SWEEPS` times; once
  those are used up, failed for good (not retryable) with the last cause.
- on an at-most-once channel (email, Slack, push): not sent again (a transient failure may have come after the
  hand-over, e.g. a timeout), failed for good with the cause, as for a stale `sending`.
A job failed only at `deliver` whose last report delivery a sweep gets through is completed; its owner, if emailed of
the failure, is emailed that it was delivered after all.
Every delivery the sweeper leaves failed for good (given up, abandoned, or answered permanently to its re-send) goes to
the pipeline's dead-letter queue with its cause (`dead_letters`). Retryable failures older than
`DELIVERY_RETRY_LOOKBACK_DAYS` are not read (failed-for-good deliveries stay in the `failed` partition of the index;
the window keeps each sweep's read bounded); a rerun of the job sends them.

Jobs `processing` unchanged for `JOB_WORKING_TIMEOUT_MINUTES` have lost their execution (a crash, a timeout beyond
the state machine's own catches): the cause is transient, so the job is failed with the reason and started again with
the same input (`jobId`, attempt + 1), up to `JOB_MAX_REDRIVES` times; after that it stays failed and its owner is
emailed. Both queries go through the `status-index` GSIs, never a Scan; each sweep logs and counts what it touched.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from shared import clock
from shared.delivery import dead_letters, records, service
from shared.delivery.records import DeliveryRecord
from shared.delivery.registry import RESEND_SAFE
from shared.errors import PermanentError, TransientError
from shared.jobs import store as job_store
from shared.jobs.logic import start_job
from shared.jobs.models import Job, JobError
from shared.observability import logger, metrics
from shared.settings import get_settings
from shared.subscriptions import logic as subscriptions


class DeliverySweep(BaseModel):
    resent: list[str] = []
    """Delivery ids handed over by this sweep (delivered, or failed for good by the channel)."""
    abandoned: list[str] = []
    """Stale `sending` or retryable `failed` on an at-most-once channel: failed for good with the reason, not sent."""
    given_up: list[str] = []
    """Retryable `failed` whose `DELIVERY_RETRY_SWEEPS` re-sends are used up: failed for good with the last cause."""
    retrying: list[str] = []
    """Handed over but failed transiently: `failed` (retryable), with the error; a later sweep tries again."""
    waiting: list[str] = []
    """Retryable `failed` whose backoff has not passed yet: left for a later sweep."""
    skipped: list[str] = []
    """Moved on since they were listed (their own sender finished, a rerun or another sweep took them): left alone."""
    dead_lettered: list[str] = []
    """Failed for good by this sweep and put on the pipeline dead-letter queue with the cause."""
    jobs_completed: list[str] = []
    """Jobs failed at `deliver` whose report deliveries this sweep got through, the last one: now `completed`."""
    owners_told: list[str] = []
    """Of those, the jobs whose owner, emailed of the failure, is now emailed that it was delivered after all."""


class JobSweep(BaseModel):
    redriven: list[str] = []
    failed: list[str] = []
    skipped: list[str] = []


def _job_of(record: DeliveryRecord, jobs: dict[str, Job | None]) -> Job | None:
    if record.jobId not in jobs:
        jobs[record.jobId] = job_store.get(record.tenantId, record.jobId)
    return jobs[record.jobId]


def _resend(record: DeliveryRecord, job: Job | None) -> DeliveryRecord | None:
    """One more hand-over of the record as listed, taken conditionally on what was listed (`records.take`; None when
    it moved since): a report delivery through the service, an owner notice as the note it was."""
    now = clock.iso(clock.now())
    claimed = records.take(record.tenantId, record.deliveryId, now, record)
    if claimed is None:
        return None
    if record.kind != "report":
        if job is None:
            records.mark_failed(record.tenantId, record.deliveryId, "its job no longer exists", False, now)
            raise PermanentError("its job no longer exists")
        return service.send_owner_notice(job, record.deliveryId, record.kind) or claimed
    artifacts = service.artifacts_of(job) if job is not None else []
    return service.send_claimed(service.context_of(record), claimed, artifacts)


def _send_again(record: DeliveryRecord, job: Job | None, report: DeliverySweep) -> None:
    """Re-send a listed record and file the outcome; one failed for good by the re-send goes to the DLQ."""
    try:
        result = _resend(record, job)
    except TransientError:
        report.retrying.append(record.deliveryId)
        return
    except PermanentError as error:
        report.resent.append(record.deliveryId)
        ended = records.get(record.tenantId, record.deliveryId)
        if ended is not None and ended.status == "failed" and ended.retryable is False:
            _dead_letter(ended, job, "PermanentError", f"{error}", report)
        return
    (report.resent if result is not None else report.skipped).append(record.deliveryId)
    if result is not None and result.status == "delivered" and record.kind == "report" and job is not None:
        _complete_if_all_delivered(job, report)


def _complete_if_all_delivered(job: Job, report: DeliverySweep) -> None:
    """A job that failed only because a delivery did not get through is completed once the sweeper has delivered
    every one of that attempt's report deliveries (conditional: a rerun or deletion meanwhile wins)."""
    if job.status != "failed" or job.error is None or job.error.step != "deliver":
        return
    deliveries = [d for d in records.list_for_job(job.jobId) if d.kind == "report" and d.tenantId == job.tenantId]
    if not deliveries or any(d.status != "delivered" for d in deliveries):
        return
    now = clock.iso(clock.now())
    completed = job_store.recover(job.tenantId, job.jobId, job.attempt, now)
    if completed is None:
        return
    report.jobs_completed.append(job.jobId)
    subscriptions.count_run(completed, now)
    try:
        told = service.notify_owner_of_recovery(completed)
    except (TransientError, PermanentError) as error:  # recorded failed on its record; swept like any notice
        logger.warning("owner not told of a recovered job", extra={"job_id": job.jobId, "error": f"{error}"})
        return
    if told is not None and told.status == "delivered":
        report.owners_told.append(job.jobId)


def _dead_letter(record: DeliveryRecord, job: Job | None, error: str, cause: str, report: DeliverySweep) -> None:
    if dead_letters.send(record, job, error, cause):
        report.dead_lettered.append(record.deliveryId)


def _retry_due(record: DeliveryRecord, now: datetime, stale_minutes: int) -> bool:
    """The backoff: `stale_minutes` after the pipeline's last try, doubling with each sweep's re-send."""
    return record.updatedAt < clock.iso(now - timedelta(minutes=stale_minutes * 2**record.sweeps))


def _sweep_failed(record: DeliveryRecord, job: Job | None, now: datetime, report: DeliverySweep) -> None:
    """One retryable `failed` delivery: end it (at most once, or retries used up), wait, or send it again."""
    stale_minutes = get_settings().delivery_stale_minutes
    if record.channel not in RESEND_SAFE:
        outcome, error = report.abandoned, "DeliveryAbandoned"
        reason = (
            f"failed with a transient cause ({record.lastError}); not sent again: {record.channel} cannot recognise "
            "a repeat, so it is delivered at most once"
        )
    elif record.sweeps >= get_settings().delivery_retry_sweeps:
        outcome, error = report.given_up, "DeliveryRetriesExhausted"
        reason = f"still failing after {record.sweeps} re-sends by the delivery sweeper: {record.lastError}"
    elif not _retry_due(record, now, stale_minutes):
        report.waiting.append(record.deliveryId)
        return
    else:
        _send_again(record, job, report)
        return
    ended = records.give_up(record.tenantId, record.deliveryId, record.updatedAt, reason, clock.iso(clock.now()))
    if ended is None:
        report.skipped.append(record.deliveryId)
        return
    outcome.append(record.deliveryId)
    _dead_letter(ended, job, error, reason, report)


def sweep_deliveries() -> DeliverySweep:
    """Replay deliveries left `created` or `sending` past the threshold, and retry or end those left `failed` with a
    transient cause (see the module's docstring)."""
    settings = get_settings()
    now = clock.now()
    before = clock.iso(now - timedelta(minutes=settings.delivery_stale_minutes))
    report = DeliverySweep()
    jobs: dict[str, Job | None] = {}
    for status in ("created", "sending"):
        for record in records.list_stale(status, before, settings.sweep_batch):
            job = _job_of(record, jobs)
            if status == "sending" and record.channel not in RESEND_SAFE:
                reason = (
                    f"interrupted while sending (last update {record.updatedAt}); not sent again: {record.channel} "
                    "cannot recognise a repeat, so it is delivered at most once"
                )
                done = records.abandon(
                    record.tenantId, record.deliveryId, record.updatedAt, reason, clock.iso(clock.now())
                )
                if done is None:
                    report.skipped.append(record.deliveryId)
                    continue
                report.abandoned.append(record.deliveryId)
                _dead_letter(done, job, "DeliveryAbandoned", reason, report)
                continue
            _send_again(record, job, report)
    for record in records.list_retryable(
        before, clock.iso(now - timedelta(days=settings.delivery_retry_lookback_days)), settings.sweep_batch
    ):
        _sweep_failed(record, _job_of(record, jobs), now, report)
    metrics.add_metric(name="SweptDeliveriesResent", unit="Count", value=len(report.resent))
    metrics.add_metric(name="SweptDeliveriesAbandoned", unit="Count", value=len(report.abandoned))
    metrics.add_metric(name="SweptDeliveriesGivenUp", unit="Count", value=len(report.given_up))
    metrics.add_metric(name="SweptDeliveriesRetrying", unit="Count", value=len(report.retrying))
    metrics.add_metric(name="SweptDeliveriesDeadLettered", unit="Count", value=len(report.dead_lettered))
    metrics.add_metric(name="SweptJobsCompleted", unit="Count", value=len(report.jobs_completed))
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
