"""`GET /api/openapi.json` and `GET /api/docs`: one OpenAPI document over the routes of every API function."""

import importlib
from collections.abc import Callable, Iterator

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router

from shared.api.caller import caller_from_claims
from shared.api.resolver import API_TITLE, API_VERSION, new_resolver, openapi_schema_json, security_schemes
from shared.catalog import DOCS_API, FUNCTIONS
from shared.observability import http_entry

router = Router()
PUBLIC_PATHS = ("/api/openapi.json", "/api/docs")
"""Open in a browser without a token (API Gateway routes them with no authorizer): they describe routes, no data."""
PUBLIC_ROUTES = frozenset(
    (key.split(" ", 1)[0], key.split(" ", 1)[1]) for function in FUNCTIONS for key in function.public_routes
)
"""(METHOD, path) of every route that needs no token (`GET /health` ...)."""


def api_routers() -> Iterator[Router]:
    """The router of every other API function in the catalog."""
    for function in FUNCTIONS:
        if function.kind == "api" and function.name != DOCS_API.name:
            module = importlib.import_module(function.handler.rsplit(".", 1)[0])
            yield module.router


@router.get("/api/openapi.json", include_in_schema=False)
def openapi_json() -> Response[str]:
    return Response(
        status_code=200, content_type=content_types.APPLICATION_JSON, body=openapi_schema_json(app, PUBLIC_ROUTES)
    )


def _public_docs_only(app: APIGatewayHttpResolver, next_middleware: Callable[..., Response]) -> Response:
    """The other functions' routers are here only for the document: reaching one of their routes needs a token."""
    if app.current_event.path not in PUBLIC_PATHS:
        authorizer = app.current_event.raw_event.get("requestContext", {}).get("authorizer") or {}
        caller_from_claims((authorizer.get("jwt") or {}).get("claims"))
    return next_middleware(app)


app = new_resolver(router, *api_routers(), public=True)
app.use(middlewares=[_public_docs_only])
app.enable_swagger(
    path="/api/docs",
    title=API_TITLE,
    version=API_VERSION,
    security_schemes=security_schemes(),
    security=[{"bearer": []}],
)
handler = http_entry(app.resolve)
