"""The report pipeline as deployed: a Standard state machine from the one ASL file, logged and traced, its
placeholders all substituted, a Scheduler group and a role that may start it."""

from __future__ import annotations

from aws_cdk.assertions import Match

from shared.pipeline import definition
from tests.infra.conftest import Synth


def test_state_machine_is_standard_logged_traced_and_fully_substituted(synth: Synth) -> None:
    (machine,) = synth.stateless.find_resources("AWS::StepFunctions::StateMachine").values()
    props = machine["Properties"]
    assert props["StateMachineType"] == "STANDARD"
    assert props["LoggingConfiguration"]["Level"] == "ALL"
    assert props["TracingConfiguration"] == {"Enabled": True}
    assert "DefinitionS3Location" in props, "DefinitionBody.from_file deploys the ASL file as an asset"
    assert set(props["DefinitionSubstitutions"]) == definition.placeholders()


def test_scheduler_group_role_and_api_permissions(synth: Synth) -> None:
    synth.stateless.has_resource_properties("AWS::Scheduler::ScheduleGroup", {"Name": "rp-dev-subscriptions"})
    synth.stateless.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Principal": {"Service": "scheduler.amazonaws.com"}})]
                )
            }
        },
    )
    synth.stateless.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Action": Match.array_with(["scheduler:CreateSchedule"])})]
                )
            }
        },
    )
    synth.stateless.has_resource_properties(
        "AWS::IAM::Policy",
        {"PolicyDocument": {"Statement": Match.array_with([Match.object_like({"Action": "states:StartExecution"})])}},
    )


def test_failed_executions_are_recorded_by_a_status_change_rule_with_retries_and_a_dlq(synth: Synth) -> None:
    rules = [
        r
        for r in synth.stateless.find_resources("AWS::Events::Rule").values()
        if r["Properties"].get("EventPattern", {}).get("source") == ["aws.states"]
    ]
    (rule,) = rules
    pattern = rule["Properties"]["EventPattern"]
    assert pattern["detail-type"] == [definition.STATUS_CHANGE_DETAIL_TYPE]
    assert pattern["detail"]["status"] == ["FAILED", "TIMED_OUT", "ABORTED"]
    assert "Ref" in str(pattern["detail"]["stateMachineArn"]), "only this state machine's executions"
    (target,) = rule["Properties"]["Targets"]
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 4, "MaximumEventAgeInSeconds": 3600}
    assert "DeadLetterConfig" in target
    assert "pipelinemarkfailed" in str(target["Arn"]).lower()
    synth.stateless.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Action": "states:GetExecutionHistory", "Effect": "Allow"})]
                )
            }
        },
    )
