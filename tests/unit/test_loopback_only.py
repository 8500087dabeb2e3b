"""The test session's guard: nothing beyond 127.0.0.1 is looked up or connected to."""

from __future__ import annotations

import socket

import pytest

from tests.support.loopback_only import OffLoopback


def test_a_look_up_or_connection_beyond_loopback_fails_the_test() -> None:
    with pytest.raises(OffLoopback, match=r"looked up 'example\.com'"):
        socket.getaddrinfo("example.com", 443)
    with socket.socket() as sock, pytest.raises(OffLoopback, match=r"93\.184\.216\.34"):
        sock.connect(("93.184.216.34", 443))
    assert socket.getaddrinfo("localhost", 80)
