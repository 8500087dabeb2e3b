"""The local HTTP API: each request becomes an API Gateway HTTP API (payload 2.0) event for the same handlers."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from local import lambdas, stream
from local.account import ACCOUNT_ID, REGION
from local.auth import TokenRejected, verify_token
from local.loopback import LoopbackHttpServer
from local.routes import Route, route_table, select

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
"""API Gateway's own payload limit."""
_GATEWAY_MESSAGES = {401: "Unauthorized", 403: "Forbidden", 500: "Internal Server Error"}
"""API Gateway's own bodies for a Lambda authorizer's refusals."""


def _claims_as_api_gateway_passes_them(claims: dict[str, Any]) -> dict[str, str]:
    """The HTTP API JWT authorizer hands claims on as strings; lists look like `[a b]`."""
    passed: dict[str, str] = {}
    for name, value in claims.items():
        if isinstance(value, list):
            passed[name] = "[" + " ".join(str(v) for v in value) + "]"
        else:
            passed[name] = str(value)
    return passed


def allowed_methods(routes: list[Route], path: str) -> list[str]:
    """The methods of the routes that own `path` as API Gateway picks them: the most literal match (`/api/reports/
    tables` is its own route, not `/api/reports/{report_id}`)."""
    matching = [r for r in routes if r.match(r.method, path) is not None]
    if not matching:
        return []
    most_literal = max(r.literal_length for r in matching)
    return sorted({r.method for r in matching if r.literal_length == most_literal})


def _is_utf8(body: bytes) -> bool:
    """Whether API Gateway would pass the body on as text (else it is base64-encoded, `isBase64Encoded`)."""
    try:
        body.decode()
    except UnicodeDecodeError:
        return False
    return True


def build_event(
    route: Route,
    path_params: dict[str, str],
    method: str,
    raw_path: str,
    raw_query: str,
    headers: dict[str, str],
    body: bytes,
    claims: dict[str, Any] | None,
    source_ip: str = "127.0.0.1",
) -> dict[str, Any]:
    query: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    now = datetime.now(UTC)
    content_type = headers.get("content-type", "")
    is_text = not body or (
        content_type.startswith(("application/json", "text/", "application/x-www-form-urlencoded")) and _is_utf8(body)
    )
    request_context: dict[str, Any] = {
        "accountId": ACCOUNT_ID,
        "apiId": "local",
        "domainName": headers.get("host", "127.0.0.1"),
        "domainPrefix": "local",
        "http": {
            "method": method,
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": route.key,
        "stage": "$default",
        "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(now.timestamp() * 1000),
    }
    if claims is not None:
        request_context["authorizer"] = {"jwt": {"claims": _claims_as_api_gateway_passes_them(claims), "scopes": None}}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.key,
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": request_context,
        "isBase64Encoded": not is_text,
    }
    if "cookie" in headers:
        event["cookies"] = [c.strip() for c in headers["cookie"].split(";") if c.strip()]
    if query:
        event["queryStringParameters"] = query
    if path_params:
        event["pathParameters"] = path_params
    if body:
        event["body"] = body.decode() if is_text else base64.b64encode(body).decode()
    return event


class LocalHttpApi:
    """A threaded HTTP server on 127.0.0.1 that plays API Gateway (routes, JWT authorizer) in front of the handlers."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.routes = route_table()
        adapter = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                adapter.handle(self)

            do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

            def __getattr__(self, name: str) -> Any:
                """Any other method (TRACE, CONNECT, PROPFIND ...) is a 405 in the house body, not the stdlib's 501."""
                if name.startswith("do_"):
                    return lambda: adapter.refuse_method(self)
                raise AttributeError(name)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = LoopbackHttpServer((host, port), _Handler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> LocalHttpApi:
        self._thread = threading.Thread(target=self.server.serve_forever, name="local-http-api", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        stream.close_all()
        self.server.shutdown()
        self.server.server_close()

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        method = request.command
        parts = urlsplit(request.path)
        try:
            length = int(request.headers.get("content-length") or 0)
        except ValueError:
            request.close_connection = True
            message = "the Content-Length header is not a number"
            self._reply_error(request, HTTPStatus.BAD_REQUEST, "bad_request", message)
            return
        if length > MAX_PAYLOAD_BYTES:
            self._drain(request, length)
            self._reply_error(request, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large", "request too large")
            return
        if stream.is_upgrade(request, parts.path):
            stream.serve(request, parts.query)
            return
        body = request.rfile.read(length) if length else b""
        if parts.path.startswith(stream.MANAGEMENT_PREFIX):
            self._reply(request, *stream.manage(method, parts.path, body))
            return
        found = select(self.routes, method, parts.path)
        if found is None:
            allowed = allowed_methods(self.routes, parts.path)
            if allowed:
                message = f"method {method} is not allowed on {parts.path}; it answers {', '.join(allowed)}"
                headers = {"allow": ", ".join(allowed)}
                self._reply_error(request, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed", message, headers)
                return
            self._reply_error(request, HTTPStatus.NOT_FOUND, "not_found", f"no route for {method} {parts.path}")
            return
        route, path_params = found
        headers = {name.lower(): value for name, value in request.headers.items()}
        claims: dict[str, Any] | None = None
        authorized: dict[str, Any] | None = None
        if route.authorizer:
            outcome = self._authorize(
                route, build_event(route, path_params, method, parts.path, parts.query, headers, b"", None)
            )
            if isinstance(outcome, int):
                payload = json.dumps({"message": _GATEWAY_MESSAGES[outcome]}).encode()
                self._reply(request, outcome, {"content-type": "application/json"}, payload)
                return
            authorized = outcome
        elif not route.public:
            try:
                claims = verify_token(request.headers.get("authorization"))
            except TokenRejected as rejected:
                self._reply_error(request, HTTPStatus.UNAUTHORIZED, "unauthorized", str(rejected))
                return
        event = build_event(route, path_params, method, parts.path, parts.query, headers, body, claims)
        if authorized is not None:
            event["requestContext"]["authorizer"] = {"lambda": authorized}
        try:
            result = lambdas.invoke(route.function, event)
        except Exception:
            self._reply_error(request, HTTPStatus.INTERNAL_SERVER_ERROR, "internal_error", "the function failed")
            return
        self._reply_result(request, result)

    def refuse_method(self, request: BaseHTTPRequestHandler) -> None:
        """A method no route can have, as API Gateway refuses it: the body drained, a 405 naming the method."""
        length = request.headers.get("content-length") or "0"
        self._drain(request, int(length) if length.isdigit() else 0)
        allowed = "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS"
        message = f"method {request.command} is not allowed; the API answers {allowed}"
        self._reply_error(request, HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed", message, {"allow": allowed})

    @staticmethod
    def _authorize(route: Route, event: dict[str, Any]) -> dict[str, Any] | int:
        """API Gateway's Lambda REQUEST authorizer (payload 2.0, simple responses): no identity source is a 401
        without a call, a refusal a 403, a failing authorizer a 500; else the authorizer's context."""
        identity = event["headers"].get("authorization")
        if not identity or route.authorizer is None:
            return HTTPStatus.UNAUTHORIZED
        context = event["requestContext"]
        route_path = f"{context['stage']}/{context['http']['method']}{event['rawPath']}"
        request = {
            **event,
            "type": "REQUEST",
            "routeArn": f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{context['apiId']}/{route_path}",
            "identitySource": [identity],
        }
        try:
            result = lambdas.invoke(route.authorizer, request)
        except Exception:
            return HTTPStatus.INTERNAL_SERVER_ERROR
        if not isinstance(result, dict) or result.get("isAuthorized") is not True:
            return HTTPStatus.FORBIDDEN
        return dict(result.get("context") or {})

    @staticmethod
    def _drain(request: BaseHTTPRequestHandler, length: int) -> None:
        """Read and drop a refused body, so the client sees the reply rather than a reset connection."""
        while length > 0:
            chunk = request.rfile.read(min(length, 1 << 20))
            if not chunk:
                break
            length -= len(chunk)

    def _reply_result(self, request: BaseHTTPRequestHandler, result: Any) -> None:
        if not isinstance(result, dict) or "statusCode" not in result:
            payload = json.dumps(result).encode()
            self._reply(request, 200, {"content-type": "application/json"}, payload)
            return
        raw = result.get("body") or ""
        payload = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode()
        headers = {str(k).lower(): str(v) for k, v in (result.get("headers") or {}).items()}
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers[str(name).lower()] = ",".join(str(v) for v in values)
        self._reply(request, int(result["statusCode"]), headers, payload, result.get("cookies") or [])

    def _reply_error(
        self,
        request: BaseHTTPRequestHandler,
        status: int,
        code: str,
        message: str,
        extra_headers: dict[str, str] | None = None,
    ) -> None:
        body = json.dumps({"error": code, "message": message, "details": []}).encode()
        headers = {"content-type": "application/json", **(extra_headers or {})}
        if status == HTTPStatus.UNAUTHORIZED:
            headers["www-authenticate"] = "Bearer"
        self._reply(request, status, headers, body)

    @staticmethod
    def _reply(
        request: BaseHTTPRequestHandler,
        status: int,
        headers: dict[str, str],
        body: bytes,
        cookies: list[str] | None = None,
    ) -> None:
        request.send_response(status)
        for name, value in headers.items():
            if name not in ("content-length", "connection", "transfer-encoding"):
                request.send_header(name, value)
        for cookie in cookies or []:
            request.send_header("set-cookie", cookie)
        request.send_header("content-length", str(len(body)))
        request.end_headers()
        if request.command != "HEAD":
            request.wfile.write(body)
