"""DynamoDB access for subscriptions; conditional writes, their failures as domain exceptions."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError
from pydantic import ValidationError

from shared.aws import resource
from shared.catalog.pipeline import SUBSCRIPTIONS
from shared.errors import Conflict, InvalidInput
from shared.items import conditional_check_failed, from_item, query_page, to_item
from shared.observability import logger
from shared.settings import get_settings
from shared.subscriptions.models import Subscription


def _table() -> Any:
    return resource("dynamodb").Table(get_settings().name_of(SUBSCRIPTIONS))


def _item(subscription: Subscription) -> dict[str, Any]:
    """The item to write, after checking that the model reads it back (a write never stores what cannot be read)."""
    document = subscription.model_dump(mode="json")
    try:
        Subscription.model_validate(from_item(to_item(document)))
    except ValidationError as error:
        fields = ", ".join(sorted({".".join(map(str, e["loc"])) for e in error.errors()}))
        raise InvalidInput(f"the subscription would not be valid: {fields}") from None
    item: dict[str, Any] = to_item(document)
    item["ownerKey"] = f"{subscription.tenantId}#{subscription.ownerId}"
    return item


def _model(item: dict[str, Any]) -> Subscription:
    item = from_item(item)
    item.pop("ownerKey", None)
    return Subscription.model_validate(item)


def put_new(subscription: Subscription) -> None:
    try:
        _table().put_item(Item=_item(subscription), ConditionExpression="attribute_not_exists(subscriptionId)")
    except ClientError as error:
        if conditional_check_failed(error):
            raise Conflict(f"subscription {subscription.subscriptionId} already exists") from None
        raise


def _readable(item: dict[str, Any]) -> Subscription | None:
    """The subscription of a stored item, or None (logged as an error) when the model cannot read it."""
    try:
        return _model(item)
    except ValidationError as error:
        logger.error(
            "a stored subscription cannot be read; it is left out",
            extra={"tenant": item.get("tenantId"), "subscription": item.get("subscriptionId"), "error": str(error)},
        )
        return None


def get(tenant_id: str, subscription_id: str) -> Subscription | None:
    """The subscription, or None when there is none (or it cannot be read: logged, answered as not found)."""
    item = _table().get_item(Key={"tenantId": tenant_id, "subscriptionId": subscription_id}, ConsistentRead=True)
    return _readable(item["Item"]) if "Item" in item else None


def replace(subscription: Subscription, expected_updated_at: str) -> None:
    """Write `subscription` over the stored one, if nobody changed it since `expected_updated_at` (409 otherwise)."""
    try:
        _table().put_item(
            Item=_item(subscription),
            ConditionExpression="attribute_exists(subscriptionId) AND updatedAt = :seen",
            ExpressionAttributeValues={":seen": expected_updated_at},
        )
    except ClientError as error:
        if conditional_check_failed(error):
            raise Conflict("the subscription changed meanwhile; read it again and retry") from None
        raise


def delete(tenant_id: str, subscription_id: str) -> None:
    _table().delete_item(Key={"tenantId": tenant_id, "subscriptionId": subscription_id})


def record_run(tenant_id: str, subscription_id: str, ran_at: str, next_run_at: str | None, updated_at: str) -> None:
    """Count one completed run (called once per job, after the job's own conditional completion)."""
    try:
        _table().update_item(
            Key={"tenantId": tenant_id, "subscriptionId": subscription_id},
            UpdateExpression="SET lastRunAt = :ran, nextRunAt = :next, updatedAt = :now ADD runCount :one",
            ConditionExpression="attribute_exists(subscriptionId)",
            ExpressionAttributeValues={":ran": ran_at, ":next": next_run_at, ":now": updated_at, ":one": 1},
        )
    except ClientError as error:
        if not conditional_check_failed(error):
            raise


def list_for_owner(
    tenant_id: str, owner_id: str, limit: int, cursor: str | None
) -> tuple[list[Subscription], str | None]:
    items, next_cursor = query_page(
        _table(),
        SUBSCRIPTIONS,
        {
            "IndexName": "owner-index",
            "KeyConditionExpression": "ownerKey = :owner",
            "ExpressionAttributeValues": {":owner": f"{tenant_id}#{owner_id}"},
            "ScanIndexForward": False,
            "Limit": limit,
        },
        cursor,
    )
    return [s for s in map(_readable, items) if s is not None], next_cursor


def list_for_tenant(tenant_id: str, limit: int, cursor: str | None) -> tuple[list[Subscription], str | None]:
    items, next_cursor = query_page(
        _table(),
        SUBSCRIPTIONS,
        {
            "KeyConditionExpression": "tenantId = :tenant",
            "ExpressionAttributeValues": {":tenant": tenant_id},
            "Limit": limit,
        },
        cursor,
    )
    return [s for s in map(_readable, items) if s is not None], next_cursor
