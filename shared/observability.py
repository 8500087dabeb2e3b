"""The process-wide powertools logger, tracer and metrics, and the decorated Lambda entry points built on them."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

warnings.filterwarnings("ignore", message="No application metrics to publish")

logger = Logger()
tracer = Tracer()
metrics = Metrics()

LambdaHandler = Callable[[dict[str, Any], LambdaContext], Any]


def lambda_entry(body: LambdaHandler, correlation_id_path: str | None = None) -> LambdaHandler:
    """Wrap `body` with structured logging (correlation id), tracing and metrics flushing."""

    @logger.inject_lambda_context(correlation_id_path=correlation_id_path, clear_state=True)
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> Any:
        return body(event, context)

    return handler


def http_entry(body: LambdaHandler) -> LambdaHandler:
    """`lambda_entry` for API Gateway HTTP API events: the request id is the correlation id."""
    return lambda_entry(body, correlation_paths.API_GATEWAY_HTTP)
