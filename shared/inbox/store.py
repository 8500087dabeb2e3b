"""DynamoDB access for the inbox table: items under `userKey` (`tenant#user`), sorted by `itemKey`.

A marker item per delivery (`userKey` = `delivery#<tenant>#<delivery id>`) is written in the same transaction as the
item, on condition that it does not exist: a delivery files one item, however often it is retried."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from shared.aws import resource
from shared.catalog.delivery import INBOX
from shared.items import start_key, update_if
from shared.settings import get_settings


def _table() -> Any:
    return resource("dynamodb").Table(get_settings().name_of(INBOX))


def marker_key(tenant_id: str, delivery_id: str) -> str:
    return f"delivery#{tenant_id}#{delivery_id}"


def put_once(item: dict[str, Any], tenant_id: str, delivery_id: str) -> str | None:
    """Store `item` unless this delivery already filed one; returns the existing item's key in that case."""
    table = _table()
    marker = {
        "userKey": marker_key(tenant_id, delivery_id),
        "itemKey": "marker",
        "filedAs": [item["userKey"], item["itemKey"]],
        "ttl": item["ttl"],
    }
    try:
        table.meta.client.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table.name,
                        "Item": marker,
                        "ConditionExpression": "attribute_not_exists(userKey)",
                    }
                },
                {"Put": {"TableName": table.name, "Item": item}},
            ]
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "TransactionCanceledException":
            raise
        reasons = error.response.get("CancellationReasons") or []
        if not reasons or reasons[0].get("Code") != "ConditionalCheckFailed":
            raise
        existing = table.get_item(Key={"userKey": marker["userKey"], "itemKey": "marker"}, ConsistentRead=True)
        return str(existing.get("Item", {}).get("filedAs", ["", ""])[1])
    return None


def query_newest_first(
    user_key: str, limit: int, unread_only: bool, after_item_key: str | None
) -> tuple[list[dict[str, Any]], bool]:
    """Up to `limit` items older than `after_item_key`, newest first; and whether more exist."""
    table = _table()
    params: dict[str, Any] = {
        "KeyConditionExpression": "userKey = :u",
        "ExpressionAttributeValues": {":u": user_key},
        "ScanIndexForward": False,
    }
    if unread_only:
        params["FilterExpression"] = "#read = :false"
        params["ExpressionAttributeNames"] = {"#read": "read"}
        params["ExpressionAttributeValues"][":false"] = False
    if after_item_key is not None:
        params["ExclusiveStartKey"] = start_key(INBOX, {"userKey": user_key, "itemKey": after_item_key})
    items: list[dict[str, Any]] = []
    while len(items) <= limit:
        page = table.query(Limit=limit + 1 - len(items), **params)
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            break
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return items[:limit], len(items) > limit


def mark_read(user_key: str, item_key: str, read_at: str) -> dict[str, Any] | None:
    """Set `read` (keeping the first `readAt`); None when the user has no such item."""
    return update_if(
        _table(),
        {"userKey": user_key, "itemKey": item_key},
        UpdateExpression="SET #read = :true, readAt = if_not_exists(readAt, :at)",
        ConditionExpression="attribute_exists(userKey)",
        ExpressionAttributeNames={"#read": "read"},
        ExpressionAttributeValues={":true": True, ":at": read_at},
    )
