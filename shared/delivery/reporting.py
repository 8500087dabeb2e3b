"""Seed 003's REST shapes over the platform's model: a `ReportSubscription` is one subscription per report type, a
`DeliveryStatus` is a delivery record, and a deliver-now request queues a finished job's files for the delivery
worker."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.api.caller import Caller
from shared.delivery import audience, records, requests, service, targets
from shared.delivery.records import DeliveryRecord
from shared.delivery.registry import masked_channels, seal_channels, validate_channels
from shared.errors import Conflict, Forbidden, NotFound
from shared.jobs import logic as jobs
from shared.jobs.models import FINISHED
from shared.subscriptions import logic as subscriptions
from shared.subscriptions import store as subscription_store
from shared.subscriptions.models import (
    DEFAULT_CRON,
    ChannelSpec,
    ReportFilters,
    ReportFormat,
    Schedule,
    Subscription,
    SubscriptionCreate,
)


def _pdf_only() -> list[ReportFormat]:
    return ["pdf"]


class DeliveryPreferences(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channels: list[ChannelSpec] = Field(min_length=1, max_length=10)
    schedule: str | None = Field(None, max_length=120, description="five-field cron; default Monday 09:00")
    timezone: str = Field("UTC", max_length=64)
    format_preferences: list[ReportFormat] = Field(default_factory=_pdf_only, min_length=1)


class ReportSubscriptionRequest(BaseModel):
    """Seed 003's `ReportSubscription` as posted (ids and status are the platform's)."""

    model_config = ConfigDict(extra="forbid")

    subscriber_id: str = Field(min_length=1, max_length=100)
    report_types: list[str] = Field(min_length=1, max_length=10)
    delivery_preferences: DeliveryPreferences
    filters: ReportFilters = Field(default_factory=ReportFilters)


class ReportSubscription(BaseModel):
    subscription_id: str
    subscriber_id: str
    report_types: list[str]
    delivery_preferences: dict[str, Any]
    filters: ReportFilters
    status: str
    next_run_at: str | None = None


class SubscriptionResponse(BaseModel):
    subscriber_id: str
    subscriptions: list[ReportSubscription]


class DeliveryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    request_id: str = Field(min_length=1, max_length=100, description="the idempotency key: a repeat sends nothing")
    report_id: str = Field(min_length=1, max_length=100, description="a completed job's id (its export id)")
    channels: list[ChannelSpec] = Field(min_length=1, max_length=10)


class DeliveryStatus(BaseModel):
    """Seed 003's `DeliveryStatus`."""

    delivery_id: str
    subscription_id: str | None
    report_id: str
    channel: str
    status: str
    delivery_time: str | None
    retry_count: int
    error_details: str | None


class DeliveryResponse(BaseModel):
    request_id: str
    report_id: str
    deliveries: list[DeliveryStatus]


def as_report_subscription(subscription: Subscription) -> ReportSubscription:
    return ReportSubscription(
        subscription_id=subscription.subscriptionId,
        subscriber_id=subscription.ownerId,
        report_types=[subscription.reportType],
        delivery_preferences={
            "channels": [c.model_dump() for c in masked_channels(subscription.channels)],
            "schedule": subscription.schedule.cron,
            "timezone": subscription.schedule.timezone,
            "format_preferences": subscription.formats,
        },
        filters=subscription.filters,
        status=subscription.status,
        next_run_at=subscription.nextRunAt,
    )


def subscribe(caller: Caller, request: ReportSubscriptionRequest) -> SubscriptionResponse:
    """One subscription per report type, owned by the caller (the subscriber must be the caller)."""
    if request.subscriber_id != caller.sub:
        raise Forbidden("subscriber_id must be your own user id: a subscription belongs to whoever makes it")
    preferences = request.delivery_preferences
    validate_channels(preferences.channels)
    made = [
        subscriptions.create(
            caller,
            SubscriptionCreate(
                reportType=report_type,
                filters=request.filters,
                formats=preferences.format_preferences,
                channels=preferences.channels,
                schedule=Schedule(cron=preferences.schedule or DEFAULT_CRON, timezone=preferences.timezone),
            ),
        )
        for report_type in dict.fromkeys(request.report_types)
    ]
    return SubscriptionResponse(subscriber_id=caller.sub, subscriptions=[as_report_subscription(s) for s in made])


def subscriptions_of(caller: Caller, subscriber_id: str) -> list[ReportSubscription]:
    """A subscriber's subscriptions in the caller's tenant: a user's own only, an admin's anyone's."""
    if subscriber_id != caller.sub and not caller.is_admin:
        raise NotFound(f"no subscriber {subscriber_id}")
    found: list[Subscription] = []
    cursor: str | None = None
    while True:
        items, cursor = subscription_store.list_for_owner(caller.tenant, subscriber_id, 100, cursor)
        found += items
        if cursor is None:
            return [as_report_subscription(s) for s in found]


def status_of(record: DeliveryRecord) -> DeliveryStatus:
    return DeliveryStatus(
        delivery_id=record.deliveryId,
        subscription_id=record.subscriptionId,
        report_id=record.jobId,
        channel=record.channel,
        status=record.status,
        delivery_time=record.sentAt,
        retry_count=max(record.attempts - 1, 0),
        error_details=record.lastError,
    )


def deliver_now(caller: Caller, request: DeliveryRequest) -> DeliveryResponse:
    """Queue a finished job's files for the given channels and answer at once (202, the delivery ids): the delivery
    worker sends them by the pipeline's Deliver path. The same request id never sends twice."""
    job = jobs.get(caller, request.report_id)
    audience.check_inbox_recipients(request.channels, audience.inbox_readers(job, caller))
    targets.check_channel_targets(request.channels, caller.tenant)
    if job.status not in FINISHED:
        raise Conflict(f"report {job.jobId} is {job.status}: only a completed report can be delivered")
    channels = seal_channels(validate_channels(request.channels), job.tenantId)
    contexts = service.contexts_for(job, channels, caller.sub, job.subscriptionId, request.request_id)
    opened = service.open_deliveries(contexts)
    requests.enqueue([r for r in opened if r.status in ("created", "failed")])
    return DeliveryResponse(
        request_id=request.request_id, report_id=job.jobId, deliveries=[status_of(r) for r in opened]
    )


class RetryQueued(BaseModel):
    """The reply of `POST /api/jobs/{id}/deliveries/retry`: the failed deliveries queued again (by id)."""

    jobId: str
    deliveryIds: list[str]


def retry_failed(caller: Caller, job_id: str) -> RetryQueued:
    """Queue again only the job's failed report deliveries (owner or admin); nothing delivered is sent twice (the
    worker's conditional claim)."""
    job = jobs.get(caller, job_id)
    if job.status not in FINISHED:
        raise Conflict(f"job {job.jobId} is {job.status}: deliveries are retried once the report is produced")
    failed = [
        r
        for r in records.list_for_job(job.jobId)
        if r.tenantId == job.tenantId and r.kind == "report" and r.status == "failed"
    ]
    return RetryQueued(jobId=job.jobId, deliveryIds=requests.enqueue(failed))


def delivery_status(caller: Caller, delivery_id: str) -> DeliveryStatus:
    record = records.get(caller.tenant, delivery_id)
    if record is None or (not caller.is_admin and record.ownerId != caller.sub):
        raise NotFound(f"no delivery {delivery_id}")
    return status_of(record)
