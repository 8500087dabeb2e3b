"""From send request to device: the harvester reads one registration shard and queues one push per device on its
platform's queue, each platform's pushes once per shard (a retried send request queues only the platforms that
failed); a push worker sends one push through the push provider, at most once per device."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.aws import client
from shared.catalog.notifications import PUSH_QUEUES
from shared.catalog.platform import IDEMPOTENCY
from shared.errors import PermanentError, TransientError
from shared.notifications import logic, registrations
from shared.notifications.models import Platform, PushRequest, SendRequest
from shared.observability import logger
from shared.push.selection import push_provider
from shared.queue_batches import send_in_batches
from shared.settings import get_settings


def harvest(request: SendRequest) -> dict[str, int]:
    """Queue the pushes of one shard; TransientError (so the message is retried) if some could not be queued. A
    platform whose pushes were all queued by an earlier try of the same request is not queued again."""
    devices = registrations.devices(request.notification.topics, shard=request.shard)
    by_platform: dict[Platform, list[str]] = defaultdict(list)
    for push in logic.push_requests(request, devices.items()):
        by_platform[push.platform].append(push.model_dump_json())
    queued: dict[str, int] = {}
    failed: list[str] = []
    for platform, bodies in by_platform.items():
        try:
            queued[platform] = _queue_once(request, platform, bodies)
        except TransientError as error:
            failed.append(str(error))
    if failed:
        raise TransientError(
            f"notification {request.notificationId} shard {request.shard}: {'; '.join(failed)}; retried later"
        )
    return queued


def _queue_once(request: SendRequest, platform: Platform, bodies: list[str]) -> int:
    """Queue one platform's pushes of the shard, once per (notification, shard, platform): a retry after a failure
    elsewhere gets the stored count back; one after a failure here queues them all again (workers deduplicate)."""

    @idempotent_function(
        data_keyword_argument="part", persistence_store=_persistence("platform"), config=_ONCE_PER_PLATFORM
    )
    def queue(part: dict[str, object]) -> int:
        outcome = send_in_batches(get_settings().name_of(PUSH_QUEUES[platform]), bodies)
        if outcome.failed:
            raise TransientError(f"{len(outcome.failed)} of {len(bodies)} {platform} pushes not queued")
        return outcome.sent

    return int(queue(part={"notificationId": request.notificationId, "shard": request.shard, "platform": platform}))


@cache
def _persistence(use: str) -> DynamoDBPersistenceLayer:
    """One persistence layer per use: powertools configures a layer once, with the key and expiry of its first user."""
    return DynamoDBPersistenceLayer(
        table_name=get_settings().name_of(IDEMPOTENCY), expiry_attr="expiration", boto3_client=client("dynamodb")
    )


_ONCE_PER_DEVICE = IdempotencyConfig(event_key_jmespath="[notificationId, token]", expires_after_seconds=7 * 86400)
_ONCE_PER_PLATFORM = IdempotencyConfig(
    event_key_jmespath="[notificationId, shard, platform]", expires_after_seconds=4 * 86400
)
"""Longer than the harvester queue keeps a message, so no retry of a send request finds its record expired."""


def bind_context(context: LambdaContext) -> None:
    """Let in-progress idempotency records expire with the invocation's remaining time, so a crashed invocation never
    blocks the retry (call once per invocation)."""
    _ONCE_PER_DEVICE.register_lambda_context(context)
    _ONCE_PER_PLATFORM.register_lambda_context(context)


def deliver(request: PushRequest) -> str | None:
    """Send one push (nothing for a dry run); a redelivered message for the same device does not send again.

    A permanent refusal (unregistered token) is logged and dropped; anything else raises, so SQS retries it and,
    after the queue's maxReceiveCount, moves it to the dead-letter queue."""
    if request.dryRun:
        return None

    @idempotent_function(
        data_keyword_argument="push", persistence_store=_persistence("device"), config=_ONCE_PER_DEVICE
    )
    def send_once(push: dict[str, object]) -> str | None:
        try:
            return push_provider().send(request.token, request.platform, request.title, request.body, request.data)
        except PermanentError as refused:
            logger.warning(
                "push refused for good", extra={"notification_id": request.notificationId, "why": str(refused)}
            )
            return None

    return send_once(push=request.model_dump())
