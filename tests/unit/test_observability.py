"""Every API request is logged as structured JSON carrying the request id as its correlation id."""

import io
import json
import logging

import pytest

from functions import health_api
from local.lambda_context import LocalLambdaContext
from shared.observability import logger


def test_request_id_becomes_the_correlation_id_of_json_logs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAGE", "local")
    event = {
        "version": "2.0",
        "routeKey": "GET /health",
        "rawPath": "/health",
        "rawQueryString": "",
        "headers": {},
        "requestContext": {"http": {"method": "GET", "path": "/health"}, "requestId": "req-123", "stage": "$default"},
        "isBase64Encoded": False,
    }
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    try:
        reply = health_api.handler(event, LocalLambdaContext("health-api"))
        logger.warning("after the request")
    finally:
        logger.removeHandler(handler)
    assert reply["statusCode"] == 200
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["correlation_id"] == "req-123"
    assert line["function_name"] == "health-api"
    assert line["message"] == "after the request"


def test_a_traced_entry_point_builds_the_tracer_when_its_first_event_arrives() -> None:
    from aws_lambda_powertools.tracing import Tracer

    from shared import observability

    seen: list[dict[str, object]] = []

    def body(event: dict[str, object], _context: object) -> str:
        seen.append(event)
        return "done"

    handler = observability.lambda_entry(body, traced=True)  # type: ignore[arg-type]
    observability._tracer = None
    assert handler({"n": 1}, LocalLambdaContext("pipeline-fetch")) == "done"
    assert isinstance(observability._tracer, Tracer)
    assert handler({"n": 2}, LocalLambdaContext("pipeline-fetch")) == "done"
    assert seen == [{"n": 1}, {"n": 2}]
