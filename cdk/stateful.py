"""The stateful stack: data that must survive every change of code (tables, buckets, queues, keys, the user pool)."""

from __future__ import annotations

from aws_cdk import Stack
from constructs import Construct

from cdk.analytics import AnalyticsConstruct
from cdk.config import DeployConfig
from cdk.directory import DirectoryConstruct
from cdk.nag import acknowledge
from cdk.storage import StorageConstruct
from shared import catalog


class StatefulStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, config: DeployConfig, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.config = config
        self.storage = StorageConstruct(self, "Storage", config)
        self.analytics = AnalyticsConstruct(self, "Analytics", self.storage, config.stage)
        self.directory = DirectoryConstruct(self, "Directory", config) if config.uses_own_user_pool else None
        for dlq in self.storage.dlqs.values():
            acknowledge(dlq, "AwsSolutions-SQS3", "This queue is a dead-letter queue; it needs none of its own.")
        for spec in catalog.QUEUES:
            if not spec.dlq_env_var:
                acknowledge(
                    self.storage.queues[spec.id],
                    "AwsSolutions-SQS3",
                    "This queue is itself a dead-letter queue (failed runs, undeliverable schedule firings).",
                )
