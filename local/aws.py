"""The local AWS: moto's server on 127.0.0.1 (a free port), started in-process, reached through `AWS_ENDPOINT_URL`."""

from __future__ import annotations

import json
import logging
import os
import time
import urllib.request
from typing import Any

from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.server import ThreadedMotoServer

from local import lambdas, s3_signatures
from local.account import REGION
from shared.aws import client, reset_clients
from shared.settings import reset_settings

MOTO_CONFIG: dict[str, Any] = {
    "stepfunctions": {"execute_state_machine": True},
    "lambda": {"use_docker": False},
}
SETTLE_SECONDS = 60.0
"""How long a reset waits for running executions before stopping them."""


class _UnimplementedActionNoise(logging.Filter):
    """moto answers an action it lacks with an error the caller handles (a documented fallback): no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "has not been implemented" not in record.getMessage()


class LocalAws:
    """One moto server for this process. Lambda invocations it receives run the catalogued handlers in-process."""

    def __init__(self) -> None:
        self._server: ThreadedMotoServer | None = None
        self.endpoint = ""

    def start(self) -> LocalAws:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        logging.getLogger("werkzeug").addFilter(_UnimplementedActionNoise())
        LambdaSimpleBackend.invoke = lambdas.moto_invoke  # type: ignore[method-assign]
        s3_signatures.install()
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
        """Forget every resource and item; the caller recreates the catalog's resources.

        Executions still running are let finish first: moto's reset does not stop their threads, whose later steps
        would otherwise write into the resources recreated for whatever comes next."""
        self.settle()
        self._post("/moto-api/reset", None)
        self.configure()

    def settle(self, timeout: float = SETTLE_SECONDS) -> None:
        """Wait until no state machine execution runs; stop those still running after `timeout` seconds.

        A stopped execution ends when its current step returns; TimeoutError if that takes another `timeout`."""
        deadline, stopped = time.monotonic() + timeout, False
        while running := self.running_executions():
            if time.monotonic() > deadline:
                if stopped:
                    raise TimeoutError(f"{len(running)} stopped executions still running after {timeout:g} s")
                for arn in running:
                    client("stepfunctions").stop_execution(
                        executionArn=arn, error="LocalReset", cause="the local runtime was reset"
                    )
                logging.getLogger(__name__).warning("stopped %d executions still running at reset", len(running))
                deadline, stopped = time.monotonic() + timeout, True
            time.sleep(0.05)

    @staticmethod
    def running_executions() -> list[str]:
        sfn = client("stepfunctions")
        running = []
        for page in sfn.get_paginator("list_state_machines").paginate():
            for machine in page["stateMachines"]:
                pages = sfn.get_paginator("list_executions").paginate(
                    stateMachineArn=machine["stateMachineArn"], statusFilter="RUNNING"
                )
                running += [execution["executionArn"] for p in pages for execution in p["executions"]]
        return running

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def _post(self, path: str, payload: Any) -> None:
        data = json.dumps(payload).encode() if payload is not None else b""
        request = urllib.request.Request(self.endpoint + path, data=data, method="POST")  # noqa: S310 - loopback
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()
