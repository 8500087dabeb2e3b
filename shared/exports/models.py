"""Seed 004's schedule and export shapes. A schedule is a subscription (reportType `report`); an export is a job."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.rendering.locale import locale_field


class ScheduleIn(BaseModel):
    """`POST /api/reports/schedules` and `PUT .../{id}`. `format`, `delivery_method`, `cron_expression` and `timezone`
    are checked by the logic, so a bad one is a 400 naming the part."""

    model_config = ConfigDict(extra="forbid")

    report_id: str = Field(min_length=1, max_length=64)
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    cron_expression: str = Field(min_length=1, max_length=120)
    timezone: str = Field("UTC", min_length=1, max_length=64)
    format: str = Field("pdf", min_length=1, max_length=16)
    delivery_method: str = Field("email", min_length=1, max_length=16)
    recipients: list[str] = Field(default_factory=list, max_length=50)
    s3_config: dict[str, Any] | None = None
    is_active: bool = True
    locale: str | None = Field(None, max_length=35)
    """The report locale (numbers and dates in PDF and XLSX, docs/rendering.md); unknown → 422. A PUT without it
    keeps the schedule's."""

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str | None) -> str | None:
        return locale_field(value)


class ScheduleOut(BaseModel):
    id: str
    report_id: str | None
    name: str
    description: str | None
    cron_expression: str
    timezone: str
    schedule_description: str
    format: str
    delivery_method: str
    recipients: list[str]
    s3_config: dict[str, Any] | None
    is_active: bool
    last_run_at: str | None
    next_run_at: str | None
    run_count: int
    locale: str | None = None
    created_by: str
    created_at: str
    updated_at: str


class SchedulePage(BaseModel):
    items: list[ScheduleOut]
    cursor: str | None = None
    """A page may hold fewer than `limit` schedules (other subscriptions are skipped): follow the cursor."""


class ExportIn(BaseModel):
    """`POST /api/reports/exports`: a one-off export of a saved report."""

    model_config = ConfigDict(extra="forbid")

    report_id: str = Field(min_length=1, max_length=64)
    format: str = Field("pdf", min_length=1, max_length=16)
    locale: str | None = Field(None, max_length=35)
    """Number and date formats of the PDF/XLSX (docs/rendering.md); unknown → 422."""

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str | None) -> str | None:
        return locale_field(value)


class ExportOut(BaseModel):
    id: str
    report_id: str | None
    schedule_id: str | None
    name: str
    format: str
    status: str
    step: str | None = None
    """The pipeline step reached (where it failed, for a failed export)."""
    file_size: int | None
    row_count: int | None
    truncated: bool
    error_message: str | None
    download_url: str | None
    """The API's download route (checks the caller, then redirects), never a presigned URL; completed only."""
    expires_at: str | None
    execution_time_ms: int | None
    created_at: str
    completed_at: str | None


class ExportPage(BaseModel):
    items: list[ExportOut]
    cursor: str | None = None
    """A page may hold fewer than `limit` exports (other jobs are skipped): follow the cursor."""
