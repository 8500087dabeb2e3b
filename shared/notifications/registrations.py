"""Device registrations: which push token (on which platform) follows which topic, kept in registration shards."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from boto3.dynamodb.conditions import Key

from shared.aws import resource
from shared.catalog.notifications import REGISTRATIONS
from shared.notifications.logic import shard_of
from shared.notifications.models import Platform
from shared.settings import get_settings


def _table() -> Any:
    return resource("dynamodb").Table(get_settings().name_of(REGISTRATIONS))


def register(registrations: Iterable[tuple[str, str, Platform]]) -> int:
    """Store (topic, token, platform) registrations; idempotent (the key is topic + shard + token)."""
    shards = get_settings().harvester_shards
    count = 0
    with _table().batch_writer(overwrite_by_pkeys=["topic", "shardToken"]) as batch:
        for topic, token, platform in registrations:
            batch.put_item(
                Item={
                    "topic": topic,
                    "shardToken": f"{shard_of(token, shards):02d}#{token}",
                    "token": token,
                    "platform": platform,
                }
            )
            count += 1
    return count


def _query(topic: str, prefix: str | None) -> Iterator[dict[str, Any]]:
    condition = Key("topic").eq(topic)
    if prefix is not None:
        condition = condition & Key("shardToken").begins_with(prefix)
    params: dict[str, Any] = {"KeyConditionExpression": condition, "ProjectionExpression": "#t, platform"}
    params["ExpressionAttributeNames"] = {"#t": "token"}
    while True:
        reply = _table().query(**params)
        yield from reply.get("Items", [])
        if "LastEvaluatedKey" not in reply:
            return
        params["ExclusiveStartKey"] = reply["LastEvaluatedKey"]


def devices(topics: Iterable[str], shard: int | None = None) -> dict[str, Platform]:
    """The distinct devices (token -> platform) following any of `topics`, in one shard or in all."""
    prefix = None if shard is None else f"{shard:02d}#"
    found: dict[str, Platform] = {}
    for topic in topics:
        for item in _query(topic, prefix):
            found.setdefault(str(item["token"]), item["platform"])
    return found


def count_by_platform(topics: Iterable[str]) -> dict[Platform, int]:
    """How many distinct devices of each platform follow any of `topics`."""
    counts: dict[Platform, int] = {}
    for platform in devices(topics).values():
        counts[platform] = counts.get(platform, 0) + 1
    return counts
