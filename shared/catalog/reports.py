"""Report builder, analytics tables and exports (seed 004)."""

from __future__ import annotations

from shared.catalog.model import Bucket, Column, EncryptionKey, Function, Grant, Key, LakeTable, Queue, Table

REPORT_DEFINITIONS = Table(
    id="report-definitions",
    env_var="REPORT_DEFINITIONS_TABLE",
    partition_key=Key("tenant_id"),
    sort_key=Key("report_id"),
)
"""Saved report definitions (seed 004's `reports` table), one partition per tenant."""

_DAILY = (Column("date", "varchar"),)
_DAILY_PROJECTION = {"date": {"type": "date", "range": "2020-01-01,NOW", "format": "yyyy-MM-dd", "interval": "1"}}

USAGE_EVENTS = LakeTable(
    name="usage_events",
    bucket="data-lake",
    prefix="analytics/usage_events",
    columns=(
        Column("event_id", "varchar"),
        Column("tenant_id", "varchar"),
        Column("user_id", "varchar"),
        Column("device_id", "varchar"),
        Column("session_id", "varchar"),
        Column("event_type", "varchar"),
        Column("feature", "varchar"),
        Column("platform", "varchar"),
        Column("country", "varchar"),
        Column("duration_ms", "bigint"),
        Column("timestamp", "timestamp"),
    ),
    partitions=_DAILY,
    projection=_DAILY_PROJECTION,
)
USER_SESSIONS = LakeTable(
    name="user_sessions",
    bucket="data-lake",
    prefix="analytics/user_sessions",
    columns=(
        Column("session_id", "varchar"),
        Column("tenant_id", "varchar"),
        Column("user_id", "varchar"),
        Column("device_id", "varchar"),
        Column("platform", "varchar"),
        Column("country", "varchar"),
        Column("started_at", "timestamp"),
        Column("ended_at", "timestamp"),
        Column("duration_s", "bigint"),
        Column("event_count", "bigint"),
        Column("converted", "boolean"),
    ),
    partitions=_DAILY,
    projection=_DAILY_PROJECTION,
)
DEVICE_METRICS = LakeTable(
    name="device_metrics",
    bucket="data-lake",
    prefix="analytics/device_metrics",
    columns=(
        Column("tenant_id", "varchar"),
        Column("device_id", "varchar"),
        Column("platform", "varchar"),
        Column("os_version", "varchar"),
        Column("app_version", "varchar"),
        Column("recorded_at", "timestamp"),
        Column("battery_pct", "double"),
        Column("memory_mb", "double"),
        Column("cpu_pct", "double"),
        Column("crash_count", "bigint"),
    ),
    partitions=_DAILY,
    projection=_DAILY_PROJECTION,
)

REPORTS_API = Function(
    name="reports-api",
    handler="functions.reports_api.handler",
    kind="api",
    description="Report builder: saved reports, their preview, the field catalog and query validation (seed 004)",
    routes=(
        "GET /api/reports",
        "POST /api/reports",
        "GET /api/reports/tables",
        "POST /api/reports/validate-query",
        "GET /api/reports/{report_id}",
        "PUT /api/reports/{report_id}",
        "DELETE /api/reports/{report_id}",
        "GET /api/reports/{report_id}/preview",
    ),
    memory_mb=1024,
    timeout_s=29,
    grants=(Grant("report-definitions", "read_write"),),
)
"""Its Athena, Glue and lake permissions come from the AnalyticsConstruct (`cdk/concerns/reports.py`)."""

TABLES: tuple[Table, ...] = (REPORT_DEFINITIONS,)
BUCKETS: tuple[Bucket, ...] = ()
QUEUES: tuple[Queue, ...] = ()
LAKE_TABLES: tuple[LakeTable, ...] = (USAGE_EVENTS, USER_SESSIONS, DEVICE_METRICS)
KEYS: tuple[EncryptionKey, ...] = ()
FUNCTIONS: tuple[Function, ...] = (REPORTS_API,)
