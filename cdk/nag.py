"""cdk-nag acknowledgements: each one names the finding and says why it is accepted."""

from __future__ import annotations

import hashlib
import json
import re

from aws_cdk import Acknowledgment, Stack, Validations
from constructs import IConstruct


def acknowledge(scope: IConstruct, rule_id: str, reason: str) -> None:
    """Accept one finding (e.g. `AwsSolutions-IAM5[Action::s3:List*]` or a whole rule) on `scope` and below."""
    Validations.of(scope).acknowledge(Acknowledgment(id=f"AwsSolutions::{rule_id}", reason=reason))


GRANT_WILDCARD_ACTIONS = (
    "s3:GetObject*",
    "s3:GetBucket*",
    "s3:List*",
    "s3:DeleteObject*",
    "s3:Abort*",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
)
"""Action wildcards that the L2 `grant_read` / `grant_read_write` / `grant_put` calls write for buckets and keys."""


def imported_arn(resource: IConstruct) -> str:
    """How cdk-nag names the ARN of a resource of another stack: the CloudFormation export CDK makes for it."""
    stack = Stack.of(resource)
    logical_id = stack.get_logical_id(resource.node.default_child)  # type: ignore[arg-type]
    output = "Output" + json.dumps({"Fn::GetAtt": [logical_id, "Arn"]}, separators=(",", ":"))
    digest = hashlib.md5("/".join(("Exports", output)).encode(), usedforsecurity=False).hexdigest()[:8].upper()
    return f"{stack.stack_name}:Exports{re.sub(r'[^A-Za-z0-9]', '', output)}{digest}"


def acknowledge_grant_wildcards(function: IConstruct, buckets: list[IConstruct], tables: list[IConstruct]) -> None:
    """Accept the wildcards of a function's catalog grants: object keys of its buckets, indexes of its tables, and the
    action families the L2 grants use. Each is scoped to a resource the function was granted on purpose."""
    reason = (
        "Catalog grant through the L2 grant_* call: object-level or index-level access "
        "to a resource granted on purpose."
    )
    for action in GRANT_WILDCARD_ACTIONS:
        acknowledge(function, f"AwsSolutions-IAM5[Action::{action}]", reason)
    for bucket in buckets:
        acknowledge(function, f"AwsSolutions-IAM5[Resource::{imported_arn(bucket)}/*]", reason)
    for table in tables:
        acknowledge(function, f"AwsSolutions-IAM5[Resource::{imported_arn(table)}/index/*]", reason)
