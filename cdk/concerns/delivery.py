"""DeliveryConstruct: the permissions and wiring of the delivery functions beyond their catalog grants.

Every function named in `shared.catalog.delivery.CHANNEL_SENDERS` runs the channels; beyond its catalog grants (which
include `CHANNEL_GRANTS`: the inbox and distribution-stats tables) it gets: Secrets Manager `GetSecretValue` on
secrets named `<sftpSecretPrefix>*` only;
`s3:PutObject` on the customer buckets listed in the `deliveryBuckets` context (comma-separated) and on the reports
bucket's `deliveries/` prefix (the S3 channel without a customer bucket); SNS mobile push
through the one grant every push sender has, the push workers included (`cdk.concerns.push.PushAccess`: the push
secret, endpoints of the `pushApnsArn` / `pushFcmArn` platform applications). Distribution metrics are EMF log lines
(no `cloudwatch:PutMetricData` needed); the dashboard gets their graphs. Reading the artifacts (S3 copy source, SFTP
stream, attachments) is the catalog grant `Grant("reports", "read")` of each sender's own entry.
"""

from __future__ import annotations

from aws_cdk import ArnFormat, Duration, Stack, aws_cloudwatch, aws_iam, aws_lambda
from constructs import Construct

from cdk.nag import acknowledge, imported_name, region_and_account
from cdk.platform import Platform
from shared.catalog.delivery import CHANNEL_SENDERS
from shared.catalog.platform import REPORTS_BUCKET
from shared.delivery.channels.s3 import PLATFORM_PREFIX

DEFAULT_SFTP_SECRET_PREFIX = "report-platform/sftp/"  # noqa: S105 - a name prefix, not a secret
METRICS_NAMESPACE = "ReportPlatform"


def grant_channel_permissions(
    function: aws_lambda.Function,
    sftp_secret_prefix: str = DEFAULT_SFTP_SECRET_PREFIX,
    delivery_buckets: tuple[str, ...] = (),
) -> None:
    """What the channels need beyond the function's catalog grants and the push grant (least privilege)."""
    stack = Stack.of(function)
    function.add_environment("SFTP_SECRET_PREFIX", sftp_secret_prefix)
    function.add_to_role_policy(
        aws_iam.PolicyStatement(
            sid="ReadSftpKeys",
            actions=["secretsmanager:GetSecretValue"],
            resources=[
                stack.format_arn(
                    service="secretsmanager",
                    resource="secret",
                    resource_name=f"{sftp_secret_prefix}*",
                    arn_format=ArnFormat.COLON_RESOURCE_NAME,
                )
            ],
        )
    )
    region, account = region_and_account(stack)
    acknowledge(
        function,
        f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:{region}:{account}:secret:"
        f"{sftp_secret_prefix}*]",
        "SFTP keys are read only under one configured name prefix; a secret's ARN ends in a random suffix.",
    )
    if delivery_buckets:
        function.add_to_role_policy(
            aws_iam.PolicyStatement(
                sid="CopyToCustomerBuckets",
                actions=["s3:PutObject"],
                resources=[f"arn:{stack.partition}:s3:::{bucket}/*" for bucket in delivery_buckets],
            )
        )
        for bucket in delivery_buckets:
            acknowledge(
                function,
                f"AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::{bucket}/*]",
                "The S3 channel writes reports under any key of a customer bucket listed in deliveryBuckets.",
            )


def delivery_widgets() -> list[aws_cloudwatch.IWidget]:
    """Deliveries per channel (delivered, failed) and delivery time, from the EMF metrics of `shared.delivery.stats`."""

    def search(metric: str, statistic: str) -> aws_cloudwatch.MathExpression:
        return aws_cloudwatch.MathExpression(
            expression=(
                f"SEARCH('{{{METRICS_NAMESPACE},channel,report_type,service}} MetricName=\"{metric}\"', "
                f"'{statistic}', 300)"
            ),
            label=metric,
            period=Duration.minutes(5),
        )

    return [
        aws_cloudwatch.GraphWidget(
            title="Deliveries by channel and report type",
            left=[search("DeliveriesDelivered", "Sum"), search("DeliveriesFailed", "Sum")],
            width=12,
        ),
        aws_cloudwatch.GraphWidget(title="Delivery time (ms, p99)", left=[search("DeliveryTime", "p99")], width=12),
    ]


class DeliveryConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, platform: Platform) -> None:
        super().__init__(scope, construct_id)
        self.platform = platform
        prefix = str(self.node.try_get_context("sftpSecretPrefix") or DEFAULT_SFTP_SECRET_PREFIX)
        buckets = tuple(b.strip() for b in str(self.node.try_get_context("deliveryBuckets") or "").split(",") if b)
        reports = platform.storage.buckets[REPORTS_BUCKET.id]
        for name in CHANNEL_SENDERS:
            grant_channel_permissions(platform.functions[name], prefix, buckets)
            platform.push.grant(platform.functions[name])
            reports.grant_put(platform.functions[name], f"{PLATFORM_PREFIX}/*")
            acknowledge(
                platform.functions[name],
                f"AwsSolutions-IAM5[Resource::{imported_name(reports)}/{PLATFORM_PREFIX}/*]",
                "The S3 channel without a customer bucket copies reports under the tenant's deliveries/ prefix.",
            )
        platform.monitoring.dashboard.add_widgets(*delivery_widgets())
