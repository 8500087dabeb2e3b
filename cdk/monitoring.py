"""MonitoringConstruct: alarms and the operations dashboard, built with cdk-monitoring-constructs, to one encrypted
topic: every function's errors and throttles, every dead-letter queue, the HTTP API's 5xx and latency, the report
pipeline's failed executions and the reconciliation job's mismatches."""

from __future__ import annotations

from aws_cdk import (
    Duration,
    aws_apigatewayv2,
    aws_cloudwatch,
    aws_cloudwatch_actions,
    aws_iam,
    aws_lambda,
    aws_sns,
    aws_sns_subscriptions,
    aws_sqs,
    aws_stepfunctions,
)
from cdk_monitoring_constructs import (
    AlarmFactoryDefaults,
    CustomMetricGroup,
    CustomMetricWithAlarm,
    CustomThreshold,
    DefaultDashboardFactory,
    ErrorCountThreshold,
    LatencyThreshold,
    MaxMessageCountThreshold,
    MonitoringFacade,
    SnsAlarmActionStrategy,
)
from constructs import Construct

from cdk.config import DeployConfig
from cdk.storage import StorageConstruct
from shared.pipeline.reconciliation import PAIRS, mismatch_metrics

METRICS_NAMESPACE = "ReportPlatform"
SERVICE_NAME = "report-platform"
"""`POWERTOOLS_METRICS_NAMESPACE` and `POWERTOOLS_SERVICE_NAME` of every function (cdk/functions.py): powertools
Metrics publish under that namespace with a `service` dimension."""
API_LATENCY_P90 = Duration.seconds(3)
"""The HTTP API's p90 latency that raises an alarm (a report export or a subscription write is well under it)."""
ALARM = "Critical"
"""The one disambiguator of this platform's alarms: every one goes to the alarm topic."""


def _above_zero() -> ErrorCountThreshold:
    return ErrorCountThreshold(max_error_count=0)


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
        dashboards = DefaultDashboardFactory(
            self,
            "Dashboards",
            dashboard_name_prefix=config.name("operations"),
            create_dashboard=True,
            create_summary_dashboard=False,
            create_alarm_dashboard=False,
        )
        assert dashboards.dashboard is not None
        self.dashboard: aws_cloudwatch.Dashboard = dashboards.dashboard
        self.facade = MonitoringFacade(
            self,
            "Facade",
            alarm_factory_defaults=AlarmFactoryDefaults(
                actions_enabled=True,
                alarm_name_prefix=config.name("alarm"),
                action=SnsAlarmActionStrategy(on_alarm_topic=self.topic),
                evaluation_periods=1,
                datapoints_to_alarm=1,
            ),
            dashboard_factory=dashboards,
        )
        for queue_id, dlq in storage.dlqs.items():
            self.monitor_dead_letter_queue(f"dlq-{queue_id}", dlq)
        for name, function in functions.items():
            self.facade.monitor_lambda_function(
                lambda_function=function,
                alarm_friendly_name=name,
                human_readable_name=name,
                add_fault_count_alarm={ALARM: _above_zero()},
                add_throttles_count_alarm={ALARM: _above_zero()},
            )

    def monitor_dead_letter_queue(self, name: str, queue: aws_sqs.IQueue) -> None:
        """An alarm as soon as one message waits in a dead-letter queue (used by concern constructs too)."""
        self.facade.monitor_sqs_queue(
            queue=queue,
            alarm_friendly_name=name,
            human_readable_name=f"Dead letters: {name}",
            add_queue_max_size_alarm={ALARM: MaxMessageCountThreshold(max_message_count=0)},
        )

    def monitor_api(self, api: aws_apigatewayv2.IHttpApi, stage: str) -> None:
        """The HTTP API: an alarm on any 5xx and on a p90 latency above `API_LATENCY_P90`."""
        self.facade.monitor_api_gateway_v2_http_api(
            api=api,
            api_stage=stage,
            alarm_friendly_name="http-api",
            human_readable_name="HTTP API",
            add5xx_count_alarm={ALARM: _above_zero()},
            add_latency_p90_alarm={ALARM: LatencyThreshold(max_latency=API_LATENCY_P90)},
        )

    def monitor_state_machine(self, state_machine: aws_stepfunctions.IStateMachine, name: str) -> None:
        """A state machine: an alarm on any failed, timed-out or aborted execution and any throttled one."""
        self.facade.monitor_step_function(
            state_machine=state_machine,
            alarm_friendly_name=name,
            human_readable_name=name,
            add_failed_execution_count_alarm={ALARM: _above_zero()},
            add_timed_out_execution_count_alarm={ALARM: _above_zero()},
            add_aborted_execution_count_alarm={ALARM: _above_zero()},
        )

    def monitor_reconciliation(self) -> None:
        """The reconciliation job's mismatch counts (`shared.pipeline.reconciliation.mismatch_metrics`): an alarm
        when S3 and the metadata describing it disagree for any pair."""
        counts = {
            f"m{number}": aws_cloudwatch.Metric(
                namespace=METRICS_NAMESPACE,
                metric_name=metric,
                dimensions_map={"service": SERVICE_NAME},
                statistic="Sum",
                period=Duration.hours(1),
            )
            for number, metric in enumerate(m for pair in PAIRS for m in mismatch_metrics(pair))
        }
        mismatches = aws_cloudwatch.MathExpression(
            expression=" + ".join(counts),
            using_metrics=counts,
            label="Reconciliation mismatches",
            period=Duration.hours(1),
        )
        self.facade.monitor_custom(
            alarm_friendly_name="reconciliation",
            human_readable_name="S3 and metadata reconciliation",
            metric_groups=[
                CustomMetricGroup(
                    title="Objects without metadata and metadata without objects",
                    metrics=[
                        CustomMetricWithAlarm(
                            metric=mismatches,
                            alarm_friendly_name="reconciliation-mismatch",
                            add_alarm={
                                ALARM: CustomThreshold(
                                    threshold=0,
                                    comparison_operator=aws_cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                                    treat_missing_data_override=aws_cloudwatch.TreatMissingData.NOT_BREACHING,
                                    alarm_description_override=(
                                        "The daily reconciliation found S3 objects without metadata or metadata "
                                        "without objects (the job's log has the sample keys)"
                                    ),
                                )
                            },
                        )
                    ],
                )
            ],
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
