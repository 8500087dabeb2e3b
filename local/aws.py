"""The local AWS: moto's server on 127.0.0.1 (a free port), started in-process, reached through `AWS_ENDPOINT_URL`."""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from typing import Any

from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.server import ThreadedMotoServer

from local import lambdas
from local.account import REGION
from shared.aws import reset_clients
from shared.settings import reset_settings

MOTO_CONFIG: dict[str, Any] = {
    "stepfunctions": {"execute_state_machine": True},
    "lambda": {"use_docker": False},
}


class LocalAws:
    """One moto server for this process. Lambda invocations it receives run the catalogued handlers in-process."""

    def __init__(self) -> None:
        self._server: ThreadedMotoServer | None = None
        self.endpoint = ""

    def start(self) -> LocalAws:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        LambdaSimpleBackend.invoke = lambdas.moto_invoke  # type: ignore[method-assign]
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": self.endpoint,
                "MOTO_PORT": str(port),
                "AWS_ACCESS_KEY_ID": "local",
                "AWS_SECRET_ACCESS_KEY": "local",
                "AWS_DEFAULT_REGION": REGION,
                "AWS_REGION": REGION,
            }
        )
        os.environ.pop("AWS_PROFILE", None)
        os.environ.pop("AWS_SESSION_TOKEN", None)
        reset_clients()
        reset_settings()
        self.configure()
        return self

    def configure(self) -> None:
        """Turn on real ASL execution and in-process Lambda (moto forgets its config on reset)."""
        self._post("/moto-api/config", MOTO_CONFIG)

    def reset(self) -> None:
        """Forget every resource and item; the caller recreates the catalog's resources."""
        self._post("/moto-api/reset", None)
        self.configure()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def _post(self, path: str, payload: Any) -> None:
        data = json.dumps(payload).encode() if payload is not None else b""
        request = urllib.request.Request(self.endpoint + path, data=data, method="POST")  # noqa: S310 - loopback
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()
