"""The API conventions every function shares: validation, error body, statuses, token required."""

import json
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler import CORSConfig
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from pydantic import BaseModel, ConfigDict, Field

from local.http_adapter import build_event
from local.lambda_context import LocalLambdaContext
from local.routes import route_table, select
from shared.api.caller import Caller
from shared.api.resolver import HttpApiResolver, current_caller, new_resolver
from shared.catalog import Function
from shared.errors import Conflict, NotFound
from shared.settings import reset_settings

router = Router()


class Widget(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    size: int = Field(ge=1)


@router.post("/api/widgets")
def create(widget: Widget, caller: Annotated[Caller, Depends(current_caller)]) -> dict[str, Any]:
    return {"name": widget.name, "tenant": caller.tenant}


@router.get("/api/widgets/<widget_id>")
def get(widget_id: str) -> dict[str, str]:
    if widget_id == "gone":
        raise NotFound(f"widget {widget_id} does not exist")
    if widget_id == "busy":
        raise Conflict("widget is busy", [{"field": "id"}])
    if widget_id == "boom":
        raise RuntimeError("secret internals")
    return {"id": widget_id}


APP = new_resolver(router)
ROUTES = route_table((Function("w", "m.h", "api", "", routes=("ANY /api/widgets", "ANY /api/widgets/{proxy+}")),))
CLAIMS = {"sub": "u1", "tenant": "acme", "roles": "[user]"}


def resolve(
    method: str,
    path: str,
    body: bytes = b"",
    claims: dict[str, str] | None = CLAIMS,
    content_type: str = "application/json",
    app: HttpApiResolver = APP,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The whole reply (`statusCode`, `headers`, `body` ...) of `app` to one request."""
    route, params = select(ROUTES, method, path)  # type: ignore[misc]
    sent = {"content-type": content_type, **(headers or {})}
    event = build_event(route, params, method, path, "", sent, body, claims)
    return app.resolve(event, LocalLambdaContext("w"))


def call(
    method: str,
    path: str,
    body: bytes = b"",
    claims: dict[str, str] | None = CLAIMS,
    content_type: str = "application/json",
) -> tuple[int, Any]:
    reply = resolve(method, path, body, claims, content_type)
    return reply["statusCode"], json.loads(reply["body"])


def test_happy_path_uses_the_tenant_of_the_token() -> None:
    assert call("POST", "/api/widgets", b'{"name": "a", "size": 2}') == (200, {"name": "a", "tenant": "acme"})


def test_malformed_json_is_400() -> None:
    status, body = call("POST", "/api/widgets", b'{"name": ')
    assert status == 400
    assert body["error"] == "malformed_json"
    assert "not valid JSON" in body["message"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [('{"name": "a", "size": "big"}', "size"), ('{"name": "a"}', "size"), ('{"name": "a", "size": 1, "x": 1}', "x")],
)
def test_invalid_fields_are_422_naming_the_field(payload: str, field: str) -> None:
    status, body = call("POST", "/api/widgets", payload.encode())
    assert status == 422
    assert body["error"] == "validation_failed"
    assert field in body["message"]
    assert any(d["field"].endswith(field) for d in body["details"])


def test_domain_errors_map_to_statuses() -> None:
    assert call("GET", "/api/widgets/gone") == (
        404,
        {"error": "not_found", "message": "widget gone does not exist", "details": []},
    )
    assert call("GET", "/api/widgets/busy")[0] == 409


def test_unexpected_error_is_a_json_500_without_internals() -> None:
    status, body = call("GET", "/api/widgets/boom")
    assert status == 500
    assert body["error"] == "internal_error"
    assert "secret" not in json.dumps(body)


def test_unknown_route_is_json_404() -> None:
    status, body = call("GET", "/api/widgets/a/b/c")
    assert status == 404
    assert body["error"] == "not_found"


def test_no_claims_is_401_even_behind_the_authorizer() -> None:
    status, body = call("GET", "/api/widgets/x", claims=None)
    assert status == 401
    assert body["error"] == "unauthorized"


def test_oversized_body_is_413(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_BODY_BYTES", "100")
    reset_settings()
    try:
        status, body = call("POST", "/api/widgets", json.dumps({"name": "a" * 200, "size": 1}).encode())
    finally:
        monkeypatch.delenv("MAX_BODY_BYTES")
        reset_settings()
    assert status == 413
    assert "limit is 100" in body["message"]


def test_a_body_that_is_not_json_is_415_saying_what_to_send() -> None:
    status, body = call("POST", "/api/widgets", b"name=a&size=2", content_type="application/x-www-form-urlencoded")
    assert status == 415
    assert body["error"] == "unsupported_media_type"
    assert "application/json" in body["message"]
    assert (
        call("POST", "/api/widgets", b'{"name": "a", "size": 2}', content_type="application/json; charset=utf-8")[0]
        == 200
    )


def test_413_and_415_carry_the_headers_of_every_other_error_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    """Headers the resolver adds to its replies (here CORS) are on a refused body too: it takes the same path."""
    dashboard = "https://dashboard.example"
    app = new_resolver(router, cors=CORSConfig(allow_origin=dashboard))
    origin = {"origin": dashboard}
    malformed = resolve("POST", "/api/widgets", b'{"name": ', app=app, headers=origin)
    assert malformed["statusCode"] == 400
    assert malformed["headers"]["Access-Control-Allow-Origin"] == dashboard
    monkeypatch.setenv("MAX_BODY_BYTES", "100")
    reset_settings()
    try:
        too_large = resolve("POST", "/api/widgets", json.dumps({"name": "a" * 200}).encode(), app=app, headers=origin)
    finally:
        monkeypatch.delenv("MAX_BODY_BYTES")
        reset_settings()
    not_json = resolve("POST", "/api/widgets", b"name=a", content_type="text/plain", app=app, headers=origin)
    for reply, status, code in ((too_large, 413, "payload_too_large"), (not_json, 415, "unsupported_media_type")):
        assert reply["statusCode"] == status
        assert json.loads(reply["body"])["error"] == code
        assert {k: v for k, v in reply.items() if k not in ("statusCode", "body")} == {
            k: v for k, v in malformed.items() if k not in ("statusCode", "body")
        }, f"{status} carries the headers (and cookies, encoding) of a 400"
