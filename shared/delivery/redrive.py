"""Re-drive a dead-letter queue's messages to their queue after a fix: SQS `StartMessageMoveTask`.

Where the endpoint answers that the action is not implemented (the local AWS, moto, has no message-move tasks), the
same move is done by hand: receive up to 10, send them to the destination (body and attributes kept), delete from the
DLQ only what was sent, until the DLQ answers empty. This fallback is used only on that answer, never in AWS.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

from botocore.exceptions import ClientError

from shared.aws import client
from shared.catalog import Queue
from shared.errors import ConfigurationError
from shared.observability import logger
from shared.settings import get_settings

NOT_IMPLEMENTED_CODES = frozenset(
    {"NotImplemented", "NotImplementedException", "InvalidAction", "UnknownOperationException", "UnsupportedOperation"}
)
FINAL_STATUSES = frozenset({"COMPLETED", "CANCELLED", "FAILED"})
_FIFO_ATTRIBUTES = {"MessageGroupId": "MessageGroupId", "MessageDeduplicationId": "MessageDeduplicationId"}


@dataclass(frozen=True)
class RedriveResult:
    method: Literal["message-move-task", "receive-send-delete"]
    status: str
    """RUNNING (not waited for), COMPLETED, CANCELLED or FAILED."""
    moved: int | None
    """Messages moved, when known (always for the fallback; for a task, once waited for)."""
    task_handle: str | None = None
    failed: int = 0
    """Fallback only: messages whose send failed; they stay in the DLQ."""


def queue_urls(queue: Queue) -> tuple[str, str]:
    """(DLQ URL, queue URL) of a catalogued queue, from this process's environment."""
    if not queue.dlq_env_var:
        raise ConfigurationError(f"queue {queue.id} is itself a dead-letter queue: nothing to re-drive it to")
    settings = get_settings()
    return settings.dlq_of(queue), settings.name_of(queue)


def queue_arn(url: str) -> str:
    attributes = client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return str(attributes["QueueArn"])


def is_not_implemented(error: ClientError) -> bool:
    """The endpoint lacks the action: an AWS-style code, or the local AWS's HTML 500 page (AWS never answers HTML)."""
    if error.response.get("Error", {}).get("Code") in NOT_IMPLEMENTED_CODES:
        return True
    meta = error.response.get("ResponseMetadata", {})
    content_type = str(meta.get("HTTPHeaders", {}).get("content-type", ""))
    return meta.get("HTTPStatusCode") == 500 and content_type.startswith("text/html")


def redrive(
    dlq_url: str, destination_url: str, max_per_second: int | None = None, wait: bool = False, timeout_s: float = 900
) -> RedriveResult:
    """Move every message of `dlq_url` to `destination_url`; with `wait`, until the task ends (or `timeout_s`)."""
    sqs = client("sqs")
    source_arn, destination_arn = queue_arn(dlq_url), queue_arn(destination_url)
    params: dict[str, Any] = {"SourceArn": source_arn, "DestinationArn": destination_arn}
    if max_per_second:
        params["MaxNumberOfMessagesPerSecond"] = max_per_second
    try:
        handle = str(sqs.start_message_move_task(**params)["TaskHandle"])
    except NotImplementedError:
        return move_by_hand(dlq_url, destination_url)
    except ClientError as error:
        if not is_not_implemented(error):
            raise
        logger.warning("StartMessageMoveTask is not implemented by this endpoint; moving messages by hand")
        return move_by_hand(dlq_url, destination_url)
    if not wait:
        return RedriveResult("message-move-task", "RUNNING", None, handle)
    deadline = time.monotonic() + timeout_s
    while True:
        tasks = sqs.list_message_move_tasks(SourceArn=source_arn, MaxResults=1).get("Results", [])
        task = next((t for t in tasks if t.get("TaskHandle") == handle), tasks[0] if tasks else {})
        status = str(task.get("Status", "RUNNING"))
        if status in FINAL_STATUSES or time.monotonic() > deadline:
            moved = task.get("ApproximateNumberOfMessagesMoved")
            return RedriveResult("message-move-task", status, int(moved) if moved is not None else None, handle)
        time.sleep(2)


def move_by_hand(dlq_url: str, destination_url: str, visibility_timeout_s: int = 60) -> RedriveResult:
    """Receive, send, delete in batches of 10 until the DLQ is empty; a failed send stays in the DLQ."""
    sqs = client("sqs")
    moved = failed = 0
    while True:
        received = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            VisibilityTimeout=visibility_timeout_s,
            MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["All"],
        ).get("Messages", [])
        if not received:
            return RedriveResult("receive-send-delete", "COMPLETED" if not failed else "FAILED", moved, failed=failed)
        entries = []
        for index, message in enumerate(received):
            entry: dict[str, Any] = {"Id": str(index), "MessageBody": message["Body"]}
            if message.get("MessageAttributes"):
                entry["MessageAttributes"] = message["MessageAttributes"]
            for attribute, parameter in _FIFO_ATTRIBUTES.items():
                if attribute in message.get("Attributes", {}):
                    entry[parameter] = message["Attributes"][attribute]
            entries.append(entry)
        sent = sqs.send_message_batch(QueueUrl=destination_url, Entries=entries)
        done = {item["Id"] for item in sent.get("Successful", [])}
        failed += len(received) - len(done)
        if done:
            sqs.delete_message_batch(
                QueueUrl=dlq_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(received)
                    if str(i) in done
                ],
            )
            moved += len(done)
        elif failed:
            return RedriveResult("receive-send-delete", "FAILED", moved, failed=failed)
