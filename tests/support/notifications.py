"""Helpers for notification-report tests: send bodies, queue inspection, received-log objects."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from shared import clock
from shared.aws import client
from shared.catalog import Queue
from shared.notifications import demo
from shared.settings import get_settings


def notification_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "type": "news",
        "title": "Election called",
        "message": "The prime minister has called an early election",
        "topics": ["breaking/uk"],
    }
    body.update(overrides)
    return body


def queue_messages(queue: Queue, dlq: bool = False) -> list[dict[str, Any]]:
    """Every visible message of a queue (or its DLQ), received and put back at once."""
    sqs = client("sqs")
    settings = get_settings()
    url = settings.dlq_of(queue) if dlq else settings.name_of(queue)
    found: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30).get("Messages", [])
        if not batch:
            break
        found.extend(batch)
    for message in found:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    return [json.loads(m["Body"]) for m in found]


def received(notification_id: str, platform: str, moment: datetime, provider: str = "apns") -> dict[str, Any]:
    return {
        "notificationId": notification_id,
        "platform": platform,
        "provider": provider,
        "timestamp": clock.iso(moment),
    }


def put_received(events: list[dict[str, Any]], files_per_hour: int = 1, suffix: str = "") -> list[str]:
    """Write received events to the event-logs bucket; `suffix` names extra files (late arrivals)."""
    objects = demo.log_objects(events, files_per_hour)
    if suffix:
        objects = {key.replace(".json", f"{suffix}.json"): body for key, body in objects.items()}
    return list(demo.put_logs(objects))
