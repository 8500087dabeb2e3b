"""Multi-channel delivery, delivery records, stats and sweepers (seeds 002, 003)."""

from __future__ import annotations

from shared.catalog.model import Bucket, Function, Grant, Key, LakeTable, Queue, Table

INBOX = Table(
    id="inbox", env_var="INBOX_TABLE", partition_key=Key("userKey"), sort_key=Key("itemKey"), ttl_attribute="ttl"
)
"""The dashboard inbox: `userKey` = `tenant#user`, `itemKey` = `createdAt#deliveryId` (newest last)."""

DISTRIBUTION_STATS = Table(
    id="distribution-stats",
    env_var="DISTRIBUTION_STATS_TABLE",
    partition_key=Key("tenantId"),
    sort_key=Key("statKey"),
    ttl_attribute="ttl",
)
"""Seed 003's distribution_stats: one item per tenant, hour, report type and channel, counters added atomically."""

INBOX_API = Function(
    name="inbox-api",
    handler="functions.inbox_api.handler",
    kind="api",
    description="The caller's dashboard inbox: list (newest first, paged) and mark read",
    routes=("GET /api/inbox", "POST /api/inbox/{item_id}/read"),
    grants=(Grant("inbox", "read_write"),),
)
REPORTING_API = Function(
    name="reporting-api",
    handler="functions.reporting_api.handler",
    kind="api",
    description="Seed 003's reporting routes: distribution stats by report type, channel and hour",
    routes=("GET /api/v1/reporting/stats",),
    grants=(Grant("distribution-stats", "read"),),
)

CHANNEL_SENDERS: tuple[str, ...] = ()
"""Names of the functions that run delivery channels (the pipeline's Deliver step, the sweepers). `DeliveryConstruct`
grants each what the channels need beyond the catalog: the inbox and stats tables, SFTP key secrets, SNS push."""

TABLES: tuple[Table, ...] = (INBOX, DISTRIBUTION_STATS)
BUCKETS: tuple[Bucket, ...] = ()
QUEUES: tuple[Queue, ...] = ()
LAKE_TABLES: tuple[LakeTable, ...] = ()
FUNCTIONS: tuple[Function, ...] = (INBOX_API, REPORTING_API)
