"""The one place where domain errors become HTTP statuses, and the one error body: `{error, message, details}`."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response, content_types

from shared.errors import (
    Conflict,
    DependencyFailed,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
)

logger = Logger(child=True)

STATUS_OF: dict[type[DomainError], HTTPStatus] = {
    InvalidInput: HTTPStatus.BAD_REQUEST,
    Unauthorized: HTTPStatus.UNAUTHORIZED,
    Forbidden: HTTPStatus.FORBIDDEN,
    NotFound: HTTPStatus.NOT_FOUND,
    Conflict: HTTPStatus.CONFLICT,
    PayloadTooLarge: HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    UnsupportedMediaType: HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    DependencyFailed: HTTPStatus.BAD_GATEWAY,
}


def error_response(status: int, code: str, message: str, details: list[dict[str, Any]] | None = None) -> Response:
    """A JSON error reply in the house shape."""
    body = {"error": code, "message": message, "details": details or []}
    headers = {"WWW-Authenticate": "Bearer"} if status == HTTPStatus.UNAUTHORIZED else None
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps(body, default=str),
        headers=headers,
    )


def status_of(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_OF:
            return int(STATUS_OF[cls])
    return int(HTTPStatus.BAD_REQUEST)


def domain_error_response(error: DomainError) -> Response:
    return error_response(status_of(error), error.code, error.message, error.details)


def validation_error_response(errors: list[dict[str, Any]]) -> Response:
    """Pydantic errors as 422 naming each field; a body that is not JSON at all is a 400."""
    details = [
        {
            "field": ".".join(str(part) for part in err.get("loc", ()) if part != "body") or "body",
            "location": str(err.get("loc", ("body",))[0]) if err.get("loc") else "body",
            "problem": err.get("msg", "invalid"),
            "type": err.get("type", "invalid"),
        }
        for err in errors
    ]
    if any(d["type"] == "json_invalid" for d in details):
        return error_response(HTTPStatus.BAD_REQUEST, "malformed_json", "the request body is not valid JSON", details)
    names = ", ".join(sorted({d["field"] for d in details}))
    return error_response(HTTPStatus.UNPROCESSABLE_ENTITY, "validation_failed", f"invalid request: {names}", details)
