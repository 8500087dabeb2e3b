"""The local EventBridge Scheduler: fires the schedules stored in the local Scheduler (which fires nothing itself)
from the same cron + timezone maths, by starting the schedule's state machine with its input, the slot time filled in
as Scheduler would (`<aws.scheduler.scheduled-time>`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from local import function_env
from local.template import SCHEDULER_PRINCIPAL
from shared import cron
from shared.aws import client
from shared.observability import logger
from shared.settings import get_settings
from shared.subscriptions.scheduler import SCHEDULED_TIME


def scheduled_time(moment: datetime) -> str:
    """Scheduler's spelling of a slot: ISO-8601 UTC to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _schedules() -> list[dict[str, Any]]:
    scheduler = client("scheduler")
    group = get_settings().schedule_group
    found = []
    for page in scheduler.get_paginator("list_schedules").paginate(GroupName=group, State="ENABLED"):
        for summary in page.get("Schedules", []):
            found.append(scheduler.get_schedule(Name=summary["Name"], GroupName=group))
    return found


def due_slots(schedule: dict[str, Any], since: datetime, until: datetime) -> list[datetime]:
    """The schedule's runs in (since, until]."""
    five = cron.from_eventbridge(schedule["ScheduleExpression"])
    slots = []
    for moment in cron.runs(five, schedule.get("ScheduleExpressionTimezone") or "UTC", since):
        if moment > until:
            break
        slots.append(moment)
    return slots


def fire(schedule: dict[str, Any], moment: datetime) -> str:
    """Start the schedule's target for one slot, as Scheduler would (each firing its own execution name), with the
    Scheduler role's permissions."""
    target = schedule["Target"]
    run_input = target.get("Input", "{}").replace(SCHEDULED_TIME, scheduled_time(moment))
    name = f"{schedule['Name'][:40]}-{moment.astimezone(UTC):%Y%m%dT%H%M}-{uuid.uuid4().hex[:8]}"
    with function_env.running(SCHEDULER_PRINCIPAL):
        started = client("stepfunctions").start_execution(stateMachineArn=target["Arn"], input=run_input, name=name)
    arn: str = started["executionArn"]
    return arn


def fire_due_schedules(since: datetime, until: datetime) -> list[tuple[str, datetime]]:
    """A ticker for `local.crons.Clockwork`: fire every enabled schedule with a slot in (since, until]."""
    fired = []
    for schedule in _schedules():
        for moment in due_slots(schedule, since, until):
            try:
                fire(schedule, moment)
            except Exception:
                logger.exception("local schedule firing failed", extra={"schedule": schedule["Name"]})
                continue
            fired.append((schedule["Name"], moment))
    return fired
