"""DynamoDB access for saved reports: one partition per tenant, every write conditional."""

from __future__ import annotations

import json
from typing import Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from shared.aws import resource
from shared.catalog.reports import REPORT_DEFINITIONS
from shared.errors import Conflict, InvalidInput, NotFound
from shared.items import conditional_check_failed, decode_token, encode_token, start_key
from shared.reports.models import Report, Visualization
from shared.settings import get_settings


def _table() -> Any:
    return resource("dynamodb").Table(get_settings().name_of(REPORT_DEFINITIONS))


def _item(report: Report) -> dict[str, Any]:
    item: dict[str, Any] = {
        "tenant_id": report.tenant_id,
        "report_id": report.id,
        "name": report.name,
        "query": json.dumps(report.query, separators=(",", ":")),
        "row_limit": report.row_limit,
        "is_public": report.is_public,
        "tags": report.tags,
        "created_by": report.created_by,
        "created_at": report.created_at,
        "updated_at": report.updated_at,
        "version": report.version,
    }
    if report.description is not None:
        item["description"] = report.description
    if report.visualization is not None:
        item["visualization"] = report.visualization.model_dump_json(exclude_none=True)
    return item


def _report(item: dict[str, Any]) -> Report:
    return Report(
        id=item["report_id"],
        tenant_id=item["tenant_id"],
        name=item["name"],
        description=item.get("description"),
        query=json.loads(item["query"]),
        visualization=Visualization.model_validate_json(item["visualization"]) if "visualization" in item else None,
        row_limit=int(item["row_limit"]),
        is_public=bool(item["is_public"]),
        tags=list(item.get("tags", [])),
        created_by=item["created_by"],
        created_at=item["created_at"],
        updated_at=item["updated_at"],
        version=int(item["version"]),
    )


def insert(report: Report) -> bool:
    """Store a new report; False when the tenant already has a report with this id."""
    try:
        _table().put_item(Item=_item(report), ConditionExpression="attribute_not_exists(report_id)")
    except ClientError as error:
        if conditional_check_failed(error):
            return False
        raise
    return True


def _if_unchanged(write: Any, report_id: str, expected_version: int, **params: Any) -> None:
    """Run a put or delete only if the report still has `expected_version`; Conflict otherwise."""
    try:
        write(
            ConditionExpression="attribute_exists(report_id) AND #v = :expected",
            ExpressionAttributeNames={"#v": "version"},
            ExpressionAttributeValues={":expected": expected_version},
            **params,
        )
    except ClientError as error:
        if conditional_check_failed(error):
            raise Conflict(f"report {report_id} was changed or deleted meanwhile; read it again") from None
        raise


def replace(report: Report, expected_version: int) -> None:
    """Overwrite a report if nobody changed it since `expected_version` was read; Conflict otherwise."""
    _if_unchanged(_table().put_item, report.id, expected_version, Item=_item(report))


def get(tenant_id: str, report_id: str) -> Report:
    found = _table().get_item(Key={"tenant_id": tenant_id, "report_id": report_id}, ConsistentRead=True).get("Item")
    if found is None:
        raise NotFound(f"no report {report_id}")
    return _report(found)


def delete(tenant_id: str, report_id: str, expected_version: int) -> None:
    _if_unchanged(
        _table().delete_item, report_id, expected_version, Key={"tenant_id": tenant_id, "report_id": report_id}
    )


def page(tenant_id: str, visible_to: str | None, limit: int, cursor: str | None) -> tuple[list[Report], str | None]:
    """One page of the tenant's reports; `visible_to` keeps only that user's own and the public ones."""
    params: dict[str, Any] = {"KeyConditionExpression": Key("tenant_id").eq(tenant_id), "Limit": limit}
    if visible_to is not None:
        params["FilterExpression"] = Attr("created_by").eq(visible_to) | Attr("is_public").eq(True)
    if cursor:
        after = {"tenant_id": tenant_id, "report_id": _decode_cursor(cursor)}
        params["ExclusiveStartKey"] = start_key(REPORT_DEFINITIONS, after)
    reply = _table().query(**params)
    last = reply.get("LastEvaluatedKey")
    return [_report(i) for i in reply.get("Items", [])], _encode_cursor(last["report_id"]) if last else None


_NOT_OURS = "cursor: not a cursor this API returned"


def _encode_cursor(report_id: str) -> str:
    return encode_token({"after": report_id})


def _decode_cursor(cursor: str) -> str:
    decoded = decode_token(cursor, _NOT_OURS)
    after = decoded.get("after") if isinstance(decoded, dict) and set(decoded) == {"after"} else None
    if not isinstance(after, str) or not 0 < len(after) <= 100:
        raise InvalidInput(_NOT_OURS)
    return after
