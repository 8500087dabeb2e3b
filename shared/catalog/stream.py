"""Live status (seed 003's `WebSocket /api/v1/reporting/stream`): the WebSocket API, its connections, its functions."""

from __future__ import annotations

from shared.catalog.model import Bucket, EncryptionKey, Function, Grant, Key, LakeTable, Queue, Table, WebSocketApi

STREAM_PATH = "/api/v1/reporting/stream"

REPORTING_STREAM = WebSocketApi(id="reporting-stream", env_var="REPORTING_STREAM_ENDPOINT", path=STREAM_PATH)
"""Job and delivery status changes, pushed to the dashboards of the tenant (API Gateway WebSocket API)."""

STREAM_CONNECTIONS = Table(
    id="stream-connections",
    env_var="STREAM_CONNECTIONS_TABLE",
    partition_key=Key("tenantId"),
    sort_key=Key("connectionId"),
    ttl_attribute="ttl",
)
"""One item per open connection (who, which subscription and report types); expires with API Gateway's 2-hour cap."""

STREAM_AUTHORIZER = Function(
    name="stream-authorizer",
    handler="functions.stream_authorizer.handler",
    kind="authorizer",
    description="Authorises a stream $connect: the platform JWT from the `token` query parameter",
    websocket_api=REPORTING_STREAM.id,
    memory_mb=256,
    timeout_s=10,
)
STREAM_CONNECTIONS_FN = Function(
    name="stream-connections",
    handler="functions.stream_connections.handler",
    kind="websocket",
    description="The stream's $connect (records the caller's connection and filters), $disconnect and $default",
    routes=("$connect", "$disconnect", "$default"),
    websocket_api=REPORTING_STREAM.id,
    memory_mb=256,
    timeout_s=10,
    grants=(Grant(STREAM_CONNECTIONS.id, "read_write"),),
)
STREAM_PUBLISHER = Function(
    name="stream-publisher",
    handler="functions.stream_publisher.handler",
    kind="stream",
    description="Job and delivery status changes (DynamoDB streams) pushed to the connections allowed to see them",
    streams=("jobs", "deliveries"),
    memory_mb=256,
    timeout_s=60,
    grants=(Grant(STREAM_CONNECTIONS.id, "read_write"), Grant(REPORTING_STREAM.id, "manage_connections")),
)

TABLES: tuple[Table, ...] = (STREAM_CONNECTIONS,)
BUCKETS: tuple[Bucket, ...] = ()
QUEUES: tuple[Queue, ...] = ()
LAKE_TABLES: tuple[LakeTable, ...] = ()
KEYS: tuple[EncryptionKey, ...] = ()
WEBSOCKET_APIS: tuple[WebSocketApi, ...] = (REPORTING_STREAM,)
FUNCTIONS: tuple[Function, ...] = (STREAM_AUTHORIZER, STREAM_CONNECTIONS_FN, STREAM_PUBLISHER)
