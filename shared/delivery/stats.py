"""Seed 003's distribution stats: per tenant, report type, channel and hour: deliveries attempted, delivered and failed,
and the delivery time of those delivered.

Each recorded attempt is one atomic `ADD` on the hour's item of the `distribution-stats` table (no read, no race) and
one EMF blob of CloudWatch metrics (namespace from `POWERTOOLS_METRICS_NAMESPACE`, dimensions `report_type` and
`channel`): `DeliveriesAttempted`, `DeliveriesDelivered`, `DeliveriesFailed`, `DeliveryTime` (ms, delivered only).
`attempted` counts every try; a try that failed transiently (outcome `retrying`) is neither delivered nor failed.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from pydantic import BaseModel, Field

from shared import clock
from shared.aws import resource
from shared.catalog.delivery import DISTRIBUTION_STATS
from shared.settings import get_settings

Outcome = Literal["delivered", "failed", "retrying"]
HOUR_FORMAT = "%Y-%m-%dT%H"
DEFAULT_NAMESPACE = "ReportPlatform"


def stat_key(hour: str, report_type: str, channel: str) -> str:
    return f"{hour}#{report_type}#{channel}"


def emit_metrics(report_type: str, channel: str, outcome: Outcome, duration_ms: float) -> None:
    """One EMF blob for this attempt (nothing is printed when POWERTOOLS_METRICS_DISABLED is true)."""
    metrics = EphemeralMetrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", DEFAULT_NAMESPACE))
    metrics.add_dimension(name="report_type", value=report_type)
    metrics.add_dimension(name="channel", value=channel)
    metrics.add_metric(name="DeliveriesAttempted", unit=MetricUnit.Count, value=1)
    if outcome == "delivered":
        metrics.add_metric(name="DeliveriesDelivered", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="DeliveryTime", unit=MetricUnit.Milliseconds, value=duration_ms)
    elif outcome == "failed":
        metrics.add_metric(name="DeliveriesFailed", unit=MetricUnit.Count, value=1)
    metrics.flush_metrics()


def record_attempt(
    tenant_id: str,
    report_type: str,
    channel: str,
    outcome: Outcome,
    duration_ms: float,
    at: datetime | None = None,
) -> None:
    """Count one delivery attempt in its hour (the hour of `at`, default now) and emit its metrics."""
    moment = at or clock.now()
    hour = moment.strftime(HOUR_FORMAT)
    delivered = outcome == "delivered"
    table = resource("dynamodb").Table(get_settings().name_of(DISTRIBUTION_STATS))
    table.update_item(
        Key={"tenantId": tenant_id, "statKey": stat_key(hour, report_type, channel)},
        UpdateExpression=(
            "ADD attempted :one, delivered :delivered, failed :failed, totalDeliveryMs :ms "
            "SET #hour = :hour, reportType = :type, channel = :channel, #ttl = if_not_exists(#ttl, :ttl)"
        ),
        ExpressionAttributeNames={"#hour": "hour", "#ttl": "ttl"},
        ExpressionAttributeValues={
            ":one": 1,
            ":delivered": 1 if delivered else 0,
            ":failed": 1 if outcome == "failed" else 0,
            ":ms": Decimal(str(round(duration_ms, 3))) if delivered else Decimal(0),
            ":hour": hour,
            ":type": report_type,
            ":channel": channel,
            ":ttl": int((moment + timedelta(days=get_settings().stats_ttl_days)).timestamp()),
        },
    )
    emit_metrics(report_type, channel, outcome, duration_ms)


class StatsRow(BaseModel):
    """Seed 003's `distribution_stats` row for one hour, report type and channel."""

    timestamp: str = Field(description="start of the hour, ISO-8601 UTC")
    report_type: str
    channel: str
    deliveries_attempted: int
    deliveries_successful: int
    deliveries_failed: int
    avg_delivery_time_ms: float | None = Field(description="mean time of the delivered ones; none if none was")


def _row(item: dict[str, Any]) -> StatsRow:
    delivered = int(item.get("delivered", 0))
    total_ms = float(item.get("totalDeliveryMs", 0))
    return StatsRow(
        timestamp=f"{item['hour']}:00:00.000Z",
        report_type=item["reportType"],
        channel=item["channel"],
        deliveries_attempted=int(item.get("attempted", 0)),
        deliveries_successful=delivered,
        deliveries_failed=int(item.get("failed", 0)),
        avg_delivery_time_ms=round(total_ms / delivered, 3) if delivered else None,
    )


def read_stats(
    tenant_id: str, start: datetime, until: datetime, channel: str | None = None, report_type: str | None = None
) -> list[StatsRow]:
    """The tenant's hourly rows whose hour starts in [hour of `start`, hour of `until`], oldest first."""
    table = resource("dynamodb").Table(get_settings().name_of(DISTRIBUTION_STATS))
    params: dict[str, Any] = {
        "KeyConditionExpression": "tenantId = :t AND statKey BETWEEN :lo AND :hi",
        "ExpressionAttributeValues": {
            ":t": tenant_id,
            ":lo": start.strftime(HOUR_FORMAT),
            ":hi": until.strftime(HOUR_FORMAT) + "~",
        },
    }
    rows: list[StatsRow] = []
    while True:
        page = table.query(**params)
        rows.extend(
            _row(item)
            for item in page.get("Items", [])
            if (channel is None or item["channel"] == channel)
            and (report_type is None or item["reportType"] == report_type)
        )
        if "LastEvaluatedKey" not in page:
            return rows
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def totals(rows: list[StatsRow]) -> StatsRow | None:
    """All rows summed (timestamp: the first row's hour); None for no rows."""
    if not rows:
        return None
    delivered = sum(r.deliveries_successful for r in rows)
    total_ms = sum((r.avg_delivery_time_ms or 0.0) * r.deliveries_successful for r in rows)
    return StatsRow(
        timestamp=rows[0].timestamp,
        report_type="*" if len({r.report_type for r in rows}) > 1 else rows[0].report_type,
        channel="*" if len({r.channel for r in rows}) > 1 else rows[0].channel,
        deliveries_attempted=sum(r.deliveries_attempted for r in rows),
        deliveries_successful=delivered,
        deliveries_failed=sum(r.deliveries_failed for r in rows),
        avg_delivery_time_ms=round(total_ms / delivered, 3) if delivered else None,
    )
