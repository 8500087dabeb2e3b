"""The stateless stack: code and wiring (API, functions, triggers, alarms), replaceable at will."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from constructs import Construct

from cdk.analytics import AnalyticsConstruct
from cdk.api import ApiConstruct
from cdk.concerns.delivery import DeliveryConstruct
from cdk.concerns.notifications import NotificationsConstruct
from cdk.concerns.pipeline import PipelineConstruct
from cdk.concerns.push import PushAccess
from cdk.concerns.reports import ReportsConstruct
from cdk.concerns.stream import StreamConstruct
from cdk.config import DeployConfig
from cdk.directory import DirectoryConstruct
from cdk.functions import FunctionsConstruct
from cdk.monitoring import MonitoringConstruct
from cdk.nag import acknowledge
from cdk.platform import Platform
from cdk.storage import StorageConstruct
from cdk.triggers import TriggersConstruct
from shared.catalog.platform import ASYNC_FAILURES


class StatelessStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        storage: StorageConstruct,
        config: DeployConfig,
        analytics: AnalyticsConstruct,
        directory: DirectoryConstruct | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.lambdas = FunctionsConstruct(self, "Functions", storage, config, directory)
        functions = self.lambdas.functions
        self.api = ApiConstruct(self, "Api", functions, config, directory)
        self.triggers = TriggersConstruct(self, "Triggers", functions, storage)
        self.monitoring = MonitoringConstruct(self, "Monitoring", functions, storage, config)
        self.monitoring.monitor_api(self.api.http_api, self.api.stage.stage_name)
        self.monitoring.monitor_reconciliation()
        platform = Platform(config, storage, functions, self.api, self.monitoring, analytics, PushAccess(self, "Push"))
        self.notifications = NotificationsConstruct(self, "Notifications", platform)
        self.pipeline = PipelineConstruct(self, "Pipeline", platform)
        self.reports = ReportsConstruct(self, "Reports", platform)
        self.delivery = DeliveryConstruct(self, "Delivery", platform)
        self.monitoring.alarm_on(
            "async-failures",
            storage.queues[ASYNC_FAILURES.id].metric_approximate_number_of_messages_visible(period=Duration.minutes(1)),
            "A cron or rule-invoked function failed after Lambda's retries: its event and error are in async-failures",
        )
        if directory is not None:
            self.monitoring.alarm_on(
                "errors-pre-token-generation",
                directory.trigger.metric_errors(period=Duration.minutes(5)),
                "The user pool's pre-token-generation trigger failed: sign-ins are refused",
            )
        self.stream = StreamConstruct(self, "Stream", platform, self.api.jwt_issuer, self.api.jwt_audience)
        self._acknowledge()

    def _acknowledge(self) -> None:
        acknowledge(
            self.lambdas,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
            "The AWS-managed basic execution role only lets a function write its own logs.",
        )
        acknowledge(
            self.lambdas,
            "AwsSolutions-IAM5[Resource::*]",
            "X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) has no resource-level permissions.",
        )
        acknowledge(
            self.lambdas,
            "AwsSolutions-L1",
            "Functions run python3.12 on purpose: the dependency layer is built for exactly that runtime.",
        )
        for route in self.api.public_routes:
            acknowledge(
                route,
                "AwsSolutions-APIG4",
                "Public by design, none returns data: the liveness checks (GET /health, GET /healthcheck), the "
                "dashboard page and its assets, the OpenAPI document and its Swagger UI (data routes keep their "
                "authorizer).",
            )
