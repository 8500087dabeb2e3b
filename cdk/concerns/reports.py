"""ReportsConstruct: the permissions and wiring of the reports functions beyond their catalog grants.

The report builder queries the analytics lake tables through Athena: it may run queries in the platform's workgroup
and read the Glue definitions of exactly the catalogued lake tables (the Glue tables themselves are created by the
analytics construct from `shared.catalog.LAKE_TABLES`)."""

from __future__ import annotations

from aws_cdk import ArnFormat, Stack, aws_iam, aws_lambda
from constructs import Construct

from cdk.nag import acknowledge
from cdk.platform import Platform
from shared.catalog.pipeline import PIPELINE_FETCH
from shared.catalog.reports import LAKE_TABLES, REPORTS_API
from shared.settings import Settings

_DEFAULTS = Settings()


class ReportsConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, platform: Platform) -> None:
        super().__init__(scope, construct_id)
        self.platform = platform
        stack = Stack.of(self)
        for name in (REPORTS_API.name, PIPELINE_FETCH.name):
            self._query_access(platform.functions[name], stack)

    def _query_access(self, function: aws_lambda.Function, stack: Stack) -> None:
        """Athena over the lake for the builder's API and the pipeline's Fetch step (the `report` source)."""
        database, workgroup = _DEFAULTS.glue_database, _DEFAULTS.athena_workgroup
        function.add_environment("QUERY_ENGINE", "athena")
        function.add_environment("GLUE_DATABASE", database)
        function.add_environment("ATHENA_WORKGROUP", workgroup)
        function.add_to_role_policy(
            aws_iam.PolicyStatement(
                actions=[
                    "athena:StartQueryExecution",
                    "athena:GetQueryExecution",
                    "athena:GetQueryResults",
                    "athena:StopQueryExecution",
                ],
                resources=[stack.format_arn(service="athena", resource="workgroup", resource_name=workgroup)],
            )
        )
        glue = [
            stack.format_arn(service="glue", resource="catalog"),
            stack.format_arn(service="glue", resource="database", resource_name=database),
            *(
                stack.format_arn(
                    service="glue",
                    resource="table",
                    resource_name=f"{database}/{table.name}",
                    arn_format=ArnFormat.SLASH_RESOURCE_NAME,
                )
                for table in LAKE_TABLES
            ),
        ]
        function.add_to_role_policy(
            aws_iam.PolicyStatement(actions=["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"], resources=glue)
        )
        reason = (
            "The catalog grants use L2 grant_read (data-lake) and grant_read_write (athena-results): the wildcards are "
            "the s3/kms action families grant_* emits and object keys inside exactly those two buckets."
        )
        for finding in (
            "Action::kms:GenerateDataKey*",
            "Action::kms:ReEncrypt*",
            "Action::s3:Abort*",
            "Action::s3:DeleteObject*",
            "Action::s3:GetBucket*",
            "Action::s3:GetObject*",
            "Action::s3:List*",
            "Resource::ReportPlatformStateful:ExportsOutputFnGetAttStorageBucketathenaresultsADECE691Arn4E4E4FB0/*",
            "Resource::ReportPlatformStateful:ExportsOutputFnGetAttStorageBucketdatalake46211ACEArnF9A45F20/*",
        ):
            acknowledge(function, f"AwsSolutions-IAM5[{finding}]", reason)
