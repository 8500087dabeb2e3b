"""Delivery records: created → sending → delivered | failed, each transition conditional, so one delivery id is
handed over at most once even when a step is retried or a run restarted."""

from __future__ import annotations

from typing import Any, Literal

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

from shared.aws import resource
from shared.catalog.pipeline import DELIVERIES
from shared.items import conditional_check_failed, from_item, to_item, update_if
from shared.settings import get_settings
from shared.status_shards import shard_keys, status_shard, with_status_shard

DeliveryStatus = Literal["created", "sending", "delivered", "failed"]
DeliveryKind = Literal["report", "failure_notice", "recovery_notice", "partial_notice"]
"""A report to a recipient, or a note to the owner: a run failed; a run told of as failed was delivered after all;
a run was produced but some of its deliveries failed (each named)."""


class DeliveryRecord(BaseModel):
    deliveryId: str
    tenantId: str
    jobId: str
    subscriptionId: str | None = None
    ownerId: str
    kind: DeliveryKind = "report"
    channel: str
    recipient: str
    config: dict[str, Any] = Field(default_factory=dict)
    status: DeliveryStatus = "created"
    attempts: int = 0
    sweeps: int = 0
    """How often the delivery sweeper sent it again after it was left `failed` with a transient cause."""
    lastError: str | None = None
    retryable: bool | None = None
    detail: str | None = None
    externalId: str | None = None
    createdAt: str
    updatedAt: str
    sentAt: str | None = None


def _table() -> Any:
    return resource("dynamodb").Table(get_settings().name_of(DELIVERIES))


def _key(tenant_id: str, delivery_id: str) -> dict[str, str]:
    return {"tenantId": tenant_id, "deliveryId": delivery_id}


def create(record: DeliveryRecord) -> DeliveryRecord:
    """Store a new record; when one with its id exists (a retried or rerun step), that one is returned unchanged."""
    try:
        item = {**record.model_dump(mode="json"), "statusShard": status_shard(record.status, record.deliveryId)}
        _table().put_item(Item=to_item(item), ConditionExpression="attribute_not_exists(deliveryId)")
    except ClientError as error:
        if not conditional_check_failed(error):
            raise
        existing = get(record.tenantId, record.deliveryId)
        if existing is None:
            raise
        return existing
    return record


def get(tenant_id: str, delivery_id: str) -> DeliveryRecord | None:
    item = _table().get_item(Key=_key(tenant_id, delivery_id), ConsistentRead=True)
    return DeliveryRecord.model_validate(from_item(item["Item"])) if "Item" in item else None


def _update(tenant_id: str, delivery_id: str, **params: Any) -> DeliveryRecord | None:
    item = update_if(_table(), _key(tenant_id, delivery_id), **with_status_shard(params, delivery_id))
    return DeliveryRecord.model_validate(item) if item is not None else None


def claim(tenant_id: str, delivery_id: str, now: str) -> DeliveryRecord | None:
    """created | failed → sending, attempts + 1. None when it is `sending` or `delivered`: hands off."""
    return _update(
        tenant_id,
        delivery_id,
        UpdateExpression="SET #status = :sending, updatedAt = :now ADD attempts :one",
        ConditionExpression="#status IN (:created, :failed)",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":sending": "sending",
            ":now": now,
            ":one": 1,
            ":created": "created",
            ":failed": "failed",
        },
    )


def mark_delivered(
    tenant_id: str, delivery_id: str, detail: str, external_id: str | None, now: str
) -> DeliveryRecord | None:
    return _update(
        tenant_id,
        delivery_id,
        UpdateExpression="SET #status = :delivered, detail = :detail, externalId = :external, sentAt = :now, "
        "updatedAt = :now REMOVE lastError, retryable",
        ConditionExpression="#status = :sending",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":delivered": "delivered",
            ":detail": detail[:1000],
            ":external": external_id,
            ":now": now,
            ":sending": "sending",
        },
    )


def mark_failed(
    tenant_id: str, delivery_id: str, error: str, retryable: bool, now: str, seen_updated_at: str | None = None
) -> DeliveryRecord | None:
    """`sending` → `failed` with the error; with `seen_updated_at`, only if nothing touched it since it was seen."""
    condition = "#status = :sending"
    values: dict[str, Any] = {
        ":failed": "failed",
        ":error": error[:1000],
        ":retryable": retryable,
        ":now": now,
        ":sending": "sending",
    }
    if seen_updated_at is not None:
        condition += " AND updatedAt = :seen"
        values[":seen"] = seen_updated_at
    return _update(
        tenant_id,
        delivery_id,
        UpdateExpression="SET #status = :failed, lastError = :error, retryable = :retryable, updatedAt = :now",
        ConditionExpression=condition,
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues=values,
    )


def _query(params: dict[str, Any], limit: int | None = None) -> list[DeliveryRecord]:
    """Every page of a query (or the first `limit` records), as records."""
    found: list[DeliveryRecord] = []
    while limit is None or len(found) < limit:
        page = _table().query(**params)
        found += [DeliveryRecord.model_validate(from_item(i)) for i in page.get("Items", [])]
        if "LastEvaluatedKey" not in page:
            break
        params = {**params, "ExclusiveStartKey": page["LastEvaluatedKey"]}
    return found if limit is None else found[:limit]


def list_for_job(job_id: str) -> list[DeliveryRecord]:
    """Every delivery of a job, through `job-index`."""
    return _query(
        {
            "IndexName": "job-index",
            "KeyConditionExpression": "jobId = :job",
            "ExpressionAttributeValues": {":job": job_id},
        }
    )


def _by_status(params: dict[str, Any], status: DeliveryStatus, limit: int) -> list[DeliveryRecord]:
    """The query `params` (its key condition on `:shard`) on every shard of `status`, oldest update first, at most
    `limit`: each shard's oldest `limit`, merged."""
    found: list[DeliveryRecord] = []
    for key in shard_keys(status):
        values = {**params["ExpressionAttributeValues"], ":shard": key}
        found += _query({**params, "IndexName": "status-index", "ExpressionAttributeValues": values}, limit)
    return sorted(found, key=lambda r: r.updatedAt)[:limit]


def list_stale(status: DeliveryStatus, before: str, limit: int = 100) -> list[DeliveryRecord]:
    """Deliveries in `status` last updated before `before` (oldest first), through `status-index`; at most `limit`."""
    return _by_status(
        {
            "KeyConditionExpression": "statusShard = :shard AND updatedAt < :before",
            "ExpressionAttributeValues": {":before": before},
            "Limit": limit,
        },
        status,
        limit,
    )


def list_retryable(before: str, since: str, limit: int = 100) -> list[DeliveryRecord]:
    """Deliveries `failed` with a transient cause (`retryable`), last updated in [`since`, `before`) (oldest first),
    through `status-index`; at most `limit`. `since` bounds the read: failed-for-good ones stay in that index."""
    return _by_status(
        {
            "KeyConditionExpression": "statusShard = :shard AND updatedAt BETWEEN :since AND :before",
            "FilterExpression": "retryable = :true",
            "ExpressionAttributeValues": {":since": since, ":before": before, ":true": True},
            "Limit": limit,
        },
        "failed",
        limit,
    )


def reclaim(tenant_id: str, delivery_id: str, seen_updated_at: str, now: str) -> DeliveryRecord | None:
    """A stale `sending` (a crash mid-send) taken over for one more try, attempts + 1; None when it moved since it
    was seen (its sender finished, or another sweeper took it)."""
    return _update(
        tenant_id,
        delivery_id,
        UpdateExpression="SET updatedAt = :now ADD attempts :one",
        ConditionExpression="#status = :sending AND updatedAt = :seen",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":now": now, ":one": 1, ":sending": "sending", ":seen": seen_updated_at},
    )


def retry(tenant_id: str, delivery_id: str, seen_updated_at: str, now: str) -> DeliveryRecord | None:
    """A `failed` (retryable) delivery taken by the sweeper for one more try: `sending`, attempts + 1, sweeps + 1; None
    when it moved since it was seen (a rerun of its job or another sweep claimed it)."""
    return _update(
        tenant_id,
        delivery_id,
        UpdateExpression="SET #status = :sending, updatedAt = :now ADD attempts :one, sweeps :one",
        ConditionExpression="#status = :failed AND retryable = :true AND updatedAt = :seen",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":sending": "sending",
            ":now": now,
            ":one": 1,
            ":failed": "failed",
            ":true": True,
            ":seen": seen_updated_at,
        },
    )


def give_up(tenant_id: str, delivery_id: str, seen_updated_at: str, error: str, now: str) -> DeliveryRecord | None:
    """A `failed` (retryable) delivery the sweeper sends no more → failed for good (not retryable) with why; None when
    it moved since it was seen."""
    return _update(
        tenant_id,
        delivery_id,
        UpdateExpression="SET retryable = :false, lastError = :error, updatedAt = :now",
        ConditionExpression="#status = :failed AND retryable = :true AND updatedAt = :seen",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={
            ":false": False,
            ":error": error[:1000],
            ":now": now,
            ":failed": "failed",
            ":true": True,
            ":seen": seen_updated_at,
        },
    )


def take(tenant_id: str, delivery_id: str, now: str, seen: DeliveryRecord | None = None) -> DeliveryRecord | None:
    """The delivery claimed for one send: `claim`; for the sweeper, which passes the record it listed (`seen`), a stale
    `sending` is `reclaim`ed and a retryable `failed` `retry`ed, each only if unchanged since it was listed."""
    if seen is None or seen.status == "created":
        return claim(tenant_id, delivery_id, now)
    if seen.status == "sending":
        return reclaim(tenant_id, delivery_id, seen.updatedAt, now)
    if seen.status == "failed":
        return retry(tenant_id, delivery_id, seen.updatedAt, now)
    return None


def abandon(tenant_id: str, delivery_id: str, seen_updated_at: str, error: str, now: str) -> DeliveryRecord | None:
    """A stale `sending` that must not be sent again → failed (not retryable) with why; None when it moved."""
    return mark_failed(tenant_id, delivery_id, error, False, now, seen_updated_at)
