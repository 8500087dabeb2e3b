"""The local HTTP API as a client sees it: open health, token on every /api route, JSON errors, OpenAPI and docs."""

import socket
from datetime import timedelta

from local.auth import mint_token
from local.http_adapter import LocalHttpApi
from local.runtime import LocalRuntime
from tests.support.api_client import ApiClient


def test_health_is_open(api: ApiClient) -> None:
    reply = api.get("/health", token="")
    assert reply.status == 200
    assert reply.json["status"] == "ok"
    assert reply.json["stage"] == "local"


def test_connections_waiting_to_be_accepted_are_all_answered(runtime: LocalRuntime) -> None:
    """Fifty clients connect before the server accepts any: none is refused or reset (the stdlib's backlog is 5)."""
    server = LocalHttpApi(0)
    clients = [socket.create_connection(server.server.server_address[:2], timeout=2) for _ in range(50)]
    server.start()
    try:
        for client in clients:
            client.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        replies = [client.makefile("rb").readline() for client in clients]
    finally:
        for client in clients:
            client.close()
        server.stop()
    assert replies == [b"HTTP/1.1 200 OK\r\n"] * 50


def test_api_routes_need_a_valid_token(api: ApiClient) -> None:
    for token in ("", "garbage", mint_token("acme", "a", ["user"], ttl=timedelta(seconds=-30))):
        reply = api.get("/api/subscriptions", token=token)
        assert reply.status == 401
        assert reply.headers["content-type"].startswith("application/json")
        assert reply.json["error"] == "unauthorized"
        assert reply.json["message"]
        assert reply.headers["www-authenticate"] == "Bearer"


def test_openapi_document_lists_routes_and_bearer_security(api: ApiClient) -> None:
    reply = api.get("/api/openapi.json", token="")
    assert reply.status == 200
    document = reply.json
    assert document["openapi"].startswith("3.")
    assert "/health" in document["paths"]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_swagger_ui_is_served_with_its_assets_inline(api: ApiClient) -> None:
    reply = api.get("/api/docs", token="")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/html")
    assert b"SwaggerUIBundle" in reply.body
    assert b"unpkg.com" not in reply.body


def test_unknown_routes_are_json_404(api: ApiClient) -> None:
    for path in ("/api/nothing-here", "/nothing"):
        reply = api.get(path)
        assert reply.status == 404
        assert reply.json == {"error": "not_found", "message": f"no route for GET {path}", "details": []}


def test_payload_over_api_gateway_limit_is_413(api: ApiClient) -> None:
    reply = api.post("/api/openapi.json", raw=b"x" * (10 * 1024 * 1024 + 1))
    assert reply.status == 413
    assert reply.json["error"] == "payload_too_large"
