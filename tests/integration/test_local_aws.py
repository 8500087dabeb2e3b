"""The local AWS holds every catalogued resource, and its Lambda runs the real handlers in-process."""

import json
import threading
import time
from typing import Any

import pytest

from local import lambdas
from local.resources import physical_name
from local.runtime import LocalRuntime
from shared import catalog
from shared.aws import client
from shared.catalog.pipeline import JOBS, PIPELINE_DLQ, PIPELINE_START
from shared.pipeline.executions import start_run
from shared.settings import get_settings


def test_every_catalogued_resource_exists(clean: LocalRuntime) -> None:
    ddb, s3, sqs = client("dynamodb"), client("s3"), client("sqs")
    settings = get_settings()
    for table in catalog.TABLES:
        described = ddb.describe_table(TableName=settings.name_of(table))["Table"]
        assert described["KeySchema"][0]["AttributeName"] == table.partition_key.name
        assert {i["IndexName"] for i in described.get("GlobalSecondaryIndexes", [])} == {i.name for i in table.indexes}
        if table.ttl_attribute:
            ttl = ddb.describe_time_to_live(TableName=settings.name_of(table))["TimeToLiveDescription"]
            assert ttl["AttributeName"] == table.ttl_attribute
    buckets = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert {physical_name(b.id) for b in catalog.BUCKETS} <= buckets
    for queue in catalog.QUEUES:
        attributes = sqs.get_queue_attributes(QueueUrl=settings.name_of(queue), AttributeNames=["All"])["Attributes"]
        if queue.dlq_env_var:
            policy = json.loads(attributes["RedrivePolicy"])
            assert int(policy["maxReceiveCount"]) == queue.max_receive_count


def test_lambda_invoke_runs_the_handler_in_process(clean: LocalRuntime) -> None:
    event = {
        "version": "2.0",
        "routeKey": "GET /health",
        "rawPath": "/health",
        "rawQueryString": "",
        "headers": {},
        "requestContext": {"http": {"method": "GET", "path": "/health"}, "requestId": "r1", "stage": "$default"},
        "isBase64Encoded": False,
    }
    reply = client("lambda").invoke(FunctionName=catalog.HEALTH_API.name, Payload=json.dumps(event).encode())
    assert "FunctionError" not in reply
    payload = json.loads(reply["Payload"].read())
    assert payload["statusCode"] == 200
    assert json.loads(payload["body"])["status"] == "ok"


def test_a_raised_exception_comes_back_as_a_named_function_error(clean: LocalRuntime) -> None:
    reply = client("lambda").invoke(FunctionName=catalog.HEALTH_API.name, Payload=b'"not an event"')
    assert reply["FunctionError"] == "Unhandled"
    error = json.loads(reply["Payload"].read())
    assert error["errorType"] in {"AttributeError", "TypeError", "KeyError"}
    assert error["errorMessage"]


def test_a_reset_waits_for_a_running_execution_before_emptying_anything(
    clean: LocalRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moto's reset leaves an execution's thread running; its later steps would write into the next test's resources."""
    entered, release = threading.Event(), threading.Event()

    def slow_start(event: dict[str, Any], context: Any) -> dict[str, Any]:
        entered.set()
        release.wait(10)
        raise RuntimeError("the step failed after the reset was asked for")

    monkeypatch.setitem(lambdas._handlers, PIPELINE_START.name, slow_start)
    start_run({"tenantId": "acme", "jobId": "job-late", "attempt": 1}, name="late")
    assert entered.wait(10)
    resetting = threading.Thread(target=clean.reset)
    resetting.start()
    resetting.join(0.5)
    assert resetting.is_alive(), "the reset must wait for the running step"
    release.set()
    resetting.join(30)
    assert not resetting.is_alive()
    assert clean.aws.running_executions() == []
    time.sleep(0.5)
    assert client("sqs").receive_message(QueueUrl=get_settings().name_of(PIPELINE_DLQ)).get("Messages") is None
    assert client("dynamodb").scan(TableName=get_settings().name_of(JOBS))["Items"] == []


def test_a_reset_stops_an_execution_that_outlives_its_patience(
    clean: LocalRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered, release = threading.Event(), threading.Event()
    steps: list[str] = []

    def stuck_start(event: dict[str, Any], context: Any) -> dict[str, Any]:
        steps.append("start")
        entered.set()
        release.wait(10)
        return event

    monkeypatch.setitem(lambdas._handlers, PIPELINE_START.name, stuck_start)
    arn = start_run({"tenantId": "acme", "jobId": "job-stuck", "attempt": 1}, name="stuck")
    assert entered.wait(10), "the execution's first step is running"
    try:
        with pytest.raises(TimeoutError, match="stopped executions still running"):
            clean.aws.settle(timeout=0.3)
    finally:
        release.set()
    clean.aws.settle(timeout=10)
    described = client("stepfunctions").describe_execution(executionArn=arn)
    assert described["status"] == "ABORTED"
    assert steps == ["start"], "no step runs after the stop"
