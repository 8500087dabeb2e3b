"""Tests reach nothing beyond 127.0.0.1: a look-up of any other name, or a connection to any other address, fails the
test that made it (instead of quietly reaching the internet, or waiting on a resolver, on a machine that has one)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "", None})


class OffLoopback(OSError):
    """A test tried to reach beyond 127.0.0.1."""


def _loopback_address(address: Any) -> bool:
    if not isinstance(address, tuple):  # an AF_UNIX path
        return True
    try:
        return ipaddress.ip_address(str(address[0]).split("%", 1)[0]).is_loopback
    except ValueError:
        return str(address[0]) in LOOPBACK_NAMES


@contextmanager
def loopback_only() -> Iterator[None]:
    """While inside, name look-ups and connections beyond loopback raise `OffLoopback`."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in LOOPBACK_NAMES and not _loopback_address((name,)):
            raise OffLoopback(f"a test looked up {name!r}: tests reach nothing beyond 127.0.0.1")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> Any:
        if not _loopback_address(address):
            raise OffLoopback(f"a test connected to {address!r}: tests reach nothing beyond 127.0.0.1")
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if not _loopback_address(address):
            raise OffLoopback(f"a test connected to {address!r}: tests reach nothing beyond 127.0.0.1")
        return real_connect_ex(self, address)

    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.getaddrinfo = real_getaddrinfo
        socket.socket.connect = real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = real_connect_ex  # type: ignore[method-assign]
