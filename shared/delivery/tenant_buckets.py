"""The S3 channel's registry of customer buckets: a tenant's admin registers a bucket (one tenant per bucket) with the
root prefix its deliveries stay under; the S3 channel writes only to a bucket registered by the delivery's tenant,
under that root, and never to a bucket of the platform itself (`Settings.platform_buckets`)."""

from __future__ import annotations

import re
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared import clock
from shared.api.caller import Caller
from shared.aws import resource
from shared.catalog.delivery import TENANT_BUCKETS
from shared.errors import Conflict, InvalidInput, NotFound
from shared.items import conditional_check_failed, from_item
from shared.settings import get_settings

BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_UNSAFE_KEY_TEXT = re.compile(r"[\x00-\x1f\x7f\\]")


def key_prefix(prefix: str) -> str:
    """A key prefix in its one form (`a/b/`, or empty): ValueError for an absolute one, or one with `..`, `.`, empty
    segments, backslashes or control characters (nothing that could read as another place)."""
    if prefix.startswith("/") or _UNSAFE_KEY_TEXT.search(prefix):
        raise ValueError("a prefix must be relative (no leading '/') and hold no backslash or control character")
    segments = prefix.split("/")
    if segments and segments[-1] == "":
        segments = segments[:-1]
    if any(segment in ("", ".", "..") for segment in segments):
        raise ValueError("a prefix must not contain '..', '.' or empty segments ('//')")
    return "".join(f"{segment}/" for segment in segments)


def check_bucket_name(bucket: str) -> str:
    """ValueError unless `bucket` is an S3 bucket name that is not one of the platform's own."""
    if not BUCKET_NAME.fullmatch(bucket):
        raise ValueError("not a valid S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)")
    if bucket in get_settings().platform_buckets:
        raise ValueError(f"{bucket} is a bucket of the platform itself: reports are never delivered into it")
    return bucket


class BucketRegistration(BaseModel):
    """`PUT /api/v1/reporting/buckets/{bucket}`: the root prefix every delivery of the tenant into it stays under."""

    model_config = ConfigDict(extra="forbid")

    prefix: str = Field("", max_length=512, description="e.g. `reports/`; empty: the whole bucket")

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, prefix: str) -> str:
        return key_prefix(prefix)


class TenantBucket(BaseModel):
    bucket: str
    tenantId: str
    prefix: str
    registeredAt: str
    registeredBy: str


def _table() -> Any:
    return resource("dynamodb").Table(get_settings().name_of(TENANT_BUCKETS))


def root_of(tenant_id: str, bucket: str) -> str | None:
    """The root prefix of `bucket` for `tenant_id`, or None when the tenant has not registered it."""
    item = _table().get_item(Key={"bucket": bucket}, ConsistentRead=True).get("Item")
    if item is None or item.get("tenantId") != tenant_id:
        return None
    return str(item.get("prefix", ""))


def register(caller: Caller, bucket: str, registration: BucketRegistration) -> TenantBucket:
    """Register (or re-root) a bucket for the caller's tenant; a bucket another tenant holds is a 409."""
    caller.require_admin("register a delivery bucket")
    try:
        check_bucket_name(bucket)
    except ValueError as error:
        raise InvalidInput(f"bucket: {error}") from None
    entry = TenantBucket(
        bucket=bucket,
        tenantId=caller.tenant,
        prefix=registration.prefix,
        registeredAt=clock.iso(clock.now()),
        registeredBy=caller.sub,
    )
    try:
        _table().put_item(
            Item=entry.model_dump(),
            ConditionExpression="attribute_not_exists(#bucket) OR tenantId = :tenant",
            ExpressionAttributeNames={"#bucket": "bucket"},
            ExpressionAttributeValues={":tenant": caller.tenant},
        )
    except ClientError as error:
        if conditional_check_failed(error):
            raise Conflict(f"bucket {bucket} cannot be registered for this tenant") from None
        raise
    return entry


def unregister(caller: Caller, bucket: str) -> None:
    """Remove the tenant's registration; deliveries into the bucket fail from then on. Not registered: 404."""
    caller.require_admin("remove a delivery bucket")
    try:
        _table().delete_item(
            Key={"bucket": bucket},
            ConditionExpression="tenantId = :tenant",
            ExpressionAttributeValues={":tenant": caller.tenant},
        )
    except ClientError as error:
        if conditional_check_failed(error):
            raise NotFound(f"no registered bucket {bucket}") from None
        raise


def registered(caller: Caller) -> list[TenantBucket]:
    """The tenant's registered buckets, by name (a tenant registers a handful: one query, paged through)."""
    caller.require_admin("list the delivery buckets")
    params: dict[str, Any] = {
        "IndexName": "tenant-index",
        "KeyConditionExpression": "tenantId = :tenant",
        "ExpressionAttributeValues": {":tenant": caller.tenant},
    }
    found: list[TenantBucket] = []
    while True:
        page = _table().query(**params)
        found += [TenantBucket.model_validate(from_item(i)) for i in page.get("Items", [])]
        if "LastEvaluatedKey" not in page:
            return found
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
