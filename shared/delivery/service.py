"""Delivery around the channels: plan a job's deliveries (deterministic ids), hand each over at most once, record
status and attempts, and tell a subscription's owner, once, that a run failed."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime
from email.message import EmailMessage

from botocore.exceptions import BotoCoreError, ClientError

from shared import clock
from shared.delivery import records, stats
from shared.delivery.channel import Artifact, ChannelReceipt, DeliveryContext
from shared.delivery.email import failure_message, partial_delivery_message, recovery_message, send_message
from shared.delivery.records import DeliveryKind, DeliveryRecord
from shared.delivery.registry import channel_for
from shared.errors import PermanentError, TransientError
from shared.jobs.files import download_link
from shared.jobs.models import FINISHED, DeliverySummary, FailedDelivery, Job
from shared.observability import logger
from shared.settings import get_settings
from shared.subscriptions.models import ChannelSpec, Subscription


def delivery_id_for(job_id: str, channel: str, recipient: str) -> str:
    """The same job, channel and recipient always make the same delivery id (the idempotency key)."""
    digest = hashlib.sha256(f"{job_id}|{channel}|{recipient.strip().lower()}".encode()).hexdigest()
    return f"dlv_{digest[:32]}"


def plan_deliveries(job: Job, subscription: Subscription | None) -> list[DeliveryContext]:
    """One delivery per (channel, recipient) of the subscription; none for a one-off export."""
    if subscription is None:
        return []
    return contexts_for(job, subscription.channels, job.ownerId, subscription.subscriptionId)


def contexts_for(
    job: Job, channels: list[ChannelSpec], owner_id: str, subscription_id: str | None, request_id: str | None = None
) -> list[DeliveryContext]:
    """One delivery of the job's files per (channel, recipient), in order, each once. Its id is made from the job
    (and a deliver-now's `request_id`), so planning again, or repeating a request, names the same deliveries."""
    scope = job.jobId if request_id is None else f"{job.jobId}|{request_id}"
    planned: dict[str, DeliveryContext] = {}
    for spec in channels:
        for recipient in spec.recipients:
            delivery_id = delivery_id_for(scope, spec.channel, recipient)
            planned[delivery_id] = DeliveryContext(
                delivery_id=delivery_id,
                tenant_id=job.tenantId,
                job_id=job.jobId,
                subscription_id=subscription_id,
                owner_id=owner_id,
                channel=spec.channel,
                recipient=recipient,
                config=spec.config,
            )
    return list(planned.values())


def _record_of(context: DeliveryContext, now: str) -> DeliveryRecord:
    return DeliveryRecord(
        deliveryId=context.delivery_id,
        tenantId=context.tenant_id,
        jobId=context.job_id,
        subscriptionId=context.subscription_id,
        ownerId=context.owner_id,
        channel=context.channel,
        recipient=context.recipient,
        config=context.config,
        createdAt=now,
        updatedAt=now,
    )


def open_deliveries(contexts: list[DeliveryContext]) -> list[DeliveryRecord]:
    """Create a record per planned delivery; existing ones (a retried or rerun step) are kept as they are."""
    now = clock.iso(clock.now())
    return [records.create(_record_of(c, now)) for c in contexts]


def context_of(record: DeliveryRecord) -> DeliveryContext:
    return DeliveryContext(
        delivery_id=record.deliveryId,
        tenant_id=record.tenantId,
        job_id=record.jobId,
        subscription_id=record.subscriptionId,
        owner_id=record.ownerId,
        channel=record.channel,
        recipient=record.recipient,
        config=record.config,
    )


def artifacts_of(job: Job) -> list[Artifact]:
    """The job's files as channels see them, each with the API's download link."""
    bucket = get_settings().resources.get("REPORTS_BUCKET", "")
    period = job.filters.dateRange.replace("_", " ")
    return [
        Artifact(
            export_id=job.jobId,
            bucket=bucket,
            key=a.key,
            format=a.format,
            content_type=a.contentType,
            size_bytes=a.sizeBytes,
            row_count=a.rowCount,
            title=job.title,
            report_type=job.reportType,
            period=job.periodLabel or period,
            download_url=download_link(job.jobId, a.format),
            expires_at=datetime.fromisoformat(a.expiresAt.replace("Z", "+00:00")),
        )
        for a in job.artifacts
    ]


def deliver(context: DeliveryContext, artifacts: list[Artifact]) -> DeliveryRecord:
    """Hand the artifacts over once. A delivery already `delivered` (or mid-`sending`) is not sent again; a
    TransientError is recorded and re-raised for the pipeline's retry; anything else fails it for good."""
    claimed = _take(context)
    if claimed is None:
        current = records.get(context.tenant_id, context.delivery_id)
        if current is None:
            raise PermanentError(f"delivery {context.delivery_id} has no record")
        logger.info("delivery not sent again", extra={"delivery_id": context.delivery_id, "status": current.status})
        return current
    return send_claimed(context, claimed, artifacts)


def send_claimed(context: DeliveryContext, claimed: DeliveryRecord, artifacts: list[Artifact]) -> DeliveryRecord:
    """Send a delivery whose record this caller holds (`sending`, by its own conditional claim) and record the outcome:
    `delivered`, or `failed` with the error (retryable for a TransientError, which is re-raised; else for good)."""
    report_type = artifacts[0].report_type if artifacts else "unknown"
    started = time.perf_counter()
    try:
        receipt: ChannelReceipt = channel_for(context.channel).send(context, artifacts)
    except TransientError as error:
        _count(context, report_type, "retrying", started)
        records.mark_failed(context.tenant_id, context.delivery_id, str(error), True, clock.iso(clock.now()))
        raise
    except Exception as error:
        _count(context, report_type, "failed", started)
        records.mark_failed(
            context.tenant_id, context.delivery_id, f"{type(error).__name__}: {error}", False, clock.iso(clock.now())
        )
        if isinstance(error, PermanentError):
            raise
        raise PermanentError(f"{context.channel} delivery to {context.recipient} failed: {error}") from error
    _count(context, report_type, "delivered", started)
    delivered = records.mark_delivered(
        context.tenant_id, context.delivery_id, receipt.detail, receipt.external_id, clock.iso(clock.now())
    )
    return delivered or claimed


def _take(context: DeliveryContext) -> DeliveryRecord | None:
    """The delivery's record claimed for this send, or None. The record usually exists (planned before the Deliver
    step), so the claim is the one write before the send; one not recorded yet (deliver-now) is created already
    claimed (`sending`, one try): two writes. A record another caller created meanwhile is claimed like any other."""
    now = clock.iso(clock.now())
    claimed = records.claim(context.tenant_id, context.delivery_id, now)
    if claimed is not None:
        return claimed
    fresh = _record_of(context, now).model_copy(update={"status": "sending", "attempts": 1})
    stored = records.create(fresh)
    if stored is fresh:
        return fresh
    return records.claim(context.tenant_id, context.delivery_id, now) if stored.status == "created" else None


def _count(context: DeliveryContext, report_type: str, outcome: stats.Outcome, started: float) -> None:
    """One try in the distribution stats; a stats write that fails is logged and never changes the delivery."""
    duration_ms = (time.perf_counter() - started) * 1000
    try:
        stats.record_attempt(context.tenant_id, report_type, context.channel, outcome, duration_ms)
    except (ClientError, BotoCoreError) as error:
        logger.warning(
            "distribution stats not recorded", extra={"delivery_id": context.delivery_id, "error": f"{error}"}
        )


def notify_owner_of_failure(job: Job) -> DeliveryRecord | None:
    """Email the owner that this attempt of the job failed, once per attempt (a delivery record keyed by both)."""
    if not job.ownerEmail or job.error is None:
        logger.warning("no owner address to tell of a failed job", extra={"job_id": job.jobId})
        return None
    return _notify_owner(job, "failure_notice")


def notify_owner_of_recovery(job: Job) -> DeliveryRecord | None:
    """Email the owner that this attempt, whose failure they were told of (a delivered failure notice), was delivered
    after all; once per attempt. Nothing when they were never told."""
    if not job.ownerEmail:
        return None
    told = records.get(job.tenantId, _owner_notice_id(job, "failure_notice"))
    if told is None or told.status != "delivered":
        return None
    return _notify_owner(job, "recovery_notice")


def notify_owner_of_partial_delivery(job: Job) -> DeliveryRecord | None:
    """Email the owner which deliveries of this attempt failed (recipient, channel, reason); once per attempt."""
    if not job.ownerEmail or job.deliverySummary is None or not job.deliverySummary.failed:
        return None
    return _notify_owner(job, "partial_notice")


def end_retries(job: Job) -> list[DeliveryRecord]:
    """The job's report deliveries left `failed` with a transient cause once Step Functions' retries are used up: failed
    for good (not `retryable`), so the delivery sweeper does not add a third retry layer; the retry route sends them
    again on request."""
    ended = []
    for record in records.list_for_job(job.jobId):
        if record.tenantId == job.tenantId and record.kind == "report" and record.status == "failed":
            done = _end_retries(record)
            if done is not None:
                ended.append(done)
    return ended


def end_retries_of(tenant_id: str, delivery_id: str) -> DeliveryRecord | None:
    """One delivery's retries ended as `end_retries` does (a queued delivery on its last receive)."""
    record = records.get(tenant_id, delivery_id)
    return _end_retries(record) if record is not None and record.status == "failed" else None


def _end_retries(record: DeliveryRecord) -> DeliveryRecord | None:
    if not record.retryable:
        return None
    reason = f"{record.lastError} (retries used up; POST /api/jobs/{record.jobId}/deliveries/retry sends it again)"
    return records.give_up(record.tenantId, record.deliveryId, record.updatedAt, reason, clock.iso(clock.now()))


def delivery_summary(job: Job) -> DeliverySummary:
    """How the job's report deliveries stand: delivered, and every other one failed with its reason."""
    summary = DeliverySummary()
    for record in records.list_for_job(job.jobId):
        if record.kind != "report" or record.tenantId != job.tenantId:
            continue
        if record.status == "delivered":
            summary.delivered += 1
            continue
        summary.failed += 1
        reason = record.lastError or f"ended {record.status} (interrupted before its outcome was recorded)"
        summary.failures.append(
            FailedDelivery(
                deliveryId=record.deliveryId, channel=record.channel, recipient=record.recipient, reason=reason
            )
        )
    return summary


def _owner_notice_id(job: Job, kind: DeliveryKind) -> str:
    return delivery_id_for(job.jobId, f"{kind.replace('_', '-')}-{job.attempt}", job.ownerEmail or "")


def _notify_owner(job: Job, kind: DeliveryKind) -> DeliveryRecord | None:
    delivery_id = _owner_notice_id(job, kind)
    now = clock.iso(clock.now())
    record = records.create(
        DeliveryRecord(
            deliveryId=delivery_id,
            tenantId=job.tenantId,
            jobId=job.jobId,
            subscriptionId=job.subscriptionId,
            ownerId=job.ownerId,
            kind=kind,
            channel="email",
            recipient=job.ownerEmail or "",
            createdAt=now,
            updatedAt=now,
        )
    )
    if records.claim(job.tenantId, delivery_id, now) is None:
        return record
    return send_owner_notice(job, delivery_id, kind)


def send_owner_notice(job: Job, delivery_id: str, kind: DeliveryKind) -> DeliveryRecord | None:
    """Send the note of a claimed (`sending`) owner notice record and record the outcome."""
    message = _owner_message(job, delivery_id, kind)
    if message is None:
        reason = f"job {job.jobId} has no owner address or nothing to tell of"
        records.mark_failed(job.tenantId, delivery_id, reason, False, clock.iso(clock.now()))
        raise PermanentError(reason)
    try:
        receipt = send_message(message)
    except (TransientError, PermanentError) as error:
        records.mark_failed(
            job.tenantId, delivery_id, str(error), isinstance(error, TransientError), clock.iso(clock.now())
        )
        raise
    return records.mark_delivered(
        job.tenantId, delivery_id, receipt.detail, receipt.external_id, clock.iso(clock.now())
    )


def _owner_message(job: Job, delivery_id: str, kind: DeliveryKind) -> EmailMessage | None:
    """The note a notice record stands for; None when the job has nothing (left) to tell of."""
    if job.ownerEmail is None:
        return None
    if kind == "recovery_notice":
        step = job.resumedFrom.step if job.resumedFrom else "deliver"
        delivered = job.status in FINISHED
        return recovery_message(job.ownerEmail, job.title, job.jobId, step, delivery_id) if delivered else None
    if kind == "partial_notice":
        summary = job.deliverySummary
        if summary is None or not summary.failed:
            return None
        failures = [(f.recipient, f.channel, f.reason) for f in summary.failures]
        return partial_delivery_message(job.ownerEmail, job.title, job.jobId, summary.delivered, failures, delivery_id)
    if job.error is None:
        return None
    return failure_message(job.ownerEmail, job.title, job.jobId, job.error.step, job.error.cause, delivery_id)
