"""Notification reports (seed 000): the notifications table, the device event logs, their functions."""

from __future__ import annotations

from shared.catalog.model import Bucket, Expiry, Function, Index, Key, LakeTable, Queue, Table

NOTIFICATIONS = Table(
    id="notifications",
    env_var="NOTIFICATIONS_TABLE",
    partition_key=Key("id"),
    indexes=(Index("sentTime-index", Key("type"), Key("sentTime")),),
    ttl_attribute="ttl",
)
EVENT_LOGS_BUCKET = Bucket(id="event-logs", env_var="EVENT_LOGS_BUCKET", expiries=(Expiry("", 21),))

TABLES: tuple[Table, ...] = (NOTIFICATIONS,)
BUCKETS: tuple[Bucket, ...] = (EVENT_LOGS_BUCKET,)
QUEUES: tuple[Queue, ...] = ()
LAKE_TABLES: tuple[LakeTable, ...] = ()
FUNCTIONS: tuple[Function, ...] = ()
