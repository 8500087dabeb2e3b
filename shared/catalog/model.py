"""The shapes of catalog entries: tables, buckets, queues, lake tables and functions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

AttrType = Literal["S", "N"]

PARTITION_KEY_MAX_BYTES = 2048
SORT_KEY_MAX_BYTES = 1024
"""DynamoDB's limits on a key attribute's value (UTF-8 bytes of a string)."""


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
    stream: bool = False
    """A DynamoDB stream of new and old images, read by the functions that name the table in `streams`."""

    def start_key_types(self, index_name: str | None = None) -> dict[str, AttrType]:
        """The attributes (name: type) of a Query's `LastEvaluatedKey`: the table's key, plus the index's for one."""
        keys = [self.partition_key, self.sort_key]
        if index_name is not None:
            (index,) = (i for i in self.indexes if i.name == index_name)
            keys += [index.partition_key, index.sort_key]
        return {key.name: key.type for key in keys if key is not None}

    def start_key_max_bytes(self, index_name: str | None = None) -> dict[str, int]:
        """The longest value (UTF-8 bytes) each attribute of a start key may have: the strictest of its roles."""
        roles = [(self.partition_key, PARTITION_KEY_MAX_BYTES), (self.sort_key, SORT_KEY_MAX_BYTES)]
        if index_name is not None:
            (index,) = (i for i in self.indexes if i.name == index_name)
            roles += [(index.partition_key, PARTITION_KEY_MAX_BYTES), (index.sort_key, SORT_KEY_MAX_BYTES)]
        limits: dict[str, int] = {}
        for key, limit in roles:
            if key is not None:
                limits[key.name] = min(limit, limits.get(key.name, limit))
        return limits


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
    browser_downloads: bool = False
    """Presigned GETs are fetched by the dashboard page from another origin: allow cross-origin GET (CORS)."""


@dataclass(frozen=True)
class EncryptionKey:
    """A customer-managed KMS key (rotated yearly) that seals fields inside items; `env_var` carries its ARN."""

    id: str
    env_var: str
    description: str


@dataclass(frozen=True)
class Queue:
    id: str
    env_var: str
    visibility_timeout_s: int = 60
    max_receive_count: int = 5
    dlq_env_var: str | None = None
    """None: the queue is itself a dead-letter queue (no DLQ of its own)."""


@dataclass(frozen=True)
class UserDirectory:
    """The user directory (a Cognito user pool; moto's locally): `env_var` carries the pool id. Absent in a deploy
    that trusts an outside issuer, where recipients come only from tokens."""

    id: str
    env_var: str
    tenant_attribute: str = "custom:tenant"
    roles_attribute: str = "custom:roles"


@dataclass(frozen=True)
class WebSocketApi:
    """An API Gateway WebSocket API; `env_var` carries its connections endpoint (`https://.../<stage>`), which
    functions with a `manage_connections` grant post to (`execute-api:ManageConnections`)."""

    id: str
    env_var: str
    path: str
    """Where the local runtime serves it on its HTTP port (in AWS: the API's own URL)."""
    stage: str = "live"
    """The API Gateway stage its clients connect to and its connections endpoint is under."""


FunctionKind = Literal["api", "cron", "queue", "task", "user-pool-trigger", "stream", "websocket", "authorizer"]
"""`user-pool-trigger`: invoked by the user pool itself (built in the stateful stack, beside the pool); `stream`: reads
the DynamoDB streams of the tables in `streams`; `websocket`: handles a WebSocket API's route keys (`$connect`,
`$disconnect`, `$default`); `authorizer`: a Lambda REQUEST authorizer of a WebSocket API's `$connect`."""
Access = Literal[
    "read", "write", "read_write", "send", "consume", "encrypt", "decrypt", "encrypt_decrypt", "manage_connections"
]


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
    authorizer: str | None = None
    """For `api`: the catalogued function that authorizes its `routes` (a Lambda REQUEST authorizer) in place of the
    JWT authorizer; None: the JWT authorizer."""
    schedule: str | None = None
    """For `cron`: an EventBridge schedule expression, `cron(...)` or `rate(...)`."""
    queue: str | None = None
    """For `queue`: the id of the SQS queue it consumes."""
    streams: tuple[str, ...] = ()
    """For `stream`: the ids of the tables (with `stream=True`) whose changes it is given."""
    websocket_api: str | None = None
    """For `websocket` and `authorizer`: the id of the WebSocket API it serves."""
    memory_mb: int = 512
    timeout_s: int = 30
    grants: tuple[Grant, ...] = ()
    environment: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    """An SQL type both engines accept: varchar, bigint, double, boolean, timestamp, date."""


@dataclass(frozen=True)
class LakeTable:
    """A table of files in a bucket: a Glue table (partition projection) for Athena, a file list for DuckDB.

    Objects live under `<prefix>/<partition>=<value>/.../<file>` and hold JSON lines."""

    name: str
    bucket: str
    """The id of the catalogued bucket holding it."""
    prefix: str
    columns: tuple[Column, ...]
    partitions: tuple[Column, ...] = ()
    projection: dict[str, dict[str, str]] = field(default_factory=dict)
    """Partition projection settings per partition column (`type`, `range`, `format`, `interval` ...)."""
