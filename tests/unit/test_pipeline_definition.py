"""The one ASL file: every task has the same Retry (transient and Lambda service errors, backoff with jitter); no
Catch chain to a Fail state, so a redrive resumes at the failed step; each delivery ends on its own."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shared.pipeline import definition


def _tasks(states: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for name, state in states.items():
        if state["Type"] == "Task":
            found[name] = state
        if state["Type"] == "Map":
            found.update(_tasks(state["ItemProcessor"]["States"]))
    return found


@pytest.fixture
def asl() -> dict[str, Any]:
    return json.loads(definition.ASL_PATH.read_text())


def test_the_flow_is_start_fetch_aggregate_render_deliver_complete(asl: dict[str, Any]) -> None:
    states = asl["States"]
    path, name = [], asl["StartAt"]
    while name:
        path.append(name)
        state = states[name]
        name = state.get("Default") if state["Type"] == "Choice" else state.get("Next")
    assert path == ["Start", "IsDuplicate", "Fetch", "NeedsAggregate", "Aggregate", "Render", "Deliver", "Complete"]
    assert states["IsDuplicate"]["Choices"][0]["Next"] == "Duplicate"
    assert states["NeedsAggregate"]["Choices"] == [
        {"Variable": "$.skipAggregate", "BooleanEquals": True, "Next": "Render"}
    ]
    assert states["Deliver"]["Type"] == "Map"
    assert states["Deliver"]["ItemsPath"] == "$.deliveries"


def test_no_step_failure_leads_to_a_fail_state_so_a_redrive_resumes_at_the_step(asl: dict[str, Any]) -> None:
    assert not [n for n, s in asl["States"].items() if s["Type"] == "Fail"]
    assert not [n for n, s in asl["States"].items() if "Catch" in s], "a top-level Catch would hide the failed step"
    assert "MarkFailed" not in asl["States"], "failures are recorded by the status-change rule's target"


def test_each_delivery_catches_its_own_failure(asl: dict[str, Any]) -> None:
    inner = asl["States"]["Deliver"]["ItemProcessor"]["States"]
    (catch,) = inner["DeliverOne"]["Catch"]
    assert catch == {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "DeliveryFailed"}
    assert inner["DeliveryFailed"]["Type"] == "Pass"
    assert inner["DeliveryFailed"]["End"] is True


def test_every_task_has_the_same_retry_with_backoff_and_jitter(asl: dict[str, Any]) -> None:
    tasks = _tasks(asl["States"])
    assert set(tasks) == {"Start", "Fetch", "Aggregate", "Render", "DeliverOne", "Complete"}
    retries = {json.dumps(task["Retry"], sort_keys=True) for task in tasks.values()}
    assert len(retries) == 1, "identical Retry blocks"
    transient, service = next(iter(tasks.values()))["Retry"]
    assert transient["ErrorEquals"] == ["TransientError"]
    assert tuple(service["ErrorEquals"]) == definition.LAMBDA_SERVICE_ERRORS
    assert "Lambda.ClientExecutionTimeoutException" in service["ErrorEquals"]
    assert "Lambda.TooManyRequestsException" in service["ErrorEquals"]
    for retry in (transient, service):
        assert retry["BackoffRate"] > 1
        assert retry["JitterStrategy"] == "FULL"
        assert "PermanentError" not in retry["ErrorEquals"]


def test_placeholders_are_exactly_what_cdk_and_the_local_runtime_fill() -> None:
    expected = set(definition.FUNCTION_PLACEHOLDERS) | set(definition.QUEUE_URL_PLACEHOLDERS)
    assert definition.placeholders() == expected
    arns = {name: f"arn:aws:lambda:us-east-1:1:function:{name}" for name in definition.FUNCTION_PLACEHOLDERS.values()}
    filled = json.loads(definition.fill(definition.substitutions(arns, {})))
    assert filled["States"]["Fetch"]["Parameters"]["FunctionName"].endswith(":function:pipeline-fetch")
    with pytest.raises(KeyError, match="FetchFunctionArn"):
        definition.fill({p: "x" for p in definition.FUNCTION_PLACEHOLDERS if p != "FetchFunctionArn"})
