"""Local peers of the delivery channels on 127.0.0.1: an HTTP receiver for webhooks and Slack.

`HttpPeer` is a real `ThreadingHTTPServer` that records every request, checks webhook signatures with the secret it is
given, and answers as scripted (`script(Reply(500), Reply(500), Reply(200))`, `Reply(429, retry_after="1")`); once the
script is used up it answers 200. Nothing listens beyond loopback.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from local.loopback import LoopbackHttpServer
from shared.delivery.channels.webhook import verify_signature


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: str = "ok"
    retry_after: str | None = None
    delay_s: float = 0.0
    """Wait this long before answering (to make the sender time out)."""


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float
    signature_valid: bool | None
    """None when the peer has no secret for this path or the request carries no signature."""
    answered: int = 0
    query: str = ""

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class _State:
    replies: deque[Reply] = field(default_factory=deque)
    requests: list[ReceivedRequest] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)
    reject_bad_signatures: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.arrived = threading.Condition(self.lock)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        path, _, query = self.path.partition("?")
        secret = state.secrets.get(path)
        signature = headers.get("x-signature")
        valid = None
        if secret is not None and signature is not None:
            valid = verify_signature(secret, headers.get("x-timestamp", ""), body, signature)
        with state.lock:
            reply = state.replies.popleft() if state.replies else Reply()
            if valid is False and state.reject_bad_signatures:
                reply = Reply(401, "bad signature")
            received = ReceivedRequest(path, headers, body, time.monotonic(), valid, reply.status, query)
            state.requests.append(received)
            state.arrived.notify_all()
        if reply.delay_s:
            time.sleep(reply.delay_s)
        payload = reply.body.encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            if reply.retry_after is not None:
                self.send_header("Retry-After", reply.retry_after)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            return


class _Server(LoopbackHttpServer):
    state: _State


class HttpPeer:
    """Start with `start()` (or as a context manager); `url(path)` is where to send."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        """`tls`: serve HTTPS with this server context (its certificate names the host names senders will use)."""
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = _State()
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="http-peer", daemon=True)

    def start(self) -> HttpPeer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> HttpPeer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def expect_secret(self, path: str, secret: str, reject_bad_signatures: bool = True) -> None:
        """Verify signatures of requests to `path` with `secret`; answer 401 to a bad one unless told not to."""
        with self._server.state.lock:
            self._server.state.secrets[path] = secret
            self._server.state.reject_bad_signatures = reject_bad_signatures

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with these replies, in order (then 200)."""
        with self._server.state.lock:
            self._server.state.replies.extend(replies)

    def reset(self) -> None:
        with self._server.state.lock:
            self._server.state.replies.clear()
            self._server.state.requests.clear()

    @property
    def requests(self) -> list[ReceivedRequest]:
        with self._server.state.lock:
            return list(self._server.state.requests)

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[ReceivedRequest]:
        """Block until `count` requests have arrived (or the timeout), then return them all."""
        state = self._server.state
        with state.arrived:
            state.arrived.wait_for(lambda: len(state.requests) >= count, timeout=timeout_s)
            return list(state.requests)
