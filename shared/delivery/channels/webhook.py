"""Webhook channel: POSTs seed 003's `report_distributed` event, signed with the subscription's secret.

Headers: `X-Signature` = hex HMAC-SHA256 of `f"{timestamp}.{body}"` under the secret, `X-Timestamp` (Unix seconds),
`X-Delivery-Id` (the receiver's idempotency key: the same on every retry of one delivery), `X-Delivery-Attempt`.
Receivers check a request with `verify_signature`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared import clock
from shared.delivery.channel import Artifact, ChannelName, DeliveryContext
from shared.delivery.channels.http_post import HttpReceipt, RetryPolicy, check_peer_url, post_with_retries
from shared.delivery.channels.stored_config import parse_config

SOURCE_SERVICE = "report-platform"
SIGNATURE_TOLERANCE_S = 300
SEED_CHANNEL_NAMES: dict[str, str] = {
    "email": "EMAIL",
    "sftp": "SFTP",
    "webhook": "API_WEBHOOK",
    "inbox": "DASHBOARD_NOTIFICATION",
    "push": "MOBILE_PUSH",
    "slack": "SLACK_INTEGRATION",
    "s3": "S3",
}
"""Our channel names as seed 003's `DeliveryChannel` enumeration spells them (S3 is not in the seed)."""


class WebhookConfig(BaseModel):
    """A webhook subscription: where to POST, the signing secret, and the event's metadata."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(description="https URL of the receiver")
    secret: str = Field(min_length=16, repr=False, description="per-subscription HMAC-SHA256 signing secret")
    retry: RetryPolicy = RetryPolicy()
    delivery_priority: int = Field(1, ge=0, le=9)
    encryption_required: bool = False
    retention_days: int = Field(30, ge=1, le=3650)
    target_subscribers: list[str] = Field(default_factory=list, max_length=100)

    @field_validator("url")
    @classmethod
    def _reachable_url(cls, url: str) -> str:
        return check_peer_url(url)


def sign(secret: str, timestamp: str, body: bytes | str) -> str:
    """Hex HMAC-SHA256 of `f"{timestamp}.{body}"` under `secret`."""
    raw = body if isinstance(body, bytes) else body.encode()
    return hmac.new(secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str,
    timestamp: str,
    body: bytes | str,
    signature: str,
    tolerance_s: float | None = SIGNATURE_TOLERANCE_S,
    now: float | None = None,
) -> bool:
    """True when `signature` is ours for this timestamp and body, and (unless `tolerance_s` is None) the timestamp is
    within `tolerance_s` of `now` (Unix seconds; the current time by default), which stops replays."""
    if tolerance_s is not None:
        try:
            age = abs((time.time() if now is None else now) - float(timestamp))
        except ValueError:
            return False
        if age > tolerance_s:
            return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature.strip().lower())


def report_distributed_event(
    context: DeliveryContext, artifacts: list[Artifact], config: WebhookConfig
) -> dict[str, Any]:
    """Seed 003's `report_distributed` event for this delivery. `file_path` is the API's download link; every file
    of the job is listed under `report_data.files`. `event_id` is stable per delivery id (receivers may dedupe)."""
    first = artifacts[0]
    report_type = first.report_type
    return {
        "event_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"report-platform:delivery:{context.delivery_id}")),
        "timestamp": clock.iso(clock.now()),
        "delivery_id": context.delivery_id,
        "distribution": {
            "topic": f"reporting/{report_type}/delivered",
            "routing_key": f"{context.tenant_id}.{report_type}.{context.subscription_id or context.job_id}",
            "target_subscribers": config.target_subscribers or [context.owner_id],
            "delivery_channels": [SEED_CHANNEL_NAMES["webhook"]],
        },
        "report_data": {
            "report_id": context.job_id,
            "report_type": report_type,
            "title": first.title,
            "period": first.period,
            "report_period": first.period,
            "file_path": first.download_url,
            "file_size_bytes": first.size_bytes,
            "files": [
                {
                    "export_id": a.export_id,
                    "format": a.format,
                    "content_type": a.content_type,
                    "file_path": a.download_url,
                    "file_size_bytes": a.size_bytes,
                    "row_count": a.row_count,
                }
                for a in artifacts
            ],
        },
        "metadata": {
            "source_service": SOURCE_SERVICE,
            "delivery_priority": config.delivery_priority,
            "encryption_required": config.encryption_required,
            "retention_days": config.retention_days,
        },
    }


class WebhookChannel:
    name: ClassVar[ChannelName] = "webhook"
    config_model: ClassVar[type[BaseModel]] = WebhookConfig

    def send(self, context: DeliveryContext, artifacts: list[Artifact]) -> HttpReceipt:
        config = parse_config(WebhookConfig, context, artifacts)
        body = json.dumps(report_distributed_event(context, artifacts, config), separators=(",", ":")).encode()
        timestamp = str(int(clock.now().timestamp()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"{SOURCE_SERVICE}-webhook/1",
            "X-Timestamp": timestamp,
            "X-Signature": sign(config.secret, timestamp, body),
            "X-Delivery-Id": context.delivery_id,
        }
        outcome = post_with_retries(config.url, body, headers, config.retry)
        return HttpReceipt(
            detail=f"HTTP {outcome.status} from {config.url} after {outcome.attempts} attempt(s)",
            external_id=context.delivery_id,
            status=outcome.status,
            attempts=outcome.attempts,
        )
