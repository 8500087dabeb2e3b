"""Multi-channel delivery, delivery records, stats and sweepers (seeds 002, 003)."""

from __future__ import annotations

from shared.catalog.model import Bucket, Function, LakeTable, Queue, Table

TABLES: tuple[Table, ...] = ()
BUCKETS: tuple[Bucket, ...] = ()
QUEUES: tuple[Queue, ...] = ()
LAKE_TABLES: tuple[LakeTable, ...] = ()
FUNCTIONS: tuple[Function, ...] = ()
