"""The one interface every delivery channel implements, and what it is handed.

A channel hands one stored artifact to one recipient. It raises `shared.errors.TransientError` for a failure worth
retrying (throttled, a peer's 5xx or 429, a timeout) and `shared.errors.PermanentError` for one that is not (a 4xx,
a bad address). It never records anything itself: the delivery service records status and attempts around it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict

ChannelName = Literal["email", "s3", "webhook", "slack", "sftp", "inbox", "push"]


class Artifact(BaseModel):
    """A rendered report file in the reports bucket, and how a person fetches it."""

    model_config = ConfigDict(frozen=True)

    export_id: str
    """The id behind `GET /api/reports/exports/{id}/download`."""
    bucket: str
    key: str
    format: Literal["pdf", "csv", "xlsx"]
    content_type: str
    size_bytes: int
    row_count: int | None = None
    title: str
    report_type: str
    period: str
    """The period the report covers, e.g. `2026-11-16 to 2026-11-22`."""
    download_url: str
    """The API's download route (checks the caller, then redirects to a short-lived presigned URL)."""
    expires_at: datetime | None = None


class DeliveryContext(BaseModel):
    """Who gets it, over which channel, under which idempotency key."""

    model_config = ConfigDict(frozen=True)

    delivery_id: str
    tenant_id: str
    job_id: str
    subscription_id: str | None
    owner_id: str
    channel: ChannelName
    recipient: str
    """An email address, a URL, a user id, a host path: whatever the channel addresses."""
    config: dict[str, Any] = {}
    """The channel's validated configuration (its `config_model`), as stored on the subscription."""


class ChannelReceipt(BaseModel):
    detail: str
    """What was done, for the delivery record ("sent SES message 0100...", "HTTP 200 from hooks.example")."""
    external_id: str | None = None


class Channel(Protocol):
    name: ClassVar[ChannelName]
    config_model: ClassVar[type[BaseModel]]

    def send(self, context: DeliveryContext, artifacts: list[Artifact]) -> ChannelReceipt: ...
