"""The local AWS holds every catalogued resource, and its Lambda runs the real handlers in-process."""

import json

from local.resources import physical_name
from local.runtime import LocalRuntime
from shared import catalog
from shared.aws import client
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
