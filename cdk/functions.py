"""FunctionsConstruct: one Lambda function per catalog entry, one role each, granted exactly what the entry uses."""

from __future__ import annotations

from aws_cdk import Duration, Fn, RemovalPolicy, aws_lambda, aws_logs, aws_secretsmanager
from constructs import Construct

from cdk import bundling
from cdk.config import DeployConfig
from cdk.directory import DirectoryConstruct
from cdk.nag import acknowledge, acknowledge_grant_actions, imported_name
from cdk.storage import StorageConstruct
from shared import catalog

RUNTIME = aws_lambda.Runtime.PYTHON_3_12


class FunctionsConstruct(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        storage: StorageConstruct,
        config: DeployConfig,
        directory: DirectoryConstruct | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.storage = storage
        self.directory = directory
        self.config = config
        self.code = bundling.code_asset()
        self.dependencies = aws_lambda.LayerVersion(
            self,
            "Dependencies",
            code=bundling.dependencies_asset(),
            compatible_runtimes=[RUNTIME],
            description="Third-party runtime dependencies (layers/dependencies/requirements.txt)",
        )
        self.common_environment = {
            "STAGE": config.stage,
            "POWERTOOLS_SERVICE_NAME": "report-platform",
            "POWERTOOLS_METRICS_NAMESPACE": "ReportPlatform",
            "POWERTOOLS_LOG_LEVEL": "INFO",
            "SENDER_EMAIL": config.sender_email,
            "PLATFORM_BUCKETS": Fn.join(",", [b.bucket_name for b in (*storage.buckets.values(), storage.access_logs)]),
        }
        self.cursor_key = aws_secretsmanager.Secret(
            self,
            "CursorKey",
            description="CURSOR_KEY of the API functions: its SHA-256 seals paging cursors (AES-GCM)",
            generate_secret_string=aws_secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
        )
        acknowledge(
            self.cursor_key,
            "AwsSolutions-SMG4",
            "Rotating the cursor key only ends the paging cursors given out before; it is replaced by a redeploy.",
        )
        self.functions: dict[str, aws_lambda.Function] = {}
        for spec in catalog.FUNCTIONS:
            if spec.kind != "user-pool-trigger":  # built beside its user pool (cdk/directory.py)
                self.functions[spec.name] = self._function(spec)

    def _function(self, spec: catalog.Function) -> aws_lambda.Function:
        log_group = aws_logs.LogGroup(
            self,
            f"Logs-{spec.name}",
            log_group_name=f"/aws/lambda/{self.config.name(spec.name)}",
            retention=aws_logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        function = aws_lambda.Function(
            self,
            f"Fn-{spec.name}",
            function_name=self.config.name(spec.name),
            description=spec.description,
            runtime=RUNTIME,
            architecture=aws_lambda.Architecture.X86_64,
            handler=spec.handler,
            code=self.code,
            layers=[self.dependencies],
            memory_size=spec.memory_mb,
            timeout=Duration.seconds(spec.timeout_s),
            tracing=aws_lambda.Tracing.ACTIVE,
            log_group=log_group,
            logging_format=aws_lambda.LoggingFormat.JSON,
            environment={
                **self.common_environment,
                "CATALOG_FUNCTION": spec.name,
                **self._api_environment(spec),
                **spec.environment,
            },
        )
        for grant in spec.grants:
            self._grant(function, grant)
        if spec.grants:
            acknowledge_grant_actions(function)
        return function

    def _api_environment(self, spec: catalog.Function) -> dict[str, str]:
        """What every API function reads beyond its grants: the cursor key (resolved by CloudFormation at deploy)."""
        if spec.kind != "api":
            return {}
        return {"CURSOR_KEY": self.cursor_key.secret_value.unsafe_unwrap()}

    def _grant(self, function: aws_lambda.Function, grant: catalog.Grant) -> None:
        """Turn a catalog grant into the L2 `grant_*` call and the env var that names the resource."""
        storage = self.storage
        if grant.resource.endswith("-dlq") and grant.resource[: -len("-dlq")] in storage.dlqs:
            queue_spec = catalog.resource_by_id(grant.resource[: -len("-dlq")])
            assert isinstance(queue_spec, catalog.Queue)
            assert queue_spec.dlq_env_var
            dlq = storage.dlqs[queue_spec.id]
            function.add_environment(queue_spec.dlq_env_var, dlq.queue_url)
            {"send": dlq.grant_send_messages, "consume": dlq.grant_consume_messages}[grant.access](function)
            return
        spec = catalog.resource_by_id(grant.resource)
        if isinstance(spec, catalog.UserDirectory):
            if self.directory is not None:  # an outside issuer: no directory, recipients come from tokens only
                function.add_environment(spec.env_var, self.directory.user_pool.user_pool_id)
                self.directory.grant_read(function)
            return
        if isinstance(spec, catalog.WebSocketApi):
            return  # granted with its stage's connections endpoint by StreamConstruct
        if isinstance(spec, catalog.Table):
            table = storage.tables[spec.id]
            function.add_environment(spec.env_var, table.table_name)
            if spec.indexes:
                acknowledge(
                    function,
                    f"AwsSolutions-IAM5[Resource::{imported_name(table)}/index/*]",
                    f"grant_*_data covers the indexes of table {spec.id} (index/*), and only that table's.",
                )
            {"read": table.grant_read_data, "write": table.grant_write_data, "read_write": table.grant_read_write_data}[
                grant.access
            ](function)
        elif isinstance(spec, catalog.EncryptionKey):
            key = storage.keys[spec.id]
            function.add_environment(spec.env_var, key.key_arn)
            {"encrypt": key.grant_encrypt, "decrypt": key.grant_decrypt, "encrypt_decrypt": key.grant_encrypt_decrypt}[
                grant.access
            ](function)
        elif isinstance(spec, catalog.Bucket):
            bucket = storage.buckets[spec.id]
            function.add_environment(spec.env_var, bucket.bucket_name)
            acknowledge(
                function,
                f"AwsSolutions-IAM5[Resource::{imported_name(bucket)}/*]",
                f"The function reads or writes objects whose keys are made at run time, in bucket {spec.id} only.",
            )
            {"read": bucket.grant_read, "write": bucket.grant_put, "read_write": bucket.grant_read_write}[grant.access](
                function
            )
        else:
            queue = storage.queues[spec.id]
            function.add_environment(spec.env_var, queue.queue_url)
            {"send": queue.grant_send_messages, "consume": queue.grant_consume_messages}[grant.access](function)
