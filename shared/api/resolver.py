"""One way to build an HTTP API function: a powertools resolver with validation, auth and the house error body."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.api_gateway import ResponseBuilder, Route, Router
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.request import Request

from shared.api.caller import Caller, caller_from_claims
from shared.api.errors import domain_error_response, error_response, validation_error_response
from shared.errors import DomainError, InvalidInput, PayloadTooLarge, UnsupportedMediaType
from shared.items import cursors_for
from shared.observability import logger
from shared.settings import get_settings

API_TITLE = "Report platform API"
API_VERSION = "1.0.0"


def security_schemes() -> dict[str, Any]:
    """The bearer scheme of the OpenAPI document (powertools' OpenAPI models are imported only to serve it)."""
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    return {"bearer": HTTPBearer(bearerFormat="JWT")}


def current_caller(request: Request) -> Caller:
    """The verified caller of this request (use as `Annotated[Caller, Depends(current_caller)]`)."""
    claims = request.resolved_event.request_context.authorizer.jwt_claim  # type: ignore[attr-defined]
    return caller_from_claims(claims)


def _claims_of(app: APIGatewayHttpResolver) -> dict[str, Any] | None:
    authorizer = app.current_event.raw_event.get("requestContext", {}).get("authorizer") or {}
    jwt = authorizer.get("jwt") or {}
    claims = jwt.get("claims")
    return claims if isinstance(claims, dict) else None


def _require_token(app: APIGatewayHttpResolver, next_middleware: Callable[..., Response]) -> Response:
    """Defence in depth behind the JWT authorizer: no verified claims, no route. The cursors of the request are sealed
    for this caller only."""
    caller = caller_from_claims(_claims_of(app))
    with cursors_for(caller.tenant, caller.sub):
        return next_middleware(app)


def body_problem(event: Mapping[str, Any]) -> DomainError | None:
    """What is wrong with a request body before any route or validation sees it: too large, or not sent as JSON."""
    body = event.get("body") or ""
    limit = get_settings().max_body_bytes
    if len(body) > limit:
        return PayloadTooLarge(f"the request body is {len(body)} bytes; the limit is {limit}")
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    content_type = headers.get("content-type", "")
    if body and not content_type.split(";")[0].strip().lower().endswith("json"):
        return UnsupportedMediaType(
            f"the request body must be JSON sent with 'Content-Type: application/json', not {content_type or 'none'!r}"
        )
    return None


class HttpApiResolver(APIGatewayHttpResolver):
    """The powertools resolver, refusing oversized and non-JSON bodies before request validation runs.

    The refusal is the domain error raised inside the resolver's own request chain (as its 404 is): the middlewares,
    the exception handlers of `shared.api.errors` and the response builder (CORS, compression, headers) make a 413
    or 415 exactly as they make every other error reply."""

    def _resolve(self) -> ResponseBuilder:
        problem = body_problem(self.current_event.raw_event) or self._unreadable_body()
        if problem is None:
            return super()._resolve()

        def refuse() -> Response:
            raise problem

        method, path = self.current_event.http_method.upper(), self._remove_prefix(self.current_event.path)
        route = Route(
            rule=self._compile_regex(r".*"),
            method=method,
            path=path,
            func=refuse,
            cors=self._cors_enabled,
            compress=False,
            enable_validation=False,
        )
        self.append_context(_route=route, _path=path)
        return self._call_route(route, route_arguments={})

    def _unreadable_body(self) -> DomainError | None:
        """A body that is not UTF-8 text (API Gateway hands such a body over base64-encoded) or JSON nested too deeply
        to read (a RecursionError, else a 500). The event caches the parse, so request validation reads it from there;
        malformed JSON is left to validation, which names where it breaks."""
        try:
            self.current_event.decoded_body  # noqa: B018 - decoded for its error (base64, then UTF-8)
        except ValueError:  # UnicodeDecodeError and binascii.Error are ValueErrors
            return InvalidInput("the request body is not UTF-8 text, so it is not JSON")
        try:
            self.current_event.json_body  # noqa: B018 - parsed for its error; the event keeps the result
        except RecursionError:
            return InvalidInput("the request body is JSON nested too deeply to read")
        except ValueError:
            return None
        return None


def new_resolver(*routers: Router, public: bool = False, cors: CORSConfig | None = None) -> HttpApiResolver:
    """A resolver with validation, the house error mapping, and (unless `public`) a token required on every route;
    `cors`: CORS headers on every reply, errors included (the deployed API answers CORS at API Gateway instead)."""
    app = HttpApiResolver(enable_validation=True, cors=cors)
    if not public:
        app.use(middlewares=[_require_token])

    @app.exception_handler(DomainError)
    def _domain(error: DomainError) -> Response:
        return domain_error_response(error)

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response:
        return validation_error_response(list(error.errors()))

    @app.not_found
    def _not_found(_: NotFoundError) -> Response:
        event = app.current_event
        return error_response(HTTPStatus.NOT_FOUND, "not_found", f"no route for {event.http_method} {event.path}")

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        logger.exception("unhandled error", extra={"error_type": type(error).__name__})
        return error_response(
            HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "an unexpected error occurred; it has been logged"
        )

    for router in routers:
        app.include_router(router)
    return app


ERROR_BODY_SCHEMA: dict[str, Any] = {
    "title": "ErrorBody",
    "type": "object",
    "required": ["error", "message", "details"],
    "properties": {
        "error": {"type": "string", "description": "a code: invalid_input, unauthorized, not_found ..."},
        "message": {"type": "string", "description": "a sentence saying what is wrong"},
        "details": {"type": "array", "items": {"type": "object"}},
    },
}
ERROR_STATUSES: dict[str, str] = {
    "400": "malformed input (not JSON, not UTF-8, nested too deeply) or a rule the input breaks",
    "401": "missing or bad token",
    "403": "not allowed",
    "404": "unknown route, or no such object the caller may see",
    "409": "conflict",
    "413": "body too large",
    "415": "a body that is not JSON",
    "422": "a field is wrong (named in the message and in details)",
    "502": "a service the request needed failed (the message says what was and was not done)",
}


def house_document(document: dict[str, Any], public_routes: frozenset[tuple[str, str]] = frozenset()) -> dict[str, Any]:
    """The OpenAPI document as the API answers: every operation may answer the house error body with the statuses of
    `ERROR_STATUSES`, a redirect has no body, a DELETE answers 204, and `public_routes` ((METHOD, path) pairs) need no
    token."""
    document.setdefault("components", {}).setdefault("schemas", {})["ErrorBody"] = ERROR_BODY_SCHEMA
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses[status] = {"description": description, **error}
            for status, response in responses.items():
                if str(status).startswith("3"):  # a redirect answers with a Location and no body
                    response.pop("content", None)
            if method == "delete":
                responses.pop("200", None)
                responses["204"] = {"description": "done; no content"}
            if (method.upper(), path) in public_routes:
                operation["security"] = []
    return document


def openapi_schema_json(app: APIGatewayHttpResolver, public_routes: frozenset[tuple[str, str]] = frozenset()) -> str:
    """The OpenAPI document of `app`, in the house title and security scheme, with the house error replies."""
    document = json.loads(
        app.get_openapi_json_schema(
            title=API_TITLE,
            version=API_VERSION,
            security_schemes=security_schemes(),
            security=[{"bearer": []}],
        )
    )
    return json.dumps(house_document(document, public_routes), indent=2)
