"""NotificationsConstruct: what the notification functions use beyond their catalog grants.

- push workers: read the push secret (SNS platform application ARNs), create platform endpoints and publish to them;
- the received-count consumer: Athena queries over the received-log lake table (AnalyticsConstruct.grant_query).
"""

from __future__ import annotations

from aws_cdk import Stack, aws_iam, aws_secretsmanager
from constructs import Construct

from cdk.nag import acknowledge
from cdk.platform import Platform
from shared.catalog.notifications import NOTIFICATION_RECEIVED, PUSH_WORKERS, RECEIVED_COUNTER

DEFAULT_PUSH_SECRET_NAME = "report-platform/push"  # noqa: S105 - the name of a secret, not its value


class NotificationsConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, platform: Platform) -> None:
        super().__init__(scope, construct_id)
        self.platform = platform
        stack = Stack.of(self)
        secret_name = str(self.node.try_get_context("pushSecretName") or DEFAULT_PUSH_SECRET_NAME)
        self.push_secret = aws_secretsmanager.Secret.from_secret_name_v2(self, "PushSecret", secret_name)
        for spec in PUSH_WORKERS.values():
            worker = platform.functions[spec.name]
            worker.add_environment("PUSH_SECRET_ID", secret_name)
            self.push_secret.grant_read(worker)
            worker.add_to_role_policy(
                aws_iam.PolicyStatement(
                    actions=["sns:CreatePlatformEndpoint"],
                    resources=[stack.format_arn(service="sns", resource="app", resource_name="*")],
                )
            )
            worker.add_to_role_policy(
                aws_iam.PolicyStatement(
                    actions=["sns:Publish"],
                    resources=[stack.format_arn(service="sns", resource="endpoint", resource_name="*")],
                )
            )
            for resource in ("app", "endpoint"):
                acknowledge(
                    worker,
                    f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sns:{stack.region}:{stack.account}:{resource}/*]",
                    "SNS platform applications are created by the operator and named in the push secret, and one "
                    "endpoint is created per device at send time, so neither ARN is known at deploy time.",
                )
        counter = platform.functions[RECEIVED_COUNTER.name]
        platform.analytics.grant_query(counter, [NOTIFICATION_RECEIVED])
