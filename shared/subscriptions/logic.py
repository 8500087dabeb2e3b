"""Subscription use cases over one model: seed 001's routes now, seed 004's schedules over the same functions.

Each takes the verified caller and pydantic models; no boto3 here (stores do that)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from shared import clock, cron
from shared.api.caller import Caller
from shared.delivery.audience import check_inbox_recipients
from shared.delivery.registry import keep_secrets, masked_channels, seal_channels, validate_channels
from shared.delivery.targets import check_channel_targets
from shared.directory import Directory
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.jobs import logic as jobs
from shared.jobs.models import Job, JobPage, RunStarted
from shared.pipeline.sources import source_for
from shared.settings import get_settings
from shared.subscriptions import scheduler, store
from shared.subscriptions.models import (
    ChannelSpec,
    Schedule,
    Subscription,
    SubscriptionCreate,
    SubscriptionPage,
    SubscriptionUpdate,
)

MAX_PAGE = 100


def check_schedule(schedule: Schedule) -> None:
    """400 with a sentence for a bad cron, both day fields, an unknown timezone, or runs too close together."""
    minimum = timedelta(minutes=get_settings().minimum_schedule_interval_minutes)
    cron.check_schedule(schedule.cron, schedule.timezone, minimum)


def count_run(job: Job, now: str) -> None:
    """A job of a subscription completed: record the run on the subscription (last run, next run), once per job."""
    if not job.subscriptionId:
        return
    subscription = store.get(job.tenantId, job.subscriptionId)
    next_run = next_run_at(subscription.schedule) if subscription else None
    store.record_run(job.tenantId, job.subscriptionId, job.scheduledFor, next_run, now)


def next_run_at(schedule: Schedule) -> str:
    return clock.iso(cron.next_runs(schedule.cron, schedule.timezone, clock.now(), 1)[0])


def owner_email(caller: Caller) -> str | None:
    """The caller's address: the token's, else the user directory's (a 400 when the directory does not know the
    caller); None when the token has none and the deployment has no directory (an outside issuer)."""
    if caller.email:
        return caller.email
    users = Directory.configured()
    return users.email_of(caller.tenant, caller.sub) if users is not None else None


def _default_channels(email: str | None) -> list[ChannelSpec]:
    if not email:
        raise InvalidInput("give channels: your token carries no email address to send the report to")
    return [ChannelSpec(channel="email", recipients=[email])]


def create(caller: Caller, request: SubscriptionCreate, subscription_id: str | None = None) -> Subscription:
    """Check the caller may receive the report, save the subscription, then create its schedule. A given
    `subscription_id` (defaults made by a command) makes a second create a 409 instead of a second copy."""
    if request.userId is not None and request.userId != caller.sub:
        raise Forbidden("a subscription is always the caller's own: userId must be your user id or left out")
    if request.reportType == "report" and not request.reportId:
        raise InvalidInput("reportType 'report' needs the reportId of a saved report")
    source = source_for(request.reportType)
    check_schedule(request.schedule)
    access = source.check_access(caller, request.reportId, request.filters)
    check_inbox_recipients(request.channels or [], {caller.sub})
    check_channel_targets(request.channels or [], caller.tenant)
    email = owner_email(caller) if not request.channels else caller.email
    channels = seal_channels(validate_channels(request.channels or _default_channels(email)), caller.tenant)
    now = clock.iso(clock.now())
    subscription = Subscription(
        subscriptionId=subscription_id or f"sub_{uuid.uuid4().hex}",
        tenantId=caller.tenant,
        ownerId=caller.sub,
        ownerEmail=email,
        name=request.name or access.title,
        description=request.description,
        reportType=request.reportType,
        reportId=request.reportId,
        filters=access.filters,
        formats=request.formats,
        channels=channels,
        schedule=request.schedule,
        scheduleDescription=cron.describe(request.schedule.cron),
        status=request.status,
        locale=request.locale,
        createdAt=now,
        updatedAt=now,
        nextRunAt=next_run_at(request.schedule) if request.status == "active" else None,
    )
    store.put_new(subscription)
    try:
        scheduler.put_schedule(subscription)
    except Exception:
        store.delete(subscription.tenantId, subscription.subscriptionId)
        raise
    return subscription


def get(caller: Caller, subscription_id: str) -> Subscription:
    """The caller's subscription (an admin: any of the tenant's); anything else is a 404."""
    found = store.get(caller.tenant, subscription_id)
    if found is None or (not caller.is_admin and found.ownerId != caller.sub):
        raise NotFound(f"no subscription {subscription_id}")
    return found


def shown(subscription: Subscription) -> Subscription:
    """A subscription as replied: each channel's secret config fields as `***` (a PATCH may send them back so)."""
    return subscription.model_copy(update={"channels": masked_channels(subscription.channels)})


def list_subscriptions(
    caller: Caller, limit: int = 50, cursor: str | None = None, everyone: bool = False
) -> SubscriptionPage:
    """The caller's subscriptions, newest first; `everyone` (admins only) lists the whole tenant's."""
    size = min(max(limit, 1), MAX_PAGE)
    if everyone:
        caller.require_admin("list every subscription of the tenant")
        items, next_cursor = store.list_for_tenant(caller.tenant, size, cursor)
    else:
        items, next_cursor = store.list_for_owner(caller.tenant, caller.sub, size, cursor)
    return SubscriptionPage(items=items, cursor=next_cursor)


NULLABLE_FIELDS = frozenset({"description"})
"""Fields of `SubscriptionUpdate` a null clears; any other given as null is a 400 (it would leave a record the model
cannot read)."""


def update(caller: Caller, subscription_id: str, patch: SubscriptionUpdate) -> Subscription:
    """Change what was given; the schedule follows (expression, timezone, enabled or disabled)."""
    return apply_update(caller, get(caller, subscription_id), patch)


def apply_update(caller: Caller, current: Subscription, patch: SubscriptionUpdate) -> Subscription:
    """`update` of a subscription the caller has already read (and may access): no second read."""
    changes = patch.model_dump(exclude_unset=True)
    if not changes:
        return current
    cleared = sorted(k for k, v in changes.items() if v is None and k not in NULLABLE_FIELDS)
    if cleared:
        raise InvalidInput(f"{', '.join(cleared)}: may not be null (leave a field out to keep it)")
    updated = current.model_copy(update={k: getattr(patch, k) for k in changes})
    if patch.schedule is not None:
        check_schedule(patch.schedule)
        updated.scheduleDescription = cron.describe(patch.schedule.cron)
    other_report = patch.reportId is not None and patch.reportId != current.reportId
    if other_report and current.reportType != "report":
        raise InvalidInput(f"reportId: a {current.reportType} subscription names no saved report")
    if other_report or patch.filters is not None:
        access = source_for(current.reportType).check_access(caller, updated.reportId, updated.filters)
        updated.filters = access.filters
    if patch.channels is not None:
        check_inbox_recipients(patch.channels, {current.ownerId})
        check_channel_targets(patch.channels, current.tenantId)
        kept = keep_secrets(patch.channels, current.channels, current.tenantId)
        updated.channels = seal_channels(validate_channels(kept), current.tenantId)
    updated.nextRunAt = next_run_at(updated.schedule) if updated.status == "active" else None
    updated.updatedAt = clock.iso(clock.now())
    store.replace(updated, current.updatedAt)
    scheduler.put_schedule(updated)
    return updated


def toggle(caller: Caller, subscription_id: str) -> Subscription:
    """Seed 004's `PATCH /api/reports/schedules/{id}/toggle`."""
    return toggled(caller, get(caller, subscription_id))


def toggled(caller: Caller, current: Subscription) -> Subscription:
    """`toggle` of a subscription the caller has already read."""
    return apply_update(
        caller, current, SubscriptionUpdate(status="paused" if current.status == "active" else "active")
    )


def delete(caller: Caller, subscription_id: str) -> None:
    remove(get(caller, subscription_id))


def remove(current: Subscription) -> None:
    """Remove the schedule first (no further runs), then the subscription; its past jobs stay readable by id."""
    scheduler.delete_schedule(current.subscriptionId)
    store.delete(current.tenantId, current.subscriptionId)


def run_now(caller: Caller, subscription_id: str) -> RunStarted:
    job = run(get(caller, subscription_id))
    return RunStarted(jobId=job.jobId, status=job.status, scheduledFor=job.scheduledFor)


def run(subscription: Subscription) -> Job:
    """A run outside the schedule, for the slot `now` (so a double click within the same millisecond is one job)."""
    job, created = jobs.create_job_for_slot(subscription, clock.iso(clock.now()), kind="manual")
    if created:
        jobs.start_job(job)
    return job


def list_jobs(caller: Caller, subscription_id: str, limit: int = 20, cursor: str | None = None) -> JobPage:
    return jobs.list_for_subscription(caller, get(caller, subscription_id), limit, cursor)
