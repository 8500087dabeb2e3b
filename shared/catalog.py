"""The resource catalog: every table, bucket, queue and function, named once.

The CDK stacks and the local runtime both build from these definitions; handler code finds a resource's physical name
through the environment variable named here (see `shared.settings`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

AttrType = Literal["S", "N"]


@dataclass(frozen=True)
class Key:
    name: str
    type: AttrType = "S"


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: Key
    sort_key: Key | None = None


@dataclass(frozen=True)
class Table:
    id: str
    env_var: str
    partition_key: Key
    sort_key: Key | None = None
    indexes: tuple[Index, ...] = ()
    ttl_attribute: str | None = None


@dataclass(frozen=True)
class Expiry:
    """Objects under `prefix` expire after `days` (an empty prefix is the whole bucket)."""

    prefix: str
    days: int


@dataclass(frozen=True)
class Bucket:
    id: str
    env_var: str
    expiries: tuple[Expiry, ...] = ()


@dataclass(frozen=True)
class Queue:
    id: str
    env_var: str
    visibility_timeout_s: int = 60
    max_receive_count: int = 5
    dlq_env_var: str | None = None
    """None: the queue is itself a dead-letter queue (no DLQ of its own)."""


FunctionKind = Literal["api", "cron", "queue", "task"]
Access = Literal["read", "write", "read_write", "send", "consume"]


@dataclass(frozen=True)
class Grant:
    """A function's use of one catalogued resource; CDK turns it into the matching `grant_*` call and env var."""

    resource: str
    access: Access


@dataclass(frozen=True)
class Function:
    """A Lambda function: `handler` is `module.attribute` under `functions/`."""

    name: str
    handler: str
    kind: FunctionKind
    description: str
    routes: tuple[str, ...] = ()
    """For `api`: API Gateway route keys (`GET /x`, `ANY /x/{proxy+}`); `public` routes carry no authorizer."""
    public_routes: tuple[str, ...] = ()
    schedule: str | None = None
    """For `cron`: an EventBridge schedule expression, `cron(...)` or `rate(...)`."""
    queue: str | None = None
    """For `queue`: the id of the SQS queue it consumes."""
    memory_mb: int = 512
    timeout_s: int = 30
    reserved_concurrency: int | None = None
    grants: tuple[Grant, ...] = ()
    environment: dict[str, str] = field(default_factory=dict)


# --- Tables -------------------------------------------------------------------------------------------------------

NOTIFICATIONS = Table(
    id="notifications",
    env_var="NOTIFICATIONS_TABLE",
    partition_key=Key("id"),
    indexes=(Index("sentTime-index", Key("type"), Key("sentTime")),),
    ttl_attribute="ttl",
)

IDEMPOTENCY = Table(
    id="idempotency",
    env_var="IDEMPOTENCY_TABLE",
    partition_key=Key("id"),
    ttl_attribute="expiration",
)

TABLES: tuple[Table, ...] = (NOTIFICATIONS, IDEMPOTENCY)

# --- Buckets ------------------------------------------------------------------------------------------------------

REPORTS_BUCKET = Bucket(
    id="reports",
    env_var="REPORTS_BUCKET",
    expiries=(Expiry("exports/", 30), Expiry("work/", 7)),
)
DATA_LAKE_BUCKET = Bucket(id="data-lake", env_var="DATA_LAKE_BUCKET")
EVENT_LOGS_BUCKET = Bucket(id="event-logs", env_var="EVENT_LOGS_BUCKET", expiries=(Expiry("", 21),))
ATHENA_RESULTS_BUCKET = Bucket(id="athena-results", env_var="ATHENA_RESULTS_BUCKET", expiries=(Expiry("", 7),))

BUCKETS: tuple[Bucket, ...] = (REPORTS_BUCKET, DATA_LAKE_BUCKET, EVENT_LOGS_BUCKET, ATHENA_RESULTS_BUCKET)

# --- Queues -------------------------------------------------------------------------------------------------------

QUEUES: tuple[Queue, ...] = ()

# --- Functions ----------------------------------------------------------------------------------------------------

HEALTH_API = Function(
    name="health-api",
    handler="functions.health_api.handler",
    kind="api",
    description="GET /health, the API's open liveness check",
    public_routes=("GET /health",),
    memory_mb=256,
)

DOCS_API = Function(
    name="docs-api",
    handler="functions.docs_api.handler",
    kind="api",
    description="The OpenAPI document of every route and its Swagger UI",
    routes=("GET /api/openapi.json", "GET /api/docs"),
)

FUNCTIONS: tuple[Function, ...] = (HEALTH_API, DOCS_API)


def function_named(name: str) -> Function:
    """The catalog entry of one function; KeyError names the unknown function."""
    for fn in FUNCTIONS:
        if fn.name == name:
            return fn
    raise KeyError(f"no function named {name!r} in the catalog")


def resource_by_id(resource_id: str) -> Table | Bucket | Queue:
    """The table, bucket or queue with this id (a queue's DLQ is `<queue id>-dlq`)."""
    resources: tuple[Table | Bucket | Queue, ...] = (*TABLES, *BUCKETS, *QUEUES)
    for resource in resources:
        if resource.id == resource_id:
            return resource
    raise KeyError(f"no table, bucket or queue with id {resource_id!r} in the catalog")


def resource_env_vars() -> dict[str, str]:
    """Every environment variable of the catalog, mapped to the resource id it names."""
    names: dict[str, str] = {}
    for table in TABLES:
        names[table.env_var] = table.id
    for bucket in BUCKETS:
        names[bucket.env_var] = bucket.id
    for queue in QUEUES:
        names[queue.env_var] = queue.id
        if queue.dlq_env_var:
            names[queue.dlq_env_var] = f"{queue.id}-dlq"
    return names
