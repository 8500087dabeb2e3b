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
