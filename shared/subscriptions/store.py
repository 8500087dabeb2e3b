"""DynamoDB access for subscriptions; conditional writes, their failures as domain exceptions."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from shared.aws import resource
from shared.catalog.pipeline import SUBSCRIPTIONS
from shared.errors import Conflict
from shared.items import conditional_check_failed, from_item, query_page, to_item
from shared.settings import get_settings
from shared.subscriptions.models import Subscription


def _table() -> Any:
    return resource("dynamodb").Table(get_settings().name_of(SUBSCRIPTIONS))


def _item(subscription: Subscription) -> dict[str, Any]:
    item: dict[str, Any] = to_item(subscription.model_dump(mode="json"))
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


def get(tenant_id: str, subscription_id: str) -> Subscription | None:
    item = _table().get_item(Key={"tenantId": tenant_id, "subscriptionId": subscription_id}, ConsistentRead=True)
    return _model(item["Item"]) if "Item" in item else None


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
    return [_model(i) for i in items], next_cursor


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
    return [_model(i) for i in items], next_cursor
