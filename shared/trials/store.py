"""DynamoDB and S3 access for clinical trials: records, the tenant's directory of trials and members, related files.

Keys: `trialKey` = `<tenant>#<trial>` for a trial's records and files; `<tenant>#directory` holds `trial#<id>` and
`member#<user>#<trial>` items, so a user's trials and a tenant's trials are one Query each."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from boto3.dynamodb.conditions import Key

from shared.aws import client, resource
from shared.catalog.pipeline import TRIAL_DOCUMENTS_BUCKET, TRIAL_FILES, TRIAL_RECORDS
from shared.items import from_item, to_item
from shared.settings import get_settings


def trial_key(tenant_id: str, trial_id: str) -> str:
    return f"{tenant_id}#{trial_id}"


def directory_key(tenant_id: str) -> str:
    return f"{tenant_id}#directory"


def _records() -> Any:
    return resource("dynamodb").Table(get_settings().name_of(TRIAL_RECORDS))


def _files() -> Any:
    return resource("dynamodb").Table(get_settings().name_of(TRIAL_FILES))


def documents_bucket() -> str:
    return get_settings().name_of(TRIAL_DOCUMENTS_BUCKET)


def _every_item(read: Callable[..., dict[str, Any]], **params: Any) -> Iterator[dict[str, Any]]:
    """Every item of a paged Query or Scan (`read` is the table's `query` or `scan`)."""
    while True:
        page = read(**params)
        for item in page.get("Items", []):
            yield from_item(item)
        if "LastEvaluatedKey" not in page:
            return
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def get_trial(tenant_id: str, trial_id: str) -> dict[str, Any] | None:
    item = _records().get_item(Key={"trialKey": trial_key(tenant_id, trial_id), "recordKey": "trial"})
    return from_item(item["Item"]) if "Item" in item else None


def trials_of_tenant(tenant_id: str) -> list[str]:
    items = _every_item(
        _records().query,
        KeyConditionExpression=Key("trialKey").eq(directory_key(tenant_id)) & Key("recordKey").begins_with("trial#"),
    )
    return [i["trialId"] for i in items]


def trials_of_member(tenant_id: str, user_id: str) -> list[str]:
    items = _every_item(
        _records().query,
        KeyConditionExpression=Key("trialKey").eq(directory_key(tenant_id))
        & Key("recordKey").begins_with(f"member#{user_id}#"),
    )
    return [i["trialId"] for i in items]


def is_member(tenant_id: str, trial_id: str, user_id: str) -> bool:
    item = _records().get_item(Key={"trialKey": directory_key(tenant_id), "recordKey": f"member#{user_id}#{trial_id}"})
    return "Item" in item


def records(tenant_id: str, trial_id: str, kind: str) -> list[dict[str, Any]]:
    """Every record of one kind (`site`, `participant`)."""
    return list(
        _every_item(
            _records().query,
            KeyConditionExpression=Key("trialKey").eq(trial_key(tenant_id, trial_id))
            & Key("recordKey").begins_with(f"{kind}#"),
        )
    )


def records_between(tenant_id: str, trial_id: str, kind: str, first: str, last: str) -> list[dict[str, Any]]:
    """Records of one dated kind (`visit`, `measurement`, `ae`) with dates in [first, last] (ISO dates)."""
    return list(
        _every_item(
            _records().query,
            KeyConditionExpression=Key("trialKey").eq(trial_key(tenant_id, trial_id))
            & Key("recordKey").between(f"{kind}#{first}", f"{kind}#{last}~"),
        )
    )


def files_between(tenant_id: str, trial_id: str, first: str, last: str) -> list[dict[str, Any]]:
    """Metadata of the trial's files captured in [first, last]."""
    return list(
        _every_item(
            _files().query,
            KeyConditionExpression=Key("trialKey").eq(trial_key(tenant_id, trial_id))
            & Key("fileKey").between(first, f"{last}~"),
        )
    )


def every_file() -> Iterator[dict[str, Any]]:
    """All file metadata of every tenant, page by page (the daily reconciliation's paged Scan)."""
    return _every_item(_files().scan)


def put_records(items: Iterable[dict[str, Any]]) -> int:
    count = 0
    with _records().batch_writer() as batch:
        for item in items:
            batch.put_item(Item=to_item(item))
            count += 1
    return count


def put_file(key: str, body: bytes, content_type: str, metadata: dict[str, Any]) -> None:
    """Upload first, then write the metadata: a crash in between leaves an object the reconciliation reports, never
    metadata pointing at nothing."""
    client("s3").put_object(Bucket=documents_bucket(), Key=key, Body=body, ContentType=content_type)
    _files().put_item(Item=to_item({**metadata, "key": key, "sizeBytes": len(body), "contentType": content_type}))


def read_file(key: str, limit: int | None = None) -> bytes:
    params: dict[str, Any] = {"Bucket": documents_bucket(), "Key": key}
    if limit:
        params["Range"] = f"bytes=0-{limit - 1}"
    body: bytes = client("s3").get_object(**params)["Body"].read()
    return body
