"""Single-flight runs without reserved concurrency: a run holds a DynamoDB lease on its function's name for at most
the function's timeout; a run that finds the lease held ends at once. (Reserved concurrency 1 did the same, but
CloudFormation refuses it in accounts whose concurrency quota is 10 or 50, as new accounts have.)"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from shared.aws import client
from shared.catalog import Function
from shared.catalog.platform import LEASES
from shared.observability import logger
from shared.settings import get_settings

Body = Callable[[dict[str, Any], Any], Any]


def acquire(name: str, seconds: int) -> str | None:
    """The lease's holder token, or None when another run holds an unexpired lease on `name`."""
    holder, now = uuid.uuid4().hex, int(time.time())
    try:
        client("dynamodb").put_item(
            TableName=get_settings().name_of(LEASES),
            Item={"leaseId": {"S": name}, "holder": {"S": holder}, "expiresAt": {"N": str(now + seconds)}},
            ConditionExpression="attribute_not_exists(leaseId) OR expiresAt < :now",
            ExpressionAttributeValues={":now": {"N": str(now)}},
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return None
        raise
    return holder


def release(name: str, holder: str) -> None:
    """Give the lease back (only if this run still holds it)."""
    try:
        client("dynamodb").delete_item(
            TableName=get_settings().name_of(LEASES),
            Key={"leaseId": {"S": name}},
            ConditionExpression="holder = :holder",
            ExpressionAttributeValues={":holder": {"S": holder}},
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise


def single_flight(function: Function, body: Body) -> Body:
    """`body`, run by at most one invocation of `function` at a time; another one returns `{"notRun": ...}`."""

    def run(event: dict[str, Any], context: Any) -> Any:
        holder = acquire(function.name, function.timeout_s + 30)
        if holder is None:
            logger.info("another run holds the lease; this one ends", extra={"lease": function.name})
            return {"notRun": f"another {function.name} run is in progress"}
        try:
            return body(event, context)
        finally:
            release(function.name, holder)

    return run
