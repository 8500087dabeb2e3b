"""DynamoDB access for notification reports: the record, its sender results and received counts, the GSI queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from shared.aws import resource
from shared.catalog.notifications import NOTIFICATIONS
from shared.errors import Conflict
from shared.notifications.models import NotificationReport, NotificationType, PlatformCounts, SenderResult
from shared.settings import get_settings

INDEX = NOTIFICATIONS.indexes[0].name


class AlreadyRecorded(Conflict):
    """Another request recorded this notification id first."""


def _table() -> Any:
    return resource("dynamodb").Table(get_settings().name_of(NOTIFICATIONS))


def _plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal; the models want ints."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _record(item: dict[str, Any]) -> NotificationReport:
    return NotificationReport.model_validate(_plain(item))


def get(notification_id: str) -> NotificationReport | None:
    """The record with this id, read strongly consistently (the duplicate check must see a write just made)."""
    item = _table().get_item(Key={"id": notification_id}, ConsistentRead=True).get("Item")
    return _record(item) if item else None


def put_new(record: NotificationReport) -> None:
    """Create the record unless the id exists; AlreadyRecorded if another request won the race."""
    try:
        _table().put_item(
            Item=record.model_dump(mode="json", exclude_none=True),
            ConditionExpression="attribute_not_exists(id)",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            raise AlreadyRecorded(f"notification {record.id} is already recorded") from None
        raise


def append_reports(notification_id: str, results: list[SenderResult]) -> None:
    """Append sender results to `reports` (list_append, so concurrent senders never overwrite each other)."""
    _table().update_item(
        Key={"id": notification_id},
        UpdateExpression="SET reports = list_append(if_not_exists(reports, :empty), :results)",
        ConditionExpression="attribute_exists(id)",
        ExpressionAttributeValues={
            ":empty": [],
            ":results": [r.model_dump(mode="json", exclude_none=True) for r in results],
        },
    )


def set_events(notification_id: str, counts: PlatformCounts, start: str, end: str) -> bool:
    """SET the received counts, only if the notification exists and was sent inside [start, end]; False otherwise."""
    try:
        _table().update_item(
            Key={"id": notification_id},
            UpdateExpression="SET events = :events",
            ConditionExpression="attribute_exists(id) AND sentTime BETWEEN :start AND :end",
            ExpressionAttributeValues={
                ":events": {"platformCounts": counts.model_dump()},
                ":start": start,
                ":end": end,
            },
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


class SentQuery:
    """Queries of the `sentTime-index` GSI for one range, newest first; counts the items DynamoDB read."""

    def __init__(self, since: str, until: str, include_dry_run: bool, newest_first: bool = True) -> None:
        self.since = since
        self.until = until
        self.include_dry_run = include_dry_run
        self.newest_first = newest_first
        self.items_read = 0
        self.queries = 0

    def page(
        self, type_: NotificationType, start_after: dict[str, str] | None, want: int
    ) -> tuple[list[NotificationReport], bool]:
        """Up to `want` records of `type_` after `start_after`; True as second value if more may follow.

        Pages with Limit=`want - found` until enough items passed the dry-run filter, so the returned position
        (the last item) is exact and the next query starts right after it."""
        found: list[NotificationReport] = []
        start = start_after
        while len(found) < want:
            params: dict[str, Any] = {
                "IndexName": INDEX,
                "KeyConditionExpression": Key("type").eq(type_.value) & Key("sentTime").between(self.since, self.until),
                "ScanIndexForward": not self.newest_first,
                "Limit": want - len(found),
            }
            if not self.include_dry_run:
                params["FilterExpression"] = Attr("notification.dryRun").not_exists() | Attr("notification.dryRun").eq(
                    False
                )
            if start:
                params["ExclusiveStartKey"] = start
            reply = _table().query(**params)
            self.queries += 1
            self.items_read += int(reply.get("ScannedCount", 0))
            found.extend(_record(item) for item in reply.get("Items", []))
            start = reply.get("LastEvaluatedKey")
            if not start:
                return found, False
        return found, True
