"""The one ASL file: every task retries transient errors with backoff and jitter and catches into MarkFailed."""

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
    assert path == ["Start", "IsDuplicate", "Fetch", "Aggregate", "Render", "Deliver", "Complete"]
    assert states["IsDuplicate"]["Choices"][0]["Next"] == "Duplicate"
    assert states["Deliver"]["Type"] == "Map"
    assert states["Deliver"]["ItemsPath"] == "$.deliveries"
    assert [states["MarkFailed"]["Next"], states["NotifyDlq"]["Next"]] == ["NotifyDlq", "Failed"]
    assert states["NotifyDlq"]["Resource"] == "arn:aws:states:::sqs:sendMessage"
    assert states["Failed"]["Type"] == "Fail"


def test_every_task_retries_transient_errors_with_backoff_and_jitter(asl: dict[str, Any]) -> None:
    for name, task in _tasks(asl["States"]).items():
        if name == "NotifyDlq":
            continue
        transient = next(r for r in task["Retry"] if "TransientError" in r["ErrorEquals"])
        assert transient["BackoffRate"] > 1, name
        assert transient["JitterStrategy"] == "FULL", name
        assert any("Lambda.TooManyRequestsException" in r["ErrorEquals"] for r in task["Retry"]), name
        assert "PermanentError" not in {e for r in task["Retry"] for e in r["ErrorEquals"]}, name


def test_every_step_catches_into_mark_failed(asl: dict[str, Any]) -> None:
    for name in ("Start", "Fetch", "Aggregate", "Render", "Deliver", "Complete"):
        (catch,) = asl["States"][name]["Catch"]
        assert catch == {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "MarkFailed"}


def test_placeholders_are_exactly_what_cdk_and_the_local_runtime_fill() -> None:
    expected = set(definition.FUNCTION_PLACEHOLDERS) | set(definition.QUEUE_URL_PLACEHOLDERS)
    assert definition.placeholders() == expected
    arns = {name: f"arn:aws:lambda:us-east-1:1:function:{name}" for name in definition.FUNCTION_PLACEHOLDERS.values()}
    filled = json.loads(definition.fill(definition.substitutions(arns, {"pipeline-dlq": "https://sqs/q"})))
    assert filled["States"]["Fetch"]["Parameters"]["FunctionName"].endswith(":function:pipeline-fetch")
    with pytest.raises(KeyError, match="PipelineDlqUrl"):
        definition.fill({p: "x" for p in definition.FUNCTION_PLACEHOLDERS})
