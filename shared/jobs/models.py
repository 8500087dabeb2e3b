"""Jobs as stored and as answered (seed 001's job status; seed 004's export is a job and its artifacts)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shared.subscriptions.models import ReportFilters, ReportFormat

JobStatus = Literal["pending", "processing", "completed", "partially_delivered", "failed"]
FINISHED: tuple[JobStatus, ...] = ("completed", "partially_delivered")
"""The report was produced: its files can be downloaded and delivered (some deliveries may have failed)."""
JobKind = Literal["scheduled", "manual", "export"]
Step = Literal["start", "fetch", "aggregate", "render", "deliver", "complete"]


class ArtifactRecord(BaseModel):
    """One rendered file of a job in the reports bucket."""

    format: ReportFormat
    key: str
    contentType: str
    sizeBytes: int
    rowCount: int | None = None
    truncated: bool = False
    pages: int | None = None
    expiresAt: str


class JobError(BaseModel):
    step: str
    cause: str
    error: str = "Error"
    """The error's name (`PermanentError`, `States.Timeout` ...)."""
    executionArn: str | None = None
    """The execution whose end (FAILED, TIMED_OUT, ABORTED) recorded this failure: a redrive of it resumes the job."""


class FailedDelivery(BaseModel):
    deliveryId: str
    channel: str
    recipient: str
    reason: str


class DeliverySummary(BaseModel):
    """How a job's report deliveries ended: `failed` > 0 makes the job `partially_delivered`."""

    delivered: int = 0
    failed: int = 0
    failures: list[FailedDelivery] = Field(default_factory=list)


class Job(BaseModel):
    """The stored job record."""

    jobId: str
    tenantId: str
    kind: JobKind
    subscriptionId: str | None = None
    ownerId: str
    ownerEmail: str | None = None
    reportType: str
    reportId: str | None = None
    title: str
    filters: ReportFilters
    timezone: str = "UTC"
    locale: str | None = None
    """The subscription's report locale (`shared.rendering.locale`)."""
    formats: list[ReportFormat]
    status: JobStatus
    step: str = "start"
    attempt: int = 1
    """1 for the first run; each rerun of a failed job adds one."""
    scheduledFor: str
    periodLabel: str | None = None
    """The dates the report covers (`2026-11-16 to 2026-11-22`), set when the run starts."""
    createdAt: str
    updatedAt: str
    startedAt: str | None = None
    completedAt: str | None = None
    artifacts: list[ArtifactRecord] = Field(default_factory=list)
    error: JobError | None = None
    resumedFrom: JobError | None = None
    """The failure a redrive resumed from (the owner, if told of it, is told of the recovery)."""
    deliverySummary: DeliverySummary | None = None
    executionTimeMs: int | None = None
    deletedAt: str | None = None
    """Set when its export was deleted (`DELETE /api/reports/exports/{id}`): artifacts removed, record kept."""


class DeliveryStatusReply(BaseModel):
    deliveryId: str
    channel: str
    recipient: str
    status: str
    attempts: int
    lastError: str | None = None
    externalId: str | None = None
    """The channel's own id of what was sent (SES's message id for an email)."""
    updatedAt: str


class JobSummary(BaseModel):
    """A job as a list shows it (`GET /api/subscriptions/{id}/jobs`): everything on the job record, no deliveries.

    A job's deliveries are items of their own table; reading them for every job of a page would be one query per
    job. They are answered by `GET /api/jobs/{id}` (`JobReply`) and `GET /api/jobs/{id}/deliveries`."""

    jobId: str
    subscriptionId: str | None
    kind: JobKind
    status: JobStatus
    step: str
    reportType: str
    scheduledFor: str
    createdAt: str
    updatedAt: str
    completedAt: str | None
    reportUrl: str | None
    error: JobError | None
    deliverySummary: DeliverySummary | None = None
    formats: list[ReportFormat]
    artifacts: list[ArtifactRecord]
    executionTimeMs: int | None = None
    attempt: int = 1


class JobReply(JobSummary):
    """Seed 001's job status: `reportUrl` is the API's download route (never a presigned URL), only when completed;
    with the job's report deliveries."""

    deliveries: list[DeliveryStatusReply]


class JobPage(BaseModel):
    items: list[JobSummary]
    cursor: str | None = None


class ExportSpec(BaseModel):
    """A one-off export: which report, filtered how (the report builder's `POST /api/reports/exports`)."""

    reportType: str
    reportId: str | None = None
    filters: ReportFilters = Field(default_factory=ReportFilters)
    timezone: str = "UTC"
    title: str | None = None
    locale: str | None = None
    """The report locale (validated by the route's model)."""


class RunStarted(BaseModel):
    """The reply of a run-now or an export request: the job to follow."""

    jobId: str
    status: JobStatus
    scheduledFor: str
