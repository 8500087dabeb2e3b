"""DynamoDB access for API keys: put once, get by id (the key's hash), list, revoke."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from shared.api_keys.models import ApiKey
from shared.aws import resource
from shared.catalog.notifications import API_KEYS
from shared.errors import Conflict
from shared.items import conditional_check_failed, from_item, update_if
from shared.settings import get_settings


def _table() -> Any:
    return resource("dynamodb").Table(get_settings().name_of(API_KEYS))


def put_new(record: ApiKey) -> None:
    """Store a key unless the same key is already stored (Conflict)."""
    try:
        _table().put_item(Item=record.model_dump(exclude_none=True), ConditionExpression="attribute_not_exists(id)")
    except ClientError as error:
        if conditional_check_failed(error):
            raise Conflict("this key is already registered") from None
        raise


def get(key_id: str) -> ApiKey | None:
    item = _table().get_item(Key={"id": key_id}).get("Item")
    return ApiKey.model_validate(from_item(item)) if item else None


def list_all() -> list[ApiKey]:
    """Every key, oldest first: a Scan, since the table holds a handful of keys and only admins list them."""
    table = _table()
    found: list[ApiKey] = []
    params: dict[str, Any] = {}
    while True:
        page = table.scan(**params)
        found.extend(ApiKey.model_validate(from_item(item)) for item in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return sorted(found, key=lambda k: (k.createdAt, k.id))
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def revoke(key_id: str, when: str, by: str) -> ApiKey | None:
    """Mark a key revoked (a revoked key stays revoked, first revocation kept); None if no such key."""
    attributes = update_if(
        _table(),
        {"id": key_id},
        UpdateExpression="SET revokedAt = if_not_exists(revokedAt, :when), revokedBy = if_not_exists(revokedBy, :by)",
        ConditionExpression="attribute_exists(id)",
        ExpressionAttributeValues={":when": when, ":by": by},
    )
    return ApiKey.model_validate(attributes) if attributes is not None else None
