"""The delivery worker: an SQS consumer of queued deliveries (deliver-now, retries of failed deliveries), each sent
through the same path as the pipeline's Deliver step; a transient failure goes back to the queue."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.catalog.delivery import DELIVERY_REQUESTS
from shared.delivery.requests import DeliveryRequest, send_one
from shared.observability import lambda_entry

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> str:
    last = int(record.attributes.approximate_receive_count) >= DELIVERY_REQUESTS.max_receive_count
    return send_one(DeliveryRequest.model_validate_json(record.body), last_receive=last).status


def _handle(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)


handler = lambda_entry(_handle)
