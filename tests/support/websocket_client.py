"""A minimal WebSocket client (RFC 6455 over a plain socket) for tests of the local stream."""

from __future__ import annotations

import base64
import json
import os
import socket
import struct
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit


class HandshakeRefused(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(f"handshake answered {status}")
        self.status = status


@dataclass
class WebSocket:
    sock: socket.socket
    buffer: bytes = b""

    def _read(self, count: int) -> bytes:
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed by the server")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def receive(self, timeout: float) -> dict[str, Any] | None:
        """The next text message as JSON, or None when nothing arrives within `timeout` seconds."""
        self.sock.settimeout(timeout)
        try:
            head = self._read(2)
        except TimeoutError:
            return None
        length = head[1] & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self._read(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._read(8))
        data = self._read(length)
        if head[0] & 0x0F == 0x8:
            raise ConnectionError("closed by the server")
        return dict(json.loads(data))

    def messages(self, timeout: float, until: Any = None) -> list[dict[str, Any]]:
        """Every message until `until(message)` holds or nothing came for `timeout` seconds."""
        received: list[dict[str, Any]] = []
        while (message := self.receive(timeout)) is not None:
            received.append(message)
            if until is not None and until(message):
                break
        return received

    def close(self) -> None:
        mask = os.urandom(4)
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(struct.pack("!H", 1000)))
        try:
            self.sock.sendall(bytes([0x88, 0x80 | 2]) + mask + payload)
        finally:
            self.sock.close()


def connect(base_url: str, path: str, **query: str) -> WebSocket:
    """Open `path` on the local HTTP port with the query; HandshakeRefused carries a refused handshake's status."""
    parts = urlsplit(base_url)
    sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    target = f"{path}?{urlencode(query)}" if query else path
    sock.sendall(
        (
            f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    status = int(head.split(b" ", 2)[1])
    if status != 101:
        sock.close()
        raise HandshakeRefused(status)
    return WebSocket(sock, head.split(b"\r\n\r\n", 1)[1])
