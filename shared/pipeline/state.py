"""The state-machine payload: small, ids and S3 keys only (claim check); the data itself lives in S3 under `work/`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RunInput(BaseModel):
    """What starts an execution: a schedule's firing (subscription + slot) or a job created by the API."""

    model_config = ConfigDict(extra="ignore")

    tenantId: str
    subscriptionId: str | None = None
    scheduledFor: str | None = None
    jobId: str | None = None


class DeliveryItem(BaseModel):
    """One item of the Deliver Map."""

    tenantId: str
    jobId: str
    deliveryId: str
    attempt: int | None = None


class RunState(BaseModel):
    """What flows from step to step."""

    model_config = ConfigDict(extra="ignore")

    tenantId: str
    jobId: str
    subscriptionId: str | None = None
    attempt: int | None = None
    """The job's attempt this execution claimed: its steps change only that attempt (a late step of an earlier
    execution, e.g. a status-change event delivered again, never fails or advances a rerun)."""
    duplicate: bool = False
    fetched: str | None = None
    """S3 key of the fetched data."""
    skipAggregate: bool = False
    """The source has nothing to aggregate (a saved report's query did it): the Choice goes straight to Render."""
    aggregated: str | None = None
    """S3 key of the aggregated data."""
    deliveries: list[DeliveryItem] = Field(default_factory=list)


ENDED_BADLY = ("FAILED", "TIMED_OUT", "ABORTED")
"""The execution statuses the status-change rule sends to mark-failed."""


class ExecutionStatusChange(BaseModel):
    """The `detail` of a "Step Functions Execution Status Change" event (aws.states, default bus)."""

    model_config = ConfigDict(extra="ignore")

    executionArn: str
    stateMachineArn: str | None = None
    status: str
    input: str | None = None
    error: str | None = None
    cause: str | None = None
