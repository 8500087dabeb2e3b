"""The resource catalog: every table, bucket, queue, lake table and function, named once.

Each concern lists its entries in its own module; this package joins them. The CDK stacks and the local runtime both
build from it, and handler code finds a resource's physical name through the environment variable named here
(see `shared.settings`).
"""

from __future__ import annotations

from shared.catalog import delivery, notifications, pipeline, platform, reports, stream
from shared.catalog.model import (
    Access,
    Bucket,
    Column,
    EncryptionKey,
    Expiry,
    Function,
    FunctionKind,
    Grant,
    Index,
    Key,
    LakeTable,
    Queue,
    Table,
    UserDirectory,
    WebSocketApi,
)
from shared.catalog.platform import DOCS_API, HEALTH_API

_CONCERNS = (platform, notifications, pipeline, reports, delivery, stream)

TABLES: tuple[Table, ...] = tuple(t for c in _CONCERNS for t in c.TABLES)
BUCKETS: tuple[Bucket, ...] = tuple(b for c in _CONCERNS for b in c.BUCKETS)
QUEUES: tuple[Queue, ...] = tuple(q for c in _CONCERNS for q in c.QUEUES)
LAKE_TABLES: tuple[LakeTable, ...] = tuple(t for c in _CONCERNS for t in c.LAKE_TABLES)
FUNCTIONS: tuple[Function, ...] = tuple(f for c in _CONCERNS for f in c.FUNCTIONS)
KEYS: tuple[EncryptionKey, ...] = tuple(k for c in _CONCERNS for k in c.KEYS)
DIRECTORIES: tuple[UserDirectory, ...] = platform.DIRECTORIES
WEBSOCKET_APIS: tuple[WebSocketApi, ...] = tuple(a for c in _CONCERNS for a in getattr(c, "WEBSOCKET_APIS", ()))

Resource = Table | Bucket | Queue | EncryptionKey | UserDirectory | WebSocketApi


def function_named(name: str) -> Function:
    """The catalog entry of one function; KeyError names the unknown function."""
    for fn in FUNCTIONS:
        if fn.name == name:
            return fn
    raise KeyError(f"no function named {name!r} in the catalog")


def resource_by_id(resource_id: str) -> Resource:
    """The table, bucket, queue or key with this id."""
    resources: tuple[Resource, ...] = (*TABLES, *BUCKETS, *QUEUES, *KEYS, *DIRECTORIES, *WEBSOCKET_APIS)
    for resource in resources:
        if resource.id == resource_id:
            return resource
    raise KeyError(
        f"no table, bucket, queue, key, user directory or WebSocket API with id {resource_id!r} in the catalog"
    )


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
    for key in KEYS:
        names[key.env_var] = key.id
    for directory in DIRECTORIES:
        names[directory.env_var] = directory.id
    for api in WEBSOCKET_APIS:
        names[api.env_var] = api.id
    return names


def _check_unique() -> None:
    resources: tuple[Resource, ...] = (*TABLES, *BUCKETS, *QUEUES, *KEYS, *DIRECTORIES, *WEBSOCKET_APIS)
    for kind, names in (
        ("function", [f.name for f in FUNCTIONS]),
        ("resource", [r.id for r in resources]),
        ("environment variable", list(resource_env_vars())),
        ("lake table", [t.name for t in LAKE_TABLES]),
    ):
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ValueError(f"the catalog names a {kind} twice: {sorted(duplicates)}")
    env_vars = [r.env_var for r in resources]
    if len(env_vars) != len(set(env_vars)):
        raise ValueError("two catalog resources share an environment variable")


_check_unique()

__all__ = [
    "BUCKETS",
    "DIRECTORIES",
    "DOCS_API",
    "FUNCTIONS",
    "HEALTH_API",
    "KEYS",
    "LAKE_TABLES",
    "QUEUES",
    "TABLES",
    "WEBSOCKET_APIS",
    "Access",
    "Bucket",
    "Column",
    "EncryptionKey",
    "Expiry",
    "Function",
    "FunctionKind",
    "Grant",
    "Index",
    "Key",
    "LakeTable",
    "Queue",
    "Resource",
    "Table",
    "UserDirectory",
    "WebSocketApi",
    "function_named",
    "resource_by_id",
    "resource_env_vars",
]
