"""The local WebSocket API: `/api/v1/reporting/stream` on the local HTTP port, played as API Gateway plays it.

- The upgrade is authorised like the REQUEST authorizer in AWS (the `token` query parameter, verified as the HTTP
  adapter verifies bearer tokens); the catalogued `stream-connections` function gets the same `$connect`,
  `$default` and `$disconnect` events, and a non-200 answer refuses the handshake with that status.
- `POST|GET|DELETE /@connections/{id}` on the same port is the connections endpoint (`execute-api:ManageConnections`)
  that `apigatewaymanagementapi` reaches (`REPORTING_STREAM_ENDPOINT`); a closed connection answers 410 GoneException.
- moto keeps DynamoDB streams but runs no Lambda event source mappings: while a connection is open, a thread reads
  the streams of the catalog's `stream=True` tables (GetRecords, from LATEST) and gives each batch to the functions
  that list the table in `streams`, as Lambda's poller would.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import secrets
import struct
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, unquote

from local import lambdas
from local.account import ACCOUNT_ID
from local.auth import TokenRejected, verify_token
from shared import catalog
from shared.aws import client
from shared.catalog.stream import REPORTING_STREAM, STREAM_CONNECTIONS_FN
from shared.observability import logger
from shared.settings import get_settings

MANAGEMENT_PREFIX = "/@connections/"
POLL_SECONDS = 0.25
_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_TEXT, _CLOSE, _PING, _PONG = 0x1, 0x8, 0x9, 0xA


class _Socket:
    """One open WebSocket: frames written under a lock (the reader thread and the publisher both write)."""

    def __init__(self, request: BaseHTTPRequestHandler, connection_id: str, claims: dict[str, str]) -> None:
        self.request = request
        self.connection_id = connection_id
        self.claims = claims
        self.connected_at = datetime.now(UTC)
        self.lock = threading.Lock()
        self.closed = False

    def send(self, opcode: int, payload: bytes) -> None:
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 127, length)
        with self.lock:
            if self.closed:
                raise ConnectionError("closed")
            self.request.wfile.write(header + payload)
            self.request.wfile.flush()

    def receive(self) -> tuple[int, bytes]:
        """The next frame from the browser (masked, as clients must send); (CLOSE, b"") at end of stream."""
        head = self.request.rfile.read(2)
        if len(head) < 2:
            return _CLOSE, b""
        opcode, length = head[0] & 0x0F, head[1] & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self.request.rfile.read(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self.request.rfile.read(8))
        mask = self.request.rfile.read(4) if head[1] & 0x80 else b"\0\0\0\0"
        data = self.request.rfile.read(length)
        return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(data))

    def close(self) -> None:
        with contextlib.suppress(OSError, ConnectionError):
            self.send(_CLOSE, struct.pack("!H", 1000))
        with self.lock:
            self.closed = True


_sockets: dict[str, _Socket] = {}
_sockets_lock = threading.Lock()


def is_upgrade(request: BaseHTTPRequestHandler, path: str) -> bool:
    return path == REPORTING_STREAM.path and request.headers.get("upgrade", "").lower() == "websocket"


def _event(route: str, socket: _Socket, query: dict[str, str] | None, headers: dict[str, str]) -> dict[str, Any]:
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "headers": headers,
        "isBase64Encoded": False,
        "requestContext": {
            "routeKey": route,
            "eventType": {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE"),
            "connectionId": socket.connection_id,
            "connectedAt": int(socket.connected_at.timestamp() * 1000),
            "domainName": headers.get("host", "127.0.0.1"),
            "stage": "$default",
            "apiId": "local",
            "accountId": ACCOUNT_ID,
            "requestId": str(uuid.uuid4()),
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "authorizer": {"principalId": socket.claims.get("sub", ""), **socket.claims},
        },
    }
    if query is not None:
        event["queryStringParameters"] = query
    return event


def _authorizer_context(claims: dict[str, Any]) -> dict[str, str]:
    """What the REQUEST authorizer (`functions.stream_authorizer`) returns as the connection's context."""
    context = {"sub": str(claims.get("sub", "")), "tenant": str(claims.get("tenant", ""))}
    roles = claims.get("roles", [])
    context["roles"] = "[" + " ".join(roles) + "]" if isinstance(roles, list) else str(roles)
    if claims.get("email"):
        context["email"] = str(claims["email"])
    return context


def _refuse(request: BaseHTTPRequestHandler, status: int, message: str) -> None:
    body = json.dumps({"message": message}).encode()
    request.send_response(status)
    request.send_header("content-type", "application/json")
    request.send_header("content-length", str(len(body)))
    request.send_header("connection", "close")
    request.end_headers()
    request.wfile.write(body)
    request.close_connection = True


def serve(request: BaseHTTPRequestHandler, raw_query: str) -> None:
    """Authorise, `$connect`, hand-shake, then read frames until the browser closes; `$disconnect` at the end."""
    query = dict(parse_qsl(raw_query, keep_blank_values=True))
    headers = {name.lower(): value for name, value in request.headers.items()}
    try:
        claims = verify_token(f"Bearer {query.get('token', '')}") if query.get("token") else None
    except TokenRejected:
        claims = None
    if claims is None:
        _refuse(request, 401, "Unauthorized")
        return
    socket = _Socket(request, base64.b64encode(secrets.token_bytes(12)).decode(), _authorizer_context(claims))
    reply = lambdas.invoke(STREAM_CONNECTIONS_FN.name, _event("$connect", socket, query, headers))
    status = int((reply or {}).get("statusCode", 500))
    if status != 200:
        _refuse(request, status, str((reply or {}).get("body") or "refused"))
        return
    accept = base64.b64encode(
        hashlib.sha1((headers.get("sec-websocket-key", "") + _GUID).encode(), usedforsecurity=False).digest()
    )
    request.send_response(101)
    request.send_header("upgrade", "websocket")
    request.send_header("connection", "Upgrade")
    request.send_header("sec-websocket-accept", accept.decode())
    request.end_headers()
    request.wfile.flush()
    request.close_connection = True
    with _sockets_lock:
        _sockets[socket.connection_id] = socket
    _streams.wake()
    try:
        _read_until_closed(socket, headers)
    finally:
        with _sockets_lock:
            _sockets.pop(socket.connection_id, None)
        socket.close()
        lambdas.invoke(STREAM_CONNECTIONS_FN.name, _event("$disconnect", socket, None, headers))


def _read_until_closed(socket: _Socket, headers: dict[str, str]) -> None:
    while True:
        try:
            opcode, data = socket.receive()
        except (OSError, struct.error):
            return
        if opcode == _CLOSE:
            return
        if opcode == _PING:
            socket.send(_PONG, data)
        elif opcode == _TEXT:
            event = _event("$default", socket, None, headers)
            event["body"] = data.decode(errors="replace")
            lambdas.invoke(STREAM_CONNECTIONS_FN.name, event)


def manage(method: str, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
    """The connections endpoint: (status, headers, body) for `POST|GET|DELETE /@connections/{id}`."""
    connection_id = unquote(path[len(MANAGEMENT_PREFIX) :])
    with _sockets_lock:
        socket = _sockets.get(connection_id)
    if socket is None:
        gone = json.dumps({"message": f"connection {connection_id} is gone"}).encode()
        return 410, {"content-type": "application/json", "x-amzn-errortype": "GoneException"}, gone
    if method == "POST":
        try:
            socket.send(_TEXT, body)
        except (OSError, ConnectionError):
            return 410, {"content-type": "application/json", "x-amzn-errortype": "GoneException"}, b"{}"
        return 200, {}, b""
    if method == "DELETE":
        socket.close()
        return 204, {}, b""
    info = {"connectedAt": socket.connected_at.isoformat(), "identity": {"sourceIp": "127.0.0.1"}}
    return 200, {"content-type": "application/json"}, json.dumps(info).encode()


def close_all() -> None:
    """Close every open socket (the runtime is stopping)."""
    with _sockets_lock:
        sockets = list(_sockets.values())
    for socket in sockets:
        socket.close()
        with contextlib.suppress(OSError):
            socket.request.connection.close()
    _streams.stop()


def open_connections() -> int:
    with _sockets_lock:
        return len(_sockets)


class _StreamPoller:
    """Lambda's DynamoDB-stream poller: reads the catalog's streams while any socket is open."""

    def __init__(self) -> None:
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def wake(self) -> None:
        """A socket opened: (re)read the streams from now on."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="local-stream-poller", daemon=True)
                self._thread.start()
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _run(self) -> None:
        iterators: dict[str, str] = {}
        while not self._stop.is_set():
            if self._wake.is_set():
                self._wake.clear()
                iterators = _latest_iterators()
            if open_connections() == 0:
                iterators = {}
                self._wake.wait()
                continue
            try:
                iterators = _deliver_records(iterators)
            except Exception:
                logger.exception("local stream poll failed; reading the streams again")
                iterators = _latest_iterators()
            self._stop.wait(POLL_SECONDS)


def _latest_iterators() -> dict[str, str]:
    """table id → a shard iterator at LATEST of each streamed table (one shard locally)."""
    ddb, streams = client("dynamodb"), client("dynamodbstreams")
    iterators: dict[str, str] = {}
    for table in catalog.TABLES:
        if not table.stream:
            continue
        try:
            arn = ddb.describe_table(TableName=get_settings().name_of(table))["Table"]["LatestStreamArn"]
            shards = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
            for shard in shards:
                iterators[f"{table.id}#{shard['ShardId']}"] = streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST"
                )["ShardIterator"]
        except Exception:
            logger.exception("local stream not readable", extra={"table": table.id})
    return iterators


def _deliver_records(iterators: dict[str, str]) -> dict[str, str]:
    streams = client("dynamodbstreams")
    following: dict[str, str] = {}
    for key, iterator in iterators.items():
        page = streams.get_records(ShardIterator=iterator, Limit=100)
        records = page.get("Records") or []
        if records:
            table_id = key.split("#", 1)[0]
            for function in catalog.FUNCTIONS:
                if function.kind == "stream" and table_id in function.streams:
                    try:
                        lambdas.invoke(function.name, {"Records": json.loads(json.dumps(records, default=str))})
                    except Exception:
                        logger.exception("local stream function failed", extra={"function": function.name})
        following[key] = page.get("NextShardIterator") or iterator
    return following


_streams = _StreamPoller()
