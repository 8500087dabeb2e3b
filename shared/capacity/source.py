"""The subscriptions the capacity model plans for, read from a subscriptions table (the local twin's or a deployed
stack's): every active one, whatever its tenant. A planning read (a paged Scan), never on a request path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shared.aws import resource
from shared.capacity.workload import Subscribed
from shared.items import from_item


def active_subscriptions(table_name: str) -> Iterator[Subscribed]:
    """Every active subscription stored in `table_name`."""
    table: Any = resource("dynamodb").Table(table_name)
    arguments: dict[str, Any] = {}
    while True:
        page = table.scan(**arguments)
        for item in page.get("Items", []):
            subscription = from_item(item)
            if subscription.get("status", "active") == "active":
                yield Subscribed.of(subscription)
        if "LastEvaluatedKey" not in page:
            return
        arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]
