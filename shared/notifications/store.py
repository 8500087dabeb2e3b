"""DynamoDB access for notification reports: the record, its sender results and received counts, the index reads."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from shared.aws import resource
from shared.catalog.notifications import NOTIFICATIONS
from shared.errors import Conflict
from shared.items import conditional_check_failed, from_item, start_key, update_if
from shared.notifications.logic import Feed, index_attributes
from shared.notifications.models import NotificationReport, PlatformCounts, SenderResult
from shared.settings import get_settings


class AlreadyRecorded(Conflict):
    """Another request recorded this notification id first."""


def _table() -> Any:
    return resource("dynamodb").Table(get_settings().name_of(NOTIFICATIONS))


def _record(item: dict[str, Any]) -> NotificationReport:
    return NotificationReport.model_validate(from_item(item))


def _update_if(notification_id: str, **update: Any) -> bool:
    """One conditional UpdateItem of a record; False if its ConditionExpression refused it."""
    return update_if(_table(), {"id": notification_id}, **update) is not None


def get(notification_id: str) -> NotificationReport | None:
    """The record with this id, read strongly consistently (the duplicate check must see a write just made)."""
    item = _table().get_item(Key={"id": notification_id}, ConsistentRead=True).get("Item")
    return _record(item) if item else None


def stored_item(record: NotificationReport) -> dict[str, Any]:
    """The item of a record: its fields and the keys of the report indexes it belongs to."""
    return record.model_dump(mode="json", exclude_none=True) | index_attributes(record)


def put_new(record: NotificationReport) -> None:
    """Create the record unless the id exists; AlreadyRecorded if another request won the race."""
    try:
        _table().put_item(
            Item=stored_item(record),
            ConditionExpression="attribute_not_exists(id)",
        )
    except ClientError as error:
        if conditional_check_failed(error):
            raise AlreadyRecorded(f"notification {record.id} is already recorded") from None
        raise


def put_many(records: Iterable[NotificationReport]) -> Iterator[NotificationReport]:
    """Write records unconditionally in batches (demo and benchmark loads), yielding each as it is queued."""
    with _table().batch_writer() as batch:
        for record in records:
            batch.put_item(Item=stored_item(record))
            yield record


def take_over_queueing(notification_id: str, unqueued: list[int], lease: str, expired_before: str) -> bool:
    """Take the queueing lease of a record whose shards `unqueued` are still to queue, if nobody holds it (or the
    holder's lease began before `expired_before`); False if another request holds it or the shards changed."""
    return _update_if(
        notification_id,
        UpdateExpression="SET queueingSince = :lease",
        ConditionExpression="unqueuedShards = :unqueued AND "
        "(attribute_not_exists(queueingSince) OR queueingSince < :expired)",
        ExpressionAttributeValues={":lease": lease, ":unqueued": unqueued, ":expired": expired_before},
    )


def finish_queueing(notification_id: str, lease: str, unqueued: list[int], results: list[SenderResult]) -> bool:
    """Release the lease, leaving the shards still `unqueued`; with none left, clear them and append the sender
    results (list_append, so concurrent senders never overwrite each other). False if the lease was lost."""
    values: dict[str, Any]
    if unqueued:
        update, values = "SET unqueuedShards = :unqueued REMOVE queueingSince", {":unqueued": unqueued}
    else:
        update = (
            "SET reports = list_append(if_not_exists(reports, :empty), :results) REMOVE unqueuedShards, queueingSince"
        )
        values = {":empty": [], ":results": [r.model_dump(mode="json", exclude_none=True) for r in results]}
    return _update_if(
        notification_id,
        UpdateExpression=update,
        ConditionExpression="queueingSince = :lease",
        ExpressionAttributeValues={**values, ":lease": lease},
    )


def set_events(notification_id: str, counts: PlatformCounts, start: str, end: str) -> bool:
    """SET the received counts, only if the notification exists and was sent inside [start, end]; False otherwise."""
    return _update_if(
        notification_id,
        UpdateExpression="SET events = :events",
        ConditionExpression="attribute_exists(id) AND sentTime BETWEEN :start AND :end",
        ExpressionAttributeValues={
            ":events": {"platformCounts": counts.model_dump()},
            ":start": start,
            ":end": end,
        },
    )


class FeedReader:
    """Reads the partitions of a report feed's index; counts the items DynamoDB read and the queries made."""

    def __init__(self, feed: Feed) -> None:
        self.feed = feed
        self.items_read = 0
        self.queries = 0

    def read(
        self, partition: str, start_after: dict[str, str] | None, limit: int
    ) -> tuple[list[NotificationReport], dict[str, str] | None]:
        """Up to `limit` records of `partition` in the feed's range and order; the last key read if more may follow."""
        feed = self.feed
        params: dict[str, Any] = {
            "IndexName": feed.index.name,
            "KeyConditionExpression": Key(feed.index.partition_key.name).eq(partition)
            & Key("sentTime").between(feed.since, feed.until),
            "ScanIndexForward": not feed.newest_first,
            "Limit": limit,
        }
        if start_after:
            params["ExclusiveStartKey"] = start_key(NOTIFICATIONS, start_after, feed.index.name)
        reply = _table().query(**params)
        self.queries += 1
        self.items_read += int(reply.get("ScannedCount", 0))
        return [_record(item) for item in reply.get("Items", [])], reply.get("LastEvaluatedKey")


def scan_page(start_key: dict[str, Any] | None, limit: int) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One page of the whole table as plain items (for the one-off migration of mobile-n10n's records only)."""
    params: dict[str, Any] = {"Limit": limit, "ConsistentRead": True}
    if start_key:
        params["ExclusiveStartKey"] = start_key
    reply = _table().scan(**params)
    return [from_item(item) for item in reply.get("Items", [])], reply.get("LastEvaluatedKey")


def complete_item(notification_id: str, sent_time: str, attributes: dict[str, Any]) -> bool:
    """SET `attributes` on a record unchanged since it was read (same `sentTime`); False if it is gone or changed."""
    names = {f"#a{n}": name for n, name in enumerate(attributes)}
    values = {f":a{n}": value for n, value in enumerate(attributes.values())}
    return _update_if(
        notification_id,
        UpdateExpression="SET " + ", ".join(f"{name} = {value}" for name, value in zip(names, values, strict=True)),
        ConditionExpression="attribute_exists(id) AND sentTime = :sent",
        ExpressionAttributeNames=names,
        ExpressionAttributeValues={**values, ":sent": sent_time},
    )
