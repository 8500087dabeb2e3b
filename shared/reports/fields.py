"""The catalog of what a report may name: per analytics table, its fields, their types, and the filters and
aggregations each allows. Nothing outside this catalog ever reaches SQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shared.catalog import LakeTable
from shared.catalog.reports import DEVICE_METRICS, USAGE_EVENTS, USER_SESSIONS

FieldType = Literal["string", "integer", "number", "timestamp", "boolean"]
Operator = Literal[
    "eq",
    "neq",
    "in",
    "gt",
    "gte",
    "lt",
    "lte",
    "between",
    "today",
    "yesterday",
    "last_7_days",
    "last_30_days",
    "last_90_days",
    "this_week",
    "last_week",
    "this_month",
    "last_month",
]
AggregationFn = Literal["count", "count_distinct", "sum", "avg", "min", "max"]
Granularity = Literal["hour", "day", "week", "month"]

RELATIVE_RANGES: tuple[Operator, ...] = (
    "today",
    "yesterday",
    "last_7_days",
    "last_30_days",
    "last_90_days",
    "this_week",
    "last_week",
    "this_month",
    "last_month",
)
VALUE_OPERATORS: tuple[Operator, ...] = ("eq", "neq", "in", "gt", "gte", "lt", "lte", "between")

_SQL_TYPE: dict[FieldType, str] = {
    "string": "varchar",
    "integer": "bigint",
    "number": "double",
    "timestamp": "timestamp",
    "boolean": "boolean",
}
_OPERATORS: dict[str, tuple[Operator, ...]] = {
    "dimension": ("eq", "neq", "in"),
    "identifier": ("eq", "neq", "in"),
    "measure": ("eq", "neq", "in", "gt", "gte", "lt", "lte", "between"),
    "time": ("gt", "gte", "lt", "lte", "between", *RELATIVE_RANGES),
    "flag": ("eq", "neq"),
}
_AGGREGATIONS: dict[str, tuple[AggregationFn, ...]] = {
    "dimension": ("count", "count_distinct"),
    "identifier": ("count", "count_distinct"),
    "measure": ("count", "count_distinct", "sum", "avg", "min", "max"),
    "time": ("count", "min", "max"),
    "flag": ("count",),
}
_ROLE_OF_TYPE: dict[FieldType, str] = {
    "string": "dimension",
    "integer": "measure",
    "number": "measure",
    "timestamp": "time",
    "boolean": "flag",
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: FieldType
    label: str
    description: str
    operators: tuple[Operator, ...]
    aggregations: tuple[AggregationFn, ...]
    groupable: bool = True
    granularities: tuple[Granularity, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    name: str
    label: str
    description: str
    lake_table: LakeTable
    time_field: str
    """The timestamp field whose UTC date is the table's `date` partition: its range filters prune partitions."""
    fields: tuple[FieldSpec, ...]

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


def _field(
    name: str, type_: FieldType, label: str, description: str, *, identifier: bool = False, groupable: bool = True
) -> FieldSpec:
    role = "identifier" if identifier else _ROLE_OF_TYPE[type_]
    return FieldSpec(
        name=name,
        type=type_,
        label=label,
        description=description,
        operators=_OPERATORS[role],
        aggregations=_AGGREGATIONS[role],
        groupable=groupable,
        granularities=("hour", "day", "week", "month") if type_ == "timestamp" else (),
    )


def _shared_fields(subject: str) -> dict[str, FieldSpec]:
    """The fields every analytics table has, described for its `subject` (event, session, sample)."""
    return {
        "tenant_id": _field("tenant_id", "string", "Tenant", f"The tenant the {subject} belongs to"),
        "platform": _field("platform", "string", "Platform", "ios, android or web"),
        "country": _field("country", "string", "Country", "ISO 3166 country code of the device"),
        "user_id": _field("user_id", "string", "User", f"The user of the {subject}", identifier=True),
        "device_id": _field("device_id", "string", "Device", f"The device of the {subject}", identifier=True),
    }


_EVENT = _shared_fields("event")
_SESSION = _shared_fields("session")
_SAMPLE = _shared_fields("sample")

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        name="usage_events",
        label="Usage events",
        description="One row per event a user's device reported (views, clicks, logins, searches ...).",
        lake_table=USAGE_EVENTS,
        time_field="timestamp",
        fields=(
            _field("timestamp", "timestamp", "Time", "When the event happened (UTC)"),
            _EVENT["tenant_id"],
            _field("event_type", "string", "Event type", "page_view, click, search, login, logout, export ..."),
            _field("feature", "string", "Feature", "The product area the event happened in"),
            _EVENT["platform"],
            _EVENT["country"],
            _EVENT["user_id"],
            _EVENT["device_id"],
            _field("session_id", "string", "Session", "The session the event belongs to", identifier=True),
            _field("event_id", "string", "Event id", "Unique id of the event", identifier=True, groupable=False),
            _field("duration_ms", "integer", "Duration (ms)", "Time the user spent on the event"),
        ),
    ),
    TableSpec(
        name="user_sessions",
        label="User sessions",
        description="One row per app session: start, end, length, events and whether it converted.",
        lake_table=USER_SESSIONS,
        time_field="started_at",
        fields=(
            _field("started_at", "timestamp", "Started", "When the session started (UTC)"),
            _field("ended_at", "timestamp", "Ended", "When the session ended (UTC)"),
            _SESSION["tenant_id"],
            _SESSION["platform"],
            _SESSION["country"],
            _SESSION["user_id"],
            _SESSION["device_id"],
            _field("session_id", "string", "Session", "Unique id of the session", identifier=True, groupable=False),
            _field("duration_s", "integer", "Duration (s)", "Length of the session in seconds"),
            _field("event_count", "integer", "Events", "Events recorded during the session"),
            _field("converted", "boolean", "Converted", "Whether the session ended in a purchase or export"),
        ),
    ),
    TableSpec(
        name="device_metrics",
        label="Device metrics",
        description="Periodic health samples from devices: battery, memory, CPU, crashes.",
        lake_table=DEVICE_METRICS,
        time_field="recorded_at",
        fields=(
            _field("recorded_at", "timestamp", "Recorded", "When the sample was taken (UTC)"),
            _SAMPLE["tenant_id"],
            _SAMPLE["platform"],
            _field("os_version", "string", "OS version", "Operating system version"),
            _field("app_version", "string", "App version", "Version of the app"),
            _SAMPLE["device_id"],
            _field("battery_pct", "number", "Battery (%)", "Battery charge in percent"),
            _field("memory_mb", "number", "Memory (MB)", "Memory used by the app"),
            _field("cpu_pct", "number", "CPU (%)", "CPU used by the app"),
            _field("crash_count", "integer", "Crashes", "Crashes since the previous sample"),
        ),
    ),
)

TENANT_FIELD = "tenant_id"


def table_named(name: str) -> TableSpec | None:
    return next((t for t in TABLES if t.name == name), None)


def _check_against_lake_tables() -> None:
    """Every field is a column of its lake table with the matching SQL type; every table has the tenant column."""
    for table in TABLES:
        columns = {c.name: c.type for c in table.lake_table.columns}
        if TENANT_FIELD not in columns:
            raise ValueError(f"lake table {table.name} has no {TENANT_FIELD} column")
        for spec in table.fields:
            if columns.get(spec.name) != _SQL_TYPE[spec.type]:
                raise ValueError(f"field {table.name}.{spec.name} does not match a {_SQL_TYPE[spec.type]} column")
        time_field = table.field(table.time_field)
        if time_field is None or time_field.type != "timestamp":
            raise ValueError(f"table {table.name}: the time field must be a timestamp field")


_check_against_lake_tables()
