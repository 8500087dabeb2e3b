"""The synthesised stacks hold the resources and settings the design promises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import App, Stack, Validations, aws_sqs
from aws_cdk.assertions import Match
from cdk_nag import AwsSolutionsChecks

from shared import catalog
from tests.infra.conftest import Synth


def test_every_catalogued_table_has_pitr_kms_ttl_and_its_indexes(synth: Synth) -> None:
    tables = synth.stateful.find_resources("AWS::DynamoDB::Table")
    assert len(tables) == len(catalog.TABLES)
    for spec in catalog.TABLES:
        expected = {
            "KeySchema": Match.array_with([{"AttributeName": spec.partition_key.name, "KeyType": "HASH"}]),
            "BillingMode": "PAY_PER_REQUEST",
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": Match.object_like({"SSEEnabled": True, "SSEType": "KMS"}),
        }
        if spec.ttl_attribute:
            expected["TimeToLiveSpecification"] = {"AttributeName": spec.ttl_attribute, "Enabled": True}
        if spec.indexes:
            expected["GlobalSecondaryIndexes"] = Match.array_with(
                [
                    Match.object_like(
                        {
                            "IndexName": index.name,
                            "KeySchema": [
                                {"AttributeName": index.partition_key.name, "KeyType": "HASH"},
                                *(
                                    [{"AttributeName": index.sort_key.name, "KeyType": "RANGE"}]
                                    if index.sort_key
                                    else []
                                ),
                            ],
                            "Projection": {"ProjectionType": "ALL"},
                        }
                    )
                    for index in spec.indexes
                ]
            )
        synth.stateful.has_resource_properties("AWS::DynamoDB::Table", expected)
    for table in tables.values():
        assert table["DeletionPolicy"] == "Retain"


def test_buckets_are_private_encrypted_tls_only_and_expire_what_they_should(synth: Synth) -> None:
    buckets = synth.stateful.find_resources("AWS::S3::Bucket")
    assert len(buckets) == len(catalog.BUCKETS) + 1  # plus the access-log bucket
    for bucket in buckets.values():
        props = bucket["Properties"]
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
    kms_buckets = [b for b in buckets.values() if "LoggingConfiguration" in b["Properties"]]
    assert len(kms_buckets) == len(catalog.BUCKETS)
    for bucket in kms_buckets:
        rule = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    policies = synth.stateful.find_resources("AWS::S3::BucketPolicy")
    denies_plain_http = [
        p
        for p in policies.values()
        if any(
            s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
            for s in p["Properties"]["PolicyDocument"]["Statement"]
        )
    ]
    assert len(denies_plain_http) == len(buckets)
    synth.stateful.has_resource_properties(
        "AWS::S3::Bucket",
        {"LifecycleConfiguration": {"Rules": Match.array_with([Match.object_like({"ExpirationInDays": 21})])}},
    )


def test_every_queue_is_encrypted_and_has_its_dlq(synth: Synth) -> None:
    queues = synth.stateful.find_resources("AWS::SQS::Queue")
    with_dlq = [q for q in catalog.QUEUES if q.dlq_env_var]
    assert len(queues) == len(catalog.QUEUES) + len(with_dlq)
    for queue in queues.values():
        assert "KmsMasterKeyId" in queue["Properties"]
    redriven = [q for q in queues.values() if "RedrivePolicy" in q["Properties"]]
    assert len(redriven) == len(with_dlq)


def test_one_function_per_catalog_entry_each_with_its_own_role(synth: Synth) -> None:
    functions = synth.stateless.find_resources("AWS::Lambda::Function")
    stateless = [spec for spec in catalog.FUNCTIONS if spec.kind != "user-pool-trigger"]
    assert len(functions) == len(stateless)
    roles = {json_role(f) for f in functions.values()}
    assert len(roles) == len(functions)
    handlers = {f["Properties"]["Handler"] for f in functions.values()}
    assert handlers == {spec.handler for spec in stateless}
    for function in functions.values():
        props = function["Properties"]
        assert props["Runtime"] == "python3.12"
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert len(props["Layers"]) == 1


def json_role(function: dict[str, dict[str, dict[str, list[str]]]]) -> str:
    return str(function["Properties"]["Role"]["Fn::GetAtt"][0])


def test_http_api_has_jwt_authorizer_on_every_route_but_the_public_ones_and_the_api_key_ones(synth: Synth) -> None:
    synth.stateless.has_resource_properties(
        "AWS::ApiGatewayV2::Authorizer",
        {
            "AuthorizerType": "JWT",
            "IdentitySource": ["$request.header.Authorization"],
            "JwtConfiguration": Match.object_like({"Audience": Match.any_value(), "Issuer": Match.any_value()}),
        },
    )
    all_routes = synth.stateless.find_resources("AWS::ApiGatewayV2::Route")
    routes = {k: r for k, r in all_routes.items() if not r["Properties"]["RouteKey"].startswith("$")}
    http_functions = [spec for spec in catalog.FUNCTIONS if spec.kind == "api"]
    expected_keys = {key for spec in http_functions for key in (*spec.routes, *spec.public_routes)}
    public_keys = {key for spec in catalog.FUNCTIONS for key in spec.public_routes}
    assert {"GET /health", "GET /", "GET /assets/{proxy+}"} <= public_keys
    assert {r["Properties"]["RouteKey"] for r in routes.values()} == expected_keys
    lambda_keys = {key for spec in catalog.FUNCTIONS if spec.authorizer for key in spec.routes}
    assert lambda_keys == {"GET /notifications", "GET /notifications/{id}"}
    for route in routes.values():
        props = route["Properties"]
        if props["RouteKey"] in public_keys:
            assert props.get("AuthorizationType", "NONE") == "NONE"
        elif props["RouteKey"] in lambda_keys:
            assert props["AuthorizationType"] == "CUSTOM"
        else:
            assert props["AuthorizationType"] == "JWT"
    (authorizer,) = synth.stateless.find_resources(
        "AWS::ApiGatewayV2::Authorizer",
        {"Properties": {"AuthorizerType": "REQUEST", "IdentitySource": ["$request.header.Authorization"]}},
    ).values()
    props = authorizer["Properties"]
    assert props["EnableSimpleResponses"] is True
    assert props["AuthorizerPayloadFormatVersion"] == "2.0"
    assert props["IdentitySource"] == ["$request.header.Authorization"]
    assert props.get("AuthorizerResultTtlInSeconds", 0) == 0, "a revoked key must stop working at once"
    assert "Fnapikeyauthorizer" in json.dumps(props["AuthorizerUri"]), "the catalogued api-key-authorizer"
    synth.stateless.has_resource_properties(
        "AWS::ApiGatewayV2::Stage", {"AccessLogSettings": Match.object_like({"DestinationArn": Match.any_value()})}
    )


def test_every_function_and_dlq_has_an_alarm(synth: Synth) -> None:
    alarms = synth.stateless.find_resources("AWS::CloudWatch::Alarm")
    dlqs = [q for q in catalog.QUEUES if q.dlq_env_var]
    assert len(alarms) >= len(catalog.FUNCTIONS) + len(dlqs)
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"]


def test_cdk_nag_found_nothing_unacknowledged_and_every_acknowledgement_has_a_reason(synth: Synth) -> None:
    report = synth.validation_report()
    plugins = {p["pluginName"]: p for p in report["pluginReports"]}  # type: ignore[attr-defined]
    nag = plugins["AwsSolutions"]
    assert nag["conclusion"] == "success"
    assert nag["violations"] == []
    for suppressed in nag.get("suppressedViolations", []):
        assert len(suppressed["reason"]) > 20


def test_an_unacknowledged_finding_fails_the_synth(tmp_path: object) -> None:
    app = App(outdir=str(tmp_path))
    stack = Stack(app, "Bad")
    aws_sqs.Queue(stack, "PlainQueue")
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="AwsSolutions-SQS4"):
        app.synth()


@pytest.mark.parametrize("stack", ["ReportPlatformStateful", "ReportPlatformStateless"])
def test_cfn_lint_finds_no_errors(synth: Synth, stack: str) -> None:
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("cfn-lint")),
            "--ignore-checks",
            "W3005",
            "--",
            str(synth.template_file(stack)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_reports_bucket_lets_a_browser_fetch_its_presigned_downloads(synth: Synth) -> None:
    buckets = synth.stateful.find_resources("AWS::S3::Bucket")
    with_cors = [
        b["Properties"]["CorsConfiguration"]["CorsRules"]
        for b in buckets.values()
        if "CorsConfiguration" in b["Properties"]
    ]
    assert len(with_cors) == sum(1 for b in catalog.BUCKETS if b.browser_downloads) == 1
    (rule,) = with_cors[0]
    assert sorted(rule["AllowedMethods"]) == ["GET", "HEAD"]


def test_each_dead_letter_queue_has_its_own_alarm(synth: Synth) -> None:
    queues = synth.stateful.find_resources("AWS::SQS::Queue")
    redrive_targets = {
        q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for q in queues.values()
        if "RedrivePolicy" in q["Properties"]
    }
    dead_letter_queues = redrive_targets | {
        logical_id
        for logical_id in queues
        if any(f"Queue{q.id}".replace("-", "") in logical_id for q in catalog.QUEUES if q.dlq_env_var is None)
    }
    alarmed = json.dumps(synth.stateless.find_resources("AWS::CloudWatch::Alarm"))
    for logical_id in dead_letter_queues:
        assert logical_id in alarmed, f"no alarm watches the dead-letter queue {logical_id}"
    assert len(dead_letter_queues) == len([q for q in catalog.QUEUES if q.dlq_env_var]) + len(
        [q for q in catalog.QUEUES if q.dlq_env_var is None]
    )
