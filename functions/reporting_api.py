"""Seed 003's reporting routes over the delivery model: subscribe, a subscriber's subscriptions, deliver now, a
delivery's status, distribution stats; and a job's deliveries."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import BaseModel, BeforeValidator, Field

from shared import clock
from shared.api.replies import CallerDep, json_reply, no_content
from shared.api.resolver import new_resolver
from shared.delivery import reporting, stats, tenant_buckets
from shared.delivery.reporting import (
    DeliveryRequest,
    DeliveryResponse,
    DeliveryStatus,
    ReportSubscription,
    ReportSubscriptionRequest,
    RetryQueued,
    SubscriptionResponse,
)
from shared.delivery.stats import StatsRow
from shared.delivery.tenant_buckets import BucketRegistration, TenantBucket
from shared.errors import InvalidInput
from shared.jobs import logic as jobs
from shared.jobs.models import DeliveryStatusReply
from shared.observability import http_entry

router = Router()

_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


def _iso_text(value: Any) -> Any:
    """A date-time as ISO-8601 text only: pydantic would read a number (`0.5`) as seconds since 1970."""
    if not isinstance(value, str) or _NUMBER.fullmatch(value):
        raise ValueError("an ISO-8601 date-time such as 2026-11-23T00:00:00Z, not a number")
    return value


IsoDateTime = Annotated[datetime, BeforeValidator(_iso_text)]
DEFAULT_WINDOW = timedelta(hours=24)
MAX_WINDOW = timedelta(days=31)


class StatsReply(BaseModel):
    from_: str = Field(serialization_alias="from")
    until: str
    stats: list[StatsRow]
    totals: StatsRow | None


def _window(start: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    end = until or clock.now()
    begin = start or end - DEFAULT_WINDOW
    if begin.tzinfo is None or end.tzinfo is None:
        raise InvalidInput("from and until need a timezone (e.g. 2026-11-23T00:00:00Z)")
    if begin > end:
        raise InvalidInput("from must not be after until")
    if end - begin > MAX_WINDOW:
        raise InvalidInput("from and until may be at most 31 days apart")
    return begin, end


@router.get(
    "/api/v1/reporting/stats",
    summary="Distribution stats per hour, report type and channel (the caller's tenant)",
    tags=["reporting"],
)
def distribution_stats(
    caller: CallerDep,
    start: Annotated[IsoDateTime | None, Query(alias="from", description="default: 24 hours before until")] = None,
    until: Annotated[IsoDateTime | None, Query(description="default: now")] = None,
    channel: Annotated[str | None, Query(max_length=32)] = None,
    report_type: Annotated[str | None, Query(alias="reportType", max_length=100)] = None,
) -> StatsReply:
    begin, end = _window(start, until)
    rows = stats.read_stats(caller.tenant, begin, end, channel=channel, report_type=report_type)
    return StatsReply(from_=clock.iso(begin), until=clock.iso(end), stats=rows, totals=stats.totals(rows))


@router.post(
    "/api/v1/reporting/subscribe",
    summary="Subscribe the caller to report types over channels (seed 003's ReportSubscription)",
    tags=["reporting"],
    responses={201: {"description": "subscribed"}},
)
def subscribe(request: ReportSubscriptionRequest, caller: CallerDep) -> Response[SubscriptionResponse]:
    return Response(
        status_code=201, content_type=content_types.APPLICATION_JSON, body=reporting.subscribe(caller, request)
    )


@router.get(
    "/api/v1/reporting/subscriptions/<subscriber_id>",
    summary="A subscriber's subscriptions (yours; an admin: anyone's in the tenant)",
    tags=["reporting"],
)
def subscriptions_of(
    subscriber_id: Annotated[str, Path(max_length=100)], caller: CallerDep
) -> list[ReportSubscription]:
    return reporting.subscriptions_of(caller, subscriber_id)


@router.post(
    "/api/v1/reporting/deliver",
    summary="Deliver a completed report to the given channels now (idempotent per request_id)",
    tags=["reporting"],
)
def deliver(request: DeliveryRequest, caller: CallerDep) -> Response[DeliveryResponse]:
    return json_reply(202, reporting.deliver_now(caller, request))


@router.get(
    "/api/v1/reporting/delivery/<delivery_id>/status",
    summary="One delivery's status (seed 003's DeliveryStatus)",
    tags=["reporting"],
)
def delivery_status(delivery_id: Annotated[str, Path(max_length=100)], caller: CallerDep) -> DeliveryStatus:
    return reporting.delivery_status(caller, delivery_id)


@router.post(
    "/api/jobs/<job_id>/deliveries/retry",
    summary="Send a job's failed deliveries again (owner or admin); delivered ones are not resent",
    tags=["jobs"],
    responses={202: {"description": "Queued: the delivery ids"}},
)
def retry_deliveries(job_id: Annotated[str, Path(max_length=100)], caller: CallerDep) -> Response[RetryQueued]:
    return json_reply(202, reporting.retry_failed(caller, job_id))


@router.get("/api/jobs/<job_id>/deliveries", summary="A job's deliveries, each with its status", tags=["jobs"])
def job_deliveries(job_id: Annotated[str, Path(max_length=100)], caller: CallerDep) -> list[DeliveryStatusReply]:
    return jobs.delivery_replies(jobs.get(caller, job_id))


BucketName = Annotated[str, Path(min_length=3, max_length=63)]


@router.get(
    "/api/v1/reporting/buckets",
    summary="The customer buckets the tenant registered for the S3 channel (admins)",
    tags=["reporting"],
)
def delivery_buckets(caller: CallerDep) -> list[TenantBucket]:
    return tenant_buckets.registered(caller)


@router.put(
    "/api/v1/reporting/buckets/<bucket>",
    summary="Register a customer bucket for the S3 channel, with the root prefix deliveries stay under (admins)",
    tags=["reporting"],
)
def register_bucket(bucket: BucketName, registration: BucketRegistration, caller: CallerDep) -> TenantBucket:
    return tenant_buckets.register(caller, bucket, registration)


@router.delete(
    "/api/v1/reporting/buckets/<bucket>",
    summary="Remove a registered bucket; S3 deliveries into it fail from then on (admins)",
    tags=["reporting"],
    responses={204: {"description": "removed"}},
)
def unregister_bucket(bucket: BucketName, caller: CallerDep) -> Response[str]:
    tenant_buckets.unregister(caller, bucket)
    return no_content()


app = new_resolver(router)
handler = http_entry(app.resolve)
