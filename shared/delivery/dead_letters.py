"""Deliveries the sweeper leaves failed for good, on the pipeline's dead-letter queue with their cause.

A run that fails reaches that queue through mark-failed (job, step, cause); a delivery that fails inside a run ends
`failed` on its own and is named in the job's summary and the owner's notice. One the sweeper ends (its retries used
up, an at-most-once channel not sent again, a permanent answer to its re-send) is sent there by the sweeper in the
same shape, plus the delivery's id, channel and attempts, so one queue and its alarm hold every failure. The record is
failed for good first (the conditional write decides which sweep owns it), then the message is sent; a message that
cannot be sent is logged with its whole body.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from shared import clock
from shared.aws import client
from shared.catalog.pipeline import PIPELINE_DLQ
from shared.delivery.records import DeliveryRecord
from shared.jobs.models import Job
from shared.observability import logger
from shared.settings import get_settings


def message_of(record: DeliveryRecord, job: Job | None, error: str, cause: str) -> dict[str, Any]:
    return {
        "jobId": record.jobId,
        "tenantId": record.tenantId,
        "subscriptionId": record.subscriptionId,
        "step": "deliver",
        "error": error,
        "cause": cause,
        "attempt": job.attempt if job is not None else None,
        "failedAt": clock.iso(clock.now()),
        "deliveryId": record.deliveryId,
        "kind": record.kind,
        "channel": record.channel,
        "deliveryAttempts": record.attempts,
        "sweeps": record.sweeps,
        "source": "delivery-sweeper",
    }


def send(record: DeliveryRecord, job: Job | None, error: str, cause: str) -> bool:
    """Put one failed-for-good delivery on the pipeline DLQ; False (and the message logged) when SQS refused it."""
    message = message_of(record, job, error, cause)
    try:
        client("sqs").send_message(QueueUrl=get_settings().name_of(PIPELINE_DLQ), MessageBody=json.dumps(message))
    except (ClientError, BotoCoreError) as problem:
        logger.error("failed delivery not dead-lettered", extra={"dead_letter": message, "error": f"{problem}"})
        return False
    return True
