"""Seed 004's schedules and exports over the one model: a schedule is a subscription with reportType `report`, an
export is a job of such a report (export id = job id). No data of their own: these functions map shapes and checks."""

from __future__ import annotations

from typing import get_args

from shared import cron
from shared.api.caller import Caller
from shared.delivery import registry
from shared.errors import InvalidInput, NotFound
from shared.exports.models import ExportIn, ExportOut, ExportPage, ScheduleIn, ScheduleOut, SchedulePage
from shared.jobs import logic as jobs
from shared.jobs.files import download_link
from shared.jobs.models import FINISHED, ExportSpec, Job
from shared.subscriptions import logic as subscriptions
from shared.subscriptions.models import (
    ChannelSpec,
    ReportFormat,
    Schedule,
    Subscription,
    SubscriptionCreate,
    SubscriptionUpdate,
)

REPORT_TYPE = "report"
FORMATS: tuple[str, ...] = get_args(ReportFormat)
DELIVERY_METHODS = {"email": ("email",), "s3": ("s3",), "both": ("email", "s3")}


def _format(value: str) -> ReportFormat:
    if value not in FORMATS:
        raise InvalidInput(f"format: {value[:16]!r} is not one of {', '.join(FORMATS)}")
    return value  # type: ignore[return-value]


def _schedule(body: ScheduleIn) -> Schedule:
    """The cron and timezone checked one part at a time, so the 400 names the part."""
    try:
        cron.parse(body.cron_expression)
    except InvalidInput as error:
        raise InvalidInput(f"cron_expression: {error}") from None
    try:
        cron.zone(body.timezone)
    except InvalidInput as error:
        raise InvalidInput(f"timezone: {error}") from None
    schedule = Schedule(cron=body.cron_expression, timezone=body.timezone)
    try:
        subscriptions.check_schedule(schedule)
    except InvalidInput as error:
        raise InvalidInput(f"cron_expression: {error}") from None
    return schedule


def _channels(body: ScheduleIn) -> list[ChannelSpec]:
    methods = DELIVERY_METHODS.get(body.delivery_method)
    if methods is None:
        raise InvalidInput(f"delivery_method: {body.delivery_method!r} is not one of {', '.join(DELIVERY_METHODS)}")
    channels = []
    if "email" in methods:
        if not body.recipients:
            raise InvalidInput("recipients: delivery by email needs at least one recipient")
        channels.append(ChannelSpec(channel="email", recipients=body.recipients))
    elif body.recipients:
        raise InvalidInput("recipients: only email delivery has recipients")
    if "s3" in methods:
        config = body.s3_config or {}
        target = f"s3://{config.get('bucket') or 'reports'}/{config.get('prefix') or ''}"
        channels.append(ChannelSpec(channel="s3", recipients=[target], config=config))
    elif body.s3_config is not None:
        raise InvalidInput("s3_config: only delivery_method s3 or both takes an S3 configuration")
    return registry.validate_channels(channels)


def schedule_view(subscription: Subscription) -> ScheduleOut:
    channels = {c.channel: c for c in subscription.channels}
    email, s3 = channels.get("email"), channels.get("s3")
    method = "both" if email and s3 else "s3" if s3 else "email"
    return ScheduleOut(
        id=subscription.subscriptionId,
        report_id=subscription.reportId,
        name=subscription.name,
        description=subscription.description,
        cron_expression=subscription.schedule.cron,
        timezone=subscription.schedule.timezone,
        schedule_description=subscription.scheduleDescription,
        format=subscription.formats[0],
        delivery_method=method,
        recipients=list(email.recipients) if email else [],
        s3_config=dict(s3.config) if s3 else None,
        is_active=subscription.status == "active",
        last_run_at=subscription.lastRunAt,
        next_run_at=subscription.nextRunAt,
        run_count=subscription.runCount,
        locale=subscription.locale,
        created_by=subscription.ownerId,
        created_at=subscription.createdAt,
        updated_at=subscription.updatedAt,
    )


def create_schedule(caller: Caller, body: ScheduleIn, schedule_id: str | None = None) -> ScheduleOut:
    created = subscriptions.create(
        caller,
        SubscriptionCreate(
            name=body.name,
            description=body.description,
            reportType=REPORT_TYPE,
            reportId=body.report_id,
            formats=[_format(body.format)],
            channels=_channels(body),
            schedule=_schedule(body),
            status="active" if body.is_active else "paused",
            locale=body.locale,
        ),
        subscription_id=schedule_id,
    )
    return schedule_view(created)


def _subscription(caller: Caller, schedule_id: str) -> Subscription:
    found = subscriptions.get(caller, schedule_id)
    if found.reportType != REPORT_TYPE:
        raise NotFound(f"no schedule {schedule_id}")
    return found


def get_schedule(caller: Caller, schedule_id: str) -> ScheduleOut:
    return schedule_view(_subscription(caller, schedule_id))


def list_schedules(caller: Caller, limit: int, cursor: str | None) -> SchedulePage:
    """The caller's report schedules (an admin: the tenant's), newest first."""
    page = subscriptions.list_subscriptions(caller, limit, cursor, everyone=caller.is_admin)
    return SchedulePage(items=[schedule_view(s) for s in page.items if s.reportType == REPORT_TYPE], cursor=page.cursor)


def replace_schedule(caller: Caller, schedule_id: str, body: ScheduleIn) -> ScheduleOut:
    """The schedule as given; a name left out keeps the current one (a schedule always has a name)."""
    current = _subscription(caller, schedule_id)
    updated = subscriptions.apply_update(
        caller,
        current,
        SubscriptionUpdate(
            name=body.name or current.name,
            description=body.description,
            reportId=body.report_id,
            formats=[_format(body.format)],
            channels=_channels(body),
            schedule=_schedule(body),
            status="active" if body.is_active else "paused",
            **({"locale": body.locale} if "locale" in body.model_fields_set else {}),
        ),
    )
    return schedule_view(updated)


def delete_schedule(caller: Caller, schedule_id: str) -> None:
    subscriptions.remove(_subscription(caller, schedule_id))


def toggle_schedule(caller: Caller, schedule_id: str) -> ScheduleOut:
    return schedule_view(subscriptions.toggled(caller, _subscription(caller, schedule_id)))


def run_schedule(caller: Caller, schedule_id: str) -> ExportOut:
    """Run now: the export (job) it started."""
    return export_view(subscriptions.run(_subscription(caller, schedule_id)))


def export_view(job: Job) -> ExportOut:
    artifact = job.artifacts[0] if job.artifacts else None
    return ExportOut(
        id=job.jobId,
        report_id=job.reportId,
        schedule_id=job.subscriptionId,
        name=job.title,
        format=artifact.format if artifact else job.formats[0],
        status=job.status,
        step=job.error.step if job.error else job.step,
        file_size=artifact.sizeBytes if artifact else None,
        row_count=artifact.rowCount if artifact else None,
        truncated=artifact.truncated if artifact else False,
        error_message=job.error.cause if job.error else None,
        download_url=download_link(job.jobId, artifact.format) if artifact and job.status in FINISHED else None,
        expires_at=artifact.expiresAt if artifact else None,
        execution_time_ms=job.executionTimeMs,
        created_at=job.createdAt,
        completed_at=job.completedAt,
    )


def _job(caller: Caller, export_id: str) -> Job:
    """Every job is an export (its artifacts), whatever its report type, until it is deleted."""
    job = jobs.get(caller, export_id)
    if job.deletedAt is not None:
        raise NotFound(f"no export {export_id}")
    return job


def create_export(caller: Caller, body: ExportIn) -> ExportOut:
    job = jobs.start_one_off_export(
        caller, ExportSpec(reportType=REPORT_TYPE, reportId=body.report_id, locale=body.locale), _format(body.format)
    )
    return export_view(job)


def get_export(caller: Caller, export_id: str) -> ExportOut:
    return export_view(_job(caller, export_id))


def list_exports(caller: Caller, limit: int, cursor: str | None) -> ExportPage:
    """The caller's exports, one-off and scheduled, of every report type (an admin: the tenant's), newest first."""
    found, next_cursor = jobs.list_for_tenant(caller, limit, cursor)
    return ExportPage(
        items=[export_view(j) for j in found if j.deletedAt is None],
        cursor=next_cursor,
    )


def retry_export(caller: Caller, export_id: str) -> ExportOut:
    """Start a failed export again (409 for any other status, 404 once deleted: `jobs.rerun` checks both)."""
    return export_view(jobs.rerun(caller, export_id))


def delete_export(caller: Caller, export_id: str) -> None:
    """`jobs.delete_export` reads the job once and checks the caller, a deleted export and the status."""
    jobs.delete_export(caller, export_id)
