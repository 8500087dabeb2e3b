"""Starting the report state machine (run now, exports, reruns): the only Step Functions calls of the domain."""

from __future__ import annotations

import json
from typing import Any

from shared.aws import client
from shared.errors import ConfigurationError
from shared.settings import get_settings


def start_run(run_input: dict[str, Any], name: str | None = None) -> str:
    """Start one execution with `run_input`; `name`, when given, makes a second start of the same run a no-op."""
    arn = get_settings().state_machine_arn
    if not arn:
        raise ConfigurationError("STATE_MACHINE_ARN is not set")
    params: dict[str, Any] = {"stateMachineArn": arn, "input": json.dumps(run_input)}
    if name:
        params["name"] = name[:80]
    execution_arn: str = client("stepfunctions").start_execution(**params)["executionArn"]
    return execution_arn
