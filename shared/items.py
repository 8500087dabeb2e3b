"""DynamoDB items to and from plain Python: numbers come back as `Decimal`, floats must go in as `Decimal`."""

from __future__ import annotations

import base64
import binascii
import json
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

from shared.errors import InvalidInput


def to_item(value: Any) -> Any:
    """A JSON-like value as DynamoDB accepts it: floats as Decimal, None values of maps dropped."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: to_item(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [to_item(v) for v in value]
    return value


def from_item(value: Any) -> Any:
    """A DynamoDB item as plain Python: integral Decimals as int, others as float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: from_item(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_item(v) for v in value]
    return value


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    """An opaque paging cursor from DynamoDB's `LastEvaluatedKey`."""
    if not last_key:
        return None
    return base64.urlsafe_b64encode(json.dumps(from_item(last_key), sort_keys=True).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    """The `ExclusiveStartKey` behind a cursor; a cursor that was not made here is a 400."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidInput("the cursor is not one this API gave out") from None
    if not isinstance(key, dict) or not all(isinstance(v, str | int) for v in key.values()):
        raise InvalidInput("the cursor is not one this API gave out")
    return to_item(key)


def conditional_check_failed(error: Exception) -> bool:
    """Whether a DynamoDB write was refused by its ConditionExpression (the race it guards against was lost)."""
    response = getattr(error, "response", None) or {}
    return bool(response.get("Error", {}).get("Code") == "ConditionalCheckFailedException")


def query_page(table: Any, params: dict[str, Any], cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """One page of a Query from an opaque cursor: the plain items and the next cursor (None on the last page)."""
    start = decode_cursor(cursor)
    if start:
        params = {**params, "ExclusiveStartKey": start}
    page = table.query(**params)
    return [from_item(i) for i in page.get("Items", [])], encode_cursor(page.get("LastEvaluatedKey"))


def update_if(table: Any, key: dict[str, Any], **params: Any) -> dict[str, Any] | None:
    """One conditional UpdateItem: the item as it now is (plain Python), or None if its ConditionExpression refused."""
    try:
        reply = table.update_item(Key=key, ReturnValues="ALL_NEW", **params)
    except ClientError as error:
        if conditional_check_failed(error):
            return None
        raise
    attributes: dict[str, Any] = from_item(reply["Attributes"])
    return attributes
