"""A first deploy that works: settings refused before any change, the platform's Cognito user pool and its
pre-token trigger wired to the API's JWT authorizer, stage-prefixed names, retained queues, versioned buckets, and
an on-failure destination for every asynchronously invoked function."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Match

from app import build_app
from cdk import deploy
from cdk.config import DeployConfig, DeployConfigError
from cdk.triggers import invoked_asynchronously
from shared import catalog
from shared.catalog.platform import PRE_TOKEN_GENERATION
from tests.infra.conftest import Synth

GOOD = {"senderEmail": "reports@reports.acme-corp.io"}


def _resolved(value: Any) -> str:
    return json.dumps(value)


def test_the_user_pool_has_tenant_and_roles_attributes_and_no_self_sign_up(synth: Synth) -> None:
    (pool,) = synth.stateful.find_resources("AWS::Cognito::UserPool").values()
    props = pool["Properties"]
    assert props["UserPoolName"] == "rp-dev-users"
    assert props["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    custom = {a["Name"] for a in props["Schema"] if a["Name"] in ("tenant", "roles")}
    assert custom == {"tenant", "roles"}
    assert pool["DeletionPolicy"] == "Retain"
    trigger = props["LambdaConfig"]["PreTokenGeneration"]
    (function_id,) = [
        logical_id
        for logical_id, fn in synth.stateful.find_resources("AWS::Lambda::Function").items()
        if fn["Properties"]["Handler"] == PRE_TOKEN_GENERATION.handler
    ]
    assert trigger == {"Fn::GetAtt": [function_id, "Arn"]}
    synth.stateful.has_resource_properties(
        "AWS::Lambda::Permission",
        {"Principal": "cognito-idp.amazonaws.com", "FunctionName": {"Fn::GetAtt": [function_id, "Arn"]}},
    )
    synth.stateful.has_resource_properties(
        "AWS::Cognito::UserPoolClient",
        {
            "GenerateSecret": False,
            "ExplicitAuthFlows": Match.array_with(["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"]),
        },
    )


def test_the_jwt_authorizer_trusts_the_pools_id_tokens(synth: Synth) -> None:
    authorizers = synth.stateless.find_resources("AWS::ApiGatewayV2::Authorizer").values()
    (authorizer,) = [a for a in authorizers if a["Properties"]["AuthorizerType"] == "JWT"]
    jwt = authorizer["Properties"]["JwtConfiguration"]
    issuer = _resolved(jwt["Issuer"])
    assert "https://cognito-idp.us-east-1.amazonaws.com/" in issuer
    assert "DirectoryUsers" in issuer, "the issuer is the stateful stack's user pool"
    (audience,) = jwt["Audience"]
    assert "DirectoryUsersDashboard" in _resolved(audience), "the audience is the pool's app client (ID tokens)"


def test_an_outside_issuer_replaces_the_pool() -> None:
    outside = {"jwtIssuer": "https://login.acme-corp.io/", "jwtAudience": "rp", "stage": "prod"}
    app = build_app({**GOOD, **outside, "aws:cdk:bundling-stacks": []})
    stateful = app.node.find_child("ReportPlatformStateful")
    assert stateful.directory is None  # type: ignore[attr-defined]
    assert stateful.stack_name == "rp-prod-stateful"  # type: ignore[attr-defined]


def test_every_physical_name_carries_the_stage(synth: Synth) -> None:
    tables = synth.stateful.find_resources("AWS::DynamoDB::Table").values()
    assert sorted(t["Properties"]["TableName"] for t in tables) == sorted(f"rp-dev-{t.id}" for t in catalog.TABLES)
    for bucket in synth.stateful.find_resources("AWS::S3::Bucket").values():
        assert bucket["Properties"]["BucketName"].startswith("rp-dev-")
    for queue in synth.stateful.find_resources("AWS::SQS::Queue").values():
        assert queue["Properties"]["QueueName"].startswith("rp-dev-")
    for template in (synth.stateful, synth.stateless):
        for group in template.find_resources("AWS::Logs::LogGroup").values():
            name = group["Properties"]["LogGroupName"]
            assert name.startswith(("/aws/lambda/rp-dev-", "/aws/vendedlogs/")), name
            assert "rp-dev-" in name
        for function in template.find_resources("AWS::Lambda::Function").values():
            assert function["Properties"]["FunctionName"].startswith("rp-dev-")
    synth.stateless.has_resource_properties(
        "AWS::Logs::LogGroup", {"LogGroupName": "/aws/vendedlogs/states/rp-dev-report-pipeline"}
    )
    synth.stateless.has_resource_properties("AWS::Scheduler::ScheduleGroup", {"Name": "rp-dev-subscriptions"})
    synth.stateful.has_resource_properties("AWS::Athena::WorkGroup", {"Name": "rp-dev-report-platform"})
    synth.stateful.has_resource_properties(
        "AWS::Glue::Database", {"DatabaseInput": Match.object_like({"Name": "rp_dev_report_platform"})}
    )
    assert synth.app.node.find_child("ReportPlatformStateless").stack_name == "rp-dev-stateless"  # type: ignore[attr-defined]


def test_queues_are_retained_like_tables_and_buckets_keep_versions_for_a_while(synth: Synth) -> None:
    for queue in synth.stateful.find_resources("AWS::SQS::Queue").values():
        assert queue["DeletionPolicy"] == "Retain"
        assert queue["UpdateReplacePolicy"] == "Retain"
    data_buckets = [
        b
        for b in synth.stateful.find_resources("AWS::S3::Bucket").values()
        if "LoggingConfiguration" in b["Properties"]
    ]
    assert len(data_buckets) == len(catalog.BUCKETS)
    for bucket in data_buckets:
        props = bucket["Properties"]
        assert props["VersioningConfiguration"] == {"Status": "Enabled"}
        rules = props["LifecycleConfiguration"]["Rules"]
        assert any(r.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays") == 30 for r in rules)


def test_every_asynchronously_invoked_function_has_an_on_failure_queue_with_an_alarm(synth: Synth) -> None:
    configs = synth.stateless.find_resources("AWS::Lambda::EventInvokeConfig")
    asynchronous = [spec for spec in catalog.FUNCTIONS if invoked_asynchronously(spec)]
    assert asynchronous
    assert len(configs) == len(asynchronous)
    for config in configs.values():
        props = config["Properties"]
        assert props["MaximumRetryAttempts"] == 2
        assert "asyncfailures" in _resolved(props["DestinationConfig"]["OnFailure"]["Destination"]).lower()
    alarms = synth.stateless.find_resources("AWS::CloudWatch::Alarm").values()
    assert any("async-failures" in a["Properties"]["AlarmDescription"] for a in alarms)


def test_a_deploy_refuses_missing_and_placeholder_settings_before_anything_is_built() -> None:
    with pytest.raises(DeployConfigError) as refused:
        build_app({"jwtIssuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE"}, strict=True)
    message = str(refused.value)
    assert "senderEmail is missing" in message
    assert "us-east-1_EXAMPLE' is a placeholder" in message
    assert "jwtIssuer is given without jwtAudience" in message
    with pytest.raises(DeployConfigError, match=r"reports@example\.com' is a placeholder"):
        DeployConfig.from_values({"senderEmail": "reports@example.com"})
    with pytest.raises(DeployConfigError, match="stage 'Prod_1'"):
        DeployConfig.from_values({**GOOD, "stage": "Prod_1"})
    assert DeployConfig.from_values(GOOD).uses_own_user_pool


def test_cdk_json_ships_no_placeholder() -> None:
    context = deploy.context_of([])
    assert not {"jwtIssuer", "jwtAudience", "senderEmail"} & set(context)


def test_make_deploy_refuses_before_bootstrap_or_deploy_and_bootstraps_only_when_absent(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ran: list[list[str]] = []

    def run(command: list[str]) -> int:
        ran.append(command)
        return 0

    def environment() -> tuple[str, str]:
        return "111122223333", "eu-west-1"

    assert deploy.deploy([], run=run, environment=environment, bootstrapped=lambda region: False) == 2
    assert ran == []
    assert "senderEmail is missing" in capsys.readouterr().err

    options = ["senderEmail=reports@reports.acme-corp.io", "stage=prod"]
    assert deploy.deploy(options, run=run, environment=environment, bootstrapped=lambda region: False) == 0
    assert [c[3:5] for c in ran] == [["bootstrap", "aws://111122223333/eu-west-1"], ["deploy", "--all"]]
    assert ran[1][-4:] == ["-c", options[0], "-c", options[1]]

    ran.clear()
    assert deploy.deploy(options, run=run, environment=environment, bootstrapped=lambda region: True) == 0
    assert [c[3] for c in ran] == ["deploy"]


def test_bootstrap_is_detected_from_its_version_parameter() -> None:
    class Ssm:
        class exceptions:  # noqa: N801 - boto3's spelling
            class ParameterNotFound(Exception):
                pass

        def __init__(self, present: bool) -> None:
            self.present = present
            self.asked: list[str] = []

        def get_parameter(self, Name: str) -> dict[str, Any]:  # noqa: N803 - boto3's spelling
            self.asked.append(Name)
            if not self.present:
                raise self.exceptions.ParameterNotFound(Name)
            return {"Parameter": {"Value": "29"}}

    absent, present = Ssm(False), Ssm(True)
    assert deploy.is_bootstrapped("eu-west-1", absent) is False
    assert deploy.is_bootstrapped("eu-west-1", present) is True
    assert absent.asked == ["/cdk-bootstrap/hnb659fds/version"]
