"""Local SQS event sources: each catalogued queue consumer is fed batches of its queue, as Lambda would poll it.

A failed record stays on the queue and is made visible again at once (in AWS it waits for the visibility timeout),
so retries and the move to the dead-letter queue after maxReceiveCount happen within one drain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from local import function_env, lambdas
from local.account import REGION
from shared import catalog
from shared.aws import client
from shared.observability import logger
from shared.settings import get_settings

BATCH_SIZE = 10


def _event(queue_arn: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
    }


def poll_once(function: catalog.Function) -> int:
    """Feed one batch of the function's queue to it; returns how many messages it was given.

    The queue is read and its messages deleted with the function's own role, as Lambda's event source mapping does."""
    assert function.queue
    url = get_settings().name_of(catalog.resource_by_id(function.queue))
    with function_env.running(function.name):
        return _poll_as_function(function, url)


def _poll_as_function(function: catalog.Function, url: str) -> int:
    sqs = client("sqs")
    messages = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=BATCH_SIZE, AttributeNames=["All"], WaitTimeSeconds=0
    ).get("Messages", [])
    if not messages:
        return 0
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    try:
        reply = lambdas.invoke(function.name, _event(arn, messages)) or {}
        failed = {f["itemIdentifier"] for f in reply.get("batchItemFailures", [])}
    except Exception:
        logger.exception("local queue consumer failed", extra={"function": function.name})
        failed = {m["MessageId"] for m in messages}
    for message in messages:
        if message["MessageId"] in failed:
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
        else:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return len(messages)


def drain(max_rounds: int = 200) -> int:
    """Poll every queue consumer until all their queues are empty (or `max_rounds`); returns messages handled."""
    handled = 0
    consumers = [f for f in catalog.FUNCTIONS if f.kind == "queue" and f.queue]
    for _ in range(max_rounds):
        batch = sum(poll_once(function) for function in consumers)
        if batch == 0:
            break
        handled += batch
    return handled


def poll_queues(since: datetime, until: datetime) -> int:
    """A clockwork ticker: drain the queues every tick."""
    return drain()
