"""The threaded HTTP server both local HTTP endpoints (the API and the webhook peer) run on."""

from __future__ import annotations

import socket
from http.server import ThreadingHTTPServer


class LoopbackHttpServer(ThreadingHTTPServer):
    """`ThreadingHTTPServer` with a full listen backlog: the stdlib's 5 resets connections beyond a handful at once."""

    daemon_threads = True
    request_queue_size = socket.SOMAXCONN
