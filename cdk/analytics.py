"""AnalyticsConstruct (stateful stack): the Glue database, one Glue table per catalogued lake table (JSON SerDe,
partition projection, so no `ALTER TABLE ADD PARTITION` is ever run) and the Athena workgroup (enforced result
location in the athena-results bucket, SSE-KMS, a bytes-scanned cutoff). Generic over `catalog.LAKE_TABLES`."""

from __future__ import annotations

from aws_cdk import Stack, aws_athena, aws_glue, aws_iam, aws_lambda
from constructs import Construct

from cdk.nag import acknowledge, acknowledge_grant_actions, imported_name
from cdk.storage import StorageConstruct
from shared import catalog
from shared.catalog.platform import ATHENA_RESULTS_BUCKET

BYTES_SCANNED_CUTOFF = 10 * 1024**3
"""A query that would scan more than 10 GiB is cancelled by Athena."""
RESULTS_PREFIX = "results/"
_GLUE_TYPES = {"varchar": "string"}


def glue_type(sql_type: str) -> str:
    """The Hive type Glue stores for a catalog column type (varchar is `string`; the rest are spelled alike)."""
    return _GLUE_TYPES.get(sql_type, sql_type)


def location_template(bucket_name: str, table: catalog.LakeTable) -> str:
    """Where partition projection finds a partition: `s3://bucket/prefix/date=${date}/hour=${hour}/`."""
    parts = "/".join(f"{p.name}=${{{p.name}}}" for p in table.partitions)
    return f"s3://{bucket_name}/{table.prefix.strip('/')}/" + (f"{parts}/" if parts else "")


def projection_parameters(table: catalog.LakeTable) -> dict[str, str]:
    params = {"projection.enabled": "true"} if table.projection else {}
    for column, settings in table.projection.items():
        for name, value in settings.items():
            params[f"projection.{column}.{name}"] = value
    return params


class AnalyticsConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, storage: StorageConstruct, stage: str) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.storage = storage
        self.database_name = f"rp_{stage}_report_platform"
        self.workgroup_name = f"rp-{stage}-report-platform"
        self.database = aws_glue.CfnDatabase(
            self,
            "Database",
            catalog_id=stack.account,
            database_input=aws_glue.CfnDatabase.DatabaseInputProperty(
                name=self.database_name, description="Lake tables of the report platform (catalog.LAKE_TABLES)"
            ),
        )
        self.tables: dict[str, aws_glue.CfnTable] = {}
        for table in catalog.LAKE_TABLES:
            self.tables[table.name] = self._table(table)
        results = storage.buckets[ATHENA_RESULTS_BUCKET.id]
        self.workgroup = aws_athena.CfnWorkGroup(
            self,
            "WorkGroup",
            name=self.workgroup_name,
            description="Queries of the report platform's functions",
            state="ENABLED",
            recursive_delete_option=True,
            work_group_configuration=aws_athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                enforce_work_group_configuration=True,
                bytes_scanned_cutoff_per_query=BYTES_SCANNED_CUTOFF,
                publish_cloud_watch_metrics_enabled=True,
                result_configuration=aws_athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=f"s3://{results.bucket_name}/{RESULTS_PREFIX}",
                    encryption_configuration=aws_athena.CfnWorkGroup.EncryptionConfigurationProperty(
                        encryption_option="SSE_KMS", kms_key=storage.key.key_arn
                    ),
                ),
            ),
        )

    def _table(self, table: catalog.LakeTable) -> aws_glue.CfnTable:
        bucket = self.storage.buckets[table.bucket].bucket_name
        glue_table = aws_glue.CfnTable(
            self,
            f"Table-{table.name}",
            catalog_id=Stack.of(self).account,
            database_name=self.database_name,
            table_input=aws_glue.CfnTable.TableInputProperty(
                name=table.name,
                table_type="EXTERNAL_TABLE",
                parameters={
                    "classification": "json",
                    "EXTERNAL": "TRUE",
                    **projection_parameters(table),
                    "storage.location.template": location_template(bucket, table),
                },
                partition_keys=[
                    aws_glue.CfnTable.ColumnProperty(name=p.name, type=glue_type(p.type)) for p in table.partitions
                ],
                storage_descriptor=aws_glue.CfnTable.StorageDescriptorProperty(
                    columns=[
                        aws_glue.CfnTable.ColumnProperty(name=c.name, type=glue_type(c.type)) for c in table.columns
                    ],
                    location=f"s3://{bucket}/{table.prefix.strip('/')}/",
                    input_format="org.apache.hadoop.mapred.TextInputFormat",
                    output_format="org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    serde_info=aws_glue.CfnTable.SerdeInfoProperty(
                        serialization_library="org.openx.data.jsonserde.JsonSerDe",
                        parameters={"ignore.malformed.json": "true", "case.insensitive": "true"},
                    ),
                ),
            ),
        )
        glue_table.add_dependency(self.database)
        return glue_table

    def grant_query(self, function: aws_lambda.Function, tables: list[catalog.LakeTable]) -> None:
        """Let `function` run Athena queries over `tables` in the workgroup, and nothing else of the lake."""
        stack = Stack.of(function)
        function.add_environment("GLUE_DATABASE", self.database_name)
        function.add_environment("ATHENA_WORKGROUP", self.workgroup_name)
        function.add_to_role_policy(
            aws_iam.PolicyStatement(
                actions=[
                    "athena:StartQueryExecution",
                    "athena:GetQueryExecution",
                    "athena:GetQueryResults",
                    "athena:StopQueryExecution",
                    "athena:GetWorkGroup",
                ],
                resources=[stack.format_arn(service="athena", resource="workgroup", resource_name=self.workgroup_name)],
            )
        )
        function.add_to_role_policy(
            aws_iam.PolicyStatement(
                actions=["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
                resources=[
                    stack.format_arn(service="glue", resource="catalog"),
                    stack.format_arn(service="glue", resource="database", resource_name=self.database_name),
                    *(
                        stack.format_arn(
                            service="glue", resource="table", resource_name=f"{self.database_name}/{t.name}"
                        )
                        for t in tables
                    ),
                ],
            )
        )
        for table in tables:
            bucket = self.storage.buckets[table.bucket]
            bucket.grant_read(function, f"{table.prefix.strip('/')}/*")
            acknowledge(
                function,
                f"AwsSolutions-IAM5[Resource::{imported_name(bucket)}/{table.prefix.strip('/')}/*]",
                f"Athena reads every object of lake table {table.name}, and only under its prefix.",
            )
        results = self.storage.buckets[ATHENA_RESULTS_BUCKET.id]
        results.grant_read_write(function, f"{RESULTS_PREFIX}*")
        acknowledge(
            function,
            f"AwsSolutions-IAM5[Resource::{imported_name(results)}/{RESULTS_PREFIX}*]",
            "Athena writes each query's result objects under results/ with names it makes at run time.",
        )
        acknowledge_grant_actions(function)
