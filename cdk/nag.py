"""cdk-nag acknowledgements: each one names the finding and says why it is accepted."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct


def acknowledge(scope: IConstruct, rule_id: str, reason: str) -> None:
    """Accept one finding (e.g. `AwsSolutions-IAM5[Action::s3:List*]` or a whole rule) on `scope` and below."""
    Validations.of(scope).acknowledge(Acknowledgment(id=f"AwsSolutions::{rule_id}", reason=reason))
