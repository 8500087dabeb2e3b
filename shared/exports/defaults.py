"""Seed 004's defaults for a tenant: the "Usage Summary" report and its "Weekly Usage Summary Email" schedule.

Idempotent and race-safe: both have fixed ids written with conditional puts, so running it again (or twice at once)
creates nothing new. Used by `python -m local init-defaults` and by the deployed `init-defaults` Lambda."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, Field

from shared.api.caller import Caller
from shared.errors import Conflict
from shared.exports import logic
from shared.exports.models import ScheduleIn, ScheduleOut
from shared.reports.defaults import WEEKLY_USAGE_SUMMARY, ensure_usage_summary

WEEKLY_SCHEDULE_ID = "sub_weekly-usage-summary"
"""The id of each tenant's weekly Usage Summary schedule (a subscription id)."""


class InitDefaults(BaseModel):
    """What to create, and for whom (the Lambda's payload)."""

    tenant: str = Field(min_length=1, max_length=64)
    recipients: list[str] = Field(min_length=1, max_length=50)
    created_by: str = Field("system", min_length=1, max_length=128)


class InitDefaultsResult(BaseModel):
    tenant: str
    report_id: str
    report_created: bool
    schedule: ScheduleOut
    schedule_created: bool
    log: list[str]
    """The progress lines, in order (the command prints them)."""


def init_defaults(request: InitDefaults, report_line: Callable[[str], None] = lambda line: None) -> InitDefaultsResult:
    """Create what is missing of the tenant's defaults, saying what was done on `report_line` and in the result."""
    log: list[str] = []

    def progress(line: str) -> None:
        log.append(line)
        report_line(line)

    progress(f'[1/2] report "Usage Summary" for tenant {request.tenant}')
    report, report_created = ensure_usage_summary(request.tenant, request.created_by)
    progress(f"      {'created' if report_created else 'already there'}: {report.id}")
    progress(f'[2/2] schedule "{WEEKLY_USAGE_SUMMARY.name}"')
    owner = Caller(sub=request.created_by, tenant=request.tenant, roles=("admin",))
    defaults = WEEKLY_USAGE_SUMMARY
    body = ScheduleIn(
        report_id=report.id,
        name=defaults.name,
        description="The Usage Summary report as a PDF, every Monday at 09:00 New York time.",
        cron_expression=defaults.cron,
        timezone=defaults.timezone,
        format=defaults.format,
        delivery_method=defaults.delivery_method,
        recipients=request.recipients,
        is_active=defaults.active,
    )
    try:
        schedule, schedule_created = logic.create_schedule(owner, body, schedule_id=WEEKLY_SCHEDULE_ID), True
    except Conflict:
        schedule, schedule_created = logic.get_schedule(owner, WEEKLY_SCHEDULE_ID), False
    verb = "created" if schedule_created else "already there"
    progress(
        f"      {verb}: {schedule.id} ({schedule.schedule_description} {schedule.timezone}, {schedule.format}, "
        f"{schedule.delivery_method} to {', '.join(schedule.recipients)}; next run {schedule.next_run_at})"
    )
    return InitDefaultsResult(
        tenant=request.tenant,
        report_id=report.id,
        report_created=report_created,
        schedule=schedule,
        schedule_created=schedule_created,
        log=log,
    )
