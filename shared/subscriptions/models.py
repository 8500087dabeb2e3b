"""Subscriptions as the API takes them, stores them and answers them. Seed 001's shape, seed 004's schedule fields."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.delivery.channel import ChannelName
from shared.rendering.locale import locale_field

ReportFormat = Literal["pdf", "csv", "xlsx"]
FileType = Literal["txt", "jpg", "png", "pdf"]
ALL_FILE_TYPES: tuple[FileType, ...] = ("txt", "jpg", "png", "pdf")
DateRange = Literal["last_week", "last_7_days", "last_30_days", "month_to_date"]
SubscriptionStatus = Literal["active", "paused"]

DEFAULT_CRON = "0 9 * * 1"
"""Monday 09:00, in the subscription's timezone."""
REPORT_TYPE_ALIASES = {"weekly": "clinical_weekly"}
"""Seed 001 says `"reportType": "weekly"`: the clinical-trial weekly summary."""


def _pdf_only() -> list[ReportFormat]:
    return ["pdf"]


class ReportFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dateRange: DateRange = "last_week"
    fileTypes: list[FileType] = Field(default_factory=lambda: list(ALL_FILE_TYPES))
    trialId: str | None = Field(None, min_length=1, max_length=64)
    parameters: dict[str, str | int | float | bool] = Field(default_factory=dict)
    """Parameters of a saved report definition (reportType `report`)."""


class ChannelSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: ChannelName
    recipients: list[str] = Field(min_length=1, max_length=50)
    config: dict[str, Any] = Field(default_factory=dict)
    """Channel-specific settings, checked by `shared.delivery.registry.validate_channels`."""


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cron: str = Field(DEFAULT_CRON, min_length=1, max_length=120)
    """Standard five-field cron."""
    timezone: str = Field("UTC", min_length=1, max_length=64)
    """An IANA timezone name."""


class _ReportFields(BaseModel):
    @field_validator("reportType", mode="before", check_fields=False)
    @classmethod
    def _alias(cls, value: Any) -> Any:
        return REPORT_TYPE_ALIASES.get(value, value) if isinstance(value, str) else value

    @field_validator("locale", check_fields=False)
    @classmethod
    def _known_locale(cls, value: str | None) -> str | None:
        return locale_field(value)

    @field_validator("formats", check_fields=False)
    @classmethod
    def _distinct_formats(cls, value: list[str] | None) -> list[str] | None:
        return list(dict.fromkeys(value)) if value is not None else None


class SubscriptionCreate(_ReportFields):
    """`POST /api/subscriptions` (seed 001's body, plus formats, channels and schedule)."""

    model_config = ConfigDict(extra="forbid")

    userId: str | None = None
    """Seed 001 sends it; the owner is always the caller, so it may only name the caller."""
    name: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=2000)
    reportType: str = Field("clinical_weekly", min_length=1, max_length=64)
    reportId: str | None = Field(None, max_length=64)
    filters: ReportFilters = Field(default_factory=ReportFilters)
    formats: list[ReportFormat] = Field(default_factory=_pdf_only, min_length=1)
    channels: list[ChannelSpec] | None = Field(None, max_length=10)
    """Defaults to an email to the caller (the token's `email`)."""
    schedule: Schedule = Field(default_factory=Schedule)
    status: SubscriptionStatus = "active"
    locale: str | None = Field(None, max_length=35)
    """Number and date formats of the PDF and XLSX (`pl`, `de-DE`; `shared.rendering.locale`); unknown → 422."""


class SubscriptionUpdate(_ReportFields):
    """`PATCH /api/subscriptions/{id}`: only the fields given change."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=2000)
    reportId: str | None = Field(None, min_length=1, max_length=64)
    """Another saved report (reportType `report` only)."""
    filters: ReportFilters | None = None
    formats: list[ReportFormat] | None = Field(None, min_length=1)
    channels: list[ChannelSpec] | None = Field(None, min_length=1, max_length=10)
    schedule: Schedule | None = None
    status: SubscriptionStatus | None = None
    locale: str | None = Field(None, max_length=35)


class Subscription(BaseModel):
    """The stored subscription, which is also the API's reply."""

    subscriptionId: str
    tenantId: str
    ownerId: str
    ownerEmail: str | None = None
    name: str
    description: str | None = None
    reportType: str
    reportId: str | None = None
    filters: ReportFilters
    formats: list[ReportFormat]
    channels: list[ChannelSpec]
    schedule: Schedule
    scheduleDescription: str
    status: SubscriptionStatus
    locale: str | None = None
    """The report locale (numbers and dates in PDF and XLSX); None: "1,234.50" and ISO dates."""
    createdAt: str
    updatedAt: str
    lastRunAt: str | None = None
    nextRunAt: str | None = None
    runCount: int = 0


class SubscriptionCreated(BaseModel):
    """Seed 001's reply to `POST /api/subscriptions`."""

    subscriptionId: str
    status: SubscriptionStatus
    nextRunAt: str | None = None


class SubscriptionPage(BaseModel):
    items: list[Subscription]
    cursor: str | None = None
