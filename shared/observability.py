"""The process-wide powertools logger and metrics, and the decorated Lambda entry points built on them.

Tracing with the X-Ray SDK is opt-in per entry point (`traced=True`): the SDK costs more to import than boto3 itself,
so only the Step Functions tasks whose downstream calls are worth seeing as subsegments carry it, and it is loaded
on their first invocation, not at import (see docs/operations.md, "Cold start")."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.logging import Logger, correlation_paths
from aws_lambda_powertools.metrics import Metrics
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.settings import check_environment

if TYPE_CHECKING:
    from aws_lambda_powertools.tracing import Tracer

warnings.filterwarnings("ignore", message="No application metrics to publish")

logger = Logger()
metrics = Metrics()

LambdaHandler = Callable[[dict[str, Any], LambdaContext], Any]
_tracer: Tracer | None = None


def tracer() -> Tracer:
    """The process-wide powertools Tracer, built (and the X-Ray SDK imported) on first use."""
    global _tracer
    if _tracer is None:
        from aws_lambda_powertools.tracing import Tracer

        _tracer = Tracer()
    return _tracer


@lru_cache(maxsize=128)
def _check_environment_once(_function: str, _credentials: str) -> None:
    """Every setting the function needs is present, checked on its first invocation (a failure is not cached)."""
    check_environment()


def lambda_entry(body: LambdaHandler, correlation_id_path: str | None = None, *, traced: bool = False) -> LambdaHandler:
    """Wrap `body` with structured logging (correlation id) and metrics flushing; `traced`: and an X-Ray segment
    for the invocation with a subsegment per AWS call (the SDK loaded on the first invocation)."""

    def checked(event: dict[str, Any], context: LambdaContext) -> Any:
        _check_environment_once(os.environ.get("AWS_LAMBDA_FUNCTION_NAME", ""), os.environ.get("AWS_ACCESS_KEY_ID", ""))
        return body(event, context)

    measured: LambdaHandler = metrics.log_metrics(checked)
    if traced:
        measured = _traced_on_first_call(measured)
    return logger.inject_lambda_context(correlation_id_path=correlation_id_path, clear_state=True)(measured)


def _traced_on_first_call(handler: LambdaHandler) -> LambdaHandler:
    """`handler` under `Tracer.capture_lambda_handler`, the tracer built when the first event arrives."""
    wrapped: list[LambdaHandler] = []

    def traced_handler(event: dict[str, Any], context: LambdaContext) -> Any:
        if not wrapped:
            wrapped.append(tracer().capture_lambda_handler(handler))
        return wrapped[0](event, context)

    return traced_handler


def http_entry(body: LambdaHandler) -> LambdaHandler:
    """`lambda_entry` for API Gateway HTTP API events: the request id is the correlation id."""
    return lambda_entry(body, correlation_paths.API_GATEWAY_HTTP)
