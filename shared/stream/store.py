"""DynamoDB access for the stream's connections, and the WebSocket API's connections endpoint."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from shared.aws import client, resource
from shared.catalog.stream import REPORTING_STREAM, STREAM_CONNECTIONS
from shared.settings import get_settings
from shared.stream.models import Connection


def _table() -> Any:
    return resource("dynamodb").Table(get_settings().name_of(STREAM_CONNECTIONS))


def put(connection: Connection) -> None:
    _table().put_item(Item=connection.model_dump(exclude_none=True))


def delete(tenant_id: str, connection_id: str) -> None:
    _table().delete_item(Key={"tenantId": tenant_id, "connectionId": connection_id})


def list_for_tenant(tenant_id: str, now_epoch: int) -> list[Connection]:
    """The tenant's open connections (every page); expired ones that TTL has not removed yet are left out."""
    table = _table()
    params: dict[str, Any] = {
        "KeyConditionExpression": "tenantId = :t",
        "ExpressionAttributeValues": {":t": tenant_id},
    }
    connections: list[Connection] = []
    while True:
        page = table.query(**params)
        connections += [Connection.model_validate(item) for item in page.get("Items", [])]
        if "LastEvaluatedKey" not in page:
            break
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return [c for c in connections if c.ttl > now_epoch]


class ConnectionGone(Exception):
    """The connection is closed (API Gateway answered 410 GoneException)."""


def post(connection_id: str, payload: bytes) -> None:
    """Send one message to one connection; a closed one raises ConnectionGone."""
    endpoint = get_settings().name_of(REPORTING_STREAM)
    try:
        client("apigatewaymanagementapi", endpoint).post_to_connection(ConnectionId=connection_id, Data=payload)
    except ClientError as error:
        if error.response["Error"]["Code"] == "GoneException":
            raise ConnectionGone(connection_id) from None
        raise
