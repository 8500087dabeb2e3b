"""Sending a notification: deduplicate, record, queue one send request per registration shard, record the result.

A record is created holding every shard as unqueued and its creator holding the queueing lease; the shards that
could not be queued stay on the record, so a POST of the same id queues just them: nothing is lost or half-sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shared import clock
from shared.catalog.notifications import HARVESTER_QUEUE
from shared.errors import DependencyFailed
from shared.notifications import logic, payloads, registrations, store
from shared.notifications.models import (
    PLATFORMS,
    NotificationReport,
    NotificationRequest,
    PlatformStatistics,
    SendReply,
)
from shared.observability import logger
from shared.queue_batches import send_in_batches
from shared.settings import get_settings


def send(notification: NotificationRequest | Any, now: datetime) -> SendReply:
    """Record and queue a notification (this platform's shape or mobile-n10n's, stored as posted) once; a known id
    answers `duplicate` and sends nothing, unless some of its send requests were never queued: then this request
    queues those (`resumed`)."""
    settings = get_settings()
    request = payloads.as_request(notification)
    notification_id = str(request.id)
    existing = store.get(notification_id)
    if existing is not None:
        return _resume(existing, now)
    ttl = logic.ttl_for(request.type, request.dryRun, now, settings.dry_run_ttl_days, settings.notification_ttl_months)
    shards, lease = list(range(settings.harvester_shards)), logic.queueing_lease(now)
    record = logic.new_record(request, now, ttl, shards, lease, payloads.stored_payload(notification))
    try:
        store.put_new(record)
    except store.AlreadyRecorded:
        return SendReply(id=notification_id, duplicate=True)
    return _queue(request, shards, lease, now, resumed=False)


def _resume(record: NotificationReport, now: datetime) -> SendReply:
    """Queue the shards a previous request left unqueued, as recorded (not as re-posted), once the lease is free."""
    unqueued = record.unqueuedShards
    lease = logic.queueing_lease(now)
    expired = clock.iso(now - logic.QUEUEING_LEASE)
    if not unqueued or not store.take_over_queueing(record.id, unqueued, lease, expired):
        return SendReply(id=record.id, duplicate=True)
    logger.info("queueing unqueued shards", extra={"notification_id": record.id, "shards": unqueued})
    return _queue(payloads.as_request(payloads.parse(record.notification)), unqueued, lease, now, resumed=True)


def _queue(request: NotificationRequest, shards: list[int], lease: str, now: datetime, resumed: bool) -> SendReply:
    notification_id = str(request.id)
    requests = logic.send_requests(request, shards)
    try:
        counts = registrations.count_by_platform(request.topics)
        outcome = send_in_batches(get_settings().name_of(HARVESTER_QUEUE), [r.model_dump_json() for r in requests])
        unqueued = sorted(requests[int(failure["id"])].shard for failure in outcome.failed)
        kept = store.finish_queueing(
            notification_id, lease, unqueued, [] if unqueued else logic.sender_results(counts, now)
        )
    except (ClientError, BotoCoreError) as error:
        logger.exception("notification recorded but not queued", extra={"notification_id": notification_id})
        raise DependencyFailed(
            f"notification {notification_id} was recorded but queueing it failed: {error}; POST it again with the "
            f"same id after {logic.QUEUEING_LEASE.seconds // 60} minutes to queue what is missing",
            [{"field": "id", "problem": "recorded, not all queued"}],
        ) from error
    if not kept:
        logger.warning("queueing lease lost: another request took over", extra={"notification_id": notification_id})
    if outcome.failed:
        logger.error("send requests not queued", extra={"notification_id": notification_id, "shards": unqueued})
        raise DependencyFailed(
            f"notification {notification_id} was recorded but {len(unqueued)} of {len(requests)} send requests "
            "could not be queued; POST it again with the same id to queue them (the rest are not sent twice)",
            [{"field": "shard", "problem": f"{f['code']}: {f['message']}", "shard": f["id"]} for f in outcome.failed],
        )
    return SendReply(
        id=notification_id,
        duplicate=False,
        resumed=resumed,
        queuedSendRequests=outcome.sent,
        totalRegistrationCount=sum(counts.values()),
        platformStatistics=[PlatformStatistics(platform=p, recipientsCount=counts.get(p, 0)) for p in PLATFORMS],
    )
