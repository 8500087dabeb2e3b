"""Seed 004's default "Usage Summary" report and the weekly schedule that mails it, as reusable definitions."""

from __future__ import annotations

from dataclasses import dataclass

from shared.api.caller import Caller
from shared.errors import Conflict
from shared.reports import logic, store
from shared.reports.models import Report, ReportIn, Visualization

USAGE_SUMMARY_ID = "usage-summary"
USAGE_SUMMARY_ROW_LIMIT = 1000


def usage_summary() -> ReportIn:
    """Per day, event type and tenant: total events, unique users, unique devices; last 7 days; newest day first."""
    return ReportIn(
        name="Usage Summary",
        description="Events, unique users and unique devices per day and event type over the last 7 days.",
        query={
            "table": "usage_events",
            "group_by": [
                {"field": "timestamp", "granularity": "day", "alias": "date"},
                "event_type",
                "tenant_id",
            ],
            "aggregations": [
                {"fn": "count", "alias": "total_events"},
                {"fn": "count_distinct", "field": "user_id", "alias": "unique_users"},
                {"fn": "count_distinct", "field": "device_id", "alias": "unique_devices"},
            ],
            "filters": [{"field": "timestamp", "op": "last_7_days"}],
            "order_by": [
                {"field": "date", "direction": "desc"},
                {"field": "total_events", "direction": "desc"},
                {"field": "event_type", "direction": "asc"},
            ],
            "limit": USAGE_SUMMARY_ROW_LIMIT,
        },
        visualization=Visualization(type="bar", x="date", y=["total_events"], series_by="event_type"),
        row_limit=USAGE_SUMMARY_ROW_LIMIT,
        is_public=True,
        tags=["default", "usage"],
    )


def ensure_usage_summary(tenant_id: str, created_by: str = "system") -> tuple[Report, bool]:
    """The tenant's "Usage Summary" report (id `usage-summary`), created if missing; True when it was created."""
    author = Caller(sub=created_by, tenant=tenant_id, roles=("admin",))
    try:
        return logic.create(author, usage_summary(), report_id=USAGE_SUMMARY_ID), True
    except Conflict:
        return store.get(tenant_id, USAGE_SUMMARY_ID), False


@dataclass(frozen=True)
class ScheduleDefaults:
    """What the pipeline's subscription for the weekly mail must hold (the pipeline owns the subscription model)."""

    name: str = "Weekly Usage Summary Email"
    report_id: str = USAGE_SUMMARY_ID
    cron: str = "0 9 * * 1"
    timezone: str = "America/New_York"
    format: str = "pdf"
    delivery_method: str = "email"
    active: bool = True


WEEKLY_USAGE_SUMMARY = ScheduleDefaults()
