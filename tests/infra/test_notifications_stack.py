"""Notification reports in the synthesised stacks: crons, workers, the Glue tables with partition projection, the
Athena workgroup, and each function's role holding only what it uses."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match

from cdk.analytics import BYTES_SCANNED_CUTOFF
from shared import catalog
from shared.catalog.notifications import (
    API_KEY_AUTHORIZER,
    HARVESTER,
    HARVESTER_QUEUE,
    N10N_REPORTS_API,
    NOTIFICATIONS_API,
    PUSH_QUEUES,
    PUSH_WORKERS,
    RECEIVED_COUNTER,
    REPORT_EXTRACTOR,
)
from tests.infra.conftest import Synth


def _function(synth: Synth, name: str) -> tuple[str, dict[str, Any]]:
    for logical_id, resource in synth.stateless.find_resources("AWS::Lambda::Function").items():
        if logical_id.startswith(f"FunctionsFn{name.replace('-', '')}"):
            return logical_id, resource
    raise AssertionError(f"no function {name}")


def _policy_statements(synth: Synth, name: str) -> list[dict[str, Any]]:
    _, function = _function(synth, name)
    role = function["Properties"]["Role"]["Fn::GetAtt"][0]
    statements: list[dict[str, Any]] = []
    for policy in synth.stateless.find_resources("AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"]["Roles"]:
            statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return statements


def _actions(statements: list[dict[str, Any]]) -> set[str]:
    found: set[str] = set()
    for statement in statements:
        actions = statement["Action"]
        found.update([actions] if isinstance(actions, str) else actions)
    return found


def test_both_crons_are_scheduled_and_the_counter_runs_alone_without_reserved_concurrency(synth: Synth) -> None:
    rules = synth.stateless.find_resources("AWS::Events::Rule")
    schedules = {
        r["Properties"]["ScheduleExpression"] for r in rules.values() if "ScheduleExpression" in r["Properties"]
    }
    assert {"cron(2/5 * * * ? *)", "cron(0 1 * * ? *)"} <= schedules
    _, counter = _function(synth, RECEIVED_COUNTER.name)
    assert "ReservedConcurrentExecutions" not in counter["Properties"], "new accounts' quota refuses it"
    env = counter["Properties"]["Environment"]["Variables"]
    assert "LEASES_TABLE" in env, "single flight through a DynamoDB lease (shared/leases.py)"
    assert env["GLUE_DATABASE"] == "rp_dev_report_platform"
    assert env["ATHENA_WORKGROUP"] == "rp-dev-report-platform"
    assert "QUERY_ENGINE" not in env  # athena is the default


def test_harvester_and_workers_consume_their_queues_reporting_item_failures(synth: Synth) -> None:
    every_mapping = synth.stateless.find_resources("AWS::Lambda::EventSourceMapping")
    mappings = {k: m for k, m in every_mapping.items() if "StartingPosition" not in m["Properties"]}  # SQS ones
    consumers = [HARVESTER, *PUSH_WORKERS.values()]
    assert len(mappings) >= len(consumers)
    for mapping in mappings.values():
        assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    queues = synth.stateful.find_resources("AWS::SQS::Queue")
    for queue in (HARVESTER_QUEUE, *PUSH_QUEUES.values()):
        (stored,) = [
            q for q in queues.values() if json.dumps(q["Properties"].get("QueueName")).endswith(f'-{queue.id}"')
        ]
        assert stored["Properties"]["RedrivePolicy"]["maxReceiveCount"] == queue.max_receive_count


def test_glue_tables_use_partition_projection_and_the_json_serde(synth: Synth) -> None:
    synth.stateful.resource_count_is("AWS::Glue::Database", 1)
    tables = synth.stateful.find_resources("AWS::Glue::Table")
    assert len(tables) == len(catalog.LAKE_TABLES)
    synth.stateful.has_resource_properties(
        "AWS::Glue::Table",
        {
            "TableInput": Match.object_like(
                {
                    "Name": "notification_received",
                    "Parameters": Match.object_like(
                        {
                            "projection.enabled": "true",
                            "projection.date.type": "date",
                            "projection.hour.type": "integer",
                            "projection.hour.digits": "2",
                            "storage.location.template": Match.any_value(),
                        }
                    ),
                    "PartitionKeys": [{"Name": "date", "Type": "string"}, {"Name": "hour", "Type": "string"}],
                    "StorageDescriptor": Match.object_like(
                        {"SerdeInfo": Match.object_like({"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"})}
                    ),
                }
            )
        },
    )
    template = json.dumps(tables)
    assert "date=${date}/hour=${hour}/" in template


def test_the_workgroup_enforces_its_encrypted_result_location_and_a_scan_cutoff(synth: Synth) -> None:
    synth.stateful.has_resource_properties(
        "AWS::Athena::WorkGroup",
        {
            "WorkGroupConfiguration": Match.object_like(
                {
                    "EnforceWorkGroupConfiguration": True,
                    "BytesScannedCutoffPerQuery": BYTES_SCANNED_CUTOFF,
                    "ResultConfiguration": Match.object_like(
                        {"EncryptionConfiguration": Match.object_like({"EncryptionOption": "SSE_KMS"})}
                    ),
                }
            )
        },
    )


def _own_statements(synth: Synth, function: str) -> list[dict[str, Any]]:
    """The role's statements but the one Lambda itself uses: sending a failed async run to its on-failure queue."""
    statements = _policy_statements(synth, function)
    return [s for s in statements if "Queueasyncfailures" not in json.dumps(s["Resource"])]


def test_each_role_holds_only_what_its_function_uses(synth: Synth) -> None:
    counter = _actions(_own_statements(synth, RECEIVED_COUNTER.name))
    assert {"athena:StartQueryExecution", "athena:GetQueryResults", "glue:GetTable"} <= counter
    assert "dynamodb:UpdateItem" in counter
    assert not any(a.startswith(("sns:", "sqs:Send")) for a in counter)
    api = _actions(_policy_statements(synth, NOTIFICATIONS_API.name))
    assert {"dynamodb:PutItem", "dynamodb:Query", "sqs:SendMessage"} <= api
    assert not any(a.startswith(("athena:", "glue:", "s3:", "sns:")) for a in api)
    extractor = _actions(_own_statements(synth, REPORT_EXTRACTOR.name))
    assert "s3:PutObject" in extractor
    assert not any(a.startswith(("athena:", "sqs:", "dynamodb:Put", "dynamodb:Update")) for a in extractor)
    authorizer = _actions(_policy_statements(synth, API_KEY_AUTHORIZER.name))
    assert "dynamodb:GetItem" in authorizer
    assert not any(
        a.startswith(("dynamodb:Put", "dynamodb:Update", "dynamodb:Delete", "s3:", "sqs:")) for a in authorizer
    )
    compat = _actions(_policy_statements(synth, N10N_REPORTS_API.name))
    assert "dynamodb:Query" in compat
    assert not any(a.startswith(("dynamodb:Put", "dynamodb:Update", "sqs:")) for a in compat)
    worker = _policy_statements(synth, PUSH_WORKERS["ios"].name)
    assert {"sns:Publish", "sns:CreatePlatformEndpoint", "secretsmanager:GetSecretValue"} <= _actions(worker)
    assert not any(a.startswith(("athena:", "s3:")) for a in _actions(worker))
    publish = next(s for s in worker if s["Action"] == "sns:Publish")
    assert ":endpoint/*" in json.dumps(publish["Resource"])
