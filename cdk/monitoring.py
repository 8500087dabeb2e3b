"""MonitoringConstruct: an alarm on every DLQ and every function's errors, to one encrypted topic, and a dashboard."""

from __future__ import annotations

from aws_cdk import (
    Duration,
    aws_cloudwatch,
    aws_cloudwatch_actions,
    aws_iam,
    aws_lambda,
    aws_sns,
    aws_sns_subscriptions,
)
from constructs import Construct

from cdk.config import DeployConfig
from cdk.storage import StorageConstruct


class MonitoringConstruct(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        functions: dict[str, aws_lambda.Function],
        storage: StorageConstruct,
        config: DeployConfig,
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = aws_sns.Topic(self, "Alarms", master_key=storage.key, enforce_ssl=True)
        self.topic.add_to_resource_policy(
            aws_iam.PolicyStatement(
                actions=["sns:Publish"],
                principals=[aws_iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                resources=[self.topic.topic_arn],
            )
        )
        storage.key.grant_encrypt_decrypt(aws_iam.ServicePrincipal("cloudwatch.amazonaws.com"))
        if config.alarm_email:
            self.topic.add_subscription(aws_sns_subscriptions.EmailSubscription(config.alarm_email))
        self.alarms: dict[str, aws_cloudwatch.Alarm] = {}
        for queue_id, dlq in storage.dlqs.items():
            self.alarm_on(
                f"dlq-{queue_id}",
                dlq.metric_approximate_number_of_messages_visible(period=Duration.minutes(1)),
                f"Messages are waiting in the dead-letter queue of {queue_id}",
            )
        for name, function in functions.items():
            self.alarm_on(
                f"errors-{name}", function.metric_errors(period=Duration.minutes(5)), f"{name} reported errors"
            )
        self.dashboard = aws_cloudwatch.Dashboard(self, "Dashboard")
        self.dashboard.add_widgets(
            aws_cloudwatch.GraphWidget(
                title="Function errors", left=[f.metric_errors() for f in functions.values()], width=12
            ),
            aws_cloudwatch.GraphWidget(
                title="Dead-letter queue depth",
                left=[q.metric_approximate_number_of_messages_visible() for q in storage.dlqs.values()],
                width=12,
            ),
        )

    def alarm_on(self, name: str, metric: aws_cloudwatch.Metric, description: str) -> aws_cloudwatch.Alarm:
        """An alarm that fires when `metric` goes above zero, sent to the alarm topic (used by concern constructs)."""
        alarm = metric.create_alarm(
            self,
            f"Alarm-{name}",
            alarm_description=description,
            threshold=0,
            comparison_operator=aws_cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=aws_cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(aws_cloudwatch_actions.SnsAction(self.topic))
        self.alarms[name] = alarm
        return alarm
