"""Sending many messages to one SQS queue: SendMessageBatch, 10 entries a call, failed entries retried."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shared.aws import client

BATCH_SIZE = 10


@dataclass
class BatchOutcome:
    sent: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)
    """`{id, code, message}` of each entry still failing after the last attempt."""
    calls: int = 0


def send_in_batches(
    queue_url: str, bodies: list[str], attempts: int = 3, backoff_s: float = 0.2, sqs: Any = None
) -> BatchOutcome:
    """Send every body; an entry SQS refuses (or a call that fails) is retried up to `attempts` times in all."""
    sqs = sqs or client("sqs")
    outcome = BatchOutcome()
    for first in range(0, len(bodies), BATCH_SIZE):
        pending = {str(first + n): body for n, body in enumerate(bodies[first : first + BATCH_SIZE])}
        failures: dict[str, dict[str, str]] = {}
        for attempt in range(attempts):
            if not pending:
                break
            if attempt:
                time.sleep(backoff_s * 2 ** (attempt - 1))
            outcome.calls += 1
            try:
                reply = sqs.send_message_batch(
                    QueueUrl=queue_url, Entries=[{"Id": key, "MessageBody": body} for key, body in pending.items()]
                )
            except (ClientError, BotoCoreError) as error:
                code = error.response["Error"]["Code"] if isinstance(error, ClientError) else type(error).__name__
                failures = {key: {"id": key, "code": code, "message": str(error)} for key in pending}
                continue
            for ok in reply.get("Successful", []):
                pending.pop(ok["Id"], None)
                failures.pop(ok["Id"], None)
                outcome.sent += 1
            failures = {
                bad["Id"]: {"id": bad["Id"], "code": bad.get("Code", ""), "message": bad.get("Message", "")}
                for bad in reply.get("Failed", [])
            }
            pending = {key: pending[key] for key in failures if key in pending}
        outcome.failed.extend(failures[key] for key in pending)
    return outcome
