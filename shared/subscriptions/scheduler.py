"""EventBridge Scheduler access: one schedule per subscription, starting the report state machine."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from shared import cron
from shared.aws import client
from shared.errors import ConfigurationError
from shared.settings import get_settings
from shared.subscriptions.models import Subscription

SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
RETRY_POLICY = {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 5}


def schedule_name(subscription_id: str) -> str:
    """Schedule names are unique per group; subscription ids are unique everywhere."""
    return f"sub-{subscription_id}"


def run_input(subscription: Subscription) -> dict[str, str]:
    """What each firing hands the state machine: Scheduler fills in the slot's time."""
    return {
        "subscriptionId": subscription.subscriptionId,
        "tenantId": subscription.tenantId,
        "scheduledFor": SCHEDULED_TIME,
    }


def _definition(subscription: Subscription) -> dict[str, Any]:
    settings = get_settings()
    if not settings.state_machine_arn or not settings.scheduler_role_arn:
        raise ConfigurationError("STATE_MACHINE_ARN and SCHEDULER_ROLE_ARN must be set to manage schedules")
    target: dict[str, Any] = {
        "Arn": settings.state_machine_arn,
        "RoleArn": settings.scheduler_role_arn,
        "Input": json.dumps(run_input(subscription)),
        "RetryPolicy": RETRY_POLICY,
    }
    if settings.scheduler_dlq_arn:
        target["DeadLetterConfig"] = {"Arn": settings.scheduler_dlq_arn}
    return {
        "Name": schedule_name(subscription.subscriptionId),
        "GroupName": settings.schedule_group,
        "ScheduleExpression": cron.to_eventbridge(subscription.schedule.cron),
        "ScheduleExpressionTimezone": subscription.schedule.timezone,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED" if subscription.status == "active" else "DISABLED",
        "Description": f"{subscription.reportType} for {subscription.ownerId} ({subscription.tenantId})"[:512],
        "Target": target,
    }


def put_schedule(subscription: Subscription) -> None:
    """Create the subscription's schedule, or bring it in line with the subscription (expression, state)."""
    scheduler = client("scheduler")
    definition = _definition(subscription)
    try:
        scheduler.update_schedule(**definition)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        scheduler.create_schedule(**definition)


def delete_schedule(subscription_id: str) -> None:
    """Remove the schedule and so every future run; a schedule already gone is fine."""
    try:
        client("scheduler").delete_schedule(
            Name=schedule_name(subscription_id), GroupName=get_settings().schedule_group
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise


def describe_schedule(subscription_id: str) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = client("scheduler").get_schedule(
            Name=schedule_name(subscription_id), GroupName=get_settings().schedule_group
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return None
        raise
    return found
