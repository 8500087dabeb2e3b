"""What a report source is given (`ReportSpec`) and what it must do (`ReportSource`): fetch, aggregate, document.

A source turns one job into a `shared.rendering.document.Document`. Fetched and aggregated data are JSON values the
pipeline stores in S3 between steps (by reference, never in the state payload)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, ClassVar, Literal, Protocol

from pydantic import BaseModel

from shared import cron
from shared.api.caller import Caller
from shared.rendering.document import Document
from shared.subscriptions.models import ReportFilters, ReportFormat

JsonValue = Any
"""A value `json.dumps` accepts (dicts, lists, strings, numbers, booleans, None)."""


class Period(BaseModel):
    """The dates a report covers, both inclusive, in the subscription's timezone."""

    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


class ReportSpec(BaseModel):
    """One run of one report: everything a source needs, taken from the job record."""

    tenantId: str
    jobId: str
    ownerId: str
    reportType: str
    reportId: str | None = None
    title: str
    filters: ReportFilters
    formats: list[ReportFormat]
    timezone: str
    locale: str | None = None
    """Number and date formats of the PDF and XLSX (`shared.rendering.locale`)."""
    scheduledFor: datetime
    rowLimit: int

    @property
    def period(self) -> Period:
        return period_of(self.filters.dateRange, self.scheduledFor, self.timezone)


def period_of(date_range: str, moment: datetime, timezone: str) -> Period:
    """The period a date range names, seen from `moment` in `timezone`: `last_week` is the last full Monday-Sunday."""
    today = moment.astimezone(cron.zone(timezone)).date()
    if date_range == "last_week":
        this_monday = today - timedelta(days=today.weekday())
        return Period(start=this_monday - timedelta(days=7), end=this_monday - timedelta(days=1))
    if date_range == "last_7_days":
        return Period(start=today - timedelta(days=7), end=today - timedelta(days=1))
    if date_range == "last_30_days":
        return Period(start=today - timedelta(days=30), end=today - timedelta(days=1))
    return Period(start=today.replace(day=1), end=today)


class Access(BaseModel):
    """What a source grants a caller who may receive a report: the filters with defaults filled in, and its title."""

    filters: ReportFilters
    title: str


class ReportSource(Protocol):
    """One report type (`clinical_weekly`, the builder's `report`). Register it in `shared.pipeline.sources`."""

    report_type: ClassVar[str]
    aggregates: ClassVar[bool]
    """False when `aggregate` has nothing to do (its input is its output): the state machine skips the step."""

    def check_access(self, caller: Caller, report_id: str | None, filters: ReportFilters) -> Access:
        """May `caller` receive this report? Raise Forbidden (saying why) or InvalidInput; return the filters with
        defaults filled in (e.g. the caller's only trial) and the report's title (stored on subscriptions and jobs),
        from the one read that checked access."""
        ...

    def fetch(self, spec: ReportSpec) -> JsonValue:
        """The records and files the report covers. Raise TransientError for what a retry may fix."""
        ...

    def aggregate(self, spec: ReportSpec, fetched: JsonValue) -> JsonValue:
        """The figures and rows the document shows."""
        ...

    def build_document(
        self, spec: ReportSpec, aggregated: JsonValue, purpose: Literal["pdf", "csv", "xlsx"]
    ) -> Document:
        """The document for one format: a PDF shows the summary, charts and files; CSV takes the document's first
        table (the underlying rows); XLSX one sheet per table."""
        ...
