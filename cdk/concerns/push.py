"""Mobile push access, one for every function that sends push (the push workers and the channel senders).

The push secret (`report-platform/push`, context `pushSecretName`) names the SNS platform application of each
platform; functions read it at run time. It is imported once here, and every push sender gets the same grant:
read the secret, `sns:CreatePlatformEndpoint` on the platform applications, `sns:Publish` on their device endpoints.
With context `pushApnsArn` / `pushFcmArn` the applications are known at deploy time and the grant is scoped to those
ARNs (and their `endpoint/<platform>/<name>/*`); without it they are created by the operator after the deploy, and
the grant covers the account's platform applications and endpoints in the region (acknowledged for cdk-nag).
"""

from __future__ import annotations

from aws_cdk import Stack, aws_iam, aws_lambda, aws_secretsmanager
from constructs import Construct

from cdk.nag import acknowledge, region_and_account

DEFAULT_PUSH_SECRET_NAME = "report-platform/push"  # noqa: S105 - the name of a secret, not its value


def endpoints_of(application_arn: str) -> str:
    """The device endpoints of one platform application: `...:app/GCM/name` → `...:endpoint/GCM/name/*`."""
    return application_arn.replace(":app/", ":endpoint/", 1) + "/*"


class PushAccess(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.secret_name = str(self.node.try_get_context("pushSecretName") or DEFAULT_PUSH_SECRET_NAME)
        self.secret = aws_secretsmanager.Secret.from_secret_name_v2(self, "PushSecret", self.secret_name)
        self.applications = tuple(
            str(arn) for arn in (self.node.try_get_context(k) for k in ("pushApnsArn", "pushFcmArn")) if arn
        )

    def grant(self, function: aws_lambda.Function) -> None:
        """What a function needs to send push: the secret's name and read, endpoint creation and publish."""
        function.add_environment("PUSH_SECRET_ID", self.secret_name)
        self.secret.grant_read(function)
        stack = Stack.of(function)
        if self.applications:
            applications = list(self.applications)
            endpoints = [endpoints_of(a) for a in applications]
            findings = endpoints
        else:
            applications = [stack.format_arn(service="sns", resource="app", resource_name="*")]
            endpoints = [stack.format_arn(service="sns", resource="endpoint", resource_name="*")]
            region, account = region_and_account(stack)
            findings = [f"arn:<AWS::Partition>:sns:{region}:{account}:{kind}/*" for kind in ("app", "endpoint")]
        function.add_to_role_policy(
            aws_iam.PolicyStatement(
                sid="CreatePushEndpoints", actions=["sns:CreatePlatformEndpoint"], resources=applications
            )
        )
        function.add_to_role_policy(
            aws_iam.PolicyStatement(sid="PublishPush", actions=["sns:Publish"], resources=endpoints)
        )
        for finding in findings:
            acknowledge(
                function,
                f"AwsSolutions-IAM5[Resource::{finding}]",
                "Push endpoints are created per device at send time, and without the pushApnsArn/pushFcmArn context "
                "the platform applications (created by the operator, named in the push secret) are not known at "
                "deploy time either.",
            )
