"""The delivery concern's infrastructure: inbox and stats tables and APIs, channel-sender permissions, dashboard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Template

from app import build_app
from shared.catalog.delivery import CHANNEL_SENDERS
from shared.catalog.notifications import PUSH_WORKERS
from shared.catalog.pipeline import PIPELINE_DELIVER
from tests.infra.conftest import Synth

PUSH_APP = "arn:aws:sns:us-east-1:123456789012:app/GCM/reports"
SENDER = PIPELINE_DELIVER.name


def statements_of(template: Template, function_name: str) -> list[dict[str, Any]]:
    """Every IAM statement of the function's role: its default policy and any OverflowPolicy CDK attached."""
    found = []
    policies = {**template.find_resources("AWS::IAM::Policy"), **template.find_resources("AWS::IAM::ManagedPolicy")}
    for policy_id, policy in policies.items():
        if f"Fn{function_name.replace('-', '')}" in policy_id:
            found += policy["Properties"]["PolicyDocument"]["Statement"]
    assert found, f"no policy for {function_name}"
    return found


def actions(statement: dict[str, Any]) -> set[str]:
    value = statement["Action"]
    return {value} if isinstance(value, str) else set(value)


def test_inbox_and_stats_tables_have_their_keys(synth: Synth) -> None:
    for _table, keys in (("inbox", ["userKey", "itemKey"]), ("distribution-stats", ["tenantId", "statKey"])):
        synth.stateful.has_resource_properties(
            "AWS::DynamoDB::Table",
            {
                "KeySchema": [
                    {"AttributeName": keys[0], "KeyType": "HASH"},
                    {"AttributeName": keys[1], "KeyType": "RANGE"},
                ],
                "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": True},
            },
        )


def test_the_reporting_api_queues_the_worker_sends_and_the_inbox_api_reads_and_writes(synth: Synth) -> None:
    """The reporting API subscribes and queues deliver-now and retries (it writes records, sends nothing itself); the
    delivery worker sends email and paces by the SES quota."""
    reporting = {a for s in statements_of(synth.stateless, "reporting-api") for a in actions(s)}
    assert {"dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:PutItem", "sqs:SendMessage"} <= reporting
    assert "scheduler:CreateSchedule" in reporting
    assert "ses:SendRawEmail" not in reporting
    worker = {a for s in statements_of(synth.stateless, "delivery-worker") for a in actions(s)}
    assert {"ses:SendRawEmail", "ses:GetSendQuota", "sqs:ReceiveMessage", "dynamodb:UpdateItem"} <= worker
    inbox = {a for s in statements_of(synth.stateless, "inbox-api") for a in actions(s)}
    assert {"dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:PutItem"} <= inbox


def test_the_dashboard_graphs_delivery_metrics(synth: Synth) -> None:
    dashboards = synth.stateless.find_resources("AWS::CloudWatch::Dashboard")
    body = json.dumps(next(iter(dashboards.values()))["Properties"]["DashboardBody"])
    for metric in ("DeliveriesDelivered", "DeliveriesFailed", "DeliveryTime"):
        assert metric in body


@pytest.fixture(scope="module")
def with_sender(tmp_path_factory: pytest.TempPathFactory) -> tuple[Template, Path]:
    """A synth with the sender context set; `SENDER` (the pipeline's Deliver step) is one of the channel senders."""
    outdir = tmp_path_factory.mktemp("cdk.out.sender")
    app = build_app(
        {
            "aws:cdk:bundling-stacks": [],
            "sftpSecretPrefix": "acme/sftp/",
            "deliveryBuckets": "customer-reports",
            "pushFcmArn": PUSH_APP,
        },
        outdir=str(outdir),
    )
    app.synth()
    stateless = app.node.find_child("ReportPlatformStateless")
    return Template.from_stack(stateless), outdir  # type: ignore[arg-type]


def test_a_channel_sender_reads_only_sftp_secrets_under_the_prefix_and_the_push_secret(
    with_sender: tuple[Template, Path],
) -> None:
    template, _ = with_sender
    statements = statements_of(template, SENDER)
    reads = [s for s in statements if any("secretsmanager" in a for a in actions(s))]
    (sftp,) = [s for s in reads if "sftp" in json.dumps(s["Resource"])]
    assert actions(sftp) == {"secretsmanager:GetSecretValue"}
    assert ":secret:acme/sftp/*" in json.dumps(sftp["Resource"])
    (push,) = [s for s in reads if s is not sftp]
    assert actions(push) <= {"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"}
    assert ":secret:report-platform/push-??????" in json.dumps(push["Resource"])


def test_a_channel_sender_writes_stats_inbox_customer_buckets_and_push(with_sender: tuple[Template, Path]) -> None:
    template, _ = with_sender
    statements = statements_of(template, SENDER)
    (put,) = [s for s in statements if actions(s) == {"s3:PutObject"}]
    assert "customer-reports/*" in json.dumps(put["Resource"])
    publish = [s for s in statements if actions(s) == {"sns:Publish"}]
    assert publish[0]["Resource"] == "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/reports/*"
    assert next(s for s in statements if actions(s) == {"sns:CreatePlatformEndpoint"})["Resource"] == PUSH_APP
    environment = next(
        f["Properties"]["Environment"]["Variables"]
        for fid, f in template.find_resources("AWS::Lambda::Function").items()
        if f"Fn{SENDER.replace('-', '')}" in fid
    )
    assert {"INBOX_TABLE", "DISTRIBUTION_STATS_TABLE", "PUSH_SECRET_ID"} <= set(environment)
    assert environment["SFTP_SECRET_PREFIX"] == "acme/sftp/"
    grants = {a for s in statements for a in actions(s)}
    assert {"dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:Query"} <= grants


def test_cdk_nag_accepts_the_sender_permissions_with_reasons(with_sender: tuple[Template, Path]) -> None:
    _, outdir = with_sender
    report = json.loads((outdir / "validation-report.json").read_text())
    nag = {p["pluginName"]: p for p in report["pluginReports"]}["AwsSolutions"]
    assert nag["conclusion"] == "success", nag["violations"]


def push_grant(template: Template, function_name: str) -> list[tuple[tuple[str, ...], str]]:
    """The function's push statements: reading the push secret, and SNS (actions, resources)."""
    prefix = f"FunctionsFn{function_name.replace('-', '')}ServiceRole"
    policies = {**template.find_resources("AWS::IAM::Policy"), **template.find_resources("AWS::IAM::ManagedPolicy")}
    statements = [  # CDK moves what does not fit a role's inline policy into an attached OverflowPolicy
        statement
        for policy_id, policy in policies.items()
        if policy_id.startswith(prefix)
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    assert statements, f"no policy for {function_name}"
    return sorted(
        (tuple(sorted(actions(s))), json.dumps(s["Resource"], sort_keys=True))
        for s in statements
        if any(a.startswith("sns:") for a in actions(s)) or ":secret:report-platform/push" in json.dumps(s["Resource"])
    )


def test_every_push_sender_has_the_one_push_grant_scoped_to_the_configured_applications(
    with_sender: tuple[Template, Path],
) -> None:
    template, _ = with_sender
    grant = push_grant(template, PUSH_WORKERS["android"].name)
    assert [a for a, _ in grant] == [
        ("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"),
        ("sns:CreatePlatformEndpoint",),
        ("sns:Publish",),
    ]
    assert json.loads(grant[1][1]) == PUSH_APP
    assert json.loads(grant[2][1]) == "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/reports/*"
    for sender in (*CHANNEL_SENDERS, *(w.name for w in PUSH_WORKERS.values())):
        assert push_grant(template, sender) == grant, sender


def test_without_push_context_workers_and_senders_share_one_grant_and_one_secret_import(synth: Synth) -> None:
    grant = push_grant(synth.stateless, PUSH_WORKERS["ios"].name)
    assert [a for a, _ in grant] == [
        ("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"),
        ("sns:CreatePlatformEndpoint",),
        ("sns:Publish",),
    ]
    assert ":app/*" in grant[1][1]
    assert ":endpoint/*" in grant[2][1]
    for sender in (*CHANNEL_SENDERS, *(w.name for w in PUSH_WORKERS.values())):
        assert push_grant(synth.stateless, sender) == grant, sender
    imports = [c.node.path for c in synth.app.node.find_all() if c.node.id == "PushSecret"]
    assert imports == ["ReportPlatformStateless/Push/PushSecret"]


def _kms_actions_on(template: Template, function_name: str, key_logical_id: str) -> set[str]:
    """The KMS actions a function's policy allows on one key of the stateful stack (imported by export name)."""
    found: set[str] = set()
    for statement in statements_of(template, function_name):
        if key_logical_id in json.dumps(statement["Resource"]):
            found |= {a for a in actions(statement) if a.startswith("kms:")}
    return found


def test_channel_secrets_have_their_own_rotated_key_opened_only_by_senders_and_the_subscription_apis(
    synth: Synth,
) -> None:
    keys = synth.stateful.find_resources("AWS::KMS::Key")
    (logical_id,) = [k for k, v in keys.items() if "channel configs" in v["Properties"]["Description"]]
    assert keys[logical_id]["Properties"]["EnableKeyRotation"] is True
    assert keys[logical_id]["DeletionPolicy"] == "Retain"
    for sender in CHANNEL_SENDERS:
        assert "kms:Decrypt" in _kms_actions_on(synth.stateless, sender, logical_id), sender
    assert "kms:Encrypt" not in _kms_actions_on(synth.stateless, SENDER, logical_id), "the pipeline only opens"
    assert {"kms:Encrypt", "kms:Decrypt"} <= _kms_actions_on(synth.stateless, "subscriptions-api", logical_id)
    assert {"kms:Encrypt", "kms:Decrypt"} <= _kms_actions_on(synth.stateless, "reporting-api", logical_id)
    for bystander in ("inbox-api", "notifications-api", "report-exports-api", "job-sweeper"):
        assert _kms_actions_on(synth.stateless, bystander, logical_id) == set(), bystander
