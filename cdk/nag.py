"""cdk-nag acknowledgements: each one names the finding and says why it is accepted."""

from __future__ import annotations

import hashlib
import json
import re

from aws_cdk import Acknowledgment, CfnElement, Stack, Token, Validations
from constructs import IConstruct


def acknowledge(scope: IConstruct, rule_id: str, reason: str) -> None:
    """Accept one finding (e.g. `AwsSolutions-IAM5[Action::s3:List*]` or a whole rule) on `scope` and below."""
    Validations.of(scope).acknowledge(Acknowledgment(id=f"AwsSolutions::{rule_id}", reason=reason))


def imported_name(resource: IConstruct, attribute: str = "Arn") -> str:
    """How cdk-nag names `Fn::GetAtt(resource, attribute)` seen from another stack: the export CDK makes for it.

    The stateless stack reaches stateful resources through exports; a finding on `<that ARN>/*` is named after the
    export, whose name CDK derives from the reference (`makeUniqueId` of `Exports/Output<reference JSON>`)."""
    element = resource.node.default_child if not isinstance(resource, CfnElement) else resource
    assert isinstance(element, CfnElement), f"{resource.node.path} has no CloudFormation resource"
    stack = Stack.of(element)
    logical_id = stack.get_logical_id(element)
    reference = json.dumps({"Fn::GetAtt": [logical_id, attribute]}, separators=(",", ":"))
    digest = hashlib.md5(f"Exports/Output{reference}".encode(), usedforsecurity=False).hexdigest()[:8].upper()
    human = "ExportsOutput" + re.sub(r"[^A-Za-z0-9]", "", f"FnGetAtt{logical_id}{attribute}")
    return f"{stack.stack_name}:{human}{digest}"


GRANT_ACTION_GROUPS = (
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
    "s3:GetObject*",
    "s3:GetBucket*",
    "s3:List*",
    "s3:DeleteObject*",
    "s3:Abort*",
)
"""The wildcard action groups CDK's L2 `grant_*` methods use on a key or bucket."""


def acknowledge_grant_actions(scope: IConstruct) -> None:
    for action in GRANT_ACTION_GROUPS:
        acknowledge(
            scope,
            f"AwsSolutions-IAM5[Action::{action}]",
            f"{action} comes from an L2 grant_* call and applies only to the one key or bucket that call names.",
        )


def region_and_account(stack: Stack) -> tuple[str, str]:
    """The region and account as cdk-nag spells them in a finding: the value, or the pseudo parameter."""
    region = "<AWS::Region>" if Token.is_unresolved(stack.region) else stack.region
    account = "<AWS::AccountId>" if Token.is_unresolved(stack.account) else stack.account
    return region, account
