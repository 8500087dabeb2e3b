"""Starting the report state machine (run now, exports, reruns): the only Step Functions calls of the domain."""

from __future__ import annotations

import json
from typing import Any

from shared.aws import client
from shared.errors import ConfigurationError
from shared.pipeline.definition import top_level_states
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


def ended_in(execution_arn: str) -> tuple[str | None, str | None, tuple[str | None, str | None]]:
    """From an ended execution's history (`GetExecutionHistory`): the top-level state it ended in (entered, never
    exited; where a redrive resumes), that state's input, and the execution's (error, cause)."""
    top = top_level_states()
    state: str | None = None
    state_input: str | None = None
    error: tuple[str | None, str | None] = (None, None)
    pages = client("stepfunctions").get_paginator("get_execution_history").paginate(executionArn=execution_arn)
    for page in pages:
        for event in page["events"]:
            entered = event.get("stateEnteredEventDetails")
            exited = event.get("stateExitedEventDetails")
            if entered and entered.get("name") in top:
                state, state_input = entered["name"], entered.get("input")
            elif exited and exited.get("name") == state:
                state, state_input = None, None
            for key in ("executionFailedEventDetails", "executionTimedOutEventDetails", "executionAbortedEventDetails"):
                if key in event:
                    error = (event[key].get("error"), event[key].get("cause"))
    return state, state_input, error


def failure_of(execution_arn: str) -> tuple[str | None, int | None, tuple[str | None, str | None]]:
    """The state an ended execution stopped in, the job attempt that state's input carries, and (error, cause)."""
    state, state_input, error = ended_in(execution_arn)
    attempt: int | None = None
    if state_input:
        try:
            value = json.loads(state_input).get("attempt")
        except (ValueError, AttributeError):
            value = None
        attempt = value if isinstance(value, int) else None
    return state, attempt, error
