"""Sending a notification: deduplicate, record, queue one send request per registration shard, record the result."""

from __future__ import annotations

from datetime import datetime

from botocore.exceptions import BotoCoreError, ClientError

from shared.catalog.notifications import HARVESTER_QUEUE
from shared.errors import DependencyFailed
from shared.notifications import logic, registrations, store
from shared.notifications.models import PLATFORMS, NotificationRequest, PlatformStatistics, SendReply
from shared.observability import logger
from shared.queue_batches import send_in_batches
from shared.settings import get_settings


def send(request: NotificationRequest, now: datetime) -> SendReply:
    """Record and queue `request` once; a known id (or a lost race for it) answers `duplicate` and sends nothing."""
    settings = get_settings()
    notification_id = str(request.id)
    if store.get(notification_id) is not None:
        return SendReply(id=notification_id, duplicate=True)
    ttl = logic.ttl_for(request.dryRun, now, settings.notification_ttl_days, settings.dry_run_ttl_days)
    try:
        store.put_new(logic.new_record(request, now, ttl))
    except store.AlreadyRecorded:
        return SendReply(id=notification_id, duplicate=True)
    requests = logic.send_requests(request, settings.harvester_shards)
    try:
        counts = registrations.count_by_platform(request.topics)
        outcome = send_in_batches(settings.name_of(HARVESTER_QUEUE), [r.model_dump_json() for r in requests])
        if not outcome.failed:
            store.append_reports(notification_id, logic.sender_results(counts, now))
    except (ClientError, BotoCoreError) as error:
        logger.exception("notification recorded but not queued", extra={"notification_id": notification_id})
        raise DependencyFailed(
            f"notification {notification_id} was recorded but sending it failed: {error}; "
            "it will be answered as a duplicate, so re-send it under a new id",
            [{"field": "id", "problem": "recorded, not queued"}],
        ) from error
    if outcome.failed:
        logger.error("send requests not queued", extra={"notification_id": notification_id, "failed": outcome.failed})
        raise DependencyFailed(
            f"notification {notification_id} was recorded but {len(outcome.failed)} of {len(requests)} send requests "
            "could not be queued; the devices of those shards were not sent to",
            [{"field": "shard", "problem": f"{f['code']}: {f['message']}", "shard": f["id"]} for f in outcome.failed],
        )
    return SendReply(
        id=notification_id,
        duplicate=False,
        queuedSendRequests=outcome.sent,
        totalRegistrationCount=sum(counts.values()),
        platformStatistics=[PlatformStatistics(platform=p, recipientsCount=counts.get(p, 0)) for p in PLATFORMS],
    )
