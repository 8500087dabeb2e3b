"""The stream's request (query parameters), its stored connections and the updates it sends."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_REPORT_TYPES = 20


class StreamRequest(BaseModel):
    """Seed 003's query parameters: `subscription_id` (one subscription) and `report_types` (comma-separated)."""

    model_config = ConfigDict(extra="ignore")

    subscription_id: str | None = Field(None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")
    report_types: tuple[str, ...] = ()

    @field_validator("report_types", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("report_types", mode="after")
    @classmethod
    def _bounded(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(value) > MAX_REPORT_TYPES or any(len(v) > 64 for v in value):
            raise ValueError(f"at most {MAX_REPORT_TYPES} report types of at most 64 characters")
        return value


class Connection(BaseModel):
    """An open stream connection: whose it is and what it asked for."""

    tenantId: str
    connectionId: str
    userId: str
    admin: bool = False
    subscriptionId: str | None = None
    reportTypes: list[str] = Field(default_factory=list)
    connectedAt: str
    ttl: int


class JobUpdate(BaseModel):
    """A job's status changed (a run, a run-now or an export)."""

    type: Literal["job"] = "job"
    jobId: str
    kind: str
    subscriptionId: str | None = None
    reportId: str | None = None
    reportType: str
    title: str
    status: str
    step: str
    updatedAt: str
    artifacts: list[dict[str, Any]] = Field(default_factory=list)
    error: str | None = None


class DeliveryUpdate(BaseModel):
    """A delivery's status changed (a job's file to one recipient over one channel)."""

    type: Literal["delivery"] = "delivery"
    deliveryId: str
    jobId: str
    subscriptionId: str | None = None
    channel: str
    recipient: str
    status: str
    attempts: int
    updatedAt: str
    lastError: str | None = None


StreamUpdate = JobUpdate | DeliveryUpdate
