"""Counting the DynamoDB calls this process makes (the API functions run in the test's process locally)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from local import function_env
from shared.aws import client, resource


@dataclass
class DynamoDbCalls:
    """Each call: its operation (`Query`, `GetItem` ...), the index it used, the items DynamoDB read for it."""

    calls: list[tuple[str, str | None, int]] = field(default_factory=list)

    @property
    def operations(self) -> list[str]:
        return [operation for operation, _, _ in self.calls]

    def items_read(self, index: str | None = None) -> int:
        return sum(read for _, used, read in self.calls if index is None or used == index)

    def record(self, operation: str, params: dict[str, Any], parsed: dict[str, Any]) -> None:
        read = parsed.get("ScannedCount", 1 if "Item" in parsed else 0)
        self.calls.append((operation, params.get("IndexName"), int(read)))


@contextmanager
def counting_dynamodb_calls() -> Iterator[DynamoDbCalls]:
    """Every DynamoDB call made through the shared clients and resources while the block runs: the process's and
    each function's (the local twin gives each function its own credentials, hence its own clients)."""
    seen = DynamoDbCalls()
    pending: dict[int, dict[str, Any]] = {}

    def before(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        pending[id(context)] = dict(params)

    def after(http_response: Any, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        seen.record(model.name, pending.pop(id(context), {}), parsed)

    clients = [client("dynamodb"), resource("dynamodb").meta.client]
    for principal in function_env.principals():
        with function_env.running(principal):
            clients += [client("dynamodb"), resource("dynamodb").meta.client]
    emitters = {id(c.meta.events): c.meta.events for c in clients}
    for events in emitters.values():
        events.register("before-parameter-build.dynamodb", before, unique_id="count-dynamodb-before")
        events.register("after-call.dynamodb", after, unique_id="count-dynamodb-after")
    try:
        yield seen
    finally:
        for events in emitters.values():
            events.unregister("before-parameter-build.dynamodb", unique_id="count-dynamodb-before")
            events.unregister("after-call.dynamodb", unique_id="count-dynamodb-after")
