"""The harvester: an SQS consumer of send requests; each failed record is reported alone (partial batch failure)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.notifications.harvesting import bind_context, harvest
from shared.notifications.models import SendRequest
from shared.observability import lambda_entry

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> dict[str, int]:
    return harvest(SendRequest.model_validate_json(record.body))


def _handle(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    bind_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)


handler = lambda_entry(_handle)
