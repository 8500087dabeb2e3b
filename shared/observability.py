"""The process-wide powertools logger, tracer and metrics, and the decorated Lambda entry points built on them."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.settings import check_environment

warnings.filterwarnings("ignore", message="No application metrics to publish")

logger = Logger()
tracer = Tracer()
metrics = Metrics()

LambdaHandler = Callable[[dict[str, Any], LambdaContext], Any]


@lru_cache(maxsize=128)
def _check_environment_once(_function: str, _credentials: str) -> None:
    """Every setting the function needs is present, checked on its first invocation (a failure is not cached)."""
    check_environment()


def lambda_entry(body: LambdaHandler, correlation_id_path: str | None = None) -> LambdaHandler:
    """Wrap `body` with structured logging (correlation id), tracing and metrics flushing."""

    @logger.inject_lambda_context(correlation_id_path=correlation_id_path, clear_state=True)
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> Any:
        _check_environment_once(os.environ.get("AWS_LAMBDA_FUNCTION_NAME", ""), os.environ.get("AWS_ACCESS_KEY_ID", ""))
        return body(event, context)

    return handler


def http_entry(body: LambdaHandler) -> LambdaHandler:
    """`lambda_entry` for API Gateway HTTP API events: the request id is the correlation id."""
    return lambda_entry(body, correlation_paths.API_GATEWAY_HTTP)
