"""StorageConstruct: every catalogued table, bucket and queue, encrypted with one customer-managed key; and the
catalogued keys that seal fields inside items."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, aws_dynamodb, aws_iam, aws_kms, aws_s3, aws_sqs
from constructs import Construct

from cdk.config import DeployConfig
from shared import catalog

NONCURRENT_VERSION_DAYS = 30
"""An overwritten or deleted object (a report, a lake file) can be restored for this long."""
_ATTR = {"S": aws_dynamodb.AttributeType.STRING, "N": aws_dynamodb.AttributeType.NUMBER}


def _attribute(key: catalog.Key) -> aws_dynamodb.Attribute:
    return aws_dynamodb.Attribute(name=key.name, type=_ATTR[key.type])


class StorageConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, config: DeployConfig) -> None:
        super().__init__(scope, construct_id)
        self.config = config
        self.vended_logs_prefix = f"/aws/vendedlogs/states/{config.name('')}"
        """Log groups under this prefix may be encrypted with the data key (the state machine's: execution data)."""
        self.key = aws_kms.Key(
            self,
            "DataKey",
            enable_key_rotation=True,
            description="Encrypts the report platform's data at rest",
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.access_logs = aws_s3.Bucket(
            self,
            "AccessLogs",
            encryption=aws_s3.BucketEncryption.S3_MANAGED,
            block_public_access=aws_s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=aws_s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            bucket_name=config.bucket_name("access-logs"),
            versioned=True,
            lifecycle_rules=[
                aws_s3.LifecycleRule(
                    expiration=Duration.days(90),
                    noncurrent_version_expiration=Duration.days(NONCURRENT_VERSION_DAYS),
                )
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.key.add_to_resource_policy(
            aws_iam.PolicyStatement(
                sid="VendedLogsOfThisStage",
                principals=[aws_iam.ServicePrincipal(f"logs.{config.region}.amazonaws.com")],
                actions=["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                resources=["*"],
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": (
                            f"arn:aws:logs:{config.region}:{config.account}:log-group:{self.vended_logs_prefix}*"
                        )
                    }
                },
            )
        )
        self.keys = {
            k.id: aws_kms.Key(
                self,
                f"Key-{k.id}",
                enable_key_rotation=True,
                description=k.description,
                removal_policy=RemovalPolicy.RETAIN,
            )
            for k in catalog.KEYS
        }
        self.tables = {t.id: self._table(t) for t in catalog.TABLES}
        self.buckets = {b.id: self._bucket(b) for b in catalog.BUCKETS}
        self.queues: dict[str, aws_sqs.Queue] = {}
        self.dlqs: dict[str, aws_sqs.Queue] = {}
        for queue in catalog.QUEUES:
            self._queue(queue)

    def _table(self, spec: catalog.Table) -> aws_dynamodb.Table:
        table = aws_dynamodb.Table(
            self,
            f"Table-{spec.id}",
            table_name=self.config.name(spec.id),
            partition_key=_attribute(spec.partition_key),
            sort_key=_attribute(spec.sort_key) if spec.sort_key else None,
            billing_mode=aws_dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=aws_dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=aws_dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.key,
            time_to_live_attribute=spec.ttl_attribute,
            stream=aws_dynamodb.StreamViewType.NEW_AND_OLD_IMAGES if spec.stream else None,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for index in spec.indexes:
            table.add_global_secondary_index(
                index_name=index.name,
                partition_key=_attribute(index.partition_key),
                sort_key=_attribute(index.sort_key) if index.sort_key else None,
                projection_type=aws_dynamodb.ProjectionType.ALL,
            )
        return table

    def _bucket(self, spec: catalog.Bucket) -> aws_s3.Bucket:
        return aws_s3.Bucket(
            self,
            f"Bucket-{spec.id}",
            bucket_name=self.config.bucket_name(spec.id),
            versioned=True,
            encryption=aws_s3.BucketEncryption.KMS,
            encryption_key=self.key,
            bucket_key_enabled=True,
            block_public_access=aws_s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix=f"{spec.id}/",
            lifecycle_rules=[
                *(
                    aws_s3.LifecycleRule(
                        id=f"expire-{expiry.prefix.strip('/') or 'all'}",
                        prefix=expiry.prefix or None,
                        expiration=Duration.days(expiry.days),
                    )
                    for expiry in spec.expiries
                ),
                aws_s3.LifecycleRule(
                    id="expire-noncurrent-versions",
                    noncurrent_version_expiration=Duration.days(NONCURRENT_VERSION_DAYS),
                    expired_object_delete_marker=True,
                ),
            ],
            cors=[
                aws_s3.CorsRule(
                    allowed_methods=[aws_s3.HttpMethods.GET, aws_s3.HttpMethods.HEAD],
                    allowed_origins=["*"],
                    allowed_headers=["*"],
                    max_age=3000,
                )
            ]
            if spec.browser_downloads
            else None,
            removal_policy=RemovalPolicy.RETAIN,
        )

    def _queue(self, spec: catalog.Queue) -> None:
        dead_letter: aws_sqs.DeadLetterQueue | None = None
        if spec.dlq_env_var:
            dlq = aws_sqs.Queue(
                self,
                f"Queue-{spec.id}-dlq",
                queue_name=self.config.name(f"{spec.id}-dlq"),
                removal_policy=RemovalPolicy.RETAIN,
                encryption=aws_sqs.QueueEncryption.KMS,
                encryption_master_key=self.key,
                enforce_ssl=True,
                retention_period=Duration.days(14),
            )
            self.dlqs[spec.id] = dlq
            dead_letter = aws_sqs.DeadLetterQueue(queue=dlq, max_receive_count=spec.max_receive_count)
        self.queues[spec.id] = aws_sqs.Queue(
            self,
            f"Queue-{spec.id}",
            queue_name=self.config.name(spec.id),
            removal_policy=RemovalPolicy.RETAIN,
            encryption=aws_sqs.QueueEncryption.KMS,
            encryption_master_key=self.key,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(spec.visibility_timeout_s),
            dead_letter_queue=dead_letter,
            retention_period=Duration.days(4),
        )
